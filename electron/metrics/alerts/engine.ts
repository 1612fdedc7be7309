// The Monitor's alert engine: turns observations (job states, window restarts and evictions, GPU samples, fleet
// crash-loop flags, certificates, target reachability) into alert events, once per episode. Pure and deterministic:
// no timers, no database, the clock is injected; the monitor feeds it and stores what it returns (history, toasts,
// desktop notifications) and its snapshot() (so a restart of SimDeck does not fire open alerts again).
//
// Semantics per rule kind (an episode is keyed by rule id + subject; `at` is the observation's time):
// - job-failed (edge): fires when a job ENTERS one of the rule's failure states (first sight counts), once per state
//   change; the same failed state seen again is the same episode. Resolves when the job leaves it (resubmitted,
//   requeued, …). `at` must be when the job entered the state (Job.updatedAt), not the poll time.
// - window-restarted / window-evicted (edge, folded): a restart or eviction is identified by its own time `at`
//   (e.g. the container's last termination), so the same event observed twice fires once. Further events of the same
//   window less than `quietMinutes` after the previous one belong to the open episode (no new alert). It resolves
//   once the window has been quiet for `quietMinutes` (checked by tick(), or by the next event).
// - gpu-idle / gpu-underused (duration): per GPU and rule, the start of the stretch of samples with
//   util < belowPercent (strictly below: exactly 40% is not under-used). It fires on a low sample once the stretch is
//   `minutes` long, and resolves on the first sample at or above the threshold. A null (nvidia-smi "[N/A]") sample is
//   unknown: it neither counts as low (it cannot fire) nor ends the stretch. A new owner (another job, window or
//   worker on the GPU) starts over: the previous owner's alert resolves. While an idle alert is open for a GPU, the
//   under-used rule does not fire for it (idle says more); if the GPU then wakes up but stays under the under-used
//   threshold, under-used fires then. GPUs are only evaluated on samples, never by tick(): no sample is unknown.
// - fleet-crashloop (level): fires when `looping` becomes true, resolves when it becomes false.
// - cert-expiry (level): fires when notAfter − now ≤ `days` (severity error if it has already expired by then; an
//   open warning is not fired again when the certificate then expires: same episode), resolves when a certificate with
//   more time left is observed. A different certificate (another notAfter) that is also near expiry is a new episode.
//   tick() re-evaluates the last known certificate against the clock.
// - cluster-unreachable (duration): fires once the target has been unreachable for `minutes` since the first failed
//   check (on a check or by tick()), resolves on the first successful check.
// Observations older than the newest one already seen for the same rule and subject are stale and ignored. Edge
// events (job failures, window events) older than `maxEventAgeMs` (default 24 h) when first seen are recorded
// without firing, so the first start of SimDeck does not report last month's failures.
// Durations are measured in observation time (`at`); firedAt / resolvedAt come from the injected clock.
import { z } from 'zod';
import { AlertEvent, AlertKind, AlertRules, DEFAULT_ALERT_RULES, alertSubject } from '../../../shared/alerts.js';
import type { AlertLink, AlertRule, AlertRuleInput, AlertRuleOf, AlertSeverity } from '../../../shared/alerts.js';
import type { JobState } from '../../../shared/domain.js';

/** ms since the epoch, an ISO-8601 string or a Date. */
export type Instant = number | string | Date;

export interface GpuOwner {
  kind: 'job' | 'window' | 'worker';
  /** Where the alert links: a job id, a campaign id (windows) or a fleet id (workers). */
  id: string;
  name: string;
}

export type Observation =
  | { type: 'job-state'; jobId: string; name: string; targetId: string | null; state: JobState; at: Instant }
  | {
      type: 'window';
      campaignId: string;
      replica: number;
      window: number;
      event: 'restarted' | 'evicted';
      /** When the restart or eviction happened (its identity), not when it was observed. */
      at: Instant;
      /** e.g. "exit code 137 (OOMKilled)" or the eviction message. */
      detail: string;
      /** The campaign's target, for rules scoped to a target. */
      targetId?: string;
      campaignName?: string;
    }
  | { type: 'gpu'; targetId: string; node: string; gpu: number; util: number | null; at: Instant; owner?: GpuOwner }
  | { type: 'fleet-crashloop'; fleetId: string; member: string; looping: boolean; at: Instant; targetId?: string; fleetName?: string }
  | { type: 'cert'; targetId: string; name: string; notAfter: Instant; at: Instant; area?: 'fah' | 'targets' }
  | { type: 'target-reachability'; targetId: string; name: string; reachable: boolean; at: Instant; error?: string };

export interface AlertEngineOptions {
  /** Default: DEFAULT_ALERT_RULES. */
  rules?: readonly AlertRuleInput[];
  /** Clock in ms (default Date.now); tests pass a fake one. */
  now?: () => number;
  /** Edge events (job failures, window events) older than this when first seen do not fire (default 24 h). */
  maxEventAgeMs?: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** One rule's memory of one subject: the open episode and what is needed to decide the next one. */
const Track = z.object({
  ruleId: z.string(),
  kind: AlertKind,
  subject: z.string(),
  /** The observation's target (for scoped rules); null when it has none. */
  targetId: z.string().nullable(),
  /** The newest observation time seen (ms); older observations are stale. Window kinds: the newest event handled. */
  lastAt: z.number().nullable(),
  /** Start of the low / unreachable stretch (ms), null when not in one; window kinds: the episode's first event. */
  since: z.number().nullable(),
  /** job-failed: the last job state; gpu: the owner ("kind:id", "" for none). */
  mark: z.string().nullable(),
  /** Names for messages built later (tick): target or campaign name, last error. */
  name: z.string().nullable(),
  detail: z.string().nullable(),
  area: z.enum(['fah', 'targets']).nullable(),
  /** cert-expiry: the certificate's notAfter (ms). */
  notAfter: z.number().nullable(),
  /** Episodes fired so far (part of the alert id). */
  episodes: z.number().int().min(0),
  alert: AlertEvent.nullable(),
});
type Track = z.infer<typeof Track>;

export const AlertEngineSnapshot = z.object({ version: z.literal(1), tracks: z.array(Track) });
export type AlertEngineSnapshot = z.infer<typeof AlertEngineSnapshot>;

function ms(t: Instant, what: string): number {
  const v = typeof t === 'number' ? t : t instanceof Date ? t.getTime() : Date.parse(t);
  if (!Number.isFinite(v)) throw new RangeError(`${what} is not a time: ${String(t)}`);
  return v;
}

const iso = (t: number) => new Date(t).toISOString();
const day = (t: number) => iso(t).slice(0, 10);
const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** "12 minutes", "2 hours 5 minutes" (rounded down to the minute). */
export function duration(msLong: number): string {
  const m = Math.max(0, Math.floor(msLong / MINUTE));
  if (m < 120) return plural(m, 'minute');
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? plural(h, 'hour') : `${plural(h, 'hour')} ${plural(m % 60, 'minute')}`;
}

/** A remote error on one short line, for a message. */
function oneLine(s: string | null | undefined, max = 200): string {
  const line = (s ?? '').split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

interface Content {
  title: string;
  message: string;
  severity: AlertSeverity;
  link: AlertLink;
}

const JOB_OUTCOME: Partial<Record<JobState, { what: string; todo: string }>> = {
  failed: { what: 'failed', todo: 'open it to read the end of its log, fix the cause and resubmit it' },
  timeout: { what: 'hit its time limit', todo: 'resubmit it with a longer time limit, or from its last checkpoint' },
  'out-of-memory': { what: 'ran out of memory', todo: 'resubmit it with more memory (--mem)' },
  'node-fail': { what: 'lost its node', todo: 'resubmit it, since the node failed and not your job' },
  preempted: { what: 'was preempted', todo: 'resubmit it, or submit with --requeue so SLURM requeues it for you' },
  cancelled: { what: 'was cancelled', todo: 'resubmit it if you did not cancel it' },
};

function jobContent(o: Extract<Observation, { type: 'job-state' }>): Content {
  const out = JOB_OUTCOME[o.state] ?? { what: `ended ${o.state}`, todo: 'open it to see why and resubmit it once fixed' };
  const where = o.targetId ? ` on ${o.targetId}` : '';
  return {
    title: `Job "${o.name}" ${out.what}`,
    message: `Job "${o.name}"${where} ${out.what}; ${out.todo}.`,
    severity: 'error',
    link: { area: 'jobs', id: o.jobId },
  };
}

function windowContent(o: Extract<Observation, { type: 'window' }>): Content {
  const w = `r${o.replica}/w${o.window}`;
  const campaign = o.campaignName ?? o.campaignId;
  const detail = oneLine(o.detail);
  const why = detail ? ` (${detail})` : '';
  const link: AlertLink = { area: 'umbrella', id: o.campaignId, sub: `${o.replica}/${o.window}` };
  if (o.event === 'restarted')
    return {
      title: `Window ${w} of ${campaign} restarted`,
      message: `Umbrella window ${w} of campaign "${campaign}" restarted${why}; check its log from before the restart and its progress, because a restarted window resumes from its last upload.`,
      severity: 'warning',
      link,
    };
  return {
    title: `Window ${w} of ${campaign} was evicted`,
    message: `Umbrella window ${w} of campaign "${campaign}" was evicted from its node${why}; check that it starts again, and if evictions repeat, raise its memory and disk requests to what it really uses.`,
    severity: 'warning',
    link,
  };
}

const OWNER_WORD = { job: 'job', window: 'umbrella window', worker: 'fleet worker' } as const;

function gpuContent(kind: 'gpu-idle' | 'gpu-underused', o: Extract<Observation, { type: 'gpu' }>, belowPercent: number, lowFor: number): Content {
  const gpu = `GPU ${o.gpu} on ${o.node} (${o.targetId})`;
  const user = o.owner ? `, used by ${OWNER_WORD[o.owner.kind]} "${o.owner.name}",` : '';
  const link: AlertLink = o.owner
    ? { area: o.owner.kind === 'job' ? 'jobs' : o.owner.kind === 'window' ? 'umbrella' : 'fleets', id: o.owner.id }
    : { area: 'targets', id: o.targetId, sub: `${o.node}/${o.gpu}` };
  const who = o.owner?.name ?? `${o.node} GPU ${o.gpu}`;
  const forHow = `has stayed below ${belowPercent}% utilisation for ${duration(lowFor)}`;
  if (kind === 'gpu-idle') {
    const check = o.owner
      ? `check that the ${OWNER_WORD[o.owner.kind]} really computes on the GPU (CUDA platform, CUDA_VISIBLE_DEVICES) or stop it so the GPU is released`
      : 'check what should be running there, or release the GPU';
    return { title: `GPU idle: ${who}`, message: `${gpu}${user} ${forHow}; ${check}.`, severity: 'warning', link };
  }
  return {
    title: `GPU under-used: ${who}`,
    message: `${gpu}${user} ${forHow}; give it more work per GPU (more windows or workers per GPU, larger batches) or request fewer GPUs, since shared clusters flag under-used GPUs.`,
    severity: 'info',
    link,
  };
}

function fleetContent(o: Extract<Observation, { type: 'fleet-crashloop' }>): Content {
  const fleet = o.fleetName ?? o.fleetId;
  return {
    title: `Worker ${o.member} of ${fleet} is crash-looping`,
    message: `Worker "${o.member}" of fleet "${fleet}" keeps restarting; open its log in Fleets to find the error, then fix the image, command or environment and redeploy.`,
    severity: 'error',
    link: { area: 'fleets', id: o.fleetId, sub: o.member },
  };
}

function certContent(t: Track, now: number): Content {
  const name = t.name ?? t.subject;
  const notAfter = t.notAfter ?? now;
  const area = t.area ?? 'targets';
  const where = area === 'fah' ? 'Folding@home → Certificate' : `Targets → ${name}`;
  const link: AlertLink = { area, id: t.targetId ?? '', sub: 'certificate' };
  const left = notAfter - now;
  if (left <= 0)
    return {
      title: `Certificate for ${name} expired`,
      message: `The certificate for ${name} expired on ${day(notAfter)}; renew it now (${where}), because the server refuses SimDeck's requests until you do.`,
      severity: 'error',
      link,
    };
  const days = Math.floor(left / DAY);
  const when = days < 1 ? 'within a day' : `in ${plural(days, 'day')}`;
  return {
    title: `Certificate for ${name} expires ${when}`,
    message: `The certificate for ${name} expires ${when}, on ${day(notAfter)}; renew it (${where}) before then so your work keeps running.`,
    severity: 'warning',
    link,
  };
}

function unreachableContent(t: Track, downFor: number): Content {
  const name = t.name ?? t.subject;
  const error = oneLine(t.detail);
  return {
    title: `${name} is unreachable`,
    message: `${name} has not answered for ${duration(downFor)}${error ? ` (${error})` : ''}; check your network or VPN, then the target's host and credentials in Targets (SimDeck keeps retrying).`,
    severity: 'error',
    link: { area: 'targets', id: t.targetId ?? '' },
  };
}

export class AlertEngine {
  private readonly now: () => number;
  private readonly maxEventAgeMs: number;
  private ruleList: AlertRule[] = [];
  private readonly byId = new Map<string, AlertRule>();
  private readonly tracks = new Map<string, Track>();

  constructor(opts: AlertEngineOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.maxEventAgeMs = opts.maxEventAgeMs ?? DAY;
    if (!(this.maxEventAgeMs >= 0)) throw new RangeError(`maxEventAgeMs must be >= 0, not ${this.maxEventAgeMs}`);
    this.setRules(opts.rules ?? DEFAULT_ALERT_RULES);
  }

  /** The rules in force (validated, defaults filled in). */
  rules(): AlertRule[] {
    return structuredClone(this.ruleList);
  }

  /**
   * Replaces the rules (validated; throws a ZodError on invalid ones). Open alerts of rules that are removed,
   * disabled, of another kind now, or scoped away from their target resolve and are returned. A disabled rule keeps
   * its memory of edge events (so enabling it again does not re-fire old failures) but forgets running stretches.
   */
  setRules(input: readonly AlertRuleInput[]): AlertEvent[] {
    const rules = AlertRules.parse(input);
    const old = new Map(this.byId);
    this.ruleList = rules;
    this.byId.clear();
    for (const r of rules) this.byId.set(r.id, r);
    const out: AlertEvent[] = [];
    for (const [key, t] of this.tracks) {
      const r = this.byId.get(t.ruleId);
      if (!r || r.kind !== t.kind || !this.inScope(r, t.targetId)) {
        if (t.alert) out.push(this.resolve(t));
        this.tracks.delete(key);
        continue;
      }
      if (!r.enabled) {
        if (t.alert) out.push(this.resolve(t));
        t.since = null;
        continue;
      }
      // A new GPU threshold makes the running stretch meaningless: it restarts with the next low sample.
      const was = old.get(r.id);
      if (
        !t.alert &&
        (r.kind === 'gpu-idle' || r.kind === 'gpu-underused') &&
        (was?.kind === 'gpu-idle' || was?.kind === 'gpu-underused') &&
        was.params.belowPercent !== r.params.belowPercent
      )
        t.since = null;
    }
    return out;
  }

  /** Feeds one observation; returns the alerts that fire (resolvedAt null) or resolve (resolvedAt set) because of it. */
  observe(o: Observation): AlertEvent[] {
    const at = ms(o.at, 'the observation time');
    const out: AlertEvent[] = [];
    switch (o.type) {
      case 'job-state':
        for (const r of this.matching('job-failed', o.targetId)) this.onJob(r, o, at, out);
        break;
      case 'window': {
        const kind = o.event === 'restarted' ? 'window-restarted' : 'window-evicted';
        for (const r of this.matching(kind, o.targetId ?? null)) this.onWindow(r, o, at, out);
        break;
      }
      case 'gpu':
        if (o.util !== null && !(Number.isFinite(o.util) && o.util >= 0 && o.util <= 100))
          throw new RangeError(`GPU utilisation is a percentage (0-100) or null, not ${o.util}`);
        for (const r of this.matching('gpu-idle', o.targetId)) this.onGpu(r, o, at, out);
        for (const r of this.matching('gpu-underused', o.targetId)) this.onGpu(r, o, at, out);
        break;
      case 'fleet-crashloop':
        for (const r of this.matching('fleet-crashloop', o.targetId ?? null)) this.onFleet(r, o, at, out);
        break;
      case 'cert':
        for (const r of this.matching('cert-expiry', o.targetId)) this.onCert(r, o, at, out);
        break;
      case 'target-reachability':
        for (const r of this.matching('cluster-unreachable', o.targetId)) this.onReachability(r, o, at, out);
        break;
    }
    return out;
  }

  /**
   * Re-evaluates what depends on time alone, as of the clock: window episodes that have been quiet long enough
   * resolve, certificates cross into their warning period or expire, and a target still unreachable since its last
   * failed check fires once the rule's minutes have passed. GPU rules wait for samples.
   */
  tick(): AlertEvent[] {
    const now = this.now();
    const out: AlertEvent[] = [];
    for (const t of this.tracks.values()) {
      const r = this.byId.get(t.ruleId);
      if (!r || !r.enabled) continue;
      switch (r.kind) {
        case 'window-restarted':
        case 'window-evicted':
          if (t.alert && t.lastAt !== null && now - t.lastAt >= r.params.quietMinutes * MINUTE) out.push(this.resolve(t));
          break;
        case 'cert-expiry':
          this.evaluateCert(r, t, now, out);
          break;
        case 'cluster-unreachable':
          if (!t.alert && t.since !== null && now - t.since >= r.params.minutes * MINUTE) out.push(this.fire(t, r, unreachableContent(t, now - t.since)));
          break;
        default:
          break;
      }
    }
    return out;
  }

  /** The alerts open now, oldest first. */
  open(): AlertEvent[] {
    return [...this.tracks.values()]
      .flatMap((t) => (t.alert ? [structuredClone(t.alert)] : []))
      .sort((a, b) => a.firedAt.localeCompare(b.firedAt) || a.id.localeCompare(b.id));
  }

  /** Drops everything known about a subject (job deleted, fleet removed, target deleted); its open alerts resolve. */
  forget(subject: string): AlertEvent[] {
    const out: AlertEvent[] = [];
    for (const [key, t] of this.tracks) {
      if (t.subject !== subject) continue;
      if (t.alert) out.push(this.resolve(t));
      this.tracks.delete(key);
    }
    return out;
  }

  /** Plain JSON: open episodes, running stretches and the edge events already handled. */
  snapshot(): AlertEngineSnapshot {
    return { version: 1, tracks: structuredClone([...this.tracks.values()]) };
  }

  /**
   * Replaces the engine's memory with a snapshot (validated; throws on a malformed one) and reconciles it with the
   * current rules: open alerts whose rule is gone or disabled resolve and are returned. Nothing re-fires.
   */
  restore(snapshot: unknown): AlertEvent[] {
    const s = AlertEngineSnapshot.parse(snapshot);
    this.tracks.clear();
    for (const t of s.tracks) this.tracks.set(key(t.ruleId, t.subject), t);
    return this.setRules(this.ruleList);
  }

  // ---- per kind ------------------------------------------------------------------------------------------------

  private onJob(r: AlertRuleOf<'job-failed'>, o: Extract<Observation, { type: 'job-state' }>, at: number, out: AlertEvent[]): void {
    const t = this.track(r, alertSubject.job(o.jobId), o.targetId);
    if (t.lastAt !== null && at < t.lastAt) return;
    t.lastAt = at;
    const was = t.mark;
    t.mark = o.state;
    const failing = r.params.states.includes(o.state);
    if (!failing) {
      if (t.alert) out.push(this.resolve(t));
      return;
    }
    if (was === o.state) return; // the same failure seen again (or recorded without firing)
    if (t.alert) out.push(this.resolve(t)); // failed → timeout without an observed step between: a new state change
    if (this.now() - at > this.maxEventAgeMs) return;
    out.push(this.fire(t, r, jobContent(o)));
  }

  private onWindow(
    r: AlertRuleOf<'window-restarted' | 'window-evicted'>,
    o: Extract<Observation, { type: 'window' }>,
    at: number,
    out: AlertEvent[],
  ): void {
    const t = this.track(r, alertSubject.window(o.campaignId, o.replica, o.window), o.targetId ?? null);
    if (t.lastAt !== null && at <= t.lastAt) return; // this event (or an older one) was handled
    const previous = t.lastAt;
    t.lastAt = at;
    t.name = o.campaignName ?? null;
    if (t.alert) {
      if (previous !== null && at - previous < r.params.quietMinutes * MINUTE) return; // same episode
      out.push(this.resolve(t));
    }
    if (this.now() - at > this.maxEventAgeMs) return;
    t.since = at;
    out.push(this.fire(t, r, windowContent(o)));
  }

  private onGpu(r: AlertRuleOf<'gpu-idle' | 'gpu-underused'>, o: Extract<Observation, { type: 'gpu' }>, at: number, out: AlertEvent[]): void {
    const subject = alertSubject.gpu(o.targetId, o.node, o.gpu);
    const t = this.track(r, subject, o.targetId);
    if (t.lastAt !== null && at < t.lastAt) return;
    t.lastAt = at;
    const owner = o.owner ? `${o.owner.kind}:${o.owner.id}` : '';
    if (t.mark !== owner) {
      // Another job, window or worker (or none) on this GPU: the previous owner's episode is over.
      if (t.mark !== null && t.alert) out.push(this.resolve(t));
      t.mark = owner;
      t.since = null;
    }
    if (r.params.ownedOnly && !o.owner) return;
    if (o.util === null) return; // unknown: neither low nor a reason to end the stretch
    if (!(o.util < r.params.belowPercent)) {
      t.since = null;
      if (t.alert) out.push(this.resolve(t));
      return;
    }
    t.since ??= at;
    if (t.alert || at - t.since < r.params.minutes * MINUTE) return;
    if (r.kind === 'gpu-underused' && this.idleOpen(subject)) return;
    out.push(this.fire(t, r, gpuContent(r.kind, o, r.params.belowPercent, at - t.since)));
  }

  private onFleet(r: AlertRuleOf<'fleet-crashloop'>, o: Extract<Observation, { type: 'fleet-crashloop' }>, at: number, out: AlertEvent[]): void {
    const t = this.track(r, alertSubject.fleet(o.fleetId, o.member), o.targetId ?? null);
    if (t.lastAt !== null && at < t.lastAt) return;
    t.lastAt = at;
    if (!o.looping) {
      if (t.alert) out.push(this.resolve(t));
    } else if (!t.alert) out.push(this.fire(t, r, fleetContent(o)));
  }

  private onCert(r: AlertRuleOf<'cert-expiry'>, o: Extract<Observation, { type: 'cert' }>, at: number, out: AlertEvent[]): void {
    const t = this.track(r, alertSubject.cert(o.targetId), o.targetId);
    if (t.lastAt !== null && at < t.lastAt) return;
    t.lastAt = at;
    const notAfter = ms(o.notAfter, 'the certificate notAfter');
    t.name = o.name;
    t.area = o.area ?? 'targets';
    if (t.notAfter !== notAfter) {
      // Another certificate: whatever was said about the previous one is over.
      if (t.alert) out.push(this.resolve(t));
      t.notAfter = notAfter;
    }
    this.evaluateCert(r, t, at, out);
  }

  private evaluateCert(r: AlertRuleOf<'cert-expiry'>, t: Track, now: number, out: AlertEvent[]): void {
    if (t.notAfter === null) return;
    const near = t.notAfter - now <= r.params.days * DAY;
    if (!near) {
      if (t.alert) out.push(this.resolve(t));
    } else if (!t.alert) out.push(this.fire(t, r, certContent(t, now)));
  }

  private onReachability(
    r: AlertRuleOf<'cluster-unreachable'>,
    o: Extract<Observation, { type: 'target-reachability' }>,
    at: number,
    out: AlertEvent[],
  ): void {
    const t = this.track(r, alertSubject.target(o.targetId), o.targetId);
    if (t.lastAt !== null && at < t.lastAt) return;
    t.lastAt = at;
    t.name = o.name;
    if (o.reachable) {
      t.since = null;
      t.detail = null;
      if (t.alert) out.push(this.resolve(t));
      return;
    }
    t.detail = o.error ?? t.detail;
    t.since ??= at;
    if (!t.alert && at - t.since >= r.params.minutes * MINUTE) out.push(this.fire(t, r, unreachableContent(t, at - t.since)));
  }

  // ---- plumbing ------------------------------------------------------------------------------------------------

  private inScope(r: AlertRule, targetId: string | null): boolean {
    return r.targetId === undefined || r.targetId === targetId;
  }

  private matching<K extends AlertKind>(kind: K, targetId: string | null): AlertRuleOf<K>[] {
    return this.ruleList.filter((r): r is AlertRuleOf<K> => r.kind === kind && r.enabled && this.inScope(r, targetId));
  }

  private idleOpen(subject: string): boolean {
    return this.ruleList.some((r) => r.kind === 'gpu-idle' && r.enabled && this.tracks.get(key(r.id, subject))?.alert);
  }

  private track(r: AlertRule, subject: string, targetId: string | null): Track {
    const k = key(r.id, subject);
    let t = this.tracks.get(k);
    if (!t) {
      t = {
        ruleId: r.id,
        kind: r.kind,
        subject,
        targetId,
        lastAt: null,
        since: null,
        mark: null,
        name: null,
        detail: null,
        area: null,
        notAfter: null,
        episodes: 0,
        alert: null,
      };
      this.tracks.set(k, t);
    }
    return t;
  }

  private fire(t: Track, r: AlertRule, c: Content): AlertEvent {
    const now = this.now();
    t.episodes += 1;
    t.alert = {
      id: `${r.id}:${t.subject}#${t.episodes}@${now}`,
      ruleId: r.id,
      kind: r.kind,
      subject: t.subject,
      title: c.title,
      message: c.message,
      severity: c.severity,
      firedAt: iso(now),
      resolvedAt: null,
      link: c.link,
    };
    return structuredClone(t.alert);
  }

  private resolve(t: Track): AlertEvent {
    const done = { ...structuredClone(t.alert as AlertEvent), resolvedAt: iso(this.now()) };
    t.alert = null;
    return done;
  }
}

function key(ruleId: string, subject: string): string {
  return `${ruleId}\u0000${subject}`;
}

