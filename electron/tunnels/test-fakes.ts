// Test-only fakes for the tunnels backend: a pool whose forward channels echo (or fail), and core services over a
// real SQLite workspace in a temporary folder.
import fs from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { PassThrough } from 'node:stream';
import type { Duplex } from 'node:stream';
import type { EventName } from '../../shared/contract.js';
import type { Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { ClusterStatus } from '../../shared/slurm.js';
import { tempWorkspace } from '../testing/temp-core.js';
import { openWorkspaceDb, type Db } from '../workspace/db.js';
import { Targets } from '../workspace/targets.js';
import type { TunnelsPool, TunnelsServices } from './backend.js';

export class FakePool implements TunnelsPool {
  /** ok: channels echo; refuse: the far end refuses; down: the cluster cannot be reached. */
  mode: 'ok' | 'refuse' | 'down' = 'ok';
  forwards: { targetId: string; host: string; port: number }[] = [];
  private readonly listeners = new Set<(s: ClusterStatus) => void>();
  private readonly statuses = new Map<string, ClusterStatus>();

  async forwardOut(target: Target, remoteHost: string, remotePort: number): Promise<Duplex> {
    this.forwards.push({ targetId: target.id, host: remoteHost, port: remotePort });
    if (this.mode === 'refuse') throw new ApiError('REMOTE_FAILED', `hpc could not open a connection to ${remoteHost}:${remotePort}: Connection refused.`);
    if (this.mode === 'down') throw new ApiError('UNAVAILABLE', `${target.name} is unreachable.`);
    return new PassThrough(); // what is written comes back: an echo server at the far end
  }

  onStatus(listener: (s: ClusterStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  status(targetId: string): ClusterStatus {
    return (
      this.statuses.get(targetId) ?? { targetId, state: 'idle', since: new Date().toISOString(), detail: 'Not connected yet.', nextRetryAt: null, lastPollAt: null }
    );
  }

  setStatus(targetId: string, state: ClusterStatus['state'], detail: string): void {
    const s: ClusterStatus = { targetId, state, since: new Date().toISOString(), detail, nextRetryAt: null, lastPollAt: null };
    this.statuses.set(targetId, s);
    for (const l of this.listeners) l(s);
  }

  displayPrefix(target: Target): string {
    return `ssh -p ${String(target.settings.port ?? 22)} ${String(target.settings.username)}@${String(target.settings.host)}`;
  }
}

export interface Harness {
  dir: string;
  db: Db;
  targets: Targets;
  services: TunnelsServices;
  events: { event: EventName; payload: unknown }[];
  activity: { action: string; command: string; outcome: 'ok' | 'error'; detail: string }[];
  close(): void;
}

export function harness(dir = tempWorkspace()): Harness {
  const db = openWorkspaceDb(dir);
  const targets = new Targets(db);
  const events: Harness['events'] = [];
  const activity: Harness['activity'] = [];
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const services: TunnelsServices = {
    db,
    targets,
    log,
    emit: (event, payload) => void events.push({ event, payload }),
    adapterContext: {
      log,
      secrets: { reveal: () => Promise.reject(new Error('no secrets in tests')) },
      activity: {
        async run(entry, work) {
          try {
            const r = await work();
            activity.push({ action: entry.action, command: entry.command, outcome: 'ok', detail: '' });
            return r;
          } catch (err) {
            activity.push({ action: entry.action, command: entry.command, outcome: 'error', detail: String(err) });
            throw err;
          }
        },
      },
    },
  };
  return { dir, db, targets, services, events, activity, close: () => db.close() };
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Sends `text` to 127.0.0.1:port and resolves with what comes back before the far end stops sending. */
export function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let got = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      got += d;
      if (got.length >= text.length) {
        sock.destroy();
        resolve(got);
      }
    });
    sock.on('error', reject);
    sock.on('connect', () => sock.write(text));
  });
}

/** Resolves true if something accepts a TCP connection on 127.0.0.1:port. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.on('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('error', () => resolve(false));
  });
}

/** Occupies a free local port (someone else's service). */
export async function occupyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, server };
}

export async function waitFor(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
