import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import { ApiError } from '../../shared/errors.js';
import { API_PREFIX, TOKEN_HEADER } from '../../shared/transport.js';
import { backoffDelay } from './backoff.js';
import { NO_TOKEN_MESSAGE, UNREACHABLE_MESSAGE, createBrowserTransport, wsUrlFor, type SocketLike } from './browserTransport.js';

type Reply = { status: number; body: string; statusText?: string } | Error;

function fakeFetch(reply: Reply | ((url: string, init: { headers: Record<string, string>; body: string }) => Reply)) {
  const calls: Array<{ url: string; init: { method: string; headers: Record<string, string>; body: string } }> = [];
  const fetch = async (url: string, init: { method: string; headers: Record<string, string>; body: string }) => {
    calls.push({ url, init });
    const r = typeof reply === 'function' ? reply(url, init) : reply;
    if (r instanceof Error) throw r;
    return { status: r.status, statusText: r.statusText ?? '', text: async () => r.body };
  };
  return { fetch, calls };
}

class FakeSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.({});
  }
  drop() {
    this.onclose?.({});
  }
  send(data: unknown) {
    this.onmessage?.({ data: typeof data === 'string' ? data : JSON.stringify(data) });
  }
}

function setup(reply: Parameters<typeof fakeFetch>[0] = { status: 200, body: '{"ok":true,"result":1}' }, token: string | null = 'tok') {
  const f = fakeFetch(reply);
  const sockets: FakeSocket[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const statuses: string[] = [];
  let reconnected = 0;
  const transport = createBrowserTransport({
    token,
    location: { protocol: 'http:', host: '127.0.0.1:4000' },
    fetch: f.fetch,
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    onStatus: (s) => statuses.push(s),
    onReconnected: () => reconnected++,
    backoff: (n) => 100 * (n + 1),
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => undefined,
  });
  return { transport, calls: f.calls, sockets, timers, statuses, reconnectedCount: () => reconnected };
}

describe('browser transport calls', () => {
  it('POSTs JSON to /api/<method> with the bearer token and unwraps ok envelopes', async () => {
    const { transport, calls } = setup({ status: 200, body: JSON.stringify({ ok: true, result: [{ id: 'p1' }] }) });
    await expect(transport.call('projects.list', { includeArchived: true })).resolves.toEqual([{ id: 'p1' }]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(`${API_PREFIX}projects.list`);
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.headers['content-type']).toBe('application/json');
    expect(calls[0]!.init.headers[TOKEN_HEADER]).toBe('Bearer tok');
    expect(JSON.parse(calls[0]!.init.body)).toEqual({ includeArchived: true });
  });

  it('throws the typed error of a failed envelope, even on 4xx', async () => {
    const error = { code: 'CONFLICT', message: 'a project named "x" already exists' };
    const { transport } = setup({ status: 409, body: JSON.stringify({ ok: false, error }) });
    const err = await transport.call('projects.create', { name: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject(error);
  });

  it('keeps the core\'s own message when a 401 carries an envelope', async () => {
    const { transport } = setup({ status: 401, body: JSON.stringify({ ok: false, error: { code: 'UNAUTHORIZED', message: 'token expired' } }) });
    await expect(transport.call('app.info', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'token expired' });
  });

  it('explains a 401 without an envelope: open the address printed by simdeck serve', async () => {
    const { transport } = setup({ status: 401, body: 'Unauthorized' }, null);
    const err = await transport.call('app.info', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'UNAUTHORIZED', message: NO_TOKEN_MESSAGE });
    expect((err as ApiError).message).toContain('simdeck serve');
  });

  it('sends no authorization header when there is no token', async () => {
    const { transport, calls } = setup({ status: 401, body: '' }, null);
    await transport.call('app.info', {}).catch(() => undefined);
    expect(calls[0]!.init.headers[TOKEN_HEADER]).toBeUndefined();
  });

  it('turns a non-envelope 5xx or 2xx into UNAVAILABLE with the status', async () => {
    const a = setup({ status: 502, statusText: 'Bad Gateway', body: '<html>proxy</html>' });
    await expect(a.transport.call('targets.list', {})).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('HTTP 502 Bad Gateway') });
    const b = setup({ status: 200, body: '{"hello":1}' });
    await expect(b.transport.call('targets.list', {})).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('unexpected reply') });
  });

  it('turns a network failure into UNAVAILABLE', async () => {
    const { transport } = setup(new TypeError('Failed to fetch'));
    await expect(transport.call('app.info', {})).rejects.toMatchObject({ code: 'UNAVAILABLE', message: UNREACHABLE_MESSAGE });
  });

  it('works through the typed client', async () => {
    const { transport } = setup({ status: 400, body: JSON.stringify({ ok: false, error: { code: 'INVALID_INPUT', message: 'projects.create: name: a project needs a name' } }) });
    const api = createClient(transport);
    await expect(api.projects.create({ name: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('browser transport events', () => {
  it('connects to ws://<host>/ws?token=… on first subscribe and delivers valid events', () => {
    const { transport, sockets, statuses } = setup();
    const got: Array<[string, unknown]> = [];
    transport.subscribe((e, p) => got.push([e, p]));
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.url).toBe('ws://127.0.0.1:4000/ws?token=tok');
    sockets[0]!.open();
    sockets[0]!.send({ event: 'projects.changed', payload: { projectId: 'p1' } });
    sockets[0]!.send({ event: 'nope', payload: {} });
    sockets[0]!.send('not json');
    sockets[0]!.send({ event: 'notice', payload: 'not an object' });
    expect(got).toEqual([['projects.changed', { projectId: 'p1' }]]);
    expect(statuses).toEqual(['connecting', 'connected']);
  });

  it('reconnects with backoff after a drop, reports status, and asks for a reload of data', () => {
    const { transport, sockets, timers, statuses, reconnectedCount } = setup();
    transport.subscribe(() => undefined);
    sockets[0]!.open();
    sockets[0]!.drop();
    expect(statuses.at(-1)).toBe('reconnecting');
    expect(timers.map((t) => t.ms)).toEqual([100]);
    timers[0]!.fn();
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop(); // still down: wait longer
    expect(timers.map((t) => t.ms)).toEqual([100, 200]);
    timers[1]!.fn();
    sockets[2]!.open();
    expect(statuses.at(-1)).toBe('connected');
    expect(reconnectedCount()).toBe(1);
    sockets[2]!.drop();
    expect(timers.at(-1)!.ms).toBe(100); // backoff restarts after a good connection
  });

  it('shows reconnecting when the very first connection fails', () => {
    const { transport, sockets, statuses } = setup();
    transport.subscribe(() => undefined);
    sockets[0]!.drop();
    expect(statuses).toEqual(['connecting', 'reconnecting']);
  });

  it('closes the socket when the last listener leaves', () => {
    const { transport, sockets } = setup();
    const off1 = transport.subscribe(() => undefined);
    const off2 = transport.subscribe(() => undefined);
    expect(sockets).toHaveLength(1);
    off1();
    expect(sockets[0]!.closed).toBe(false);
    off2();
    expect(sockets[0]!.closed).toBe(true);
  });

  it('uses wss on https pages and encodes the token', () => {
    expect(wsUrlFor({ protocol: 'https:', host: 'example:1' }, 'a b')).toBe('wss://example:1/ws?token=a%20b');
  });
});

describe('backoffDelay', () => {
  it('doubles from 0.5 s up to 15 s, with bounded jitter', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((n) => backoffDelay(n, mid))).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    expect(backoffDelay(0, () => 0)).toBe(400);
    expect(backoffDelay(0, () => 0.999999)).toBe(600);
  });
});
