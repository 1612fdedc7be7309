// Named local port forwards through a cluster's pooled connection: 127.0.0.1:localPort → remoteHost:remotePort as
// seen from the login node (a Redis broker on the head node, a Jupyter on a compute node). The local listener stays
// up while the cluster connection drops and returns: each new local connection asks the pool for a fresh channel, so
// the tunnel recovers by itself once the pool has reconnected. Only 127.0.0.1 is bound: other machines never reach
// it. probe() checks the far end without waiting for a user connection (open a forward channel, close it at once),
// so the state tells the truth on its own; the caller decides when to probe (electron/tunnels/health.ts).
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { Logger } from '../core/adapter.js';
import type { SshPool } from './pool.js';

export interface TunnelSpec {
  /** Key of the tunnel in this manager (a workspace id); defaults to the name. */
  id?: string;
  /** Unique name, e.g. "redis on the head node". */
  name: string;
  /** The cluster, or a getter read at each use (so settings changes apply, and a removed target is noticed). */
  target: Target | (() => Target);
  /** 0 picks a free port. */
  localPort: number;
  remoteHost: string;
  remotePort: number;
}

export interface TunnelStatus {
  id: string;
  name: string;
  targetId: string;
  localPort: number;
  remoteHost: string;
  remotePort: number;
  /** listening: accepting local connections, far end answers; failing: the last forward attempt failed (see detail). */
  state: 'listening' | 'failing' | 'closed';
  detail: string;
  activeConnections: number;
  /** Last time a probe checked that the far end answers. */
  checkedAt: string | null;
}

export interface TunnelManagerOptions {
  /** Called when a tunnel's state, detail or number of connections changes (not on every probe). */
  onChange?: (status: TunnelStatus) => void;
  /** The detail shown for a failed forward (the reason and when SimDeck tries again). Default: the error message. */
  describeFailure?: (status: TunnelStatus, err: unknown) => string;
  /** A probe that gets no answer within this time fails. Default 15 s. */
  probeTimeoutMs?: number;
}

interface Tunnel {
  spec: TunnelSpec;
  server: Server;
  sockets: Set<Socket>;
  status: TunnelStatus;
  probing: Promise<TunnelStatus> | null;
  closed: boolean;
}

const targetOf = (spec: TunnelSpec): Target => (typeof spec.target === 'function' ? spec.target() : spec.target);
const keyOf = (spec: TunnelSpec): string => spec.id ?? spec.name;
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class TunnelManager {
  private readonly tunnels = new Map<string, Tunnel>();

  constructor(
    private readonly pool: Pick<SshPool, 'forwardOut'>,
    private readonly log: Logger,
    private readonly opts: TunnelManagerOptions = {},
  ) {}

  /** Binds 127.0.0.1:localPort. Throws CONFLICT when the port is taken. */
  async open(spec: TunnelSpec): Promise<TunnelStatus> {
    const key = keyOf(spec);
    if (this.tunnels.has(key)) throw new ApiError('CONFLICT', `A tunnel named "${spec.name}" is already open.`, { field: 'name' });
    const target = targetOf(spec);
    const sockets = new Set<Socket>();
    const server = createServer((socket) => this.accept(tunnel, socket));
    const tunnel: Tunnel = {
      spec,
      server,
      sockets,
      probing: null,
      closed: false,
      status: {
        id: key,
        name: spec.name,
        targetId: target.id,
        localPort: spec.localPort,
        remoteHost: spec.remoteHost,
        remotePort: spec.remotePort,
        state: 'listening',
        detail: '',
        activeConnections: 0,
        checkedAt: null,
      },
    };
    // Reserve the key while binding, so two opens of the same tunnel cannot race.
    this.tunnels.set(key, tunnel);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) =>
          reject(
            new ApiError(
              err.code === 'EADDRINUSE' ? 'CONFLICT' : 'UNAVAILABLE',
              err.code === 'EADDRINUSE'
                ? `Local port ${spec.localPort} is already in use; choose another.`
                : `Cannot listen on 127.0.0.1:${spec.localPort}: ${err.message}`,
              { field: 'localPort' },
            ),
          ),
        );
        server.listen(spec.localPort, '127.0.0.1', () => resolve());
      });
    } catch (err) {
      this.tunnels.delete(key);
      throw err;
    }
    server.on('error', (err) => this.log.warn('ssh tunnel listener error', { tunnel: spec.name, error: String(err) }));
    tunnel.status.localPort = (server.address() as AddressInfo).port;
    tunnel.status.detail = route(tunnel, target);
    return { ...tunnel.status };
  }

  private accept(t: Tunnel, socket: Socket): void {
    t.sockets.add(socket);
    this.update(t, { activeConnections: t.sockets.size });
    socket.on('close', () => {
      t.sockets.delete(socket);
      if (!t.closed) this.update(t, { activeConnections: t.sockets.size });
    });
    socket.on('error', () => socket.destroy());
    socket.pause(); // hold early bytes until the channel exists
    this.forward(t).then(
      (channel) => {
        if (socket.destroyed) {
          channel.destroy();
          return;
        }
        this.markListening(t);
        channel.on('error', () => socket.destroy());
        channel.on('close', () => socket.destroy());
        socket.on('close', () => channel.destroy());
        socket.pipe(channel).pipe(socket);
        socket.resume();
      },
      (err: unknown) => {
        this.markFailing(t, err);
        this.log.warn('ssh tunnel connection failed', { tunnel: t.spec.name, reason: message(err) });
        socket.destroy();
      },
    );
  }

  private async forward(t: Tunnel) {
    return this.pool.forwardOut(targetOf(t.spec), t.spec.remoteHost, t.spec.remotePort);
  }

  /**
   * Checks that the far end answers: opens a forward channel and closes it at once. Sets listening or failing and
   * checkedAt. One probe at a time per tunnel (a second call joins the running one). Undefined if not open.
   */
  probe(key: string): Promise<TunnelStatus | undefined> {
    const t = this.tunnels.get(key);
    if (!t || t.closed) return Promise.resolve(undefined);
    t.probing ??= this.runProbe(t).finally(() => {
      t.probing = null;
    });
    return t.probing;
  }

  private async runProbe(t: Tunnel): Promise<TunnelStatus> {
    const timeoutMs = this.opts.probeTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const attempt = this.forward(t);
    try {
      const channel = await Promise.race([
        attempt,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            timedOut = true;
            reject(new ApiError('UNAVAILABLE', `${t.spec.remoteHost}:${t.spec.remotePort} did not answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}.`));
          }, timeoutMs);
          timer.unref();
        }),
      ]);
      channel.on('error', () => undefined);
      channel.destroy();
      t.status.checkedAt = new Date().toISOString();
      if (!t.closed) this.markListening(t);
    } catch (err) {
      // A channel that opens after the timeout is closed straight away.
      if (timedOut) attempt.then((ch) => ch.destroy(), () => undefined);
      t.status.checkedAt = new Date().toISOString();
      if (!t.closed) this.markFailing(t, err);
    } finally {
      clearTimeout(timer);
    }
    return { ...t.status };
  }

  /** Marks a tunnel failing without probing (the cluster is known to be down); detail says why. */
  setFailing(key: string, detail: string): void {
    const t = this.tunnels.get(key);
    if (t && !t.closed) this.update(t, { state: 'failing', detail });
  }

  get(key: string): TunnelStatus | undefined {
    const t = this.tunnels.get(key);
    return t && !t.closed ? { ...t.status } : undefined;
  }

  list(): TunnelStatus[] {
    return [...this.tunnels.values()].filter((t) => !t.closed).map((t) => ({ ...t.status }));
  }

  /** Closes the listener(s) and their connections. Without a key: all of them. */
  async close(key?: string): Promise<void> {
    const keys = key === undefined ? [...this.tunnels.keys()] : [key];
    await Promise.all(
      keys.map(async (k) => {
        const t = this.tunnels.get(k);
        if (!t) return;
        this.tunnels.delete(k);
        t.closed = true;
        for (const s of t.sockets) s.destroy();
        await new Promise<void>((r) => t.server.close(() => r()));
        t.status.state = 'closed';
        t.status.activeConnections = 0;
      }),
    );
  }

  private markListening(t: Tunnel): void {
    let detail: string;
    try {
      detail = route(t, targetOf(t.spec));
    } catch (err) {
      this.markFailing(t, err);
      return;
    }
    this.update(t, { state: 'listening', detail });
  }

  private markFailing(t: Tunnel, err: unknown): void {
    let detail: string;
    try {
      detail = this.opts.describeFailure ? this.opts.describeFailure({ ...t.status }, err) : message(err);
    } catch {
      detail = message(err);
    }
    this.update(t, { state: 'failing', detail });
  }

  private update(t: Tunnel, patch: Partial<Pick<TunnelStatus, 'state' | 'detail' | 'activeConnections'>>): void {
    const before = t.status;
    const after = { ...before, ...patch };
    if (after.state === before.state && after.detail === before.detail && after.activeConnections === before.activeConnections) return;
    t.status = after;
    if (t.closed) return;
    try {
      this.opts.onChange?.({ ...after });
    } catch (err) {
      this.log.error('ssh tunnel change listener failed', { tunnel: t.spec.name, error: String(err) });
    }
  }
}

/** The route a listening tunnel shows: "127.0.0.1:6379 → localhost:6379 via hpc". */
const route = (t: Tunnel, target: Target): string =>
  `127.0.0.1:${t.status.localPort} → ${t.spec.remoteHost}:${t.spec.remotePort} via ${target.name}`;
