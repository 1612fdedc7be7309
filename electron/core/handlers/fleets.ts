// Worker fleets: the wizard's preview, compose import, and deployed fleets (deploy, watch, scale, act, logs,
// teardown, Swarm stacks). Planners and the fleet service load on first use.
import { ApiError } from '../../../shared/errors.js';
import type { FleetBackend } from '../../fleets/backend.js';
import type { Handlers } from '../router.js';
import type { Services } from '../services.js';

type FleetMethod = Extract<keyof Handlers, `fleets.${string}`>;

export function fleetHandlers(s: Services, fleets: FleetBackend): Pick<Handlers, FleetMethod> {
  const svc = () => fleets.service();
  return {
    'fleets.preview': async (p) => {
      const target = s.targets.get(p.spec.targetId);
      s.projects.get(p.spec.projectId);
      if (target.kind === 'local-docker') return (await import('../../fleets/plan-docker.js')).planLocalDocker(p.spec, { gpuCount: p.gpuCount });
      if (target.kind === 'swarm') return (await import('../../fleets/plan-swarm.js')).planSwarm(p.spec);
      throw new ApiError('INVALID_INPUT', `${target.name} is a ${target.kind} target: this preview is for local Docker or a Docker Swarm; use fleets.previewDeploy for SLURM arrays.`, { field: 'targetId' });
    },
    'fleets.importCompose': async (p) => {
      const r = (await import('../../fleets/compose-import.js')).parseComposeOrThrow(p.text, p.mode, p.env);
      return {
        services: r.services.map((x) => ({ name: x.name, image: x.image ?? null, replicas: x.deploy.replicas ?? null, mode: x.deploy.mode ?? null })),
        volumes: r.volumes,
        networks: r.networks,
        secrets: r.secrets,
        unsupported: r.unsupported,
        warnings: r.warnings,
      };
    },
    'fleets.previewDeploy': async (p) => (await svc()).previewDeploy(p.spec, p.gpuCount),
    'fleets.deploy': async (p) => (await svc()).deploy(p.spec, { gpuCount: p.gpuCount, monitorPassword: p.monitorPassword }),
    'fleets.previewCompose': async (p) => (await svc()).previewCompose(p),
    'fleets.deployCompose': async (p) => (await svc()).deployCompose(p),
    'fleets.list': async (p) => (await svc()).list(p.projectId),
    'fleets.get': async (p) => (await svc()).get(p.fleetId),
    'fleets.scale': async (p) => (await svc()).scale(p.fleetId, p.workers),
    'fleets.act': async (p) => (await svc()).act(p.fleetId, p.members, p.action),
    'fleets.logs': async (p) => (await svc()).logs(p.fleetId, p.member, p.tail),
    'fleets.history': async (p) => (await svc()).history(p.fleetId),
    'fleets.teardown': async (p) => (await svc()).teardown(p.fleetId),
    'fleets.stacks': async (p) => (await svc()).stacks(p.targetId),
    'fleets.adoptStack': async (p) => (await svc()).adoptStack(p.projectId, p.targetId, p.namespace),
  };
}
