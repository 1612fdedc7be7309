// SQL for worker fleets: one row per fleet (what was asked for, what the last look saw) and samples over time.
import type { Fleet, FleetDeploySpec, FleetSample, FleetState, FleetTarget } from '../../shared/fleet.js';
import { ApiError } from '../../shared/errors.js';
import type { Db } from '../workspace/db.js';
import { isUniqueViolation, newId, now, parseJson } from '../workspace/rows.js';

/** What a deploy made and a later teardown or look needs; kept as JSON beside the spec. */
export interface FleetDetails {
  /** compose fleets: the file and its variables, so teardown and status use the same project name. */
  compose?: { text: string; env: Record<string, string>; mode: 'compose' | 'stack' };
  /** SLURM fleets: the SimDeck job of the worker array, and where its logs go. */
  jobId?: string;
  /** Every array of the fleet: the first, and one more per scale-up. */
  jobIds?: string[];
  logDir?: string;
  /** SLURM fleets with a monitored broker on the head node. */
  tunnelId?: string;
  /** The vault secret holding the broker's monitoring password. */
  monitorSecretId?: string;
  gpuCount?: number;
}

export interface FleetRow {
  id: string;
  projectId: string;
  targetId: string;
  name: string;
  target: FleetTarget;
  source: Fleet['source'];
  state: FleetState;
  message: string;
  spec: FleetDeploySpec | null;
  details: FleetDetails;
  desired: number;
  running: number;
  crashLooping: string[];
  monitorState: string;
  createdAt: string;
  updatedAt: string;
}

interface Raw {
  id: string;
  project_id: string;
  target_id: string;
  name: string;
  target_kind: FleetTarget;
  source: Fleet['source'];
  state: FleetState;
  message: string;
  spec: string | null;
  details: string;
  desired: number;
  running: number;
  crash_looping: string;
  monitor_state: string;
  created_at: string;
  updated_at: string;
}

const toRow = (r: Raw): FleetRow => ({
  id: r.id,
  projectId: r.project_id,
  targetId: r.target_id,
  name: r.name,
  target: r.target_kind,
  source: r.source,
  state: r.state,
  message: r.message,
  spec: r.spec === null ? null : parseJson<FleetDeploySpec | null>(r.spec, null),
  details: parseJson<FleetDetails>(r.details, {}),
  desired: r.desired,
  running: r.running,
  crashLooping: parseJson<string[]>(r.crash_looping, []),
  monitorState: r.monitor_state,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Samples kept per fleet: one every 15 s is 12 hours. */
const MAX_SAMPLES = 2880;

export class FleetRepo {
  constructor(private readonly db: Db) {}

  create(f: Pick<FleetRow, 'projectId' | 'targetId' | 'name' | 'target' | 'source' | 'spec' | 'details' | 'desired'>): FleetRow {
    const id = newId();
    const at = now();
    try {
      this.db
        .prepare(
          `INSERT INTO fleets (id, project_id, target_id, name, target_kind, source, state, message, spec, details, desired, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'deploying', 'deploying', ?, ?, ?, ?, ?)`,
        )
        .run(id, f.projectId, f.targetId, f.name, f.target, f.source, f.spec === null ? null : JSON.stringify(f.spec), JSON.stringify(f.details), f.desired, at, at);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ApiError('CONFLICT', `A fleet named "${f.name}" is already deployed on this target: pick another name or tear that one down first.`, {
          field: 'name',
        });
      }
      throw err;
    }
    return this.get(id);
  }

  find(id: string): FleetRow | undefined {
    const r = this.db.prepare('SELECT * FROM fleets WHERE id = ?').get(id) as Raw | undefined;
    return r ? toRow(r) : undefined;
  }

  get(id: string): FleetRow {
    const f = this.find(id);
    if (!f) throw new ApiError('NOT_FOUND', `No fleet with id ${id} in this workspace.`);
    return f;
  }

  list(projectId?: string): FleetRow[] {
    const rows = projectId
      ? this.db.prepare('SELECT * FROM fleets WHERE project_id = ? ORDER BY created_at DESC').all(projectId)
      : this.db.prepare('SELECT * FROM fleets ORDER BY created_at DESC').all();
    return (rows as Raw[]).map(toRow);
  }

  /** Fleets SimDeck keeps watching: everything not removed (a failed deploy has nothing left to watch). */
  live(): FleetRow[] {
    return (this.db.prepare("SELECT * FROM fleets WHERE state NOT IN ('removed', 'failed') ORDER BY created_at").all() as Raw[]).map(toRow);
  }

  /** Updates what changed; returns whether anything did (so events are only sent for real changes). */
  update(id: string, patch: Partial<Pick<FleetRow, 'state' | 'message' | 'desired' | 'running' | 'crashLooping' | 'monitorState' | 'spec'>>): boolean {
    const cur = this.get(id);
    const next = { ...cur, ...patch };
    const same =
      next.state === cur.state &&
      next.message === cur.message &&
      next.desired === cur.desired &&
      next.running === cur.running &&
      next.monitorState === cur.monitorState &&
      JSON.stringify(next.crashLooping) === JSON.stringify(cur.crashLooping) &&
      JSON.stringify(next.spec) === JSON.stringify(cur.spec);
    if (same) return false;
    this.db
      .prepare('UPDATE fleets SET state = ?, message = ?, desired = ?, running = ?, crash_looping = ?, monitor_state = ?, spec = ?, updated_at = ? WHERE id = ?')
      .run(next.state, next.message, next.desired, next.running, JSON.stringify(next.crashLooping), next.monitorState, next.spec === null ? null : JSON.stringify(next.spec), now(), id);
    return true;
  }

  patchDetails(id: string, patch: Partial<FleetDetails>): void {
    const cur = this.get(id);
    this.db.prepare('UPDATE fleets SET details = ?, updated_at = ? WHERE id = ?').run(JSON.stringify({ ...cur.details, ...patch }), now(), id);
  }

  addSample(id: string, s: FleetSample): void {
    this.db
      .prepare('INSERT INTO fleet_samples (fleet_id, at, workers_online, queue_depth, consumers, cpu_percent, mem_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, s.at, s.workersOnline, s.queueDepth, s.consumers, s.cpuPercent, s.memBytes);
    this.db
      .prepare('DELETE FROM fleet_samples WHERE fleet_id = ? AND at < (SELECT at FROM fleet_samples WHERE fleet_id = ? ORDER BY at DESC LIMIT 1 OFFSET ?)')
      .run(id, id, MAX_SAMPLES - 1);
  }

  samples(id: string): FleetSample[] {
    return this.db
      .prepare(
        `SELECT at, workers_online AS workersOnline, queue_depth AS queueDepth, consumers, cpu_percent AS cpuPercent, mem_bytes AS memBytes
         FROM fleet_samples WHERE fleet_id = ? ORDER BY at`,
      )
      .all(id) as FleetSample[];
  }
}

/** The contract's view of a row. */
export function toFleet(f: FleetRow): Fleet {
  return {
    id: f.id,
    projectId: f.projectId,
    targetId: f.targetId,
    name: f.name,
    target: f.target,
    source: f.source,
    state: f.state,
    message: f.message,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
    workers: { desired: f.desired, running: f.running },
    spec: f.spec,
    jobId: f.details.jobId ?? null,
    tunnelId: f.details.tunnelId ?? null,
    monitor: f.spec?.monitor ? { kind: f.spec.monitor.kind, url: f.spec.monitor.url, state: f.monitorState || 'not read yet' } : null,
    crashLooping: f.crashLooping,
  };
}
