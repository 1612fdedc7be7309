// The SLURM backend's view of the workspace tables jobs / job_transitions / job_groups (migration 2). State
// changes go through Jobs.setState, so every transition is recorded with its time; this class adds what SLURM
// needs beyond that: details, exit codes, remote ids, attempts, groups and look-ups by remote id.
import { TERMINAL_JOB_STATES, type Job, type JobState } from '../../shared/domain.js';
import { SubmitPolicy } from '../../shared/slurm.js';
import type { Db } from '../workspace/db.js';
import { Jobs } from '../workspace/jobs.js';
import { newId, now, parseJson } from '../workspace/rows.js';

export interface JobGroup {
  id: string;
  projectId: string;
  name: string;
  policy: SubmitPolicy;
  createdAt: string;
}

export class SlurmRepo {
  readonly jobs: Jobs;

  constructor(readonly db: Db) {
    this.jobs = new Jobs(db);
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Creates a job row directly in a state (the intent row is `submitting`), with details, group and attempts. */
  createJob(input: {
    projectId: string;
    targetId: string;
    name: string;
    state: JobState;
    details: Record<string, unknown>;
    groupId?: string | null;
    attempts?: number;
    remoteId?: string | null;
    reason?: string | null;
  }): Job {
    const job = this.jobs.create({ projectId: input.projectId, targetId: input.targetId, kind: 'slurm', name: input.name });
    this.db
      .prepare('UPDATE jobs SET details = ?, group_id = ?, attempts = ?, remote_id = ? WHERE id = ?')
      .run(JSON.stringify(input.details), input.groupId ?? null, input.attempts ?? 1, input.remoteId ?? null, job.id);
    this.jobs.setState(job.id, input.state, input.remoteId ?? null, input.reason ?? null);
    return this.jobs.get(job.id)!;
  }

  /** Shallow-merges into details (undefined deletes a key). */
  patchDetails(id: string, patch: Record<string, unknown>): void {
    const row = this.db.prepare('SELECT details FROM jobs WHERE id = ?').get(id) as { details: string } | undefined;
    if (!row) return;
    const d = parseJson<Record<string, unknown>>(row.details, {});
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete d[k];
      else d[k] = v;
    }
    this.db.prepare('UPDATE jobs SET details = ? WHERE id = ?').run(JSON.stringify(d), id);
  }

  setExitCode(id: string, exitCode: number | null): void {
    this.db.prepare('UPDATE jobs SET exit_code = ? WHERE id = ?').run(exitCode, id);
  }

  markSubmitted(id: string, remoteId: string): void {
    this.db.prepare('UPDATE jobs SET remote_id = ?, submitted_at = ? WHERE id = ?').run(remoteId, now(), id);
  }

  /** Jobs of a cluster SimDeck still watches: not terminal, not a draft, not an unfinished submission. */
  watched(targetId: string): Job[] {
    const skip: JobState[] = [...TERMINAL_JOB_STATES, 'draft', 'submitting'];
    const open = this.jobs.list({ targetId, states: ALL_STATES.filter((s) => !skip.includes(s)), limit: 1_000_000 });
    // Ended jobs whose exit code sacct has not reported yet (squeue said FAILED first) stay watched a while.
    const awaiting = this.db
      .prepare(
        `SELECT id FROM jobs WHERE target_id = ? AND json_extract(details, '$.exitPending') IS NOT NULL
         AND json_extract(details, '$.exitPending') > ?`,
      )
      .all(targetId, new Date(Date.now() - 3600_000).toISOString()) as { id: string }[];
    return [...open, ...awaiting.map((r) => this.jobs.get(r.id)!).filter(Boolean)];
  }

  inState(targetId: string, state: JobState): Job[] {
    return this.jobs.list({ targetId, states: [state], limit: 1_000_000 });
  }

  byRemoteIds(targetId: string, remoteIds: string[]): Map<string, Job> {
    const out = new Map<string, Job>();
    if (remoteIds.length === 0) return out;
    const stmt = this.db.prepare('SELECT id FROM jobs WHERE target_id = ? AND remote_id = ?');
    for (const r of remoteIds) {
      const row = stmt.get(targetId, r) as { id: string } | undefined;
      const job = row && this.jobs.get(row.id);
      if (job) out.set(r, job);
    }
    return out;
  }

  /** All remote ids SimDeck knows on a cluster (to tell foreign jobs from its own). */
  knownRemoteIds(targetId: string): Set<string> {
    const rows = this.db.prepare('SELECT remote_id FROM jobs WHERE target_id = ? AND remote_id IS NOT NULL').all(targetId) as { remote_id: string }[];
    return new Set(rows.map((r) => r.remote_id));
  }

  createGroup(projectId: string, name: string, policy: SubmitPolicy): JobGroup {
    const id = newId();
    this.db
      .prepare('INSERT INTO job_groups (id, project_id, name, policy, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, projectId, name, JSON.stringify(policy), now());
    return this.group(id)!;
  }

  group(id: string): JobGroup | undefined {
    const r = this.db.prepare('SELECT * FROM job_groups WHERE id = ?').get(id) as
      | { id: string; project_id: string; name: string; policy: string; created_at: string }
      | undefined;
    if (!r) return undefined;
    return { id: r.id, projectId: r.project_id, name: r.name, policy: SubmitPolicy.parse(parseJson(r.policy, {})), createdAt: r.created_at };
  }

  groupJobs(groupId: string): Job[] {
    const rows = this.db.prepare('SELECT id FROM jobs WHERE group_id = ? ORDER BY created_at, rowid').all(groupId) as { id: string }[];
    return rows.map((r) => this.jobs.get(r.id)!).filter(Boolean);
  }

  /** Groups with a copy still to be decided on: a copy not terminal, or a failed copy with a retry due. */
  openGroups(): string[] {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT group_id FROM jobs WHERE group_id IS NOT NULL AND (
           state NOT IN (${TERMINAL_JOB_STATES.map(() => '?').join(',')})
           OR (json_extract(details, '$.retryAt') IS NOT NULL AND json_extract(details, '$.retriedBy') IS NULL))`,
      )
      .all(...TERMINAL_JOB_STATES) as { group_id: string }[];
    return rows.map((r) => r.group_id);
  }

  children(parentJobId: string): Job[] {
    const rows = this.db.prepare("SELECT id FROM jobs WHERE json_extract(details, '$.parentJobId') = ?").all(parentJobId) as { id: string }[];
    return rows.map((r) => this.jobs.get(r.id)!).filter(Boolean);
  }

  /** Array task rows of a cluster by parent job id, in one query. */
  childrenByParent(targetId: string): Map<string, Job[]> {
    const rows = this.db
      .prepare("SELECT id, json_extract(details, '$.parentJobId') AS parent FROM jobs WHERE target_id = ? AND json_extract(details, '$.parentJobId') IS NOT NULL")
      .all(targetId) as { id: string; parent: string }[];
    const out = new Map<string, Job[]>();
    for (const r of rows) {
      const j = this.jobs.get(r.id);
      if (!j) continue;
      const list = out.get(r.parent) ?? [];
      list.push(j);
      out.set(r.parent, list);
    }
    return out;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

const ALL_STATES: JobState[] = [
  'draft', 'submitting', 'pending', 'running', 'completing', 'suspended', 'completed', 'failed', 'cancelled', 'timeout',
  'out-of-memory', 'node-fail', 'preempted', 'unknown',
];
