// Deploys a planned fleet (planSwarm) to a Swarm manager the way `docker stack deploy` would, and manages stacks by
// their `com.docker.stack.namespace` label, so stacks deployed by the CLI and by SimDeck look the same to both.
// Deploy order: overlay network, volumes, services; on failure what this deploy created is removed again (services,
// then the network, then new volumes). Notes: shared/notes/nrp-and-bigchem.md B2, B4, B6, B10, B11.
import { existsSync } from 'node:fs';
import type Docker from 'dockerode';
import type { FleetPlan, PlannedResource } from '../../shared/fleet.js';
import { ApiError } from '../../shared/errors.js';
import { mapDockerError } from '../docker/endpoint.js';
import { demuxDockerLogs } from './deploy-swarm-logs.js';
import { STACK_NAMESPACE } from './labels.js';

export interface CreatedSwarmResource {
  kind: 'network' | 'volume' | 'service';
  name: string;
  id: string;
}

export interface DeploySwarmOptions {
  /** The -H form of the engine, for error messages; default derived from the dockerode client. */
  endpointUrl?: string;
  /** Progress lines (one per created object, the CLI twin of the call). */
  log?: (line: string) => void;
}

export interface DeploySwarmResult {
  /** What this deploy created, in order (existing networks/volumes of the stack are reused and not listed). */
  created: CreatedSwarmResource[];
  /** Preflight findings: images missing locally, images a multi-node Swarm can only get from a registry. */
  warnings: string[];
}

interface SwarmInfo {
  Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; Nodes?: number };
}

interface ServiceBody {
  Name: string;
  TaskTemplate?: { ContainerSpec?: { Image?: string } };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function endpointOf(docker: Docker, url?: string): { url: string; options: Docker.DockerOptions } {
  if (url) return { url, options: {} };
  const m = (docker as unknown as { modem?: { socketPath?: string; host?: string; port?: number; protocol?: string } }).modem;
  if (m?.socketPath) return { url: `unix://${m.socketPath}`, options: {} };
  if (m?.host) return { url: `${m.protocol === 'https' ? 'https' : 'tcp'}://${m.host}:${m.port ?? 2375}`, options: {} };
  return { url: 'the Swarm manager', options: {} };
}

function statusOf(err: unknown): number | undefined {
  const s = (err as { statusCode?: unknown })?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

function messageOf(err: unknown): string {
  const e = err as { json?: { message?: string }; message?: string };
  return e?.json?.message ?? e?.message ?? String(err);
}

/** Refuses an engine that is not an active Swarm manager. */
async function requireManager(docker: Docker, url: string): Promise<SwarmInfo> {
  const info = (await docker.info()) as SwarmInfo;
  const state = info.Swarm?.LocalNodeState || 'inactive';
  if (state !== 'active') {
    throw new ApiError('UNAVAILABLE', `The Docker engine at ${url} is not part of a Swarm (state: ${state}). Run "docker swarm init" there first.`, {
      endpoint: url,
    });
  }
  if (!info.Swarm?.ControlAvailable) {
    throw new ApiError('UNAVAILABLE', `The Docker engine at ${url} is a Swarm worker; stacks can only be deployed on a manager.`, { endpoint: url });
  }
  return info;
}

async function imageWarnings(docker: Docker, images: string[], nodes: number): Promise<string[]> {
  const warnings: string[] = [];
  for (const image of images) {
    try {
      const info = (await docker.getImage(image).inspect()) as { RepoDigests?: string[] };
      if (nodes > 1 && (info.RepoDigests ?? []).length === 0) {
        warnings.push(
          `Image ${image} exists only on this node (it has no registry digest): the other ${nodes - 1} node(s) cannot pull it. ` +
            'Push it to a registry the nodes can reach, or load it on every node (docker load).',
        );
      }
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
      warnings.push(
        `Image ${image} is not present on this node: each node pulls it from its registry when a task is scheduled there; ` +
          'if no registry has it the tasks stay rejected with "No such image".',
      );
    }
  }
  return warnings;
}

/**
 * Deploys a swarm plan. Preflight: the engine is a Swarm manager, no service of the plan exists yet, the network
 * name is free or already the stack's; images are checked on this node (warnings, see DeploySwarmResult).
 */
export async function deploySwarm(docker: Docker, plan: FleetPlan, opts: DeploySwarmOptions = {}): Promise<DeploySwarmResult> {
  const ep = endpointOf(docker, opts.endpointUrl);
  const log = opts.log ?? (() => undefined);
  if (plan.target !== 'swarm') throw new ApiError('INVALID_INPUT', `deploySwarm needs a swarm plan, not a ${plan.target} plan.`, { field: 'target' });
  const namespace = plan.labels[STACK_NAMESPACE];
  if (!namespace) throw new ApiError('INVALID_INPUT', `The plan carries no ${STACK_NAMESPACE} label.`, { field: 'labels' });

  let warnings: string[];
  const services = plan.resources.filter((r) => r.kind === 'service');
  try {
    const info = await requireManager(docker, ep.url);
    const existing = await docker.listServices({ filters: { name: services.map((s) => s.name) } });
    const taken = existing.map((s) => s.Spec?.Name ?? '').filter((n) => services.some((s) => s.name === n));
    if (taken.length > 0) {
      throw new ApiError(
        'CONFLICT',
        `Stack ${namespace} is already deployed (service ${taken.join(', ')} exists). Remove it first (docker stack rm ${namespace}) or pick another fleet name.`,
        { namespace, services: taken.join(',') },
      );
    }
    const images = [...new Set(services.map((s) => (s.body as ServiceBody).TaskTemplate?.ContainerSpec?.Image ?? '').filter((i) => i !== ''))];
    warnings = await imageWarnings(docker, images, info.Swarm?.Nodes ?? 1);
  } catch (err) {
    throw mapDockerError(err, ep);
  }

  const created: CreatedSwarmResource[] = [];
  let current: PlannedResource | undefined;
  try {
    for (const r of plan.resources) {
      current = r;
      const id = await createOne(docker, r, namespace);
      if (id === null) {
        log(`reusing ${r.kind} ${r.name}`);
        continue;
      }
      created.push({ kind: r.kind as CreatedSwarmResource['kind'], name: r.name, id });
      log(r.command);
    }
  } catch (err) {
    const cause = err instanceof ApiError ? err.message : messageOf(err);
    const leftovers = await rollback(docker, created);
    const undone = created.map((c) => `${c.kind} ${c.name}`).join(', ') || 'nothing had been created';
    throw new ApiError(
      'REMOTE_FAILED',
      `Deploying stack ${namespace} failed at ${current?.kind ?? 'resource'} ${current?.name ?? '?'}: ${cause}. ` +
        (leftovers.length === 0
          ? `Rolled back (${undone}).`
          : `Rollback could not remove ${leftovers.join(', ')}; remove them by hand (docker stack rm ${namespace}).`),
      { namespace, failedAt: current?.name ?? '', cause, leftovers: leftovers.join(',') },
    );
  }
  return { created, warnings };
}

/** Creates one planned object; null when an existing network/volume of the same stack is reused. */
async function createOne(docker: Docker, r: PlannedResource, namespace: string): Promise<string | null> {
  switch (r.kind) {
    case 'network': {
      const same = await docker.listNetworks({ filters: { name: [r.name] } });
      const hit = same.find((n) => n.Name === r.name);
      if (hit) {
        if (hit.Labels?.[STACK_NAMESPACE] === namespace && hit.Driver === 'overlay') return null;
        throw new ApiError('CONFLICT', `A network named ${r.name} already exists and does not belong to stack ${namespace}.`);
      }
      const net = await docker.createNetwork(r.body as Docker.NetworkCreateOptions);
      return net.id;
    }
    case 'volume': {
      try {
        await docker.getVolume(r.name).inspect();
        return null;
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
      const vol = (await docker.createVolume(r.body as Docker.VolumeCreateOptions)) as unknown as { Name?: string; name?: string };
      return vol.Name ?? vol.name ?? r.name;
    }
    case 'service': {
      const svc = await docker.createService(r.body as Docker.CreateServiceOptions);
      return svc.id;
    }
    default:
      throw new ApiError('INVALID_INPUT', `A swarm plan cannot create a ${r.kind}.`);
  }
}

/** Removes with a few retries while the object is still in use (tasks shutting down). Returns whether it went. */
async function removeRetrying(remove: () => Promise<unknown>, tries = 20): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    try {
      await remove();
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return true;
      if (i === tries - 1) return false;
      await sleep(500);
    }
  }
  return false;
}

/** Undoes a partial deploy: services, then networks, then volumes. Returns what could not be removed. */
async function rollback(docker: Docker, created: CreatedSwarmResource[]): Promise<string[]> {
  const left: string[] = [];
  const rev = [...created].reverse();
  for (const c of rev.filter((x) => x.kind === 'service')) {
    if (!(await removeRetrying(() => docker.getService(c.id).remove(), 3))) left.push(`service ${c.name}`);
  }
  for (const c of rev.filter((x) => x.kind === 'network')) {
    if (!(await removeRetrying(() => docker.getNetwork(c.id).remove()))) left.push(`network ${c.name}`);
  }
  for (const c of rev.filter((x) => x.kind === 'volume')) {
    if (!(await removeRetrying(() => docker.getVolume(c.name).remove()))) left.push(`volume ${c.name}`);
  }
  return left;
}

export interface RemovedStack {
  services: string[];
  networks: string[];
  secrets: string[];
  configs: string[];
  /** Volumes of the stack on this node, left in place as `docker stack rm` leaves them (docker volume rm on each node). */
  volumesKept: string[];
  /** With wait: task containers still on this node when SimDeck stopped waiting (0 when all are gone). */
  containersLeft?: number;
}

/**
 * Waits until the stack's task containers on this node are gone. The Swarm agent stops them (each gets its stop
 * grace period) and then removes them one at a time; SimDeck removes the ones that have already stopped itself,
 * in parallel, which nothing can lose (they have exited) and which halves the wait for a large fleet. Gives up
 * after 30 s plus 1 s per container and returns how many were left.
 */
async function waitForTaskContainers(docker: Docker, label: { label: string[] }): Promise<number> {
  let left = await docker.listContainers({ all: true, filters: label });
  const deadline = Date.now() + Math.min(600_000, 30_000 + 1000 * left.length);
  while (left.length > 0 && Date.now() < deadline) {
    const stopped = left.filter((c) => c.State === 'exited' || c.State === 'dead' || c.State === 'created');
    // 404: the agent removed it first; 409: its removal is already under way. Either way it is going.
    await Promise.all(stopped.map((c) => docker.getContainer(c.Id).remove({ v: false }).catch(() => undefined)));
    await sleep(stopped.length > 0 ? 100 : 500);
    left = await docker.listContainers({ all: true, filters: label });
  }
  return left.length;
}

/**
 * Removes a stack like `docker stack rm`: its services, then secrets, configs and networks carrying the namespace
 * label. Volumes are NOT removed (the CLI keeps them too); they are listed in volumesKept. With `wait`, returns only
 * after the stack's task containers on this node are gone.
 */
export async function removeStack(docker: Docker, namespace: string, opts: { wait?: boolean; endpointUrl?: string } = {}): Promise<RemovedStack> {
  const ep = endpointOf(docker, opts.endpointUrl);
  const label = { label: [`${STACK_NAMESPACE}=${namespace}`] };
  try {
    const services = await docker.listServices({ filters: label });
    const secrets = await docker.listSecrets({ filters: label });
    const configs = await docker.listConfigs({ filters: label });
    const networks = await docker.listNetworks({ filters: label });
    const out: RemovedStack = { services: [], networks: [], secrets: [], configs: [], volumesKept: [] };
    if (services.length + secrets.length + configs.length + networks.length === 0) {
      throw new ApiError('NOT_FOUND', `Nothing found in stack ${namespace}.`, { namespace });
    }
    for (const s of services) {
      await docker.getService(s.ID).remove();
      out.services.push(s.Spec?.Name ?? s.ID);
    }
    for (const s of secrets) {
      await docker.getSecret(s.ID).remove();
      out.secrets.push(s.Spec?.Name ?? s.ID);
    }
    for (const c of configs) {
      await docker.getConfig(c.ID).remove();
      out.configs.push((c.Spec as { Name?: string } | undefined)?.Name ?? c.ID);
    }
    const failed: string[] = [];
    for (const n of networks) {
      if (await removeRetrying(() => docker.getNetwork(n.Id).remove())) out.networks.push(n.Name);
      else failed.push(n.Name);
    }
    if (failed.length > 0) {
      throw new ApiError('REMOTE_FAILED', `Stack ${namespace}: the services are removed but network ${failed.join(', ')} is still in use.`, { namespace });
    }
    if (opts.wait) out.containersLeft = await waitForTaskContainers(docker, label);
    const vols = (await docker.listVolumes({ filters: label })).Volumes ?? [];
    out.volumesKept = vols.map((v) => v.Name).sort();
    return out;
  } catch (err) {
    throw mapDockerError(err, ep);
  }
}

export interface StackRow {
  name: string;
  services: number;
}

/** Stacks by their namespace label (as `docker stack ls`), whoever deployed them. */
export async function listStacks(docker: Docker): Promise<StackRow[]> {
  const services = await docker.listServices({ filters: { label: [STACK_NAMESPACE] } });
  const counts = new Map<string, number>();
  for (const s of services) {
    const ns = s.Spec?.Labels?.[STACK_NAMESPACE];
    if (ns) counts.set(ns, (counts.get(ns) ?? 0) + 1);
  }
  return [...counts.entries()].map(([name, n]) => ({ name, services: n })).sort((a, b) => a.name.localeCompare(b.name));
}

export interface StackServiceRow {
  id: string;
  name: string;
  mode: 'replicated' | 'global';
  /** Replicated: the requested replicas; global: the tasks the orchestrator wants running (one per eligible node). */
  desired: number;
  running: number;
  image: string;
}

interface TaskInfo {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  DesiredState?: string;
  UpdatedAt?: string;
  Status?: { State?: string; Message?: string; Err?: string; ContainerStatus?: { ContainerID?: string } };
}

/** The image without the @sha256 pin the Swarm adds, as `docker service ls` shows it. */
const shortImage = (image: string) => image.replace(/@sha256:[0-9a-f]+$/, '');

/** `docker stack services <ns>`: per service mode, replicas desired/running (counted from tasks) and image. */
export async function stackServices(docker: Docker, namespace: string): Promise<StackServiceRow[]> {
  const services = await docker.listServices({ filters: { label: [`${STACK_NAMESPACE}=${namespace}`] } });
  if (services.length === 0) return [];
  const tasks = (await docker.listTasks({ filters: { service: services.map((s) => s.ID) } })) as TaskInfo[];
  return services
    .map((s) => {
      const mine = tasks.filter((t) => t.ServiceID === s.ID);
      const global = s.Spec?.Mode?.Global !== undefined;
      const wanted = mine.filter((t) => t.DesiredState === 'running');
      return {
        id: s.ID,
        name: s.Spec?.Name ?? s.ID,
        mode: global ? ('global' as const) : ('replicated' as const),
        desired: global ? wanted.length : (s.Spec?.Mode?.Replicated?.Replicas ?? 0),
        running: mine.filter((t) => t.Status?.State === 'running' && t.DesiredState === 'running').length,
        image: shortImage(s.Spec?.TaskTemplate && 'ContainerSpec' in s.Spec.TaskTemplate ? (s.Spec.TaskTemplate.ContainerSpec?.Image ?? '') : ''),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `docker service scale <name>=<replicas>`: a service update carrying the current version index. */
export async function scaleService(docker: Docker, name: string, replicas: number): Promise<void> {
  if (!Number.isInteger(replicas) || replicas < 0) throw new ApiError('INVALID_INPUT', 'Replicas must be a whole number, 0 or more.', { field: 'replicas' });
  const svc = docker.getService(name);
  const info = await svc.inspect();
  const spec = info.Spec as Record<string, unknown> & { Mode?: { Global?: unknown } };
  if (spec.Mode?.Global !== undefined) {
    throw new ApiError('INVALID_INPUT', `Service ${name} is global (one task per node) and cannot be scaled.`, { field: 'replicas' });
  }
  await svc.update({ _query: { version: info.Version.Index }, _body: { ...spec, Mode: { Replicated: { Replicas: replicas } } } });
}

export interface TaskRow {
  id: string;
  slot: number | null;
  nodeId: string;
  node: string;
  state: string;
  desiredState: string;
  message: string;
  error: string;
  containerId: string;
  updatedAt: string;
}

/** `docker service ps <name>`: the service's tasks with node, state and error, by slot. */
export async function serviceTasks(docker: Docker, name: string): Promise<TaskRow[]> {
  const tasks = (await docker.listTasks({ filters: { service: [name] } })) as TaskInfo[];
  const nodes = await docker.listNodes();
  const hostname = new Map(nodes.map((n) => [n.ID, n.Description?.Hostname ?? n.ID]));
  return tasks
    .map((t) => ({
      id: t.ID,
      slot: t.Slot ?? null,
      nodeId: t.NodeID ?? '',
      node: t.NodeID ? (hostname.get(t.NodeID) ?? t.NodeID) : '',
      state: t.Status?.State ?? 'unknown',
      desiredState: t.DesiredState ?? '',
      message: t.Status?.Message ?? '',
      error: t.Status?.Err ?? '',
      containerId: t.Status?.ContainerStatus?.ContainerID ?? '',
      updatedAt: t.UpdatedAt ?? '',
    }))
    .sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0) || b.updatedAt.localeCompare(a.updatedAt));
}

/** Tasks grouped by node hostname. */
export function tasksByNode(tasks: readonly TaskRow[]): Record<string, TaskRow[]> {
  const out: Record<string, TaskRow[]> = {};
  for (const t of tasks) (out[t.node || '(unassigned)'] ??= []).push(t);
  return out;
}

/** `docker service logs --tail N <name>` through GET /services/{id}/logs (stdout+stderr), demultiplexed to text. */
export async function serviceLogs(docker: Docker, name: string, tail = 200): Promise<string> {
  const raw = (await docker.getService(name).logs({ stdout: true, stderr: true, follow: false, tail })) as unknown;
  if (Buffer.isBuffer(raw) || typeof raw === 'string') return demuxDockerLogs(raw).combined;
  if (raw && typeof (raw as NodeJS.ReadableStream).on === 'function') {
    const chunks: Buffer[] = [];
    for await (const c of raw as AsyncIterable<Buffer | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
    return demuxDockerLogs(Buffer.concat(chunks)).combined;
  }
  return typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
}

export interface RoutingMeshReport {
  /** /proc/net/ip_vs exists on the machine SimDeck runs on (the kernel's IPVS, which VIP and ingress need). */
  ipvs: boolean;
  /** The Swarm has its ingress network (it does unless someone removed it). */
  ingressNetwork: boolean;
  /** What SimDeck's plans use regardless: DNS round-robin endpoints and host-mode published ports. */
  endpointMode: 'dnsrr';
  publishMode: 'host';
  note: string;
}

/**
 * Whether the Swarm routing mesh (VIP + ingress) can work. Only IPVS availability is checked, and only on the local
 * kernel (true when SimDeck runs on the manager); a remote node's kernel cannot be inspected through the API.
 */
export async function detectRoutingMesh(docker: Docker, procFile = '/proc/net/ip_vs'): Promise<RoutingMeshReport> {
  const ipvs = existsSync(procFile);
  const nets = await docker.listNetworks({ filters: { name: ['ingress'] } });
  const ingressNetwork = nets.some((n) => n.Name === 'ingress' && (n as { Ingress?: boolean }).Ingress !== false);
  const note =
    (ipvs ? 'IPVS is available on this machine, so VIP and the ingress routing mesh can work. ' : 'IPVS is not available on this machine (no /proc/net/ip_vs): VIP load balancing and the ingress routing mesh do not work here. ') +
    'SimDeck does not depend on them: services use endpoint mode dnsrr (the service name resolves to the task IPs) and publish ports in host mode, on the node that runs the task.';
  return { ipvs, ingressNetwork, endpointMode: 'dnsrr', publishMode: 'host', note };
}
