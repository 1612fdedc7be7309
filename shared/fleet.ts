// Worker fleets (BigChem-style: a RabbitMQ broker, a Redis result backend and N Celery workers), one definition
// deployed to local Docker, a Docker Swarm or a SLURM job array. Shapes shared by the wizard, the planners and the
// deployers. Notes: ../shared/notes/nrp-and-bigchem.md part B.
import { z } from 'zod';

const name = z
  .string()
  .trim()
  .min(1, 'a fleet name is required')
  .max(40)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'a fleet name is lowercase letters, digits, "-" and "_" (it prefixes every container and service)');

const envKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name: letters, digits and _');
const oneLine = z.string().max(10_000).refine((v) => !/[\r\n\0]/.test(v), 'one line');

export const GpuAssignment = z.enum([
  'none',
  /** Every worker sees all of its node's GPUs (device request / default runtime). */
  'all',
  /** One worker per GPU: Swarm task slots set CUDA_VISIBLE_DEVICES=$((TASK_SLOT-1)); locally one container per GPU. */
  'per-gpu',
]);
export type GpuAssignment = z.infer<typeof GpuAssignment>;

export const WorkerSpec = z.object({
  /** Required on Docker and Swarm; a SLURM array runs the command in the cluster's environment instead. */
  image: oneLine.default(''),
  /** argv; empty: the image's default command. BigChem: celery -A bigchem.tasks worker … */
  command: z.array(oneLine).max(200).default([]),
  env: z.record(envKey, oneLine).default({}),
  /** Celery --concurrency; 0 = number of CPUs. */
  concurrency: z.number().int().min(0).max(1024).default(1),
  /** Celery -Q queues; empty: the default queue "celery". */
  queues: z.array(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a queue name: letters, digits, "_", "." and "-"')).max(50).default([]),
  /** Named volume mounted at /tmp for scratch (BigChem's "worker:/tmp"); null: none. */
  scratchVolume: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/).nullable().default('scratch'),
  gpu: GpuAssignment.default('none'),
  /** Workers (replicated), or workers per node for "per-gpu" (= GPUs used on each node); ignored for global mode. */
  replicas: z.number().int().min(0).max(10_000).default(1),
  /** Swarm: one worker per node (global) instead of replicated. */
  global: z.boolean().default(false),
  /** Swarm placement constraints, e.g. node.hostname==fire-13-00. */
  constraints: z.array(oneLine).max(20).default([]),
});
export type WorkerSpec = z.infer<typeof WorkerSpec>;

export const FleetSpec = z
  .object({
    projectId: z.string().min(1),
    targetId: z.string().min(1),
    name,
    broker: z.object({
      kind: z.enum(['rabbitmq', 'redis']).default('rabbitmq'),
      image: oneLine.default('rabbitmq:3.11-management-alpine'),
      /** Published host ports (AMQP 5672, management 15672); empty: not published. */
      ports: z.array(z.number().int().min(1).max(65535)).max(10).default([]),
    }),
    backend: z.object({
      image: oneLine.default('redis:7-alpine'),
      ports: z.array(z.number().int().min(1).max(65535)).max(10).default([]),
    }),
    workers: WorkerSpec,
    /** Swarm: pin broker and backend to managers (BigChem: node.role==manager). */
    pinServicesToManager: z.boolean().default(true),
  })
  .strict();
export type FleetSpec = z.infer<typeof FleetSpec>;

/** One thing a deploy creates, with the CLI command a researcher would type for it. */
export const PlannedResource = z.object({
  kind: z.enum(['network', 'volume', 'container', 'service', 'secret', 'slurm-array']),
  name: z.string(),
  /** Engine API body (or the sbatch script for slurm-array), shown in the preview. */
  body: z.unknown(),
  command: z.string(),
});
export type PlannedResource = z.infer<typeof PlannedResource>;

export const FleetPlan = z.object({
  target: z.enum(['local-docker', 'swarm', 'slurm']),
  /** In creation order: networks and volumes, broker and backend, then workers. */
  resources: z.array(PlannedResource),
  /** Labels every created object carries (compose project / stack namespace, SimDeck fleet id). */
  labels: z.record(z.string(), z.string()),
  warnings: z.array(z.string()),
});
export type FleetPlan = z.infer<typeof FleetPlan>;

// ---- deployed fleets -------------------------------------------------------------------------------------------

export const FleetTarget = z.enum(['local-docker', 'swarm', 'slurm']);
export type FleetTarget = z.infer<typeof FleetTarget>;

const slurmValue = (re: RegExp, what: string) => z.string().regex(re, what);

/** URLs are saved in the workspace and written into the job script, so they must not carry a password. */
const urlWithoutPassword = oneLine.refine(
  (v) => !/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(v),
  'this URL contains a password, which would be saved in the workspace and the job script: leave it empty and export it from a file on the cluster in a setup line (e.g. source ~/.bigchem/urls.env)',
);

/** A worker fleet as a SLURM job array: broker and backend already run on the head node (BigChem B12). */
export const SlurmArraySpec = z
  .object({
    /** Shell lines before the worker, verbatim, one per line: module loads, `source ~/venvs/x/bin/activate`. */
    setup: z.array(oneLine).max(50).default([]),
    cpusPerTask: z.number().int().min(1).max(4096).default(1),
    mem: slurmValue(/^[0-9]+[KMGT]?$/, 'memory like 16G').default('4G'),
    time: slurmValue(/^[0-9][0-9:-]*$/, 'SLURM time such as 48:00:00 or 2-00:00:00').optional(),
    partition: slurmValue(/^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/, 'partition names separated by commas').optional(),
    gpusPerTask: z.number().int().min(0).max(64).default(0),
    /**
     * As the workers see them, e.g. redis://login1:6379/0 (exported as BIGCHEM_BROKER_URL / BIGCHEM_BACKEND_URL).
     * Empty: a setup line provides them (e.g. `source ~/.bigchem/urls.env`), which is where a password belongs.
     */
    brokerUrl: urlWithoutPassword.default(''),
    backendUrl: urlWithoutPassword.default(''),
  })
  .strict();
export type SlurmArraySpec = z.infer<typeof SlurmArraySpec>;

/** Where SimDeck reads queue depth and consumers. */
export const MonitorSpec = z
  .object({
    kind: z.enum(['rabbitmq', 'redis']),
    /** rabbitmq: the management API, http://host:15672 ; redis: redis://host:6379/0 */
    url: z.string().trim().regex(/^(https?|redis):\/\/[^\s/]+(\/.*)?$/, 'a URL such as http://127.0.0.1:15672 or redis://127.0.0.1:6379/0'),
    username: z.string().max(200).default('guest'),
    /** The URL's host:port as seen from the SLURM login node: SimDeck opens a tunnel there and reads through it. */
    viaTunnel: z.boolean().default(false),
  })
  .strict();
export type MonitorSpec = z.infer<typeof MonitorSpec>;

/** The wizard's fleet plus where it goes: FleetSpec for Docker/Swarm, and the array options for SLURM. */
export const FleetDeploySpec = FleetSpec.extend({
  slurm: SlurmArraySpec.optional(),
  monitor: MonitorSpec.nullable().default(null),
}).strict();
export type FleetDeploySpec = z.infer<typeof FleetDeploySpec>;

export const FleetState = z.enum(['deploying', 'running', 'degraded', 'unreachable', 'failed', 'removing', 'removed']);
export type FleetState = z.infer<typeof FleetState>;

export const Fleet = z.object({
  id: z.string(),
  projectId: z.string(),
  targetId: z.string(),
  name: z.string(),
  target: FleetTarget,
  /** wizard: FleetDeploySpec; compose: an imported compose file; cli-stack: a stack deployed with `docker stack deploy`. */
  source: z.enum(['wizard', 'compose', 'cli-stack']),
  state: FleetState,
  /** Why the state is what it is ("dockerd not answering, next try in 10 s", the deploy error, ...). */
  message: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  workers: z.object({ desired: z.number().int(), running: z.number().int() }),
  spec: FleetDeploySpec.nullable(),
  /** The SimDeck job of a SLURM array fleet. */
  jobId: z.string().nullable(),
  /** The monitoring tunnel of a SLURM fleet. */
  tunnelId: z.string().nullable(),
  monitor: z.object({ kind: z.enum(['rabbitmq', 'redis']), url: z.string(), state: z.string() }).nullable(),
  /** Members restarting over and over (3 restarts within 5 minutes). */
  crashLooping: z.array(z.string()),
});
export type Fleet = z.infer<typeof Fleet>;

export const FleetMember = z.object({
  /** Container name, Swarm task (service.slot), or SLURM array task (jobid_task). */
  name: z.string(),
  role: z.enum(['broker', 'backend', 'worker', 'service']),
  /** Engine / SLURM state: running, exited, pending, completed, ... */
  state: z.string(),
  node: z.string().nullable(),
  /** Swarm task slot or array task index. */
  slot: z.number().int().nullable(),
  restarts: z.number().int(),
  cpuPercent: z.number().nullable(),
  memBytes: z.number().nullable(),
  message: z.string(),
  since: z.string().nullable(),
});
export type FleetMember = z.infer<typeof FleetMember>;

export const SwarmNodeInfo = z.object({
  hostname: z.string(),
  role: z.string(),
  state: z.string(),
  availability: z.string(),
  cpus: z.number(),
  memBytes: z.number(),
  /** Generic resources advertised by the node, e.g. {"NVIDIA-GPU": 4}. */
  generic: z.record(z.string(), z.number()),
});
export type SwarmNodeInfo = z.infer<typeof SwarmNodeInfo>;

export const FleetSample = z.object({
  at: z.string(),
  workersOnline: z.number().int(),
  queueDepth: z.number().nullable(),
  consumers: z.number().nullable(),
  cpuPercent: z.number().nullable(),
  memBytes: z.number().nullable(),
});
export type FleetSample = z.infer<typeof FleetSample>;

export const FleetMemberAction = z.enum(['restart', 'stop', 'remove']);
export type FleetMemberAction = z.infer<typeof FleetMemberAction>;
