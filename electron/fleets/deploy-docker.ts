// Deploys a local-Docker fleet plan (planLocalDocker) onto one engine through dockerode, the way
// `docker compose -p <fleet> up -d` would: network, volumes, then broker/backend, then workers, each container
// created and started in plan order. All or nothing: a failure halfway removes what this deploy created.
// Also: teardown by the fleet label, status of the fleet's containers and per-worker actions.
import type Docker from 'dockerode';
import type { FleetPlan, FleetSpec, PlannedResource } from '../../shared/fleet.js';
import { ApiError } from '../../shared/errors.js';
import { mapDockerError } from '../docker/endpoint.js';
import type { DockerEndpoint } from '../docker/endpoint.js';
import { COMPOSE_CONTAINER_NUMBER, COMPOSE_SERVICE, FLEET_LABEL } from './labels.js';
import { planLocalDocker } from './plan-docker.js';

export interface CreatedObject {
  kind: 'network' | 'volume' | 'container';
  name: string;
  id: string;
}

export interface DeployOptions {
  /** Progress lines for the UI / activity log ("Creating network x", "Starting container y", ...). */
  onStep?(msg: string): void;
  /** When given, engine errors are explained with the endpoint (mapDockerError). */
  endpoint?: DockerEndpoint;
}

export interface DeployResult {
  created: CreatedObject[];
  /** Networks and volumes that already existed under the planned name and were reused (not created, not rolled back). */
  reused: { kind: 'network' | 'volume'; name: string }[];
}

/** The engine's own message of a dockerode error (HTTP body message), or the error text. */
export function engineMessage(err: unknown, ep?: DockerEndpoint): string {
  if (ep) return mapDockerError(err, ep).message;
  if (err instanceof Error && !('statusCode' in err)) return err.message;
  const e = err as { statusCode?: number; message?: string; json?: { message?: string } | null };
  const msg = e.json?.message ?? e.message ?? String(err);
  return typeof e.statusCode === 'number' ? `HTTP ${e.statusCode}: ${msg}` : msg;
}

const statusOf = (err: unknown): number | undefined => (err as { statusCode?: number } | null)?.statusCode;

function containerBody(r: PlannedResource): Docker.ContainerCreateOptions {
  return r.body as Docker.ContainerCreateOptions;
}

/** Distinct images the plan's containers use, in plan order. */
export function planImages(plan: FleetPlan): string[] {
  const images: string[] = [];
  for (const r of plan.resources) {
    if (r.kind !== 'container') continue;
    const image = containerBody(r).Image;
    if (typeof image === 'string' && image !== '' && !images.includes(image)) images.push(image);
  }
  return images;
}

/** Every image must already be on the engine: SimDeck's local Docker may have no route to any registry. */
async function preflight(docker: Docker, plan: FleetPlan, opts: DeployOptions): Promise<void> {
  if (plan.target !== 'local-docker') {
    throw new ApiError('INVALID_INPUT', `This plan is for "${plan.target}", not local Docker; deploy it with the ${plan.target} deployer.`);
  }
  for (const r of plan.resources) {
    if (r.kind !== 'network' && r.kind !== 'volume' && r.kind !== 'container') {
      throw new ApiError('INVALID_INPUT', `A local Docker plan cannot contain a ${r.kind} (${r.name}).`);
    }
  }
  for (const image of planImages(plan)) {
    opts.onStep?.(`Checking image ${image}`);
    try {
      await docker.getImage(image).inspect();
    } catch (err) {
      if (statusOf(err) === 404) {
        throw new ApiError(
          'INVALID_INPUT',
          `Image ${image} is not on this machine and no registry can be reached from here: load it (docker load) or build it first.`,
          { image },
        );
      }
      throw new ApiError('UNAVAILABLE', `Checking image ${image} failed: ${engineMessage(err, opts.endpoint)}`, { image });
    }
  }
}

/** The id of a network with exactly this name, if one exists (the engine's name filter matches substrings). */
async function existingNetwork(docker: Docker, name: string): Promise<string | undefined> {
  const list = await docker.listNetworks({ filters: { name: [name] } });
  return list.find((n) => n.Name === name)?.Id;
}

async function existingVolume(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getVolume(name).inspect();
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw err;
  }
}

/** Removes objects in reverse creation order; returns the ones that could not be removed, with why. */
async function removeObjects(docker: Docker, objs: readonly CreatedObject[], onStep?: (msg: string) => void): Promise<string[]> {
  const failures: string[] = [];
  for (const o of [...objs].reverse()) {
    onStep?.(`Removing ${o.kind} ${o.name}`);
    try {
      if (o.kind === 'container') await docker.getContainer(o.id).remove({ force: true, v: false });
      else if (o.kind === 'volume') await docker.getVolume(o.name).remove();
      else await docker.getNetwork(o.id).remove();
    } catch (err) {
      if (statusOf(err) !== 404) failures.push(`${o.kind} ${o.name}: ${engineMessage(err)}`);
    }
  }
  return failures;
}

/**
 * Creates the plan's network, volumes and containers in order (starting each container as it is created, so
 * broker and backend run before the workers). Nothing is created unless every image is present locally.
 * On a failure, everything this deploy created is removed again (reverse order) and the error says so.
 */
export async function deployLocalDocker(docker: Docker, plan: FleetPlan, opts: DeployOptions = {}): Promise<DeployResult> {
  await preflight(docker, plan, opts);
  const created: CreatedObject[] = [];
  const reused: DeployResult['reused'] = [];
  let step = '';
  try {
    for (const r of plan.resources) {
      if (r.kind === 'network') {
        step = `creating network ${r.name}`;
        const existing = await existingNetwork(docker, r.name);
        if (existing) {
          opts.onStep?.(`Reusing network ${r.name}`);
          reused.push({ kind: 'network', name: r.name });
          continue;
        }
        opts.onStep?.(`Creating network ${r.name}`);
        const net = await docker.createNetwork(r.body as Docker.NetworkCreateOptions);
        created.push({ kind: 'network', name: r.name, id: net.id });
      } else if (r.kind === 'volume') {
        step = `creating volume ${r.name}`;
        // VolumeCreate returns an existing volume of the same name instead of failing: never claim it as ours.
        if (await existingVolume(docker, r.name)) {
          opts.onStep?.(`Reusing volume ${r.name}`);
          reused.push({ kind: 'volume', name: r.name });
          continue;
        }
        opts.onStep?.(`Creating volume ${r.name}`);
        const vol = (await docker.createVolume(r.body as Docker.VolumeCreateOptions)) as unknown as { Name?: string; name?: string };
        created.push({ kind: 'volume', name: r.name, id: vol.Name ?? vol.name ?? r.name });
      } else {
        step = `creating container ${r.name}`;
        opts.onStep?.(`Creating container ${r.name}`);
        const c = await docker.createContainer({ ...containerBody(r), name: r.name });
        created.push({ kind: 'container', name: r.name, id: c.id });
        step = `starting container ${r.name}`;
        opts.onStep?.(`Starting container ${r.name}`);
        await c.start();
      }
    }
  } catch (err) {
    const cause = engineMessage(err, opts.endpoint);
    opts.onStep?.(`Failed ${step}: ${cause}; rolling back`);
    const failures = await removeObjects(docker, created, opts.onStep);
    const what = created.map((o) => `${o.kind} ${o.name}`).join(', ') || 'nothing had been created yet';
    if (failures.length > 0) {
      throw new ApiError(
        'REMOTE_FAILED',
        `Deploying the fleet failed while ${step}: ${cause}. Rolling back did not remove everything; still left: ${failures.join('; ')}. ` +
          'Remove them by hand or tear the fleet down.',
        { step, cause, created: what, leftBehind: failures.join('; ') },
      );
    }
    throw new ApiError(
      'REMOTE_FAILED',
      `Deploying the fleet failed while ${step}: ${cause}. Everything this deploy had created was removed again (${what}); nothing was left behind.`,
      { step, cause, rolledBack: what },
    );
  }
  return { created, reused };
}

const fleetFilter = (fleet: string) => ({ label: [`${FLEET_LABEL}=${fleet}`] });

/** Removes exactly the objects labelled io.simdeck.fleet=<fleet>: containers, then volumes, then networks. */
export async function teardownFleet(docker: Docker, fleet: string, opts: { onStep?(msg: string): void } = {}): Promise<{ removed: CreatedObject[] }> {
  if (fleet.trim() === '') throw new ApiError('INVALID_INPUT', 'A fleet name is required to tear a fleet down.', { field: 'fleet' });
  const removed: CreatedObject[] = [];
  const failures: string[] = [];
  const attempt = async (o: CreatedObject, work: () => Promise<unknown>) => {
    opts.onStep?.(`Removing ${o.kind} ${o.name}`);
    try {
      await work();
      removed.push(o);
    } catch (err) {
      if (statusOf(err) === 404) removed.push(o);
      else failures.push(`${o.kind} ${o.name}: ${engineMessage(err)}`);
    }
  };
  const containers = await docker.listContainers({ all: true, filters: fleetFilter(fleet) });
  for (const c of containers) {
    const name = (c.Names[0] ?? c.Id).replace(/^\//, '');
    await attempt({ kind: 'container', name, id: c.Id }, () => docker.getContainer(c.Id).remove({ force: true }));
  }
  const volumes = (await docker.listVolumes({ filters: fleetFilter(fleet) })).Volumes ?? [];
  for (const v of volumes) await attempt({ kind: 'volume', name: v.Name, id: v.Name }, () => docker.getVolume(v.Name).remove());
  const networks = await docker.listNetworks({ filters: fleetFilter(fleet) });
  for (const n of networks) await attempt({ kind: 'network', name: n.Name, id: n.Id }, () => docker.getNetwork(n.Id).remove());
  if (failures.length > 0) {
    throw new ApiError('REMOTE_FAILED', `Tearing down fleet ${fleet} left ${failures.length} object(s) behind: ${failures.join('; ')}`, {
      fleet,
      removed: removed.map((o) => `${o.kind} ${o.name}`).join(', '),
    });
  }
  return { removed };
}

export interface FleetContainerStatus {
  id: string;
  name: string;
  /** Compose service label: broker, backend, worker. */
  service: string;
  /** Compose container number (1-based), 0 when unlabelled. */
  number: number;
  image: string;
  /** running, exited, created, restarting, ... */
  state: string;
  /** Docker's human status, e.g. "Up 5 minutes". */
  status: string;
  restartCount: number;
}

/** The fleet's containers (running or not), ordered by service and number. */
export async function fleetStatus(docker: Docker, fleet: string): Promise<FleetContainerStatus[]> {
  const list = await docker.listContainers({ all: true, filters: fleetFilter(fleet) });
  const rows = await Promise.all(
    list.map(async (c): Promise<FleetContainerStatus> => {
      let restartCount = 0;
      try {
        restartCount = (await docker.getContainer(c.Id).inspect()).RestartCount ?? 0;
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
      return {
        id: c.Id.slice(0, 12),
        name: (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
        service: c.Labels?.[COMPOSE_SERVICE] ?? '',
        number: Number(c.Labels?.[COMPOSE_CONTAINER_NUMBER] ?? 0) || 0,
        image: c.Image,
        state: c.State,
        status: c.Status,
        restartCount,
      };
    }),
  );
  const order = (s: string) => ['broker', 'backend', 'worker'].indexOf(s) >>> 0;
  return rows.sort((a, b) => order(a.service) - order(b.service) || a.service.localeCompare(b.service) || a.number - b.number);
}

export type WorkerAction = 'restart' | 'stop' | 'remove';

/** Restarts, stops or force-removes one fleet container by name; refuses containers that belong to no fleet. */
export async function workerAction(docker: Docker, containerName: string, action: WorkerAction): Promise<{ name: string; fleet: string }> {
  const c = docker.getContainer(containerName);
  let info: Docker.ContainerInspectInfo;
  try {
    info = await c.inspect();
  } catch (err) {
    if (statusOf(err) === 404) throw new ApiError('NOT_FOUND', `There is no container named ${containerName}.`, { container: containerName });
    throw err;
  }
  const fleet = info.Config.Labels?.[FLEET_LABEL];
  if (!fleet) {
    throw new ApiError('FORBIDDEN', `Container ${containerName} is not part of a SimDeck fleet; SimDeck leaves it alone.`, {
      container: containerName,
    });
  }
  if (action === 'restart') await c.restart();
  else if (action === 'stop') {
    try {
      await c.stop();
    } catch (err) {
      if (statusOf(err) !== 304) throw err; // already stopped
    }
  } else await c.remove({ force: true });
  return { name: containerName, fleet };
}

/**
 * Sets the number of worker containers of a deployed fleet: creates and starts the missing `<fleet>-worker-<n>`
 * (n = 1…replicas) with the plan's body, and force-removes workers numbered above `replicas`. The network and
 * volumes must already exist (deploy first). New workers are rolled back if one of them fails.
 */
export async function scaleLocal(
  docker: Docker,
  spec: FleetSpec,
  replicas: number,
  opts: DeployOptions = {},
): Promise<{ created: CreatedObject[]; removed: string[] }> {
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > 10_000) {
    throw new ApiError('INVALID_INPUT', 'The number of workers must be a whole number from 0 to 10000.', { field: 'replicas' });
  }
  if (spec.workers.global || spec.workers.gpu === 'per-gpu') {
    throw new ApiError('INVALID_INPUT', 'Global and per-GPU workers are sized by the host, not by a count; change the fleet and redeploy instead.', {
      field: 'replicas',
    });
  }
  const plan = planLocalDocker({ ...spec, workers: { ...spec.workers, replicas } });
  const network = plan.resources.find((r) => r.kind === 'network');
  if (network && !(await existingNetwork(docker, network.name))) {
    throw new ApiError('NOT_FOUND', `Fleet ${spec.name} is not deployed here (its network ${network.name} is missing): deploy it first.`, {
      fleet: spec.name,
    });
  }
  const wanted = plan.resources.filter((r) => r.kind === 'container' && containerBody(r).Labels?.[COMPOSE_SERVICE] === 'worker');
  const current = (await fleetStatus(docker, spec.name)).filter((s) => s.service === 'worker');
  const missing = wanted.filter((r) => !current.some((c) => c.name === r.name));
  const extra = current.filter((c) => !wanted.some((r) => r.name === c.name)).sort((a, b) => b.number - a.number);

  let created: CreatedObject[] = [];
  if (missing.length > 0) {
    // Volumes are already there (or reused): only the new containers are deployed and rolled back.
    created = (await deployLocalDocker(docker, { ...plan, resources: missing }, opts)).created;
  }
  const removed: string[] = [];
  for (const c of extra) {
    opts.onStep?.(`Removing container ${c.name}`);
    try {
      await docker.getContainer(c.id).remove({ force: true });
    } catch (err) {
      if (statusOf(err) !== 404) throw new ApiError('REMOTE_FAILED', `Removing worker ${c.name} failed: ${engineMessage(err, opts.endpoint)}`);
    }
    removed.push(c.name);
  }
  return { created, removed };
}
