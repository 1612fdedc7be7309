// Worker fleets behind the `fleets.*` calls: one service per workspace that deploys through the target's driver
// (local Docker, Swarm, SLURM array), remembers each fleet in the workspace, watches it with one observer per
// fleet, and tears down exactly what it made. Every remote action is in the activity log with its CLI twin.
import type { Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { Fleet, FleetDeploySpec, FleetMember, FleetMemberAction, FleetPlan, FleetSample, FleetTarget, SwarmNodeInfo } from '../../shared/fleet.js';
import type { TunnelCreate, TunnelInfo } from '../../shared/files.js';
import type { Services } from '../core/services.js';
import { parseComposeOrThrow } from './compose-import.js';
import type { FleetDriver } from './drivers/driver.js';
import { LocalDockerDriver } from './drivers/local-docker.js';
import { SlurmArrayDriver, type SlurmFleetPort } from './drivers/slurm-array.js';
import { SwarmDriver } from './drivers/swarm.js';
import { readBroker, type BrokerSnapshot } from './monitor/snapshot.js';
import { FleetObserver } from './observer.js';
import { composeRefusal } from './plan-compose.js';
import { FleetRepo, toFleet, type FleetDetails, type FleetRow } from './repo.js';

export interface FleetTunnelPort {
  create(spec: TunnelCreate): Promise<TunnelInfo>;
  remove(id: string): Promise<void>;
  list(): TunnelInfo[];
}

export interface FleetServiceOptions {
  /** Time between looks at a fleet's members. Default 5 s. */
  intervalMs?: number;
  /** Time between samples (broker reading, chart point). Default 15 s. */
  sampleMs?: number;
  maxBackoffMs?: number;
}

export type FleetServices = Pick<Services, 'db' | 'targets' | 'projects' | 'secrets' | 'log' | 'emit' | 'adapterContext'>;

const KINDS: Record<string, FleetTarget> = { 'local-docker': 'local-docker', swarm: 'swarm', slurm: 'slurm' };

export class FleetService {
  readonly repo: FleetRepo;
  private readonly observers = new Map<string, FleetObserver>();
  private readonly drivers = new Map<string, FleetDriver>();
  private readonly opts: Required<FleetServiceOptions>;

  constructor(
    private readonly s: FleetServices,
    private readonly ports: { slurm: SlurmFleetPort; tunnels: FleetTunnelPort },
    opts: FleetServiceOptions = {},
  ) {
    this.repo = new FleetRepo(s.db);
    this.opts = { intervalMs: opts.intervalMs ?? 5000, sampleMs: opts.sampleMs ?? 15_000, maxBackoffMs: opts.maxBackoffMs ?? 60_000 };
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  private targetKind(target: Target): FleetTarget {
    const kind = KINDS[target.kind];
    if (!kind) throw new ApiError('INVALID_INPUT', `${target.name} is a ${target.kind} target: fleets deploy to local Docker, a Docker Swarm or a SLURM cluster.`, { field: 'targetId' });
    return kind;
  }

  /** One driver per fleet (the Swarm driver remembers failed tasks between looks). */
  private driver(f: Pick<FleetRow, 'id' | 'targetId' | 'target'>): FleetDriver {
    let d = this.drivers.get(f.id);
    if (!d) {
      const target = this.s.targets.get(f.targetId);
      d = f.target === 'local-docker' ? new LocalDockerDriver(target) : f.target === 'swarm' ? new SwarmDriver(target) : new SlurmArrayDriver(this.ports.slurm);
      this.drivers.set(f.id, d);
    }
    return d;
  }

  private changed(id: string): void {
    const f = this.repo.find(id);
    if (f) this.s.emit('fleets.changed', toFleet(f));
  }

  private activity<T>(f: FleetRow, action: string, command: string, work: () => Promise<T>): Promise<T> {
    return this.s.adapterContext.activity.run({ action, command, targetId: f.targetId, projectId: f.projectId }, work);
  }

  /** A row that is not in the workspace yet, for planning only. */
  private draft(spec: FleetDeploySpec, target: FleetTarget, gpuCount?: number): FleetRow {
    const at = new Date().toISOString();
    return {
      id: 'preview',
      projectId: spec.projectId,
      targetId: spec.targetId,
      name: spec.name,
      target,
      source: 'wizard',
      state: 'deploying',
      message: '',
      spec,
      details: gpuCount === undefined ? {} : { gpuCount },
      desired: spec.workers.replicas,
      running: 0,
      crashLooping: [],
      monitorState: '',
      createdAt: at,
      updatedAt: at,
    };
  }

  private checkSpec(spec: FleetDeploySpec, kind: FleetTarget): void {
    this.s.projects.get(spec.projectId);
    if (kind === 'slurm' && !spec.slurm) {
      throw new ApiError('INVALID_INPUT', 'A SLURM fleet needs its array options: the broker and backend URLs the workers connect to, and resources.', { field: 'slurm' });
    }
    if (spec.monitor?.viaTunnel && kind !== 'slurm') {
      throw new ApiError('INVALID_INPUT', 'Reading the broker through a tunnel needs a SLURM target (the tunnel goes through its login node).', { field: 'monitor.viaTunnel' });
    }
  }

  // ---- deploy ----------------------------------------------------------------------------------------------

  async previewDeploy(spec: FleetDeploySpec, gpuCount?: number): Promise<FleetPlan> {
    const kind = this.targetKind(this.s.targets.get(spec.targetId));
    this.checkSpec(spec, kind);
    const draft = this.draft(spec, kind, gpuCount);
    const plan = await this.driverFor(draft).plan(draft);
    if (spec.monitor?.viaTunnel) plan.warnings.push(`SimDeck opens a tunnel through the login node to ${hostPort(spec.monitor.url)} to read the broker.`);
    return plan;
  }

  /** Drivers for drafts are not cached (they have no id yet). */
  private driverFor(f: FleetRow): FleetDriver {
    if (f.id !== 'preview') return this.driver(f);
    const target = this.s.targets.get(f.targetId);
    return f.target === 'local-docker' ? new LocalDockerDriver(target) : f.target === 'swarm' ? new SwarmDriver(target) : new SlurmArrayDriver(this.ports.slurm);
  }

  async deploy(spec: FleetDeploySpec, opts: { gpuCount?: number; monitorPassword?: string }): Promise<Fleet> {
    const kind = this.targetKind(this.s.targets.get(spec.targetId));
    this.checkSpec(spec, kind);
    const details: FleetDetails = opts.gpuCount === undefined ? {} : { gpuCount: opts.gpuCount };
    const f = this.repo.create({ projectId: spec.projectId, targetId: spec.targetId, name: spec.name, target: kind, source: 'wizard', spec, details, desired: spec.workers.replicas });
    if (opts.monitorPassword) this.repo.patchDetails(f.id, { monitorSecretId: (await this.s.secrets.store(`fleet ${spec.name} broker monitoring`, opts.monitorPassword)).id });
    return this.runDeploy(this.repo.get(f.id));
  }

  /** Target kind and compose mode for a compose deploy (local Docker: compose; Swarm: stack). */
  private composeTarget(p: { projectId: string; targetId: string }): { kind: 'local-docker' | 'swarm'; mode: 'compose' | 'stack' } {
    const kind = this.targetKind(this.s.targets.get(p.targetId));
    this.s.projects.get(p.projectId);
    if (kind === 'slurm') throw new ApiError('INVALID_INPUT', 'A compose file deploys to local Docker or a Swarm; for SLURM use the fleet wizard (a worker array).', { field: 'targetId' });
    return { kind, mode: kind === 'swarm' ? 'stack' : 'compose' };
  }

  /** The compose plan without asking the engine (Swarm secret ids are looked up at deploy). */
  async previewCompose(p: { projectId: string; targetId: string; name: string; text: string; env: Record<string, string> }): Promise<FleetPlan> {
    const { kind, mode } = this.composeTarget(p);
    const { planFromCompose } = await import('./plan-compose.js');
    return planFromCompose(parseComposeOrThrow(p.text, mode, p.env), { project: p.name, target: kind, env: p.env });
  }

  async deployCompose(p: { projectId: string; targetId: string; name: string; text: string; env: Record<string, string>; ignoreUnsupported: boolean }): Promise<Fleet> {
    const { kind, mode } = this.composeTarget(p);
    const imp = parseComposeOrThrow(p.text, mode, p.env);
    const refusal = composeRefusal(imp);
    if (refusal && !p.ignoreUnsupported) throw new ApiError('INVALID_INPUT', refusal, { field: 'text' });
    const f = this.repo.create({
      projectId: p.projectId,
      targetId: p.targetId,
      name: p.name,
      target: kind,
      source: 'compose',
      spec: null,
      details: { compose: { text: p.text, env: p.env, mode } },
      desired: 0,
    });
    return this.runDeploy(f);
  }

  private async runDeploy(f: FleetRow): Promise<Fleet> {
    this.changed(f.id);
    const driver = this.driver(f);
    const steps: string[] = [];
    try {
      const plan = await driver.plan(f);
      const summary = plan.resources.map((r) => r.command).join(' && ');
      const made = await this.activity(f, 'fleets.deploy', summary, () => driver.deploy(f, (m) => steps.push(m)));
      this.repo.patchDetails(f.id, made);
      this.repo.update(f.id, { state: 'running', message: `deployed (${plan.resources.length} objects)` });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.repo.update(f.id, { state: 'failed', message: why });
      this.changed(f.id);
      this.drivers.delete(f.id);
      throw err;
    }
    await this.openTunnel(this.repo.get(f.id));
    this.changed(f.id);
    this.watch(f.id).poke();
    return toFleet(this.repo.get(f.id));
  }

  /** SLURM fleets whose broker runs on the head node: a tunnel to it, so SimDeck can read queue depths. */
  private async openTunnel(f: FleetRow): Promise<void> {
    const m = f.spec?.monitor;
    if (!m?.viaTunnel || f.target !== 'slurm') return;
    const [host, port] = hostPort(m.url);
    try {
      const t = await this.ports.tunnels.create({ name: `fleet ${f.name} broker`, targetId: f.targetId, localPort: 0, remoteHost: host, remotePort: port, autoStart: true });
      this.repo.patchDetails(f.id, { tunnelId: t.id });
    } catch (err) {
      this.repo.update(f.id, { monitorState: `no tunnel to the broker: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  // ---- watch -----------------------------------------------------------------------------------------------

  private watch(id: string): FleetObserver {
    let o = this.observers.get(id);
    if (!o) {
      const f = this.repo.get(id);
      o = new FleetObserver(
        id,
        {
          repo: this.repo,
          driver: this.driver(f),
          readBroker: (row) => this.readBroker(row),
          changed: (fid) => this.changed(fid),
          crashLooping: (row, members) => this.crashLoop(row, members),
          log: this.s.log,
        },
        this.opts,
      );
      this.observers.set(id, o);
      o.start(0);
    }
    return o;
  }

  private crashLoop(f: FleetRow, members: FleetMember[]): void {
    const names = members.map((m) => m.name).join(', ');
    const message = `Fleet ${f.name}: ${names} keeps restarting (${members[0]?.restarts ?? 0} restarts, 3 or more within 5 minutes). Open its log to see why.`;
    this.s.emit('notice', { level: 'warning', message });
    void this.activity(f, 'fleets.crashloop', `# ${message}`, async () => undefined).catch(() => undefined);
  }

  private async readBroker(f: FleetRow): Promise<BrokerSnapshot | null> {
    const m = f.spec?.monitor;
    if (!m) return null;
    let url = m.url;
    if (m.viaTunnel) {
      const t = this.ports.tunnels.list().find((x) => x.id === f.details.tunnelId);
      if (!t) throw new ApiError('UNAVAILABLE', 'The tunnel to the broker is gone; tear the fleet down and deploy it again, or add the tunnel under Tunnels.');
      if (t.state !== 'listening') throw new ApiError('UNAVAILABLE', `The tunnel to the broker is ${t.state}: ${t.detail}`);
      url = withHostPort(m.url, '127.0.0.1', t.localPort);
    }
    const password = f.details.monitorSecretId ? await this.s.secrets.reveal(f.details.monitorSecretId) : undefined;
    return readBroker({ kind: m.kind, url, username: m.username, password, queues: f.spec?.workers.queues.length ? f.spec.workers.queues : undefined }, { timeoutMs: 5000 });
  }

  /** Watches every fleet still deployed (at start-up). */
  resume(): void {
    for (const f of this.repo.live()) if (f.state !== 'removing' && f.state !== 'deploying') this.watch(f.id);
  }

  close(): void {
    for (const o of this.observers.values()) o.stop();
    this.observers.clear();
  }

  // ---- look ------------------------------------------------------------------------------------------------

  list(projectId?: string): Fleet[] {
    return this.repo.list(projectId).map(toFleet);
  }

  async get(id: string): Promise<{ fleet: Fleet; members: FleetMember[]; nodes: SwarmNodeInfo[] }> {
    const f = this.repo.get(id);
    if (f.state === 'removed' || f.state === 'failed') return { fleet: toFleet(f), members: [], nodes: [] };
    // While a deploy or teardown runs, no observer is started (it would write over their state).
    const o = f.state === 'removing' || f.state === 'deploying' ? this.observers.get(id) : this.watch(id);
    if (!o) return { fleet: toFleet(f), members: [], nodes: [] };
    // The observer's last look is fresh enough; otherwise look now, falling back to what was seen (engine down).
    if (Date.now() - o.seenAt > this.opts.intervalMs) {
      try {
        o.members = await this.driver(f).members(f);
        o.seenAt = Date.now();
      } catch {
        o.poke();
      }
    }
    const nodes = f.target === 'swarm' ? await this.driver(f).nodes(f).catch(() => []) : [];
    return { fleet: toFleet(this.repo.get(id)), members: o.members, nodes };
  }

  history(id: string): FleetSample[] {
    this.repo.get(id);
    return this.repo.samples(id);
  }

  async logs(id: string, member: string, tail: number): Promise<{ member: string; text: string }> {
    const f = this.repo.get(id);
    return { member, text: await this.driver(f).logs(f, member, tail) };
  }

  // ---- act -------------------------------------------------------------------------------------------------

  private live(id: string): FleetRow {
    const f = this.repo.get(id);
    if (f.state === 'removed' || f.state === 'failed' || f.state === 'removing') throw new ApiError('INVALID_INPUT', `Fleet ${f.name} is ${f.state}; there is nothing to act on.`);
    return f;
  }

  async scale(id: string, workers: number): Promise<Fleet> {
    const f = this.live(id);
    const command = f.target === 'slurm' ? `# scale worker array ${f.name} to ${workers}` : f.target === 'swarm' ? `docker service scale ${f.name}_worker=${workers}` : `docker compose -p ${f.name} up -d --scale worker=${workers}`;
    await this.activity(f, 'fleets.scale', command, () => this.driver(f).scale(f, workers));
    if (f.spec) this.repo.update(id, { spec: { ...f.spec, workers: { ...f.spec.workers, replicas: workers } }, desired: workers });
    this.changed(id);
    this.watch(id).poke();
    return toFleet(this.repo.get(id));
  }

  async act(id: string, members: string[], action: FleetMemberAction): Promise<{ member: string; ok: boolean; command: string; message: string }[]> {
    const f = this.live(id);
    const out = [];
    for (const member of members) {
      try {
        const r = await this.activity(f, `fleets.${action}`, `# ${action} ${member} of fleet ${f.name}`, () => this.driver(f).act(f, member, action));
        out.push({ member, ok: true, ...r });
      } catch (err) {
        out.push({ member, ok: false, command: '', message: err instanceof Error ? err.message : String(err) });
      }
    }
    this.watch(id).poke();
    return out;
  }

  async teardown(id: string): Promise<Fleet> {
    const f = this.repo.get(id);
    if (f.state === 'removed') return toFleet(f);
    const before = f.state;
    this.repo.update(id, { state: 'removing', message: 'tearing down' });
    this.changed(id);
    // The observer stops first: a look under way must not write over "removing" or "removed".
    this.observers.get(id)?.stop();
    this.observers.delete(id);
    const command = f.target === 'slurm' ? `scancel (worker array of ${f.name})` : f.target === 'swarm' ? `docker stack rm ${f.name}` : `docker compose -p ${f.name} down --volumes`;
    try {
      await this.activity(f, 'fleets.teardown', command, () => this.driver(f).teardown(f, () => undefined));
    } catch (err) {
      this.repo.update(id, { state: before === 'failed' ? 'failed' : 'degraded', message: `teardown failed: ${err instanceof Error ? err.message : String(err)}` });
      this.changed(id);
      if (before !== 'failed') this.watch(id);
      throw err;
    }
    if (f.details.tunnelId) await this.ports.tunnels.remove(f.details.tunnelId).catch(() => undefined);
    if (f.details.monitorSecretId) {
      try {
        this.s.secrets.delete(f.details.monitorSecretId);
      } catch {
        // already gone
      }
    }
    this.repo.update(id, { state: 'removed', message: 'removed', running: 0, crashLooping: [] });
    this.drivers.delete(id);
    this.changed(id);
    return toFleet(this.repo.get(id));
  }

  // ---- stacks ----------------------------------------------------------------------------------------------

  async stacks(targetId: string) {
    const target = this.s.targets.get(targetId);
    if (target.kind !== 'swarm') throw new ApiError('INVALID_INPUT', `${target.name} is not a Docker Swarm target.`, { field: 'targetId' });
    const { Engine } = await import('./drivers/engine.js');
    const { listStacks, detectRoutingMesh } = await import('./deploy-swarm.js');
    const engine = new Engine(target);
    const [stacks, mesh] = await engine.call(() => Promise.all([listStacks(engine.docker), detectRoutingMesh(engine.docker)]));
    const fleets = this.repo.list().filter((f) => f.targetId === targetId && f.state !== 'removed' && f.state !== 'failed');
    return {
      stacks: stacks.map((st) => ({ namespace: st.name, services: st.services, fleetId: fleets.find((f) => f.name === st.name)?.id ?? null })),
      routingMesh: { available: mesh.ipvs && mesh.ingressNetwork, detail: mesh.note },
    };
  }

  async adoptStack(projectId: string, targetId: string, namespace: string): Promise<Fleet> {
    this.s.projects.get(projectId);
    const { stacks } = await this.stacks(targetId);
    const st = stacks.find((x) => x.namespace === namespace);
    if (!st) throw new ApiError('NOT_FOUND', `There is no stack named ${namespace} on this Swarm (docker stack ls lists the stacks).`, { field: 'namespace' });
    if (st.fleetId) return toFleet(this.repo.get(st.fleetId));
    const f = this.repo.create({ projectId, targetId, name: namespace, target: 'swarm', source: 'cli-stack', spec: null, details: {}, desired: 0 });
    this.repo.update(f.id, { state: 'running', message: 'adopted: deployed with the docker CLI' });
    this.changed(f.id);
    this.watch(f.id).poke();
    return toFleet(this.repo.get(f.id));
  }
}

/** host and port of a monitor URL (default ports: 15672 for the management API, 6379 for Redis). */
export function hostPort(url: string): [string, number] {
  const u = new URL(url);
  const port = u.port ? Number(u.port) : u.protocol === 'redis:' ? 6379 : u.protocol === 'https:' ? 443 : 15672;
  return [u.hostname.replace(/^\[|\]$/g, ''), port];
}

/** The same URL pointed at another host and port (the local end of a tunnel). */
export function withHostPort(url: string, host: string, port: number): string {
  const u = new URL(url);
  u.hostname = host;
  u.port = String(port);
  return u.toString();
}

