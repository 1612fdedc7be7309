// The common job model: one row per job on any backend. Backends update state through here, so every view
// (jobs table, monitor, alerts) reads one shape.
import { isTerminal, type Job, type JobState, type JobTransition, type TargetKind } from '../../shared/domain.js';
import type { Db } from './db.js';
import { newId, now, parseJson } from './rows.js';

interface JobRow {
  id: string;
  project_id: string;
  target_id: string | null;
  kind: TargetKind;
  name: string;
  state: JobState;
  remote_id: string | null;
  tags: string;
  attempts: number;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  finished_at: string | null;
  reason: string | null;
  exit_code: number | null;
  state_since: string | null;
  group_id: string | null;
  details: string;
}

const toJob = (r: JobRow): Job => ({
  id: r.id,
  projectId: r.project_id,
  targetId: r.target_id,
  kind: r.kind,
  name: r.name,
  state: r.state,
  remoteId: r.remote_id,
  tags: parseJson<string[]>(r.tags, []),
  attempts: r.attempts,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  submittedAt: r.submitted_at,
  finishedAt: r.finished_at,
  reason: r.reason,
  exitCode: r.exit_code,
  stateSince: r.state_since,
  groupId: r.group_id,
  details: parseJson<Record<string, unknown>>(r.details, {}),
});

export interface JobFilter {
  projectId?: string;
  targetId?: string;
  states?: JobState[];
  limit: number;
}

export class Jobs {
  constructor(private readonly db: Db) {}

  list(filter: JobFilter): Job[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.projectId) {
      where.push('project_id = ?');
      args.push(filter.projectId);
    }
    if (filter.targetId) {
      where.push('target_id = ?');
      args.push(filter.targetId);
    }
    if (filter.states?.length) {
      where.push(`state IN (${filter.states.map(() => '?').join(', ')})`);
      args.push(...filter.states);
    }
    const sql = `SELECT * FROM jobs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit) as JobRow[]).map(toJob);
  }

  create(input: { projectId: string; targetId: string | null; kind: TargetKind; name: string; tags?: string[] }): Job {
    const id = newId();
    const t = now();
    this.db
      .prepare(
        `INSERT INTO jobs (id, project_id, target_id, kind, name, state, tags, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?)`,
      )
      .run(id, input.projectId, input.targetId, input.kind, input.name, JSON.stringify(input.tags ?? []), t, t);
    return this.get(id)!;
  }

  get(id: string): Job | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row && toJob(row);
  }

  /** Moves a job to a state and records the transition with its time (no row when nothing changed). */
  setState(id: string, state: JobState, remoteId?: string | null, reason: string | null = null): void {
    const t = now();
    const before = this.db.prepare('SELECT state FROM jobs WHERE id = ?').get(id) as { state: JobState } | undefined;
    const finished = isTerminal(state) ? t : null;
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE jobs SET state = ?, remote_id = COALESCE(?, remote_id), updated_at = ?, reason = ?,
           state_since = CASE WHEN state = ? THEN state_since ELSE ? END,
           finished_at = COALESCE(?, finished_at) WHERE id = ?`,
        )
        .run(state, remoteId ?? null, t, reason, state, t, finished, id);
      if (before && before.state !== state) {
        this.db
          .prepare('INSERT INTO job_transitions (job_id, at, from_state, to_state, reason) VALUES (?, ?, ?, ?, ?)')
          .run(id, t, before.state, state, reason ?? '');
      }
    })();
  }

  transitions(id: string): JobTransition[] {
    return this.db
      .prepare('SELECT at, from_state AS "from", to_state AS "to", reason FROM job_transitions WHERE job_id = ? ORDER BY id')
      .all(id) as JobTransition[];
  }
}
