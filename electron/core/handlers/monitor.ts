// The Monitor: dashboard, series queries, sampling on demand. The service loads on first use.
import type { MonitorBackend } from '../../metrics/backend.js';
import type { Handlers } from '../router.js';
import type { Services } from '../services.js';

type MonitorMethod = Extract<keyof Handlers, `monitor.${string}`>;

export function monitorHandlers(s: Services, monitor: MonitorBackend): Pick<Handlers, MonitorMethod> {
  return {
    'monitor.dashboard': async (p) => (await monitor.service()).dashboard(Date.now(), p.underusePercent),
    'monitor.query': async (p) => {
      const r = (await monitor.service()).query(p.series, p.from, p.to, p.maxPoints);
      return { series: r.series, resolution: r.resolution, sourcePoints: r.sourcePoints, downsampled: r.downsampled, points: r.points };
    },
    'monitor.alerts': async (p) => (await monitor.service()).alertHistory(p.limit),
    'monitor.rules': async () => (await monitor.service()).rules(),
    'monitor.setRules': async (p) => (await monitor.service()).setRules(p.rules),
    'monitor.sample': async (p) => {
      const target = s.targets.get(p.targetId);
      return (await monitor.service()).sampleTarget(target);
    },
  };
}
