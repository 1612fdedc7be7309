// One reading of a fleet's broker, whichever broker it is: RabbitMQ through its management HTTP API (Docker and
// Swarm fleets) or Redis (SLURM fleets, where BigChem uses Redis as broker and backend). The fleet sampler turns
// it into a FleetSample (queueDepth, consumers). Notes: shared/notes/nrp-and-bigchem.md B1, B13.
import { readRabbit } from './rabbitmq.js';
import { readRedis } from './redis.js';

export interface BrokerQueue {
  name: string;
  /** RabbitMQ virtual host; null for Redis, which has none. */
  vhost: string | null;
  /** ready + unacked */
  messages: number;
  /** Tasks waiting for a worker. */
  ready: number;
  /** Delivered, not yet acknowledged: with Celery's acks_late, roughly the tasks running now. */
  unacked: number;
  /** Workers subscribed to the queue; null where the broker cannot tell (Redis). */
  consumers: number | null;
}

export interface BrokerSnapshot {
  /** ISO time of the reading. */
  at: string;
  queues: BrokerQueue[];
  /** Messages in the work queues (Celery's control queues not counted). */
  queueDepth: number;
  /** Consumers on the work queues, or null when the broker cannot tell. */
  consumers: number | null;
  /** Client connections to the broker (workers, clients, monitors); null when unknown. */
  connections: number | null;
}

export interface BrokerConfig {
  kind: 'rabbitmq' | 'redis';
  /** rabbitmq: the management API (http://host:15672); redis: redis://[:password@]host:port/db */
  url: string;
  /** RabbitMQ user. Not used for Redis: a Redis ACL user goes into the URL (redis://user:pass@host). */
  username: string;
  password?: string;
  /** Queues to report. RabbitMQ: all queues when omitted. Redis: ["celery"] when omitted (lists cannot be listed cheaply). */
  queues?: string[];
}

export interface ReadOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Celery's own queue when the app names none (task_default_queue). */
export const DEFAULT_CELERY_QUEUE = 'celery';

/**
 * Celery's remote-control and event queues: one `<node>.celery.pidbox` per live worker, reply queues
 * `<uuid>.reply.celery.pidbox`, and `celeryev.<uuid>` when events are on. They hold no tasks, and each worker
 * consumes from its pidbox queue too, so counting them would double the consumer count.
 */
export function isCeleryControlQueue(name: string): boolean {
  return name.endsWith('.pidbox') || name.startsWith('celeryev.');
}

/** Totals over the work queues; consumers stays null if any work queue's consumers are unknown. */
export function totals(queues: BrokerQueue[]): { queueDepth: number; consumers: number | null } {
  const work = queues.filter((q) => !isCeleryControlQueue(q.name));
  const queueDepth = work.reduce((sum, q) => sum + q.messages, 0);
  const consumers = work.some((q) => q.consumers === null) ? null : work.reduce((sum, q) => sum + (q.consumers ?? 0), 0);
  return { queueDepth, consumers };
}

/** Reads the broker a fleet's MonitorSpec points at. */
export async function readBroker(cfg: BrokerConfig, opts: ReadOptions): Promise<BrokerSnapshot> {
  if (cfg.kind === 'rabbitmq') {
    return readRabbit(cfg.url, {
      username: cfg.username,
      password: cfg.password ?? '',
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      queues: cfg.queues,
    });
  }
  // cfg.username is ignored on purpose: MonitorSpec defaults it to RabbitMQ's "guest", which is no Redis user.
  return readRedis(cfg.url, {
    password: cfg.password,
    queues: cfg.queues && cfg.queues.length > 0 ? cfg.queues : [DEFAULT_CELERY_QUEUE],
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
  });
}
