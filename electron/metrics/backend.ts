// The Monitor as the core sees it: the service (and its store) loads on first use, or at start-up when the
// workspace has work running to sample.
import type { Services } from '../core/services.js';
import type { SshRunner } from '../ssh/runner.js';
import type { MonitorService, MonitorServiceOptions } from './service.js';

export interface MonitorBackend {
  service(): Promise<MonitorService>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createMonitorBackend(s: Services, ssh: Pick<SshRunner, 'exec'>, opts: MonitorServiceOptions = {}): MonitorBackend {
  let loading: Promise<MonitorService> | null = null;
  let loaded: MonitorService | null = null;
  const service = () =>
    (loading ??= import('./service.js').then((m) => {
      loaded = new m.MonitorService(s, ssh, opts);
      loaded.start();
      return loaded;
    }));
  return {
    service,
    async start() {
      if (s.jobs.list({ states: ['running'], limit: 1 }).length > 0) await service();
    },
    async close() {
      loaded?.close();
    },
  };
}
