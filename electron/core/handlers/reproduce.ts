import type { ReproduceService } from '../../reproduce/service.js';
import type { Handlers } from '../router.js';

type ReproduceMethod = Extract<keyof Handlers, `reproduce.${string}`>;

export function reproduceHandlers(r: ReproduceService): Pick<Handlers, ReproduceMethod> {
  return {
    'reproduce.inspect': (p) => r.inspect(p.source, p.decoyName),
    'reproduce.managers': () => r.managers(),
    'reproduce.planRecreate': async (p) => (await r.planRecreate(p.source, p.dir, p.decoyName, p.manager)).plan,
    'reproduce.recreate': (p) => r.recreate(p.source, p.dir, p.decoyName, p.manager),
    'reproduce.runs': () => r.list(),
    'reproduce.cancel': (p) => r.cancel(p.runId),
    'reproduce.getRepo': (p) => r.getRepo(p.projectId),
    'reproduce.setRepo': (p) => r.setRepo(p.projectId, p.url),
    'reproduce.script': (p) => r.script(p),
    'reproduce.run': (p) => r.run(p),
    'reproduce.runHelper': (p) => r.runHelper(p),
    'reproduce.compare': (p) => r.compare(p.original, p.reproduced, p.decoyName),
  };
}
