// The test bed's real brokers (e2e/testbed/up.sh brokers): Redis and RabbitMQ with the management plugin, and a
// real Celery worker (Debian's python3-celery) against RabbitMQ. Setup goes through independent tools (redis-cli,
// the management API with fetch, Celery itself), never through the client under test.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadTestbed, need } from '../integration/testbed.js';

const run = promisify(execFile);
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
/** Debian's interpreter: python3-celery is installed for it, not for a pyenv/venv python3 earlier in PATH. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface Brokers {
  redisUrl: string;
  redisPassword: string;
  rabbitMgmtUrl: string;
  rabbitAmqpUrl: string;
  rabbitUser: string;
  rabbitPassword: string;
}

/** Broker settings from testbed.env, with the passwords read from their files. */
export function loadBrokers(): Brokers {
  const tb = loadTestbed();
  const read = (key: string): string => readFileSync(need(tb, key), 'utf8').trim();
  return {
    redisUrl: need(tb, 'SIMDECK_TB_REDIS_URL'),
    redisPassword: read('SIMDECK_TB_REDIS_PASSWORD_FILE'),
    rabbitMgmtUrl: need(tb, 'SIMDECK_TB_RABBITMQ_MGMT_URL'),
    rabbitAmqpUrl: need(tb, 'SIMDECK_TB_RABBITMQ_AMQP_URL'),
    rabbitUser: need(tb, 'SIMDECK_TB_RABBITMQ_USER'),
    rabbitPassword: read('SIMDECK_TB_RABBITMQ_PASSWORD_FILE'),
  };
}

/** One redis-cli command (password through REDISCLI_AUTH, not argv); returns its trimmed output. */
export async function redisCli(b: Brokers, ...args: string[]): Promise<string> {
  const u = new URL(b.redisUrl);
  const db = u.pathname.replace(/^\//, '') || '0';
  const { stdout } = await run('redis-cli', ['-h', u.hostname, '-p', u.port, '-n', db, ...args], {
    env: { ...process.env, REDISCLI_AUTH: b.redisPassword },
  });
  return stdout.trim();
}

/** A management API call as the test bed's admin user; throws with the body on a non-2xx answer. */
export async function rabbitApi(b: Brokers, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(b.rabbitMgmtUrl + path, {
    method,
    headers: {
      authorization: 'Basic ' + Buffer.from(`${b.rabbitUser}:${b.rabbitPassword}`).toString('base64'),
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : null;
}

/** Declares a durable queue on vhost "/" (idempotent). */
export async function declareQueue(b: Brokers, queue: string): Promise<void> {
  await rabbitApi(b, 'PUT', `/api/queues/%2F/${encodeURIComponent(queue)}`, { durable: true, auto_delete: false, arguments: {} });
}

export async function deleteQueue(b: Brokers, queue: string): Promise<void> {
  await rabbitApi(b, 'DELETE', `/api/queues/%2F/${encodeURIComponent(queue)}`).catch(() => undefined);
}

/** Publishes `n` messages to `queue` through the default exchange (routing key = queue name). */
export async function publish(b: Brokers, queue: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = (await rabbitApi(b, 'POST', '/api/exchanges/%2F/amq.default/publish', {
      properties: {},
      routing_key: queue,
      payload: `message ${i}`,
      payload_encoding: 'string',
    })) as { routed?: boolean };
    if (!r.routed) throw new Error(`message ${i} to ${queue} was not routed: does the queue exist?`);
  }
}

export interface CeleryWorker {
  proc: ChildProcess;
  output(): string;
  /** SIGTERM (Celery's warm shutdown), then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/**
 * A real Celery worker consuming `queue` from the test bed's RabbitMQ, started like BigChem's workers (solo pool,
 * no heartbeat/mingle/gossip). Resolves once the worker logs "ready".
 */
export async function startCeleryWorker(b: Brokers, queue: string, timeoutMs = 60_000): Promise<CeleryWorker> {
  const args = ['-m', 'celery', '-A', 'celery_app', 'worker', '--pool=solo', '--concurrency=1', '-Q', queue,
    '--without-heartbeat', '--without-mingle', '--without-gossip', '-n', `it-${process.pid}@%h`, '--loglevel=INFO'];
  const proc = spawn(SYSTEM_PYTHON, args, {
    cwd: FIXTURES,
    env: { ...process.env, SIMDECK_CELERY_BROKER_URL: b.rabbitAmqpUrl, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  const until = Date.now() + timeoutMs;
  while (!/ ready\.\s*$/m.test(out)) {
    if (proc.exitCode !== null) throw new Error(`celery worker exited with ${proc.exitCode}:\n${out.slice(-3000)}`);
    if (Date.now() > until) {
      await stop();
      throw new Error(`celery worker not ready after ${timeoutMs} ms:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, output: () => out, stop };
}

/** Sends `n` add tasks to `queue` with Celery's own client (send_task), as a BigChem client would. */
export async function sendCeleryTasks(b: Brokers, queue: string, n: number): Promise<void> {
  const code = `from celery_app import app\nfor i in range(${n}):\n    app.send_task("add", args=(i, i), queue=${JSON.stringify(queue)})\n`;
  await run(SYSTEM_PYTHON, ['-c', code], { cwd: FIXTURES, env: { ...process.env, SIMDECK_CELERY_BROKER_URL: b.rabbitAmqpUrl } });
}
