// Polls one cluster: per cycle exactly ONE SSH round trip (squeue; marker; sacct), then a diff against the
// workspace. States change only through Jobs.setState (transitions recorded with their time); the ids of changed
// jobs go to a callback (the core emits `jobs.changed`). Losing contact never fails a job: its state becomes
// `unknown` with the reason, and the next successful cycle restores the true state.
import { isTerminal, type Job, type JobState, type Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { ForeignJob } from '../../shared/slurm.js';
import type { AdapterContext } from '../core/adapter.js';
import type { SshRunner } from '../ssh/runner.js';
import { expandArraySpec, parseSacct, parseSqueue, pollCommand, splitPollOutput } from './parse.js';
import type { ParseProblem, QueueRow } from './parse.js';
import type { SlurmRepo } from './repo.js';
import { mapSlurmState, parseExitCode } from './states.js';

export const TAG_PREFIX = 'simdeck:';
export const DEFAULT_POLL_SECONDS = 30;
export const MIN_POLL_SECONDS = 10;
/** Right after a submission or an action the researcher is watching: poll this often for a few minutes. */
export const FOLLOW_POLL_SECONDS = 5;
export const FOLLOW_WINDOW_MS = 3 * 60_000;
/** A job neither squeue nor sacct lists keeps its last state this long (sacct lags behind slurmctld), then unknown. */
export const DEFAULT_GRACE_MS = 5 * 60_000;
export const ARRAY_TASK_CAP = 1000;
const POLL_TIMEOUT_MS = 60_000;

export interface PollResult {
  ok: boolean;
  /** Why the cycle did not see the cluster (ok=false). */
  error: string | null;
  changed: string[];
  foreign: ForeignJob[];
  problems: ParseProblem[];
  /** squeue + sacct rows of this cycle, by job id (5, 5_1); squeue wins over sacct. */
  rows: Map<string, QueueRow>;
  roundTrips: number;
  at: string;
}

export interface PollerDeps {
  repo: SlurmRepo;
  runner: SshRunner;
  ctx: AdapterContext;
  onChanged?: (jobIds: string[]) => void;
  /** Runs after each successful cycle (the multi-cluster policy). */
  afterPoll?: (target: Target, result: PollResult) => Promise<void>;
  now?: () => Date;
  graceMs?: number;
}

export function pollIntervalMs(target: Target): number {
  const raw = Number(target.settings.pollSeconds ?? DEFAULT_POLL_SECONDS);
  const s = Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_POLL_SECONDS;
  return Math.max(MIN_POLL_SECONDS, s) * 1000;
}

type Mapped = { state: JobState; reason: string | null; exitCode: number | null; row: QueueRow };

const rowState = (row: QueueRow): Mapped => {
  const exitCode = parseExitCode(row.exitCode);
  const m = mapSlurmState(row.state, row.reason, exitCode);
  return { ...m, exitCode, row };
};

/** The state of an array parent from its tasks'. */
export function aggregateTasks(states: JobState[]): { state: JobState; reason: string | null } {
  const n = states.length;
  const count = (s: JobState) => states.filter((x) => x === s).length;
  if (states.some((s) => s === 'running')) return { state: 'running', reason: `${count('running')} of ${n} tasks running` };
  if (states.some((s) => s === 'completing')) return { state: 'completing', reason: null };
  if (states.some((s) => s === 'unknown')) return { state: 'unknown', reason: `${count('unknown')} of ${n} tasks unknown` };
  if (states.some((s) => s === 'suspended')) return { state: 'suspended', reason: null };
  if (states.some((s) => s === 'pending')) {
    const done = states.filter((s) => isTerminal(s)).length;
    return { state: done ? 'running' : 'pending', reason: done ? `${done} of ${n} tasks done, ${count('pending')} pending` : null };
  }
  if (states.every((s) => s === 'completed')) return { state: 'completed', reason: null };
  if (states.every((s) => s === 'cancelled' || s === 'completed') && count('cancelled') > 0) {
    return { state: 'cancelled', reason: `${count('cancelled')} of ${n} tasks cancelled` };
  }
  const bad = states.filter((s) => s !== 'completed');
  const kinds = [...new Set(bad)].map((s) => `${s}: ${count(s)}`).join(', ');
  return { state: 'failed', reason: `${bad.length} of ${n} tasks did not complete (${kinds})` };
}

export class ClusterPoller {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<PollResult> | null = null;
  private lostSince: string | null = null;
  private stopped = true;
  private followUntil = 0;
  last: PollResult | null = null;

  constructor(
    private target: Target,
    private readonly deps: PollerDeps,
  ) {}

  get targetId(): string {
    return this.target.id;
  }

  /** Settings changed (interval, name): takes effect from the next cycle. */
  setTarget(target: Target): void {
    this.target = target;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.pollNow().finally(() => this.schedule());
  }

  /**
   * Polls every FOLLOW_POLL_SECONDS for a while (after a submit or an action), so the researcher sees pending →
   * running → completed as it happens instead of one cycle late; then back to the cluster's interval.
   */
  follow(windowMs = FOLLOW_WINDOW_MS): void {
    this.followUntil = Math.max(this.followUntil, Date.now() + windowMs);
    if (!this.stopped && !this.inFlight) this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const following = Date.now() < this.followUntil;
    const wait = following ? Math.min(FOLLOW_POLL_SECONDS * 1000, pollIntervalMs(this.target)) : pollIntervalMs(this.target);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pollNow().finally(() => this.schedule());
    }, wait);
    this.timer.unref?.();
  }

  /** Polls now; while a cycle runs, callers share it (cycles never overlap). */
  pollNow(): Promise<PollResult> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.cycle().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private async cycle(): Promise<PollResult> {
    const { repo, runner } = this.deps;
    const target = this.target;
    const at = this.now().toISOString();
    const base: PollResult = { ok: false, error: null, changed: [], foreign: [], problems: [], rows: new Map(), roundTrips: 1, at };

    const watched = repo.watched(target.id);
    const command = pollCommand(this.sinceFor(watched));
    let stdout: string;
    try {
      const r = await runner.exec(target, command, { timeoutMs: POLL_TIMEOUT_MS });
      stdout = r.stdout;
      const parts = splitPollOutput(stdout);
      if (parts.squeueRc !== 0) {
        const why = r.stderr.trim().split('\n').slice(-2).join(' ') || `squeue exit ${parts.squeueRc ?? 'missing'}`;
        throw new ApiError('REMOTE_FAILED', `squeue failed on ${target.name}: ${why}`, { command });
      }
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('UNAVAILABLE', err instanceof Error ? err.message : String(err));
      base.error = e.message;
      if (e.code === 'UNAVAILABLE') base.changed = this.markLost(watched);
      else this.deps.ctx.log.warn('slurm poll failed', { targetId: target.id, error: e.message });
      if (base.changed.length) this.deps.onChanged?.(base.changed);
      this.last = base;
      return base;
    }
    this.lostSince = null;
    const result = this.diff(stdout, watched, base);
    this.last = result;
    if (result.problems.length) {
      this.deps.ctx.log.warn('slurm poll: lines not understood', { targetId: target.id, count: result.problems.length, first: result.problems[0] });
    }
    if (result.changed.length) this.deps.onChanged?.(result.changed);
    if (this.deps.afterPoll) {
      try {
        await this.deps.afterPoll(target, result);
      } catch (err) {
        this.deps.ctx.log.error('slurm policy failed', { targetId: target.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return result;
  }

  /** sacct window: from the oldest watched job's submission (plus an hour), at least a day, at most 30 days. */
  private sinceFor(watched: Job[]): string {
    const nowMs = this.now().getTime();
    let oldest = nowMs;
    for (const j of watched) {
      const t = Date.parse(j.submittedAt ?? j.createdAt);
      if (Number.isFinite(t) && t < oldest) oldest = t;
    }
    const secs = Math.min(30 * 86400, Math.max(86400, Math.ceil((nowMs - oldest) / 1000) + 3600));
    return `now-${secs}`;
  }

  private markLost(watched: Job[]): string[] {
    const { repo } = this.deps;
    this.lostSince ??= this.now().toISOString();
    const changed: string[] = [];
    repo.transaction(() => {
      for (const job of watched) {
        if (job.state === 'unknown' && job.details.lostContact) continue;
        const reason = `no contact with ${this.target.name} since ${this.lostSince} (last seen ${job.state})`;
        repo.patchDetails(job.id, { lostContact: true, lastSeenState: job.state });
        repo.jobs.setState(job.id, 'unknown', null, reason);
        changed.push(job.id);
      }
    });
    return changed;
  }

  /** Parses one poll's stdout and brings the workspace in line with it. Public for the benchmark and tests. */
  diff(stdout: string, watched: Job[], base: PollResult): PollResult {
    const { repo } = this.deps;
    const parts = splitPollOutput(stdout);
    const sq = parseSqueue(parts.squeue);
    const sa = parts.sacctRc === 0 ? parseSacct(parts.sacct) : { rows: [], problems: [] };
    const problems = [...sq.problems, ...sa.problems];

    const rows = new Map<string, QueueRow>();
    const sacctRows = new Map<string, QueueRow>();
    /** array parent id → task rows (pending blocks expanded) */
    const tasks = new Map<string, Map<string, QueueRow>>();
    const addTask = (row: QueueRow, overwrite: boolean) => {
      if (!row.arrayJobId || !row.arrayTaskId) return;
      let m = tasks.get(row.arrayJobId);
      if (!m) tasks.set(row.arrayJobId, (m = new Map()));
      const expanded = /^\d+$/.test(row.arrayTaskId) ? { tasks: [Number(row.arrayTaskId)] } : expandArraySpec(row.arrayTaskId, ARRAY_TASK_CAP);
      for (const i of expanded?.tasks ?? []) {
        const key = String(i);
        if (overwrite || !m.has(key)) m.set(key, { ...row, jobId: `${row.arrayJobId}_${i}`, arrayTaskId: key });
      }
    };
    for (const row of sa.rows) {
      sacctRows.set(row.jobId, row);
      rows.set(row.jobId, row);
    }
    for (const row of sa.rows) addTask(row, true);
    for (const row of sq.rows) {
      rows.set(row.jobId, row);
      addTask(row, true);
    }

    const changed: string[] = [];
    const now = this.now();
    const grace = this.deps.graceMs ?? DEFAULT_GRACE_MS;

    const hasArrays = watched.some((j) => j.details.array && !j.details.parentJobId);
    const children = hasArrays ? repo.childrenByParent(this.target.id) : new Map<string, Job[]>();
    repo.transaction(() => {
      for (const job of watched) {
        if (job.details.parentJobId) continue; // array tasks follow their parent
        if (!job.remoteId) continue;
        if (job.details.array) {
          const seen = tasks.get(job.remoteId);
          if (seen && seen.size) {
            const taskStates = this.applyTasks(job, seen, sacctRows, changed, children.get(job.id) ?? []);
            const expected = typeof job.details.arrayTaskCount === 'number' ? job.details.arrayTaskCount : 0;
            const agg = aggregateTasks(taskStates);
            if (isTerminal(agg.state) && taskStates.length < expected) {
              this.missing(job, now, grace, changed, `${taskStates.length} of ${expected} tasks listed`);
            } else {
              this.apply(job, { ...agg, exitCode: null }, { arrayTasksSeen: taskStates.length }, changed);
            }
            continue;
          }
        }
        const row = rows.get(job.remoteId);
        if (!row) {
          this.missing(job, now, grace, changed, null);
          continue;
        }
        const m = rowState(row);
        const acct = sacctRows.get(job.remoteId);
        if (m.exitCode === null && acct) m.exitCode = parseExitCode(acct.exitCode);
        // squeue knows an ended job before sacct does, but only sacct has its exit code: keep asking for it.
        const extra: Record<string, unknown> = {};
        if (isTerminal(m.state) && m.exitCode === null && !acct && parts.sacctRc === 0) {
          if (!job.details.exitPending) extra.exitPending = now.toISOString();
        } else if (job.details.exitPending) extra.exitPending = undefined;
        if (m.state === 'failed' && m.exitCode !== null && !m.reason?.includes('exit code')) {
          m.reason = [m.reason, `exit code ${m.exitCode}`].filter(Boolean).join(', ');
        }
        this.apply(job, m, { ...detailsOf(row), ...extra }, changed);
      }
    });

    const known = repo.knownRemoteIds(this.target.id);
    const foreign = new Map<string, ForeignJob>();
    for (const row of sq.rows) {
      if (row.comment?.startsWith(TAG_PREFIX)) continue;
      const id = row.arrayJobId ?? row.jobId;
      if (known.has(id) || known.has(row.jobId) || foreign.has(id)) continue;
      foreign.set(id, { remoteId: id, name: row.name, state: row.state, partition: row.partition, submitTime: row.submitTime });
    }
    return { ...base, ok: true, changed, foreign: [...foreign.values()], problems, rows };
  }

  private applyTasks(parent: Job, seen: Map<string, QueueRow>, sacctRows: Map<string, QueueRow>, changed: string[], kids: Job[]): JobState[] {
    const { repo } = this.deps;
    const existing = new Map(kids.map((c) => [String(c.details.arrayTaskId), c]));
    const states: JobState[] = [];
    for (const [idx, row] of seen) {
      const m = rowState(row);
      const acct = sacctRows.get(row.jobId);
      if (m.exitCode === null && acct) m.exitCode = parseExitCode(acct.exitCode);
      states.push(m.state);
      let child = existing.get(idx);
      if (!child) {
        child = repo.createJob({
          projectId: parent.projectId,
          targetId: parent.targetId!,
          name: `${parent.name} [${idx}]`,
          state: m.state,
          reason: m.reason,
          remoteId: row.jobId,
          attempts: parent.attempts,
          details: { ...detailsOf(row), parentJobId: parent.id, arrayJobId: parent.remoteId, arrayTaskId: idx },
        });
        if (m.exitCode !== null) repo.setExitCode(child.id, m.exitCode);
        changed.push(child.id);
        continue;
      }
      this.apply(child, m, detailsOf(row), changed);
    }
    return states;
  }

  private apply(job: Job, m: { state: JobState; reason: string | null; exitCode: number | null }, details: Record<string, unknown>, changed: string[]): void {
    const { repo } = this.deps;
    const patch: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(details)) if (job.details[k] !== v) patch[k] = v;
    if (job.details.missingSince !== undefined) patch.missingSince = undefined;
    if (job.details.lostContact !== undefined) {
      patch.lostContact = undefined;
      patch.lastSeenState = undefined;
    }
    let touched = false;
    if (Object.keys(patch).length) {
      repo.patchDetails(job.id, patch);
    }
    if (m.state !== job.state || (m.reason ?? null) !== (job.reason ?? null)) {
      repo.jobs.setState(job.id, m.state, null, m.reason);
      touched = true;
    }
    if (m.exitCode !== null && m.exitCode !== job.exitCode) {
      repo.setExitCode(job.id, m.exitCode);
      touched = true;
    }
    if (touched) changed.push(job.id);
  }

  private missing(job: Job, now: Date, grace: number, changed: string[], why: string | null): void {
    const { repo } = this.deps;
    const since = typeof job.details.missingSince === 'string' ? job.details.missingSince : null;
    if (!since) {
      repo.patchDetails(job.id, { missingSince: now.toISOString() });
      return;
    }
    if (job.state === 'unknown' || now.getTime() - Date.parse(since) < grace) return;
    if (isTerminal(job.state)) {
      repo.patchDetails(job.id, { exitPending: undefined, missingSince: undefined });
      return;
    }
    const reason = `not listed by squeue or sacct since ${since} (last seen ${job.state})${why ? `; ${why}` : ''}`;
    repo.patchDetails(job.id, { lastSeenState: job.state });
    repo.jobs.setState(job.id, 'unknown', null, reason);
    changed.push(job.id);
  }
}

function detailsOf(row: QueueRow): Record<string, unknown> {
  const d: Record<string, unknown> = { slurmState: row.state, partition: row.partition };
  if (row.submitTime) d.submitTime = row.submitTime;
  if (row.startTime) d.startTime = row.startTime;
  if (row.endTime) d.endTime = row.endTime;
  if (row.workDir) d.workDir = row.workDir;
  if (row.nodes) d.nodes = row.nodes;
  return d;
}
