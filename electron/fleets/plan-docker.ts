// Plans a fleet on one Docker engine the way `docker compose -p <fleet> up` would lay out BigChem's
// docker-compose.yaml: a bridge network, named volumes, a RabbitMQ broker, a Redis backend and N Celery
// workers. Pure: returns Engine API create bodies and the equivalent CLI lines; deploying is someone else's job.
// Notes: shared/notes/nrp-and-bigchem.md B1, B2, B10, B11.
import { ApiError } from '../../shared/errors.js';
import type { FleetPlan, FleetSpec, PlannedResource, WorkerSpec } from '../../shared/fleet.js';
import { commandLine } from '../core/shell-quote.js';
import {
  composeContainerLabels,
  composeContainerName,
  composeNetworkLabels,
  composeNetworkName,
  composeProjectLabels,
  composeVolumeLabels,
  composeVolumeName,
  labelArgs,
} from './labels.js';

/** RabbitMQ keys its on-disk data by node name, so BigChem fixes the broker's hostname. */
export const BROKER_HOSTNAME = 'rmq-host1';
export const BROKER_DATA = '/var/lib/rabbitmq';
export const BACKEND_DATA = '/data';
export const SCRATCH_TARGET = '/tmp';
/** The worker image's default command (worker.dockerfile CMD), used when a command must be spelled out. */
export const BIGCHEM_WORKER_COMMAND: readonly string[] = [
  'celery', '-A', 'bigchem.tasks', 'worker', '--without-heartbeat', '--without-mingle', '--without-gossip', '--loglevel=INFO',
];

export interface FleetServices {
  /** Whether a RabbitMQ broker service exists (false: Redis is both broker and backend). */
  rabbit: boolean;
  brokerUrl: string;
  backendUrl: string;
  /** Network aliases of the Redis service. */
  backendAliases: string[];
  /** Host ports the Redis service publishes. */
  backendPorts: number[];
  /** Named volumes (unprefixed) in creation order with their mount targets. */
  volumes: { name: string; target: string; of: 'broker' | 'backend' | 'worker' }[];
}

/** Broker/backend layout shared by the local and Swarm planners. */
export function fleetServices(spec: FleetSpec): FleetServices {
  if (spec.workers.image.trim() === '') throw new ApiError('INVALID_INPUT', 'The worker image is required for a Docker or Swarm fleet (e.g. local/bigchem-worker:latest).', { field: 'workers.image' });
  const rabbit = spec.broker.kind === 'rabbitmq';
  const volumes: FleetServices['volumes'] = [];
  if (rabbit) volumes.push({ name: 'broker', target: BROKER_DATA, of: 'broker' });
  volumes.push({ name: 'backend', target: BACKEND_DATA, of: 'backend' });
  const scratch = spec.workers.scratchVolume;
  if (scratch !== null && !volumes.some((v) => v.name === scratch)) volumes.push({ name: scratch, target: SCRATCH_TARGET, of: 'worker' });
  return {
    rabbit,
    brokerUrl: rabbit ? 'amqp://broker' : 'redis://backend/0',
    backendUrl: 'redis://backend/0',
    backendAliases: rabbit ? ['backend'] : ['backend', 'broker'],
    backendPorts: rabbit ? [...spec.backend.ports] : [...new Set([...spec.backend.ports, ...spec.broker.ports])],
    volumes,
  };
}

/** True when argv runs a Celery worker (`celery … worker …`, possibly through python -m celery). */
export function isCeleryWorker(argv: readonly string[]): boolean {
  const celeryAt = argv.findIndex((a, i) => /(^|\/)celery$/.test(a) || (a === 'celery' && argv[i - 1] === '-m'));
  return celeryAt >= 0 && argv.slice(celeryAt + 1).includes('worker');
}

function hasFlag(argv: readonly string[], ...flags: string[]): boolean {
  return argv.some((a) => flags.some((f) => a === f || a.startsWith(`${f}=`) || (f.length === 2 && a.startsWith(f) && a.length > 2)));
}

export interface WorkerInvocation {
  /** argv for Cmd/Args; empty: the image's default command. */
  argv: string[];
  /** Env entries the planner adds (before the user's own). */
  env: Record<string, string>;
  celery: boolean;
  warnings: string[];
}

/** Renders concurrency and queues into a Celery worker command, or into env when the command is not one. */
export function workerInvocation(workers: WorkerSpec, opts: { requireArgv?: boolean } = {}): WorkerInvocation {
  const warnings: string[] = [];
  let argv = [...workers.command];
  if (argv.length === 0 && opts.requireArgv) {
    argv = [...BIGCHEM_WORKER_COMMAND];
    warnings.push(`No worker command given; using BigChem's default: ${commandLine(argv)}.`);
  }
  const celery = isCeleryWorker(argv);
  const env: Record<string, string> = {};
  if (celery) {
    if (!hasFlag(argv, '--concurrency', '-c')) argv.push(`--concurrency=${workers.concurrency}`);
    if (workers.queues.length > 0 && !hasFlag(argv, '--queues', '-Q')) argv.push('-Q', workers.queues.join(','));
  } else {
    env.bigchem_worker_concurrency = String(workers.concurrency);
    if (workers.queues.length > 0) {
      warnings.push(
        `The worker command is not a Celery worker command, so the queues (${workers.queues.join(',')}) cannot be applied; spell out "celery … worker" to set -Q.`,
      );
    }
  }
  return { argv, env, celery, warnings };
}

/** Merges planner env with the user's: a user key replaces a planner key of the same name in any case. */
export function mergeEnv(planned: Record<string, string>, user: Record<string, string>): string[] {
  const userKeys = new Set(Object.keys(user).map((k) => k.toLowerCase()));
  const out = Object.entries(planned).filter(([k]) => !userKeys.has(k.toLowerCase()));
  return [...out, ...Object.entries(user)].map(([k, v]) => `${k}=${v}`);
}

/** `-e K=V` args for a CLI line. */
export function envArgs(env: readonly string[], flag = '-e'): string[] {
  return env.flatMap((e) => [flag, e]);
}

interface ContainerPlan {
  name: string;
  service: string;
  n: number;
  image: string;
  hostname?: string;
  cmd: string[];
  env: string[];
  ports: number[];
  mounts: { source: string; target: string }[];
  aliases: string[];
  gpu?: { deviceId?: string };
}

function containerResource(project: string, network: string, c: ContainerPlan): PlannedResource {
  const labels = composeContainerLabels(project, c.service, c.n);
  const hostConfig: Record<string, unknown> = {
    Mounts: c.mounts.map((m) => ({ Type: 'volume', Source: m.source, Target: m.target })),
    RestartPolicy: { Name: 'unless-stopped' },
  };
  if (c.ports.length > 0) hostConfig.PortBindings = Object.fromEntries(c.ports.map((p) => [`${p}/tcp`, [{ HostPort: String(p) }]]));
  if (c.gpu) {
    hostConfig.DeviceRequests = [
      c.gpu.deviceId === undefined
        ? { Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] }
        : { Driver: 'nvidia', DeviceIDs: [c.gpu.deviceId], Capabilities: [['gpu']] },
    ];
  }
  const body: Record<string, unknown> = { Image: c.image };
  if (c.hostname !== undefined) body.Hostname = c.hostname;
  if (c.cmd.length > 0) body.Cmd = c.cmd;
  body.Env = c.env;
  body.Labels = labels;
  if (c.ports.length > 0) body.ExposedPorts = Object.fromEntries(c.ports.map((p) => [`${p}/tcp`, {}]));
  body.HostConfig = hostConfig;
  body.NetworkingConfig = { EndpointsConfig: { [network]: { Aliases: c.aliases } } };

  const args = ['docker', 'run', '-d', '--name', c.name, '--network', network];
  for (const a of c.aliases) args.push('--network-alias', a);
  if (c.hostname !== undefined) args.push('--hostname', c.hostname);
  args.push('--restart', 'unless-stopped', ...labelArgs(labels), ...envArgs(c.env));
  for (const p of c.ports) args.push('-p', `${p}:${p}`);
  for (const m of c.mounts) args.push('-v', `${m.source}:${m.target}`);
  if (c.gpu) args.push('--gpus', c.gpu.deviceId === undefined ? 'all' : `device=${c.gpu.deviceId}`);
  args.push(c.image, ...c.cmd);
  return { kind: 'container', name: c.name, body, command: commandLine(args) };
}

/** Plans the fleet on a single Docker engine. `gpuCount`: GPUs on the host, for per-GPU workers. */
export function planLocalDocker(spec: FleetSpec, opts: { gpuCount?: number } = {}): FleetPlan {
  const project = spec.name;
  const warnings: string[] = [];
  const svc = fleetServices(spec);
  const network = composeNetworkName(project);
  const vol = (name: string) => composeVolumeName(project, name);
  const mountsOf = (of: 'broker' | 'backend' | 'worker') =>
    svc.volumes.filter((v) => v.of === of).map((v) => ({ source: vol(v.name), target: v.target }));

  const resources: PlannedResource[] = [];
  const netLabels = composeNetworkLabels(project);
  resources.push({
    kind: 'network',
    name: network,
    body: { Name: network, Driver: 'bridge', Labels: netLabels },
    command: commandLine(['docker', 'network', 'create', '--driver', 'bridge', ...labelArgs(netLabels), network]),
  });
  for (const v of svc.volumes) {
    const labels = composeVolumeLabels(project, v.name);
    resources.push({
      kind: 'volume',
      name: vol(v.name),
      body: { Name: vol(v.name), Labels: labels },
      command: commandLine(['docker', 'volume', 'create', ...labelArgs(labels), vol(v.name)]),
    });
  }

  if (svc.rabbit) {
    resources.push(
      containerResource(project, network, {
        name: composeContainerName(project, 'broker', 1),
        service: 'broker',
        n: 1,
        image: spec.broker.image,
        hostname: BROKER_HOSTNAME,
        cmd: [],
        env: [],
        ports: spec.broker.ports,
        mounts: mountsOf('broker'),
        aliases: ['broker'],
      }),
    );
  }
  resources.push(
    containerResource(project, network, {
      name: composeContainerName(project, 'backend', 1),
      service: 'backend',
      n: 1,
      image: spec.backend.image,
      cmd: [],
      env: [],
      ports: svc.backendPorts,
      mounts: mountsOf('backend'),
      aliases: svc.backendAliases,
    }),
  );
  if (!svc.rabbit && spec.broker.ports.length > 0) {
    warnings.push('Redis serves as both broker and backend, so the broker ports are published on the Redis container.');
  }

  const w = spec.workers;
  const inv = workerInvocation(w);
  warnings.push(...inv.warnings);
  const env = mergeEnv({ bigchem_broker_url: svc.brokerUrl, bigchem_backend_url: svc.backendUrl, ...inv.env }, w.env);
  let count = w.global ? 1 : w.replicas;
  if (w.gpu === 'per-gpu') {
    if (opts.gpuCount === undefined) {
      warnings.push(`The host's GPU count is unknown; planning ${w.replicas} per-GPU worker(s) (GPUs 0…${w.replicas - 1}).`);
    } else {
      count = opts.gpuCount;
      if (count === 0) warnings.push('Per-GPU workers were requested but the host has no GPUs: no workers are planned.');
    }
  }
  if (w.global) warnings.push('Global mode means one worker per node; on a single Docker host that is one worker.');
  if (w.constraints.length > 0) warnings.push('Placement constraints apply to Swarm only and are ignored on a single Docker host.');
  for (let i = 0; i < count; i++) {
    resources.push(
      containerResource(project, network, {
        name: composeContainerName(project, 'worker', i + 1),
        service: 'worker',
        n: i + 1,
        image: w.image,
        cmd: inv.argv,
        env,
        ports: [],
        mounts: mountsOf('worker'),
        aliases: ['worker'],
        gpu: w.gpu === 'per-gpu' ? { deviceId: String(i) } : w.gpu === 'all' ? {} : undefined,
      }),
    );
  }
  return { target: 'local-docker', resources, labels: composeProjectLabels(project), warnings };
}
