// Worker fleets: the wizard's preview (what a deploy creates, with CLI equivalents) and compose import. The
// planners are pure (electron/fleets/); they load on first use.
import { ApiError } from '../../../shared/errors.js';
import type { Handlers } from '../router.js';
import type { Services } from '../services.js';

type FleetMethod = Extract<keyof Handlers, `fleets.${string}`>;

export function fleetHandlers(s: Services): Pick<Handlers, FleetMethod> {
  return {
    'fleets.preview': async (p) => {
      const target = s.targets.get(p.spec.targetId);
      s.projects.get(p.spec.projectId);
      if (target.kind === 'local-docker') return (await import('../../fleets/plan-docker.js')).planLocalDocker(p.spec, { gpuCount: p.gpuCount });
      if (target.kind === 'swarm') return (await import('../../fleets/plan-swarm.js')).planSwarm(p.spec);
      throw new ApiError('INVALID_INPUT', `${target.name} is a ${target.kind} target: fleets deploy to local Docker or a Docker Swarm here (SLURM arrays come next).`, { field: 'targetId' });
    },
    'fleets.importCompose': async (p) => {
      const r = (await import('../../fleets/compose-import.js')).parseCompose(p.text, { mode: p.mode, env: p.env });
      return {
        services: r.services.map((x) => ({ name: x.name, image: x.image ?? null, replicas: x.deploy.replicas ?? null, mode: x.deploy.mode ?? null })),
        volumes: r.volumes,
        networks: r.networks,
        secrets: r.secrets,
        unsupported: r.unsupported,
        warnings: r.warnings,
      };
    },
  };
}
