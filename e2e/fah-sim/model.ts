// The WS's in-memory state: projects (ProjectData + input tree), jobs (one per RUN/CLONE) with the state
// machine of notes §6, job dirs with results{gen}/ files, and the simulated clock that drives them.
//
// Jobs move lazily: every transition has a due time fixed by the schedule and a per-PRCG draw, and `settle()`
// applies all transitions due by `clock.now()` whenever the state is read. So `last` is always the exact
// simulated transition time, whether the clock runs in real time (speed factor) or by `advance(ms)`.
import { draw, fakeXtc, globalsCsv, scienceLog } from './results.js';

export type JobState = 'NEW' | 'READY' | 'ASSIGNED' | 'FINISHED' | 'FAILED' | 'STOPPED' | 'HELD' | 'PROCESSING';
export const JOB_STATES: readonly JobState[] = ['NEW', 'READY', 'ASSIGNED', 'FINISHED', 'FAILED', 'STOPPED', 'HELD', 'PROCESSING'];
export type Compression = 'NONE' | 'BZIP2' | 'ZLIB' | 'GZIP' | 'LZ4';
export const COMPRESSIONS: readonly Compression[] = ['NONE', 'BZIP2', 'ZLIB', 'GZIP', 'LZ4'];

/** ProjectData as stored (notes §4.1), defaults applied. */
export interface ProjectData {
  core_id: string;
  contact: string;
  runs: number;
  clones: number;
  gens: number;
  atoms: number;
  credit: number;
  timeout: number;
  deadline: number;
  compression: Compression;
}

export interface StoredFile {
  data: Buffer;
  modified: number;
}

export interface Project {
  id: number;
  data: ProjectData;
  created: number;
  updated: number;
  /** Input tree ($home), keyed by relative path. */
  files: Map<string, StoredFile>;
}

export interface Job {
  project: number;
  run: number;
  clone: number;
  gen: number;
  state: JobState;
  /** Last state change, simulated epoch ms. */
  last: number;
  retries: number;
  assigns: number;
  /** Due time of the next scheduled transition, or null when the job waits for an action. */
  nextAt: number | null;
  /** Start of the current phase (for progress). */
  phaseStart: number;
  /** Increments on every (re)queue; part of the per-PRCG draw key so each assignment draws afresh. */
  attempt: number;
  /** The current assignment is lost (volunteer never returns; reassigned after the project timeout). */
  lost: boolean;
  /** Job dir (output tree): uploads via W17 and results{g}/... written when a gen completes. */
  files: Map<string, StoredFile>;
  /** Test overrides. */
  plan: JobPlan;
}

export interface JobPlan {
  /** Force the outcome of the next returns: 'fail' = faulty (counts toward retries), 'finish' = good. */
  outcome?: 'finish' | 'fail';
  /** Serve globals.csv with the duplicate-header bug; default drawn from results.duplicateHeaderRate. */
  duplicateHeader?: boolean;
}

export type Range = number | [number, number];

/** Schedule in SIMULATED milliseconds. Ranges are drawn per PRCG (and per attempt), reproducibly from `seed`. */
export interface Schedule {
  /** READY → ASSIGNED. Default [2000, 10000]. */
  assignMs?: Range;
  /** ASSIGNED → PROCESSING (the volunteer returns the WU). Default [60000, 300000]. */
  runMs?: Range;
  /** PROCESSING → FINISHED, or → READY at gen+1 when gens remain. Default [500, 2000]. */
  processMs?: Range;
  /** Probability that a returned WU is faulty. Default 0. */
  failRate?: number;
  /** Faulty returns tolerated (job requeued, retries++); one more makes it FAILED. Default 0: the first faulty return fails the job. */
  maxRetries?: number;
  /** Probability that an assignment is never returned: the job goes back to READY after the project `timeout` (assigns++). Default 0. */
  lostRate?: number;
}

export interface ResultsOptions {
  /** Share of jobs whose globals.csv has the duplicate-header bug. Default 0. */
  duplicateHeaderRate?: number;
  rowEvery?: number;
  nStepsEq?: number;
  nStepsNeq?: number;
}

export const MAX_ID = 65535;

export function fmtTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

export class SimClock {
  private base: number;
  private anchor = Date.now();
  private _speed: number;

  constructor(start: number, speed: number) {
    this.base = start;
    this._speed = speed;
  }

  /** Simulated epoch ms. */
  now(): number {
    return this.base + (this._speed > 0 ? (Date.now() - this.anchor) * this._speed : 0);
  }

  /** Jump ahead by `ms` simulated milliseconds (works in either mode). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error('advance: ms must be >= 0');
    this.base += ms;
  }

  /** Simulated ms per real ms; 0 = manual (time moves only with advance). */
  get speed(): number {
    return this._speed;
  }

  set speed(s: number) {
    this.base = this.now();
    this.anchor = Date.now();
    this._speed = Math.max(0, s);
  }
}

function pick(range: Range, u: number): number {
  if (typeof range === 'number') return range;
  return Math.round(range[0] + (range[1] - range[0]) * u);
}

export function jobName(p: number, r: number, c: number): string {
  return `P${p}:R${r}:C${c}`;
}

export class WsModel {
  readonly projects = new Map<number, Project>();
  private readonly jobs = new Map<string, Job>();
  readonly schedule: Required<Schedule>;
  readonly results: Required<ResultsOptions>;

  constructor(
    readonly clock: SimClock,
    readonly seed: number,
    schedule: Schedule = {},
    results: ResultsOptions = {},
  ) {
    this.schedule = {
      assignMs: [2000, 10000],
      runMs: [60_000, 300_000],
      processMs: [500, 2000],
      failRate: 0,
      maxRetries: 0,
      lostRate: 0,
      ...schedule,
    };
    this.results = { duplicateHeaderRate: 0, rowEvery: 25_000, nStepsEq: 250_000, nStepsNeq: 250_000, ...results };
  }

  private key(p: number, r: number, c: number): string {
    return `${p}:${r}:${c}`;
  }

  private u(job: Job, what: string): number {
    return draw(this.seed, job.project, job.run, job.clone, job.gen, job.attempt, what);
  }

  job(p: number, r: number, c: number): Job | undefined {
    const j = this.jobs.get(this.key(p, r, c));
    if (j) this.settle(j);
    return j;
  }

  /** All jobs (settled), optionally of one project, in P/R/C order. */
  allJobs(p?: number): Job[] {
    const out = [...this.jobs.values()].filter((j) => p === undefined || j.project === p);
    for (const j of out) this.settle(j);
    return out.sort((a, b) => a.project - b.project || a.run - b.run || a.clone - b.clone);
  }

  deleteProject(p: number): void {
    this.projects.delete(p);
    for (const [k, j] of this.jobs) if (j.project === p) this.jobs.delete(k);
  }

  /** Create the job if missing (READY at gen 0, notes §6/§12). Returns false when it already existed. */
  createJob(p: number, r: number, c: number): boolean {
    const k = this.key(p, r, c);
    if (this.jobs.has(k)) return false;
    const now = this.clock.now();
    const job: Job = { project: p, run: r, clone: c, gen: 0, state: 'READY', last: now, retries: 0, assigns: 0, nextAt: null, phaseStart: now, attempt: 0, lost: false, files: new Map(), plan: {} };
    this.jobs.set(k, job);
    this.enterReady(job, now);
    return true;
  }

  private enterReady(job: Job, t: number): void {
    job.state = 'READY';
    job.last = t;
    job.phaseStart = t;
    job.attempt++;
    job.lost = false;
    job.nextAt = t + pick(this.schedule.assignMs, this.u(job, 'assign'));
  }

  private enter(job: Job, state: JobState, t: number, nextAt: number | null): void {
    job.state = state;
    job.last = t;
    job.phaseStart = t;
    job.nextAt = nextAt;
  }

  /** Apply every transition due by now. */
  settle(job: Job): void {
    const now = this.clock.now();
    const project = this.projects.get(job.project);
    let guard = 0;
    while (job.nextAt !== null && job.nextAt <= now && guard++ < 10_000) {
      const t = job.nextAt;
      switch (job.state) {
        case 'READY': {
          job.assigns++;
          job.lost = this.u(job, 'lost') < this.schedule.lostRate;
          const timeoutMs = (project?.data.timeout ?? 86_400) * 1000;
          this.enter(job, 'ASSIGNED', t, t + (job.lost ? timeoutMs : pick(this.schedule.runMs, this.u(job, 'run'))));
          break;
        }
        case 'ASSIGNED': {
          if (job.lost) {
            this.enterReady(job, t);
            break;
          }
          const faulty = job.plan.outcome ? job.plan.outcome === 'fail' : this.u(job, 'fail') < this.schedule.failRate;
          if (faulty) {
            job.retries++;
            if (job.retries > this.schedule.maxRetries) this.enter(job, 'FAILED', t, null);
            else this.enterReady(job, t);
            break;
          }
          this.enter(job, 'PROCESSING', t, t + pick(this.schedule.processMs, this.u(job, 'process')));
          break;
        }
        case 'PROCESSING': {
          this.writeResults(job, t);
          const gens = project?.data.gens ?? 1;
          job.retries = 0;
          if (job.gen + 1 < gens) {
            job.gen++;
            this.enterReady(job, t);
          } else {
            this.enter(job, 'FINISHED', t, null);
          }
          break;
        }
        default:
          job.nextAt = null;
      }
    }
  }

  duplicateHeader(job: Job): boolean {
    return job.plan.duplicateHeader ?? draw(this.seed, job.project, job.run, job.clone, 'dupheader') < this.results.duplicateHeaderRate;
  }

  private writeResults(job: Job, t: number): void {
    const g = job.gen;
    const key = `${this.seed}:${job.project}:${job.run}:${job.clone}:${g}`;
    const core = this.projects.get(job.project)?.data.core_id ?? '0x22';
    const csv = globalsCsv(key, { ...this.results, duplicateHeader: this.duplicateHeader(job) });
    const put = (name: string, data: Buffer) => job.files.set(`results${g}/${name}`, { data, modified: t });
    put('globals.csv', Buffer.from(csv));
    put('science.log', Buffer.from(scienceLog(job.project, job.run, job.clone, g, core, new Date(job.phaseStart - 240_000))));
    put('positions.xtc', fakeXtc(key));
  }

  /** Progress (guessed units: fraction 0..1 of the whole trajectory, gens × current WU). */
  progress(job: Job): number {
    const gens = this.projects.get(job.project)?.data.gens ?? 1;
    if (job.state === 'FINISHED') return 1;
    let wu = 0;
    if (job.state === 'ASSIGNED' && job.nextAt !== null && !job.lost) wu = Math.min(1, (this.clock.now() - job.phaseStart) / Math.max(1, job.nextAt - job.phaseStart));
    if (job.state === 'PROCESSING') wu = 1;
    return Math.round(((job.gen + wu) / gens) * 1000) / 1000;
  }

  // ---- actions (notes §6; all [G]/[I]) ----

  /** Returns an error message when the action does not apply (caller decides between 409 and a no-op). */
  act(job: Job, action: 'fail' | 'stop' | 'restart' | 'reset'): string | undefined {
    this.settle(job);
    const now = this.clock.now();
    switch (action) {
      case 'fail': // any ► FAILED [G]
        this.enter(job, 'FAILED', now, null);
        return undefined;
      case 'stop': // any ► STOPPED [G]
        this.enter(job, 'STOPPED', now, null);
        return undefined;
      case 'restart': // FAILED|STOPPED ► READY [I] (HELD too: "a manual release" is the likeliest meaning)
        if (job.state !== 'FAILED' && job.state !== 'STOPPED' && job.state !== 'HELD') return `Job ${jobName(job.project, job.run, job.clone)} is ${job.state}, not FAILED or STOPPED`;
        job.retries = 0;
        this.enterReady(job, now);
        return undefined;
      case 'reset': // ► READY at gen 0 [G]; results of earlier gens are dropped, uploads kept
        job.gen = 0;
        job.retries = 0;
        job.assigns = 0;
        for (const k of [...job.files.keys()]) if (/^results\d+\//.test(k)) job.files.delete(k);
        this.enterReady(job, now);
        return undefined;
    }
  }

  /** Test hook: put a job into any state now. READY schedules the next assignment; other states wait. */
  force(job: Job, state: JobState): void {
    this.settle(job);
    const now = this.clock.now();
    if (state === 'READY') this.enterReady(job, now);
    else if (state === 'FINISHED') {
      job.gen = Math.max(job.gen, (this.projects.get(job.project)?.data.gens ?? 1) - 1);
      if (!job.files.has(`results${job.gen}/globals.csv`)) this.writeResults(job, now);
      this.enter(job, 'FINISHED', now, null);
    } else if (state === 'ASSIGNED' || state === 'PROCESSING') {
      // Keep the machine running from here as if the phase had just begun.
      job.assigns += state === 'ASSIGNED' ? 1 : 0;
      job.lost = false;
      this.enter(job, state, now, now + pick(state === 'ASSIGNED' ? this.schedule.runMs : this.schedule.processMs, this.u(job, state)));
    } else this.enter(job, state, now, null);
  }
}
