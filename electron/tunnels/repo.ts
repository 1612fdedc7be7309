// The tunnels table: named forwards 127.0.0.1:local_port → remote_host:remote_port through a target. A tunnel goes
// with its target (ON DELETE CASCADE), so readers must expect a row to vanish under them.
import { ApiError } from '../../shared/errors.js';
import type { Db } from '../workspace/db.js';
import { isUniqueViolation, newId, now } from '../workspace/rows.js';

export interface TunnelRecord {
  id: string;
  name: string;
  targetId: string;
  localPort: number;
  remoteHost: string;
  remotePort: number;
  autoStart: boolean;
  createdAt: string;
}

interface TunnelRow {
  id: string;
  name: string;
  target_id: string;
  local_port: number;
  remote_host: string;
  remote_port: number;
  auto_start: number;
  created_at: string;
}

const toRecord = (r: TunnelRow): TunnelRecord => ({
  id: r.id,
  name: r.name,
  targetId: r.target_id,
  localPort: r.local_port,
  remoteHost: r.remote_host,
  remotePort: r.remote_port,
  autoStart: r.auto_start === 1,
  createdAt: r.created_at,
});

const nameTaken = (name: string) => new ApiError('CONFLICT', `A tunnel named "${name}" already exists. Pick another name.`, { field: 'name' });

export class TunnelsRepo {
  constructor(private readonly db: Db) {}

  list(): TunnelRecord[] {
    return (this.db.prepare('SELECT * FROM tunnels ORDER BY name COLLATE NOCASE').all() as TunnelRow[]).map(toRecord);
  }

  /** The tunnel, or undefined if it is gone (deleted, or its target was removed). */
  find(id: string): TunnelRecord | undefined {
    const row = this.db.prepare('SELECT * FROM tunnels WHERE id = ?').get(id) as TunnelRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  get(id: string): TunnelRecord {
    const t = this.find(id);
    if (!t) throw new ApiError('NOT_FOUND', `No tunnel with id ${id}. It may have been removed (with its cluster); refresh the list.`);
    return t;
  }

  /** Throws CONFLICT if the name is taken (names are unique regardless of case). */
  assertNameFree(name: string): void {
    if (this.db.prepare('SELECT 1 FROM tunnels WHERE name = ? COLLATE NOCASE').get(name) !== undefined) throw nameTaken(name);
  }

  /** Another saved tunnel that listens on this port when started, if any. */
  byLocalPort(port: number): TunnelRecord | undefined {
    const row = this.db.prepare('SELECT * FROM tunnels WHERE local_port = ? LIMIT 1').get(port) as TunnelRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Saves a tunnel; `id` may be chosen by the caller (to bind the listener under it first). */
  create(input: Omit<TunnelRecord, 'id' | 'createdAt'> & { id?: string }): TunnelRecord {
    const id = input.id ?? newId();
    try {
      this.db
        .prepare(
          'INSERT INTO tunnels (id, name, target_id, local_port, remote_host, remote_port, auto_start, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(id, input.name, input.targetId, input.localPort, input.remoteHost, input.remotePort, input.autoStart ? 1 : 0, now());
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(input.name);
      throw err;
    }
    return this.get(id);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM tunnels WHERE id = ?').run(id);
  }

  ids(): Set<string> {
    return new Set((this.db.prepare('SELECT id FROM tunnels').all() as { id: string }[]).map((r) => r.id));
  }
}
