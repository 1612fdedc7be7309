// Named local port forwards through a cluster's pooled SSH connection, persisted in the workspace: a Redis broker on
// a head node, a Jupyter on a compute node. Each tunnel listens on 127.0.0.1 only, keeps its port across restarts
// (a port picked by SimDeck is saved), starts with SimDeck when autoStart is set, and reports a truthful state:
// listening (the far end answers), failing (why, and when SimDeck tries again) or stopped. The listener stays bound
// while a cluster is away, so clients just reconnect once it is back.
import type { TunnelCreate, TunnelInfo } from '../../shared/files.js';
import type { Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { Services } from '../core/services.js';
import { commandLine } from '../core/shell-quote.js';
import type { SshPool } from '../ssh/pool.js';
import { TunnelManager, type TunnelSpec, type TunnelStatus } from '../ssh/tunnels.js';
import { newId } from '../workspace/rows.js';
import { TunnelHealth, clusterDownDetail, failureDetail } from './health.js';
import { TunnelsRepo, type TunnelRecord } from './repo.js';

type TunnelState = TunnelInfo['state'];

export interface TunnelsBackend {
  list(): TunnelInfo[];
  create(spec: TunnelCreate): Promise<TunnelInfo>;
  start(id: string): Promise<TunnelInfo>;
  stop(id: string): Promise<TunnelInfo>;
  remove(id: string): Promise<void>;
  /** Starts the tunnels marked autoStart (at core start-up). */
  startAuto(): Promise<void>;
  close(): Promise<void>;
}

export interface TunnelsBackendOptions {
  /** Time between probes of the far end. Default 30 s. */
  probeIntervalMs?: number;
  /** A probe without an answer fails after this long. Default 15 s. */
  probeTimeoutMs?: number;
  /** create/start wait this long for the first probe before answering (the rest arrives as an event). Default 5 s. */
  firstProbeWaitMs?: number;
}

/** What the backend uses of the core's services and of the SSH pool (tests pass small fakes). */
export type TunnelsServices = Pick<Services, 'db' | 'targets' | 'log' | 'emit' | 'adapterContext'>;
export type TunnelsPool = Pick<SshPool, 'forwardOut' | 'onStatus' | 'status' | 'displayPrefix'>;

interface Note {
  state: Exclude<TunnelState, 'listening'>;
  detail: string;
}

const STOPPED: Note = { state: 'stopped', detail: 'Stopped.' };

/** The `ssh -N -L` command that does what a tunnel does, for the activity log. */
export function tunnelCommand(pool: Pick<SshPool, 'displayPrefix'>, target: Target, t: Pick<TunnelRecord, 'localPort' | 'remoteHost' | 'remotePort'>): string {
  const host = t.remoteHost.includes(':') ? `[${t.remoteHost}]` : t.remoteHost;
  return commandLine(['ssh', '-N', '-L', `${t.localPort}:${host}:${t.remotePort}`]) + pool.displayPrefix(target).replace(/^ssh/, '');
}

export function createTunnelsBackend(s: TunnelsServices, pool: TunnelsPool, opts: TunnelsBackendOptions = {}): TunnelsBackend {
  const repo = new TunnelsRepo(s.db);
  const intervalMs = opts.probeIntervalMs ?? 30_000;
  const firstWait = opts.firstProbeWaitMs ?? 5_000;
  /** State of tunnels that are not listening (stopped, or failed to start), by id. */
  const notes = new Map<string, Note>();
  /** Tunnels being created: bound already, row not yet saved. */
  const creating = new Set<string>();
  /** What was last emitted per tunnel, so unchanged states are not announced again. */
  const emitted = new Map<string, string>();
  let closed = false;

  const manager = new TunnelManager(pool, s.log, {
    probeTimeoutMs: opts.probeTimeoutMs,
    describeFailure: (st, err) => {
      const target = s.targets.get(st.targetId);
      return failureDetail(err, { name: target.name, status: pool.status(st.targetId) }, intervalMs);
    },
    onChange: (st) => {
      const rec = repo.find(st.id);
      if (rec) emitChanged(toInfo(rec, st));
      else if (!creating.has(st.id)) reconcile();
    },
  });

  const health = new TunnelHealth({
    pool,
    intervalMs,
    log: s.log,
    open: () => manager.list().map((t) => ({ id: t.id, targetId: t.targetId })),
    probe: (id) =>
      manager.probe(id).catch((err: unknown) => s.log.warn('tunnel probe failed', { tunnel: id, error: String(err) })),
    clusterDown: (ids, status) => {
      for (const id of ids) {
        const rec = repo.find(id);
        if (!rec) continue;
        manager.setFailing(id, clusterDownDetail(clusterName(rec), status));
      }
    },
    reconcile: () => reconcile(),
  });
  health.start();

  function clusterName(rec: TunnelRecord): string {
    try {
      return s.targets.get(rec.targetId).name;
    } catch {
      return 'the cluster';
    }
  }

  function toInfo(rec: TunnelRecord, live: TunnelStatus | undefined = manager.get(rec.id)): TunnelInfo {
    const note = notes.get(rec.id) ?? STOPPED;
    const state: TunnelState = live ? (live.state === 'failing' ? 'failing' : 'listening') : note.state;
    return {
      id: rec.id,
      name: rec.name,
      targetId: rec.targetId,
      localPort: live?.localPort ?? rec.localPort,
      remoteHost: rec.remoteHost,
      remotePort: rec.remotePort,
      autoStart: rec.autoStart,
      state,
      detail: live ? live.detail : note.detail,
      activeConnections: live?.activeConnections ?? 0,
      checkedAt: live?.checkedAt ?? null,
    };
  }

  function emitChanged(info: TunnelInfo): void {
    if (closed) return;
    const key = JSON.stringify([info.state, info.detail, info.activeConnections, info.localPort, info.autoStart]);
    if (emitted.get(info.id) === key) return;
    emitted.set(info.id, key);
    s.emit('tunnels.changed', info);
  }

  function emitRemoved(id: string): void {
    emitted.delete(id);
    notes.delete(id);
    if (!closed) s.emit('tunnels.removed', { id });
  }

  /** Closes listeners whose tunnel vanished (its target was removed: ON DELETE CASCADE). */
  function reconcile(): void {
    const live = manager.list().filter((t) => !creating.has(t.id));
    if (live.length === 0 && notes.size === 0) return;
    const ids = repo.ids();
    for (const t of live) {
      if (ids.has(t.id)) continue;
      s.log.info('tunnel removed with its cluster', { tunnel: t.name });
      void manager.close(t.id).catch((err: unknown) => s.log.warn('tunnel did not close', { tunnel: t.name, error: String(err) }));
      emitRemoved(t.id);
    }
    for (const id of [...notes.keys()]) if (!ids.has(id)) emitRemoved(id);
  }

  function spec(rec: TunnelRecord): TunnelSpec {
    return {
      id: rec.id,
      name: rec.name,
      target: () => s.targets.get(rec.targetId),
      localPort: rec.localPort,
      remoteHost: rec.remoteHost,
      remotePort: rec.remotePort,
    };
  }

  function sshTarget(targetId: string): Target {
    const target = s.targets.get(targetId);
    if (target.kind !== 'slurm') {
      throw new ApiError(
        'INVALID_INPUT',
        `Tunnels go through a cluster's SSH connection; "${target.name}" is a ${target.kind} target. Pick a SLURM cluster.`,
        { field: 'targetId' },
      );
    }
    return target;
  }

  /** Waits for the first probe of a freshly bound tunnel, at most `firstWait` ms. */
  async function firstProbe(id: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      health.check(id),
      new Promise<void>((r) => {
        timer = setTimeout(r, firstWait);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }

  function assertOpen(): void {
    if (closed) throw new ApiError('UNAVAILABLE', 'SimDeck is shutting down; tunnels cannot be changed now.');
  }

  async function start(id: string): Promise<TunnelInfo> {
    assertOpen();
    const rec = repo.get(id);
    if (manager.get(id)) return toInfo(rec);
    const target = sshTarget(rec.targetId);
    const entry = { action: 'tunnel.start', command: tunnelCommand(pool, target, rec), targetId: rec.targetId };
    try {
      await s.adapterContext.activity.run(entry, () => manager.open(spec(rec)));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      notes.set(id, { state: 'stopped', detail: `Not started: ${reason}` });
      if (repo.find(id)) emitChanged(toInfo(rec));
      throw err;
    }
    notes.delete(id);
    if (!repo.find(id)) {
      // Removed while it was starting (its cluster went).
      reconcile();
      throw new ApiError('NOT_FOUND', `Tunnel "${rec.name}" was removed while it started.`);
    }
    emitChanged(toInfo(rec));
    await firstProbe(id);
    const after = repo.find(id);
    if (!after) throw new ApiError('NOT_FOUND', `Tunnel "${rec.name}" was removed while it started.`);
    const info = toInfo(after);
    emitChanged(info);
    return info;
  }

  return {
    list() {
      reconcile();
      return repo.list().map((rec) => toInfo(rec));
    },

    async create(input) {
      assertOpen();
      const name = input.name.trim();
      repo.assertNameFree(name);
      const target = sshTarget(input.targetId);
      if (input.localPort !== 0) {
        const other = repo.byLocalPort(input.localPort);
        if (other) {
          throw new ApiError('CONFLICT', `Local port ${input.localPort} is already in use by tunnel "${other.name}"; choose another.`, {
            field: 'localPort',
          });
        }
      }
      const id = newId();
      creating.add(id);
      try {
        const draft: TunnelRecord = {
          id,
          name,
          targetId: target.id,
          localPort: input.localPort,
          remoteHost: input.remoteHost,
          remotePort: input.remotePort,
          autoStart: input.autoStart,
          createdAt: '',
        };
        // Bind first (a taken port is refused before anything is saved); the port picked for 0 is the one saved.
        const bound = await manager.open(spec(draft));
        const rec = { ...draft, localPort: bound.localPort };
        try {
          await s.adapterContext.activity.run(
            { action: 'tunnel.create', command: tunnelCommand(pool, target, rec), targetId: target.id },
            async () => void repo.create(rec),
          );
        } catch (err) {
          await manager.close(id);
          throw err;
        }
      } finally {
        creating.delete(id);
      }
      emitChanged(toInfo(repo.get(id)));
      await firstProbe(id);
      const info = toInfo(repo.get(id));
      emitChanged(info);
      return info;
    },

    start,

    async stop(id) {
      assertOpen();
      const rec = repo.get(id);
      if (manager.get(id)) {
        const target = s.targets.get(rec.targetId);
        await s.adapterContext.activity.run(
          { action: 'tunnel.stop', command: tunnelCommand(pool, target, rec), targetId: rec.targetId },
          () => manager.close(id),
        );
      }
      notes.set(id, STOPPED);
      const info = toInfo(rec);
      emitChanged(info);
      return info;
    },

    async remove(id) {
      assertOpen();
      const rec = repo.get(id);
      const target = s.targets.get(rec.targetId);
      await s.adapterContext.activity.run(
        { action: 'tunnel.delete', command: tunnelCommand(pool, target, rec), targetId: rec.targetId },
        async () => {
          await manager.close(id);
          repo.delete(id);
        },
      );
      emitRemoved(id);
    },

    async startAuto() {
      const auto = repo.list().filter((t) => t.autoStart);
      const results = await Promise.allSettled(auto.map((t) => start(t.id)));
      results.forEach((r, i) => {
        if (r.status === 'rejected') s.log.warn('tunnel did not start', { tunnel: auto[i]?.name, error: String(r.reason) });
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      health.close();
      await manager.close();
    },
  };
}
