// The activity log: every action that touches a remote system, with when, where, the equivalent shell command
// and the outcome. Researchers use it to see exactly what SimDeck did on their cluster, and to redo it by hand.
import type { ActivityEntry } from '../../shared/domain.js';
import type { Db } from './db.js';
import { now } from './rows.js';

interface ActivityRow {
  id: number;
  at: string;
  target_id: string | null;
  project_id: string | null;
  action: string;
  command: string;
  outcome: ActivityEntry['outcome'];
  detail: string;
}

const toEntry = (r: ActivityRow): ActivityEntry => ({
  id: r.id,
  at: r.at,
  targetId: r.target_id,
  projectId: r.project_id,
  action: r.action,
  command: r.command,
  outcome: r.outcome,
  detail: r.detail,
});

export class Activity {
  constructor(private readonly db: Db) {}

  append(e: { action: string; command: string; targetId?: string | null; projectId?: string | null; outcome: ActivityEntry['outcome']; detail?: string }): ActivityEntry {
    const info = this.db
      .prepare('INSERT INTO activity (at, target_id, project_id, action, command, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(now(), e.targetId ?? null, e.projectId ?? null, e.action, e.command, e.outcome, e.detail ?? '');
    return this.get(Number(info.lastInsertRowid));
  }

  /** Completes a 'started' entry in place, so one action is one row. */
  finish(id: number, outcome: 'ok' | 'error', detail: string): ActivityEntry {
    this.db.prepare('UPDATE activity SET outcome = ?, detail = ? WHERE id = ?').run(outcome, detail, id);
    return this.get(id);
  }

  list(beforeId: number | undefined, limit: number): ActivityEntry[] {
    const rows = (
      beforeId === undefined
        ? this.db.prepare('SELECT * FROM activity ORDER BY id DESC LIMIT ?').all(limit)
        : this.db.prepare('SELECT * FROM activity WHERE id < ? ORDER BY id DESC LIMIT ?').all(beforeId, limit)
    ) as ActivityRow[];
    return rows.map(toEntry);
  }

  private get(id: number): ActivityEntry {
    return toEntry(this.db.prepare('SELECT * FROM activity WHERE id = ?').get(id) as ActivityRow);
  }
}
