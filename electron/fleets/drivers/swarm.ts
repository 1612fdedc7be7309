// Fleets on a Docker Swarm: a stack (services labelled com.docker.stack.namespace=<fleet>), so `docker stack ls`
// and SimDeck see the same stacks. Members are the services' tasks; a task that fails is replaced in its slot, so
// restarts are counted as the failed tasks SimDeck has seen per slot.
import type Docker from 'dockerode';
import type { FleetMember, FleetPlan, SwarmNodeInfo } from '../../../shared/fleet.js';
import { ApiError } from '../../../shared/errors.js';
import type { Target } from '../../../shared/domain.js';
import { dockerCommandLine, type DockerEndpoint } from '../../docker/endpoint.js';
import { Engine } from './engine.js';
import { deploySwarm, removeStack, scaleService, serviceLogs } from '../deploy-swarm.js';
import { STACK_NAMESPACE } from '../labels.js';
import { planSwarm } from '../plan-swarm.js';
import type { FleetRow } from '../repo.js';
import { composePlan } from './compose.js';
import type { FleetDriver } from './driver.js';
import { containerUsage } from './stats.js';

interface Task {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  DesiredState?: string;
  CreatedAt?: string;
  Status?: { State?: string; Message?: string; Err?: string; Timestamp?: string; ContainerStatus?: { ContainerID?: string } };
}

const FAILED = new Set(['failed', 'rejected', 'orphaned']);

function roleOf(serviceName: string, ns: string): FleetMember['role'] {
  const short = serviceName.startsWith(`${ns}_`) ? serviceName.slice(ns.length + 1) : serviceName;
  return short === 'broker' || short === 'backend' || short === 'worker' ? short : 'service';
}

export class SwarmDriver implements FleetDriver {
  /** member → ids of its failed tasks seen so far (Swarm keeps only a few in its history). */
  private readonly failures = new Map<string, Set<string>>();
  private readonly engine: Engine;
  private readonly docker: Docker;
  private readonly ep: DockerEndpoint;

  constructor(target: Target) {
    this.engine = new Engine(target);
    this.docker = this.engine.docker;
    this.ep = this.engine.ep;
  }

  async plan(f: FleetRow): Promise<FleetPlan> {
    if (f.details.compose) {
      const secrets = await this.engine.call(() => this.docker.listSecrets());
      return composePlan(f, 'swarm', Object.fromEntries(secrets.map((x) => [x.Spec?.Name ?? x.ID, x.ID])));
    }
    if (!f.spec) throw new ApiError('INVALID_INPUT', `Fleet ${f.name} is a stack deployed with the docker CLI; SimDeck has no definition of it to plan from.`);
    return planSwarm(f.spec);
  }

  async deploy(f: FleetRow, onStep: (msg: string) => void) {
    const plan = await this.plan(f);
    const r = await this.engine.call(() => deploySwarm(this.docker, plan, { endpointUrl: this.ep.url, log: onStep }));
    for (const w of r.warnings) onStep(`Warning: ${w}`);
    return {};
  }

  /** The stack's tasks, each named like `docker service ps` does: service.slot, or service.node when global. */
  private async tasks(f: FleetRow): Promise<{ member: string; service: string; task: Task; node: string | null; local: boolean }[]> {
    const services = await this.engine.call(() => this.docker.listServices({ filters: { label: [`${STACK_NAMESPACE}=${f.name}`] } }));
    if (services.length === 0) return [];
    const [tasks, nodes, info] = await this.engine.call(() =>
      Promise.all([
        this.docker.listTasks({ filters: { service: services.map((s) => s.ID) } }) as Promise<Task[]>,
        this.docker.listNodes(),
        this.docker.info() as Promise<{ Swarm?: { NodeID?: string } }>,
      ]),
    );
    const host = new Map(nodes.map((n) => [n.ID, n.Description?.Hostname ?? n.ID]));
    const svcName = new Map(services.map((s) => [s.ID, s.Spec?.Name ?? s.ID]));
    return tasks.map((task) => {
      const service = svcName.get(task.ServiceID) ?? task.ServiceID;
      const node = task.NodeID ? (host.get(task.NodeID) ?? task.NodeID) : null;
      const member = task.Slot ? `${service}.${task.Slot}` : `${service}.${node ?? task.ID.slice(0, 12)}`;
      return { member, service, task, node, local: task.NodeID === info.Swarm?.NodeID };
    });
  }

  async members(f: FleetRow): Promise<FleetMember[]> {
    const out: FleetMember[] = [];
    for (const { member, service, task: t, node, local } of await this.tasks(f)) {
      if (FAILED.has(t.Status?.State ?? '')) {
        let seen = this.failures.get(member);
        if (!seen) this.failures.set(member, (seen = new Set()));
        seen.add(t.ID);
      }
      if (t.DesiredState !== 'running') continue;
      const containerId = t.Status?.ContainerStatus?.ContainerID;
      // Stats are only reachable for tasks on the node SimDeck talks to; others show no numbers rather than guesses.
      const usage = local && containerId && t.Status?.State === 'running' ? await containerUsage(this.docker, containerId) : { cpuPercent: null, memBytes: null };
      out.push({
        name: member,
        role: roleOf(service, f.name),
        state: t.Status?.State ?? 'unknown',
        node,
        slot: t.Slot ?? null,
        restarts: this.failures.get(member)?.size ?? 0,
        cpuPercent: usage.cpuPercent,
        memBytes: usage.memBytes,
        message: t.Status?.Err || t.Status?.Message || '',
        since: t.Status?.Timestamp ?? null,
      });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  }

  /** The stack's worker service: <ns>_worker, as the wizard and BigChem's files name it. */
  private async workerService(f: FleetRow): Promise<string> {
    const services = await this.engine.call(() => this.docker.listServices({ filters: { label: [`${STACK_NAMESPACE}=${f.name}`] } }));
    const names = services.map((s) => s.Spec?.Name ?? '');
    const worker = `${f.name}_worker`;
    if (!names.includes(worker)) {
      throw new ApiError('NOT_FOUND', `Stack ${f.name} has no service named ${worker} to scale (services: ${names.join(', ') || 'none'}); use docker service scale for others.`);
    }
    return worker;
  }

  async scale(f: FleetRow, workers: number): Promise<void> {
    const service = await this.workerService(f);
    await this.engine.call(() => scaleService(this.docker, service, workers));
  }

  async act(f: FleetRow, member: string, action: 'restart' | 'stop' | 'remove') {
    if (action !== 'restart') {
      throw new ApiError('INVALID_INPUT', `A Swarm keeps every replica running: scale the fleet down instead of trying to ${action} ${member}.`);
    }
    const task = (await this.tasks(f)).find((t) => t.member === member && t.task.DesiredState === 'running');
    if (!task) throw new ApiError('NOT_FOUND', `Stack ${f.name} has no running task ${member}.`);
    // One task: its container is removed and the Swarm starts a fresh task in the same slot.
    const cid = task.task.Status?.ContainerStatus?.ContainerID;
    if (!cid || !task.local) throw new ApiError('UNAVAILABLE', `Task ${member} has no container on the manager SimDeck talks to; restart it on its node (${task.node ?? 'unassigned'}).`);
    await this.engine.call(() => this.docker.getContainer(cid).remove({ force: true }));
    return { command: dockerCommandLine(this.ep, ['rm', '-f', cid.slice(0, 12)]), message: `replaced task ${member} (the Swarm starts a new one in its slot)` };
  }

  async logs(f: FleetRow, member: string, tail: number): Promise<string> {
    const service = member.includes('.') ? member.slice(0, member.lastIndexOf('.')) : member;
    if (!service.startsWith(`${f.name}_`)) throw new ApiError('FORBIDDEN', `${member} is not part of stack ${f.name}.`);
    return this.engine.call(() => serviceLogs(this.docker, service, tail));
  }

  async teardown(f: FleetRow, onStep: (msg: string) => void): Promise<void> {
    onStep(`docker stack rm ${f.name}`);
    try {
      await this.engine.call(() => removeStack(this.docker, f.name, { wait: true, endpointUrl: this.ep.url }));
    } catch (err) {
      // Already gone (removed with the CLI, say): nothing left to remove is what teardown wants.
      if (!(err instanceof ApiError && err.code === 'NOT_FOUND')) throw err;
    }
  }

  async nodes(): Promise<SwarmNodeInfo[]> {
    const nodes = await this.engine.call(() => this.docker.listNodes());
    return nodes.map((n) => {
      const res = n.Description?.Resources as
        | { NanoCPUs?: number; MemoryBytes?: number; GenericResources?: { DiscreteResourceSpec?: { Kind: string; Value: number }; NamedResourceSpec?: { Kind: string } }[] }
        | undefined;
      const generic: Record<string, number> = {};
      for (const g of res?.GenericResources ?? []) {
        if (g.DiscreteResourceSpec) generic[g.DiscreteResourceSpec.Kind] = (generic[g.DiscreteResourceSpec.Kind] ?? 0) + g.DiscreteResourceSpec.Value;
        if (g.NamedResourceSpec) generic[g.NamedResourceSpec.Kind] = (generic[g.NamedResourceSpec.Kind] ?? 0) + 1;
      }
      return {
        hostname: n.Description?.Hostname ?? n.ID,
        role: n.Spec?.Role ?? 'worker',
        state: n.Status?.State ?? 'unknown',
        availability: n.Spec?.Availability ?? 'unknown',
        cpus: (res?.NanoCPUs ?? 0) / 1e9,
        memBytes: res?.MemoryBytes ?? 0,
        generic,
      };
    });
  }
}
