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
  image: oneLine.pipe(z.string().min(1, 'the worker image is required')),
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
