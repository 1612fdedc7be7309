// Folding@home work servers as the core sees them. The service loads on first use; at start-up only when the
// workspace has a Folding@home target, which it then keeps alive (finish interrupted creations, renew, poll).
import type { Services } from '../core/services.js';
import type { FahService, FahServiceOptions } from './service.js';

export interface FahBackend {
  service(): Promise<FahService>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createFahBackend(s: Services, opts: FahServiceOptions = {}): FahBackend {
  let loading: Promise<FahService> | null = null;
  let loaded: FahService | null = null;
  const service = () => (loading ??= import('./service.js').then((m) => (loaded = new m.FahService(s, opts))));
  return {
    service,
    async start() {
      if (s.targets.list().some((t) => t.kind === 'fah')) await (await service()).start();
    },
    async close() {
      loaded?.close();
    },
  };
}
