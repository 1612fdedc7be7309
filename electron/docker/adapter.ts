// Docker backend for a local engine ('local-docker') and a Swarm manager ('swarm'), through dockerode.
// connect() only reads (version, info, container list, service list) and logs each call as its docker CLI twin.
import Docker from 'dockerode';
import type { Target, TargetCheck } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { AdapterContext, BackendAdapter } from '../core/adapter.js';
import { dockerCommandLine, mapDockerError, resolveDockerEndpoint } from './endpoint.js';
import type { DockerEndpoint } from './endpoint.js';

/** The part of GET /info we use (dockerode types it as any). */
interface DockerInfo {
  Name?: string;
  OperatingSystem?: string;
  Containers?: number;
  ContainersRunning?: number;
  Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string; Nodes?: number; Managers?: number };
}

export interface ContainerRow {
  id: string;
  name: string;
  image: string;
  /** running, exited, created, paused, ... */
  state: string;
  /** Docker's human status, e.g. "Up 5 minutes" */
  status: string;
}

/** Runs one engine call, logged in the activity log when a context is given, with errors mapped to ApiError. */
async function call<T>(
  ep: DockerEndpoint,
  target: Target,
  ctx: AdapterContext | undefined,
  action: string,
  cliArgs: string[],
  work: () => Promise<T>,
): Promise<T> {
  const guarded = async (): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw mapDockerError(err, ep);
    }
  };
  if (!ctx) return guarded();
  return ctx.activity.run({ action, command: dockerCommandLine(ep, cliArgs), targetId: target.id }, guarded);
}

function toRow(c: Docker.ContainerInfo): ContainerRow {
  return {
    id: c.Id.slice(0, 12),
    name: (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
    image: c.Image,
    state: c.State,
    status: c.Status,
  };
}

/** All containers of the target's engine (running or not), as simple rows. */
export async function listContainers(target: Target, ctx?: AdapterContext): Promise<ContainerRow[]> {
  const ep = resolveDockerEndpoint(target);
  const docker = new Docker(ep.options);
  const list = await call(ep, target, ctx, 'docker.ps', ['ps', '-a'], () => docker.listContainers({ all: true }));
  return list.map(toRow);
}

/** Refuses a 'swarm' target whose engine is not an active Swarm manager, saying what to do instead. */
function requireSwarmManager(info: DockerInfo, ep: DockerEndpoint): void {
  const state = info.Swarm?.LocalNodeState || 'inactive';
  if (state !== 'active') {
    throw new ApiError(
      'UNAVAILABLE',
      `The Docker engine at ${ep.url} is not part of a Swarm (state: ${state}). Run "docker swarm init" there, ` +
        'point this target at a Swarm manager, or add the engine as a local Docker target instead.',
      { endpoint: ep.url, swarm: state },
    );
  }
  if (!info.Swarm?.ControlAvailable) {
    throw new ApiError(
      'UNAVAILABLE',
      `The Docker engine at ${ep.url} is a Swarm worker; services can only be managed on a manager node. Point this target at a manager.`,
      { endpoint: ep.url, swarm: state },
    );
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export const dockerAdapter: BackendAdapter = {
  kinds: ['local-docker', 'swarm'],

  async connect(target: Target, ctx: AdapterContext): Promise<TargetCheck> {
    const ep = resolveDockerEndpoint(target);
    const docker = new Docker(ep.options);
    const version = await call(ep, target, ctx, 'docker.version', ['version'], () => docker.version());
    const info = await call(ep, target, ctx, 'docker.info', ['info'], async () => (await docker.info()) as DockerInfo);
    const swarmState = info.Swarm?.LocalNodeState || 'inactive';
    if (target.kind === 'swarm') requireSwarmManager(info, ep);

    const rows = await listContainers(target, ctx);
    const running = rows.filter((r) => r.state === 'running').length;
    const details: Record<string, string> = {
      endpoint: ep.url,
      engineVersion: version.Version,
      apiVersion: version.ApiVersion,
      os: `${version.Os}/${version.Arch}`,
      swarm: swarmState,
      containers: String(rows.length),
      running: String(running),
      // Names only (a busy engine has hundreds of containers); the full list comes from listContainers.
      containerNames: rows
        .slice(0, 200)
        .map((r) => r.name)
        .join(','),
    };
    let summary = `Docker ${version.Version} (API ${version.ApiVersion}), ${plural(rows.length, 'container')} (${running} running)`;

    if (target.kind === 'swarm') {
      const services = await call(ep, target, ctx, 'docker.service.ls', ['service', 'ls'], () => docker.listServices());
      details.swarmNodes = String(info.Swarm?.Nodes ?? 0);
      details.swarmManagers = String(info.Swarm?.Managers ?? 0);
      details.services = String(services.length);
      details.serviceNames = services.map((s) => s.Spec?.Name ?? s.ID).join(',');
      summary =
        `Docker ${version.Version} (API ${version.ApiVersion}), swarm active, ` +
        `${plural(info.Swarm?.Nodes ?? 0, 'node')} (${plural(info.Swarm?.Managers ?? 0, 'manager')}), ` +
        `${plural(services.length, 'service')}, ${plural(rows.length, 'container')}`;
    }
    ctx.log.info('docker target checked', { targetId: target.id, endpoint: ep.url, version: version.Version, swarm: swarmState });
    return { ok: true, summary, details };
  },
};

export default dockerAdapter;
