import type { Handlers } from '../router.js';
import type { Services } from '../services.js';

type ProjectHandlers = Pick<
  Handlers,
  | 'projects.list'
  | 'projects.get'
  | 'projects.create'
  | 'projects.rename'
  | 'projects.describe'
  | 'projects.setTags'
  | 'projects.setArchived'
  | 'projects.delete'
>;

export function projectHandlers(s: Services): ProjectHandlers {
  const changed = <T extends { id: string }>(p: T): T => {
    s.emit('projects.changed', { projectId: p.id });
    return p;
  };
  return {
    'projects.list': (p) => s.projects.list(p.includeArchived),
    'projects.get': (p) => s.projects.get(p.id),
    'projects.create': (p) => changed(s.projects.create(p)),
    'projects.rename': (p) => changed(s.projects.rename(p.id, p.name)),
    'projects.describe': (p) => changed(s.projects.describe(p.id, p.description)),
    'projects.setTags': (p) => changed(s.projects.setTags(p.id, p.tags)),
    'projects.setArchived': (p) => changed(s.projects.setArchived(p.id, p.archived)),
    'projects.delete': (p) => {
      s.projects.delete(p.id, p.confirmName);
      s.emit('projects.changed', { projectId: p.id });
      return { deleted: true as const };
    },
  };
}
