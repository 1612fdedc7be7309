// readRabbit against a tiny node:http stand-in for the management API: the JSON shapes it reads, basic auth, and
// how each failure is explained. The real RabbitMQ is exercised in e2e/integration/fleet-monitor.test.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import { readRabbit } from './rabbitmq.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<string> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const OVERVIEW = { management_version: '3.11.28', object_totals: { connections: 3, channels: 3, queues: 3, consumers: 4 } };
const QUEUES = [
  { name: 'celery', vhost: '/', messages: 7, messages_ready: 5, messages_unacknowledged: 2, consumers: 2 },
  { name: 'celery@node1.celery.pidbox', vhost: '/', messages: 0, messages_ready: 0, messages_unacknowledged: 0, consumers: 1 },
  { name: 'gpu', vhost: 'chem', messages: 1, messages_ready: 1, messages_unacknowledged: 0, consumers: 1 },
  { name: 'fresh', vhost: '/' }, // declared moments ago: no counters yet
];

/** A management API with user admin/secret; records request paths. */
async function fakeApi(handler?: Handler): Promise<{ url: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    if (handler) return handler(req, res);
    if (req.headers.authorization !== 'Basic ' + Buffer.from('admin:secret').toString('base64')) {
      res.writeHead(401, { 'content-type': 'application/json' });
      return res.end('{"error":"not_authorized","reason":"Login failed"}');
    }
    const path = (req.url ?? '').split('?')[0];
    const body = path === '/api/overview' ? OVERVIEW : path === '/api/queues' ? QUEUES : path === '/api/queues/chem' ? QUEUES.slice(2, 3) : undefined;
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end('{"error":"Object Not Found","reason":"Not Found"}');
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  return { url: await listen(server), paths };
}

const opts = { username: 'admin', password: 'secret', timeoutMs: 2000 };

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('readRabbit', () => {
  it('reads queues with their vhosts, totals over work queues only, and connections', async () => {
    const api = await fakeApi();
    const s = await readRabbit(api.url + '/', opts);
    expect(s.queues).toEqual([
      { name: 'celery', vhost: '/', messages: 7, ready: 5, unacked: 2, consumers: 2 },
      { name: 'celery@node1.celery.pidbox', vhost: '/', messages: 0, ready: 0, unacked: 0, consumers: 1 },
      { name: 'gpu', vhost: 'chem', messages: 1, ready: 1, unacked: 0, consumers: 1 },
      { name: 'fresh', vhost: '/', messages: 0, ready: 0, unacked: 0, consumers: 0 },
    ]);
    expect(s.queueDepth).toBe(8);
    expect(s.consumers).toBe(3); // the pidbox consumer is the same worker again
    expect(s.connections).toBe(3);
    expect(api.paths).toEqual(['/api/overview', '/api/queues?columns=name,vhost,messages,messages_ready,messages_unacknowledged,consumers']);
  });

  it('filters by queue name and by vhost (encoded in the path)', async () => {
    const api = await fakeApi();
    expect((await readRabbit(api.url, { ...opts, queues: ['gpu'] })).queues.map((q) => q.name)).toEqual(['gpu']);
    const s = await readRabbit(api.url, { ...opts, vhost: 'chem' });
    expect(s.queues.map((q) => `${q.vhost}/${q.name}`)).toEqual(['chem/gpu']);
    await readRabbit(api.url, { ...opts, vhost: '/' }).catch(() => undefined);
    expect(api.paths).toContain('/api/queues/%2F?columns=name,vhost,messages,messages_ready,messages_unacknowledged,consumers');
  });

  it('keeps a path prefix and takes credentials out of the URL', async () => {
    const api = await fakeApi((req, res) => {
      res.writeHead(req.headers.authorization === 'Basic ' + Buffer.from('u:p w').toString('base64') ? 200 : 401);
      res.end(req.url?.startsWith('/rabbit/api/queues') ? '[]' : '{}');
    });
    const url = api.url.replace('http://', 'http://u:p%20w@') + '/rabbit/';
    const s = await readRabbit(url, { username: '', password: '', timeoutMs: 2000 });
    expect(s).toMatchObject({ queues: [], queueDepth: 0, consumers: 0, connections: null });
    expect(api.paths[0]).toBe('/rabbit/api/overview');
  });

  it('maps 401 to FORBIDDEN and mentions the guest/localhost rule', async () => {
    const api = await fakeApi();
    const err = await apiError(readRabbit(api.url, { ...opts, password: 'wrong' }));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toMatch(/refused user "admin": wrong user name or password/);
    expect(err.message).toMatch(/guest user can only log in from localhost/);
  });

  it('maps 404 to NOT_FOUND: unknown vhost, or not the management API', async () => {
    const api = await fakeApi();
    const vhost = await apiError(readRabbit(api.url, { ...opts, vhost: 'nope' }));
    expect(vhost.code).toBe('NOT_FOUND');
    expect(vhost.message).toMatch(/virtual host does not exist/);
    const prefix = await apiError(readRabbit(api.url + '/wrong', opts));
    expect(prefix.message).toMatch(/no management API under this URL/);
  });

  it('maps 5xx to REMOTE_FAILED with the reason from the body', async () => {
    const api = await fakeApi((_req, res) => {
      res.writeHead(500);
      res.end('{"error":"internal","reason":"nodedown"}');
    });
    const err = await apiError(readRabbit(api.url, opts));
    expect(err.code).toBe('REMOTE_FAILED');
    expect(err.message).toMatch(/HTTP 500 for \/api\/overview: nodedown/);
  });

  it('says so when the answer is not JSON', async () => {
    const api = await fakeApi((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Welcome to nginx</body></html>');
    });
    const err = await apiError(readRabbit(api.url, opts));
    expect(err.code).toBe('REMOTE_FAILED');
    expect(err.message).toMatch(/not with JSON .*<html>.*management API\?/);
  });

  it('refuses a queue list that is not a list', async () => {
    const api = await fakeApi((_req, res) => res.end('{}'));
    await expect(readRabbit(api.url, opts)).rejects.toThrow(/other than a list of queues/);
  });

  it('explains connection refused with the management plugin hint', async () => {
    const api = await fakeApi();
    await closers.pop()?.();
    const err = await apiError(readRabbit(api.url, opts));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toBe(
      `No RabbitMQ management API at ${api.url}: is the management plugin enabled (rabbitmq-plugins enable rabbitmq_management) and the port published?`,
    );
  });

  it('recognises the AMQP port (it answers HTTP with an AMQP header)', async () => {
    const url = await listen(createTcpServer((s) => s.end(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'))));
    const err = await apiError(readRabbit(url, opts));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/AMQP port \(5672\) instead of the management API/);
  });

  it('times out, and passes a caller abort through untouched', async () => {
    const api = await fakeApi(() => undefined); // never answers
    const err = await apiError(readRabbit(api.url, { ...opts, timeoutMs: 300 }));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/did not answer within 0\.3 s/);
    const ac = new AbortController();
    const p = readRabbit(api.url, { ...opts, timeoutMs: 5000, signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects URLs that are not http(s), pointing AMQP URLs at the management port', async () => {
    await expect(readRabbit('amqp://broker:5672', opts)).rejects.toThrow(/AMQP address.*15672/);
    await expect(readRabbit('broker:15672', opts)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(readRabbit('::nope', opts)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
