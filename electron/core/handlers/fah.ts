// Folding@home work servers: certificate, projects, jobs, results. The service loads on first use.
import type { FahBackend } from '../../fah/backend.js';
import type { Handlers } from '../router.js';

type FahMethod = Extract<keyof Handlers, `fah.${string}`>;

export function fahHandlers(fah: FahBackend): Pick<Handlers, FahMethod> {
  const svc = () => fah.service();
  return {
    'fah.cert': async (p) => (await svc()).cert(p.targetId),
    'fah.generateCsr': async (p) => (await svc()).generateCsr(p.targetId, p.email),
    'fah.pendingCsr': async (p) => (await svc()).pendingCsr(p.targetId),
    'fah.importCert': async (p) => (await svc()).importCert(p.targetId, p.certPem, p.keyPem),
    'fah.renew': async (p) => (await svc()).renew(p.targetId),
    'fah.projects': async (p) => (await svc()).projects(p.targetId),
    'fah.project': async (p) => (await svc()).project(p.targetId, p.project),
    'fah.saveProject': async (p) => (await svc()).saveProject(p.targetId, p.project, p.data),
    'fah.deleteProject': async (p) => {
      await (await svc()).deleteProject(p.targetId, p.project);
      return { deleted: true as const };
    },
    'fah.createJobs': async (p) => (await svc()).createJobs(p.targetId, p.project, p.run, p.clones, p.files),
    'fah.retryFailed': async (p) => ({ retried: await (await svc()).retryFailed(p.targetId, p.project) }),
    'fah.jobs': async (p) => (await svc()).jobs(p.targetId, p.project, p.state),
    'fah.job': async (p) => (await svc()).job(p.targetId, p.project, { run: p.run, clone: p.clone }),
    'fah.act': async (p) => (await svc()).act(p.targetId, p.project, p.jobs, p.action),
    'fah.poll': async (p) => ({ changed: await (await svc()).poll(p.targetId, p.project) }),
    'fah.history': async (p) => (await svc()).history(p.targetId, p.project),
    'fah.download': async (p) => (await svc()).download(p.targetId, p.project, { run: p.run, clone: p.clone }, p.gen, p.file),
    'fah.work': async (p) => (await svc()).work(p.targetId, p.project, p.run),
  };
}
