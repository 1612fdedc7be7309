// Named local port forwards through a cluster's pooled SSH connection, persisted in the workspace.
import type { TunnelCreate, TunnelInfo } from '../../shared/files.js';
import { ApiError } from '../../shared/errors.js';
import type { Services } from '../core/services.js';
import type { SshPool } from '../ssh/pool.js';

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

export function createTunnelsBackend(_s: Services, _pool: SshPool): TunnelsBackend {
  const todo = (): never => {
    throw new ApiError('UNAVAILABLE', 'Tunnels are not available in this build yet.');
  };
  return {
    list: () => [],
    create: async () => todo(),
    start: async () => todo(),
    stop: async () => todo(),
    remove: async () => todo(),
    startAuto: async () => undefined,
    close: async () => undefined,
  };
}
