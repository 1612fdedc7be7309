// Named local port forwards through a cluster's pooled connection: 127.0.0.1:localPort → remoteHost:remotePort as
// seen from the login node (a Jupyter or TensorBoard on a compute node, say). The local listener stays up while the
// cluster connection drops and returns: each new local connection asks the pool for a fresh channel, so the tunnel
// recovers by itself once the pool has reconnected. Only 127.0.0.1 is bound: other machines never reach it.
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { Logger } from '../core/adapter.js';
import type { SshPool } from './pool.js';

export interface TunnelSpec {
  /** Unique name, e.g. "jupyter on node12". */
  name: string;
  target: Target;
  /** 0 picks a free port. */
  localPort: number;
  remoteHost: string;
  remotePort: number;
}

export interface TunnelStatus {
  name: string;
  targetId: string;
  localPort: number;
  remoteHost: string;
  remotePort: number;
  /** listening: accepting local connections; failing: the last forward attempt failed (see detail). */
  state: 'listening' | 'failing' | 'closed';
  detail: string;
  activeConnections: number;
}

interface Tunnel {
  spec: TunnelSpec;
  server: Server;
  sockets: Set<Socket>;
  status: TunnelStatus;
}

export class TunnelManager {
  private readonly tunnels = new Map<string, Tunnel>();

  constructor(
    private readonly pool: Pick<SshPool, 'forwardOut'>,
    private readonly log: Logger,
  ) {}

  async open(spec: TunnelSpec): Promise<TunnelStatus> {
    if (this.tunnels.has(spec.name)) throw new ApiError('CONFLICT', `A tunnel named "${spec.name}" is already open.`, { field: 'name' });
    const sockets = new Set<Socket>();
    const server = createServer((socket) => this.accept(tunnel, socket));
    const tunnel: Tunnel = {
      spec,
      server,
      sockets,
      status: {
        name: spec.name,
        targetId: spec.target.id,
        localPort: spec.localPort,
        remoteHost: spec.remoteHost,
        remotePort: spec.remotePort,
        state: 'listening',
        detail: '',
        activeConnections: 0,
      },
    };
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new ApiError(
            err.code === 'EADDRINUSE' ? 'CONFLICT' : 'UNAVAILABLE',
            err.code === 'EADDRINUSE' ? `Local port ${spec.localPort} is already in use; choose another.` : `Cannot listen on 127.0.0.1:${spec.localPort}: ${err.message}`,
            { field: 'localPort' },
          ),
        ),
      );
      server.listen(spec.localPort, '127.0.0.1', () => resolve());
    });
    tunnel.status.localPort = (server.address() as AddressInfo).port;
    tunnel.status.detail = route(tunnel);
    this.tunnels.set(spec.name, tunnel);
    return { ...tunnel.status };
  }

  private accept(t: Tunnel, socket: Socket): void {
    t.sockets.add(socket);
    t.status.activeConnections = t.sockets.size;
    socket.on('close', () => {
      t.sockets.delete(socket);
      t.status.activeConnections = t.sockets.size;
    });
    socket.on('error', () => socket.destroy());
    socket.pause(); // hold early bytes until the channel exists
    this.pool.forwardOut(t.spec.target, t.spec.remoteHost, t.spec.remotePort).then(
      (channel) => {
        t.status.state = 'listening';
        t.status.detail = route(t);
        channel.on('error', () => socket.destroy());
        channel.on('close', () => socket.destroy());
        socket.on('close', () => channel.destroy());
        socket.pipe(channel).pipe(socket);
        socket.resume();
      },
      (err: unknown) => {
        t.status.state = 'failing';
        t.status.detail = err instanceof Error ? err.message : String(err);
        this.log.warn('ssh tunnel connection failed', { tunnel: t.spec.name, reason: t.status.detail });
        socket.destroy();
      },
    );
  }

  list(): TunnelStatus[] {
    return [...this.tunnels.values()].map((t) => ({ ...t.status }));
  }

  async close(name?: string): Promise<void> {
    const names = name === undefined ? [...this.tunnels.keys()] : [name];
    for (const n of names) {
      const t = this.tunnels.get(n);
      if (!t) continue;
      this.tunnels.delete(n);
      for (const s of t.sockets) s.destroy();
      await new Promise<void>((r) => t.server.close(() => r()));
      t.status.state = 'closed';
    }
  }
}

const route = (t: Tunnel): string =>
  `127.0.0.1:${t.status.localPort} → ${t.spec.remoteHost}:${t.spec.remotePort} via ${t.spec.target.name}`;
