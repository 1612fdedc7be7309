import type { Handlers } from '../router.js';
import type { Services } from '../services.js';

type MiscHandlers = Pick<Handlers, 'jobs.list' | 'activity.list' | 'secrets.store' | 'secrets.list' | 'secrets.delete'>;

export function miscHandlers(s: Services): MiscHandlers {
  return {
    'jobs.list': (p) => s.jobs.list(p),
    'activity.list': (p) => s.activity.list(p.beforeId, p.limit),
    'secrets.store': (p) => s.secrets.store(p.label, p.value),
    'secrets.list': () => s.secrets.list(),
    'secrets.delete': (p) => {
      s.secrets.delete(p.id);
      return { deleted: true as const };
    },
  };
}
