// Keeps the alert engine's rules, open episodes and history in the workspace, feeds it what the core sees
// (job states, fleet crash loops, cluster reachability, certificates, GPU samples), and hands every alert that
// fires or resolves to `deliver` (events → toasts in the browser shell, desktop notifications in Electron).
import { AlertEvent, type AlertRule, type AlertRuleInput } from '../../../shared/alerts.js';
import type { Db } from '../../workspace/db.js';
import { parseJson } from '../../workspace/rows.js';
import { Settings } from '../../workspace/settings.js';
import { AlertEngine, type Observation } from './engine.js';

const RULES_KEY = 'monitor.alertRules';
const STATE_KEY = 'monitor.alertState';

interface Row {
  id: string;
  rule_id: string;
  kind: string;
  subject: string;
  title: string;
  message: string;
  severity: string;
  fired_at: string;
  resolved_at: string | null;
  link: string;
}

export class AlertKeeper {
  private readonly engine: AlertEngine;
  private readonly settings: Settings;

  constructor(
    private readonly db: Db,
    private readonly deliver: (e: AlertEvent) => void,
    now?: () => number,
  ) {
    this.settings = new Settings(db);
    const saved = this.settings.get(RULES_KEY);
    this.engine = new AlertEngine({ ...(saved ? { rules: parseJson<AlertRuleInput[]>(saved, []) } : {}), ...(now ? { now } : {}) });
    const state = this.settings.get(STATE_KEY);
    if (state) {
      try {
        this.record(this.engine.restore(JSON.parse(state)));
      } catch {
        // a snapshot from another version: start with no open episodes rather than not at all
      }
    }
  }

  observe(observations: readonly Observation[]): AlertEvent[] {
    const out: AlertEvent[] = [];
    for (const o of observations) out.push(...this.engine.observe(o));
    out.push(...this.engine.tick());
    this.record(out);
    return out;
  }

  rules(): AlertRule[] {
    return this.engine.rules();
  }

  setRules(rules: readonly AlertRuleInput[]): AlertRule[] {
    this.record(this.engine.setRules(rules));
    this.settings.set(RULES_KEY, JSON.stringify(this.engine.rules()));
    return this.engine.rules();
  }

  history(limit: number): AlertEvent[] {
    const rows = this.db.prepare('SELECT * FROM alert_events ORDER BY fired_at DESC, rowid DESC LIMIT ?').all(limit) as Row[];
    return rows.map((r) =>
      AlertEvent.parse({
        id: r.id,
        ruleId: r.rule_id,
        kind: r.kind,
        subject: r.subject,
        title: r.title,
        message: r.message,
        severity: r.severity,
        firedAt: r.fired_at,
        resolvedAt: r.resolved_at,
        link: JSON.parse(r.link),
      }),
    );
  }

  /** History rows (a firing inserts, a resolution updates the same id), the snapshot, then delivery. */
  private record(events: readonly AlertEvent[]): void {
    if (events.length === 0) return;
    const upsert = this.db.prepare(
      `INSERT INTO alert_events (id, rule_id, kind, subject, title, message, severity, fired_at, resolved_at, link) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET resolved_at = excluded.resolved_at, message = excluded.message`,
    );
    this.db.transaction(() => {
      for (const e of events) upsert.run(e.id, e.ruleId, e.kind, e.subject, e.title, e.message, e.severity, e.firedAt, e.resolvedAt, JSON.stringify(e.link));
      this.settings.set(STATE_KEY, JSON.stringify(this.engine.snapshot()));
    })();
    for (const e of events) this.deliver(e);
  }
}
