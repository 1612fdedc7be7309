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
  // Loading the service also starts it (once): the first work server added in a session is polled and its
  // certificate kept alive without waiting for the next start of SimDeck.
  const service = () =>
    (loading ??= import('./service.js').then((m) => {
      loaded = new m.FahService(s, opts);
      void loaded.start().catch((err: unknown) => s.log.warn('Folding@home service did not start', { error: String(err) }));
      return loaded;
    }));
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
