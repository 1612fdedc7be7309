// The common job model: one row per job on any backend. Backends update state through here, so every view
// (jobs table, monitor, alerts) reads one shape.
import type { Job, JobState, TargetKind } from '../../shared/domain.js';
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

  setState(id: string, state: JobState, remoteId?: string | null): void {
    const t = now();
    const finished = ['completed', 'failed', 'cancelled'].includes(state) ? t : null;
    this.db
      .prepare(
        `UPDATE jobs SET state = ?, remote_id = COALESCE(?, remote_id), updated_at = ?,
         finished_at = COALESCE(?, finished_at) WHERE id = ?`,
      )
      .run(state, remoteId ?? null, t, finished, id);
  }
}
