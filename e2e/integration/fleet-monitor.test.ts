// The fleet monitor's broker clients against the test bed's real RabbitMQ 3.10 (management API) and Redis 7
// (e2e/testbed/up.sh brokers), with a real Celery worker as the consumer. Queue names carry the pid, so parallel
// runs and leftovers do not disturb each other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import { readRabbit } from '../../electron/fleets/monitor/rabbitmq.js';
import { readRedis } from '../../electron/fleets/monitor/redis.js';
import { readBroker } from '../../electron/fleets/monitor/snapshot.js';
import { freePort } from '../support/moto.js';
import {
  declareQueue,
  deleteQueue,
  loadBrokers,
  publish,
  redisCli,
  sendCeleryTasks,
  startCeleryWorker,
  type Brokers,
  type CeleryWorker,
} from '../support/brokers.js';

const Q = `simdeck-it-${process.pid}`;
const CELERY_Q = `simdeck-it-celery-${process.pid}`;
const REDIS_Q = `simdeck-it-${process.pid}`;
const TIMEOUT = 5000;

let b: Brokers;

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

/**
 * The management API's queue stats lag behind the queue: by one stats interval (1 s in the test bed, 5 s by
 * default) while it is busy, and sometimes 10-30 s once it goes idle (seen here after a drain). So poll.
 */
async function waitForQueue(name: string, ok: (q: { messages: number; consumers: number | null }) => boolean, ms = 30_000) {
  const until = Date.now() + ms;
  for (;;) {
    const s = await readRabbit(b.rabbitMgmtUrl, { username: b.rabbitUser, password: b.rabbitPassword, timeoutMs: TIMEOUT, queues: [name] });
    const q = s.queues.find((x) => x.name === name);
    if (q && ok(q)) return { snapshot: s, queue: q };
    if (Date.now() > until) throw new Error(`queue ${name} never matched: ${JSON.stringify(q)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(() => {
  b = loadBrokers();
});

describe('RabbitMQ management API (real server)', () => {
  let worker: CeleryWorker | undefined;

  afterAll(async () => {
    await worker?.stop();
    await deleteQueue(b, Q);
    await deleteQueue(b, CELERY_Q);
  });

  it('shows the depth of a queue with N published messages and no consumers', async () => {
    await declareQueue(b, Q);
    await publish(b, Q, 7);
    const { snapshot, queue } = await waitForQueue(Q, (q) => q.messages === 7);
    expect(queue).toEqual({ name: Q, vhost: '/', messages: 7, ready: 7, unacked: 0, consumers: 0 });
    expect(snapshot.queueDepth).toBe(7);
    expect(snapshot.consumers).toBe(0);
    expect(snapshot.connections).toEqual(expect.any(Number));
  });

  it('lists every queue with its vhost when no filter is given, through readBroker', async () => {
    const s = await readBroker({ kind: 'rabbitmq', url: b.rabbitMgmtUrl, username: b.rabbitUser, password: b.rabbitPassword }, { timeoutMs: TIMEOUT });
    expect(s.queues.find((q) => q.name === Q)).toMatchObject({ vhost: '/', messages: 7 });
    expect(s.queueDepth).toBeGreaterThanOrEqual(7);
  });

  it('counts a real Celery worker as a consumer and sees its queue drain', async () => {
    // Tasks first (Celery's send_task declares the queue), so the depth is visibly N before anyone consumes.
    await sendCeleryTasks(b, CELERY_Q, 20);
    const waiting = await waitForQueue(CELERY_Q, (q) => q.messages === 20);
    expect(waiting.queue).toMatchObject({ ready: 20, consumers: 0 });

    worker = await startCeleryWorker(b, CELERY_Q);
    // The worker's own log is the ground truth that the work is done; the management API's stats can lag behind it
    // (longest on a loaded machine, once the queue goes idle), so they get their own, longer wait.
    const until = Date.now() + 90_000;
    while ((worker.output().match(/Task add\[[0-9a-f-]+\] succeeded/g) ?? []).length < 20) {
      if (Date.now() > until) throw new Error(`the worker did not finish the 20 tasks: ${worker.output().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const drained = await waitForQueue(CELERY_Q, (q) => q.messages === 0 && (q.consumers ?? 0) >= 1, 120_000);
    expect(drained.queue).toMatchObject({ ready: 0, unacked: 0 });
    expect(drained.queue.consumers).toBeGreaterThanOrEqual(1);
    expect(drained.snapshot.consumers).toBe(drained.queue.consumers);
    expect(worker.output().match(/Task add\[[0-9a-f-]+\] succeeded/g)).toHaveLength(20);

    // The worker also consumes its remote-control queue (<node>.celery.pidbox); the totals leave it out.
    const all = await readRabbit(b.rabbitMgmtUrl, { username: b.rabbitUser, password: b.rabbitPassword, timeoutMs: TIMEOUT });
    const pidbox = all.queues.find((q) => q.name.startsWith(`it-${process.pid}@`) && q.name.endsWith('.celery.pidbox'));
    expect(pidbox?.consumers).toBe(1);
    const workQueues = all.queues.filter((q) => !q.name.endsWith('.pidbox') && !q.name.startsWith('celeryev.'));
    expect(all.consumers).toBe(workQueues.reduce((n, q) => n + (q.consumers ?? 0), 0));
  }, 240_000); // the work, then the stats catching up (they can lag a minute or more on a loaded machine)

  it('names a wrong password clearly (FORBIDDEN)', async () => {
    const err = await apiError(readRabbit(b.rabbitMgmtUrl, { username: b.rabbitUser, password: 'wrong', timeoutMs: TIMEOUT }));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toMatch(new RegExp(`refused user "${b.rabbitUser}": wrong user name or password`));
  });

  it('says guest cannot log in (no guest user here; guest is loopback-only elsewhere)', async () => {
    const err = await apiError(readRabbit(b.rabbitMgmtUrl, { username: 'guest', password: 'guest', timeoutMs: TIMEOUT }));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toMatch(/guest user can only log in from localhost/);
  });

  it('explains a closed port (UNAVAILABLE, management plugin hint)', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const err = await apiError(readRabbit(url, { username: b.rabbitUser, password: b.rabbitPassword, timeoutMs: TIMEOUT }));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/^No RabbitMQ management API at .*rabbitmq-plugins enable rabbitmq_management/);
  });

  it('recognises the AMQP port given instead of the management port', async () => {
    const amqp = new URL(b.rabbitAmqpUrl);
    const err = await apiError(readRabbit(`http://127.0.0.1:${amqp.port}`, { username: b.rabbitUser, password: b.rabbitPassword, timeoutMs: TIMEOUT }));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/AMQP port/);
  });
});

describe('Redis as Celery broker (real server)', () => {
  beforeAll(async () => {
    await redisCli(b, 'DEL', 'celery', REDIS_Q);
    for (let i = 0; i < 4; i++) await redisCli(b, 'LPUSH', 'celery', `task ${i}`);
    for (let i = 0; i < 2; i++) await redisCli(b, 'LPUSH', REDIS_Q, `task ${i}`);
    await redisCli(b, 'LPUSH', `${REDIS_Q}\x06\x169`, 'high priority task');
  });

  afterAll(async () => {
    await redisCli(b, 'DEL', 'celery', REDIS_Q, `${REDIS_Q}\x06\x169`);
  });

  it('reads the lengths of "celery" and another queue (with its priority list)', async () => {
    const s = await readRedis(b.redisUrl, { password: b.redisPassword, queues: ['celery', REDIS_Q], timeoutMs: TIMEOUT });
    expect(s.queues).toEqual([
      { name: 'celery', vhost: null, messages: 4, ready: 4, unacked: 0, consumers: null },
      { name: REDIS_Q, vhost: null, messages: 3, ready: 3, unacked: 0, consumers: null },
    ]);
    expect(s.queueDepth).toBe(7);
    expect(s.consumers).toBeNull();
    expect(s.connections).toEqual(expect.any(Number));
  });

  it('defaults to the "celery" queue through readBroker', async () => {
    const s = await readBroker({ kind: 'redis', url: b.redisUrl, username: 'guest', password: b.redisPassword }, { timeoutMs: TIMEOUT });
    expect(s.queues.map((q) => [q.name, q.messages])).toEqual([['celery', 4]]);
  });

  it('names a wrong or missing password clearly (FORBIDDEN)', async () => {
    const wrong = await apiError(readRedis(b.redisUrl, { password: 'wrong', queues: ['celery'], timeoutMs: TIMEOUT }));
    expect(wrong.code).toBe('FORBIDDEN');
    expect(wrong.message).toMatch(/rejected the password: WRONGPASS/);
    const none = await apiError(readRedis(b.redisUrl, { queues: ['celery'], timeoutMs: TIMEOUT }));
    expect(none.code).toBe('FORBIDDEN');
    expect(none.message).toMatch(/requires a password \(NOAUTH\)/);
  });

  it('explains a closed port (UNAVAILABLE)', async () => {
    const err = await apiError(readRedis(`redis://127.0.0.1:${await freePort()}/0`, { queues: ['celery'], timeoutMs: TIMEOUT }));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/connection refused/);
  });
});
