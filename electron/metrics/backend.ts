// The Monitor as the core sees it: the service (and its store) loads on first use, or at start-up when the
// workspace has work running to sample.
import type { Services } from '../core/services.js';
import type { ClusterStatus } from '../../shared/slurm.js';
import type { SshRunner } from '../ssh/runner.js';
import type { MonitorService, MonitorServiceOptions } from './service.js';

export interface MonitorBackend {
  service(): Promise<MonitorService>;
  /** Every event the core emits; the ones alert rules watch load the Monitor (alerts work without opening it). */
  onEvent(event: string, payload: unknown): void;
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createMonitorBackend(s: Services, ssh: Pick<SshRunner, 'exec'> & { status?: (targetId: string) => ClusterStatus }, opts: MonitorServiceOptions = {}): MonitorBackend {
  let loading: Promise<MonitorService> | null = null;
  let loaded: MonitorService | null = null;
  const service = () =>
    (loading ??= import('./service.js').then((m) => {
      loaded = new m.MonitorService(s, ssh, opts);
      loaded.start();
      return loaded;
    }));
  const watched = new Set(['jobs.changed', 'fleets.changed', 'clusters.status', 'fah.cert', 'umbrella.changed']);
  return {
    service,
    onEvent(event, payload) {
      if (!watched.has(event)) return;
      void service()
        .then((m) => m.onEvent(event, payload))
        .catch((err: unknown) => s.log.warn('alert rules could not look at an event', { event, error: String(err) }));
    },
    async start() {
      // Something to sample: running jobs, a live fleet, or umbrella windows with pods.
      const live =
        s.jobs.list({ states: ['running'], limit: 1 }).length > 0 ||
        s.db.prepare("SELECT 1 FROM fleets WHERE state NOT IN ('removed', 'failed') LIMIT 1").get() !== undefined ||
        s.db.prepare('SELECT 1 FROM campaign_windows WHERE pod IS NOT NULL LIMIT 1').get() !== undefined;
      if (live) await service();
    },
    async close() {
      loaded?.close();
    },
  };
}
