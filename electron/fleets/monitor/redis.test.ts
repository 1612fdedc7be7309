// The RESP client against a tiny fake Redis (node:net) that replies from a table: parsing, pipelining, split TCP
// chunks and error mapping. The real redis-server is exercised in e2e/integration/fleet-monitor.test.ts.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import { RespError, RespReader, encodeCommand, parseRedisUrl, readRedis } from './redis.js';

interface Fake {
  url: string;
  port: number;
  /** Every command received, as argument arrays. */
  seen: string[][];
}

type Reply = (cmd: string[]) => string;
const servers: Server[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/**
 * Parses commands with the client's own reader (they are RESP arrays too) and answers each with `reply`.
 * `greeting`: sent on connect, then the server hangs up (what protected mode does).
 */
async function fakeRedis(reply: Reply, write: (sock: Socket, out: string) => void = (s, o) => s.write(o), greeting?: string): Promise<Fake> {
  const seen: string[][] = [];
  const server = createServer((sock) => {
    sockets.push(sock);
    sock.on('error', () => {});
    if (greeting !== undefined) return void sock.end(greeting);
    const reader = new RespReader();
    sock.on('data', (chunk) => {
      reader.push(chunk);
      let out = '';
      for (let v = reader.next(); v !== undefined; v = reader.next()) {
        const cmd = (v as string[]).map(String);
        seen.push(cmd);
        out += reply(cmd);
      }
      if (out) write(sock, out);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `redis://127.0.0.1:${port}/0`, port, seen };
}

const int = (n: number) => `:${n}\r\n`;
const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
const INFO = bulk('# Clients\r\nconnected_clients:4\r\nblocked_clients:2\r\n');

/** A server with password "pw", list lengths from `lists`, INFO clients answered. */
function table(lists: Record<string, number>, password = 'pw'): Reply {
  let authed = password === '';
  return (cmd) => {
    const [name, ...args] = cmd;
    if (name === 'AUTH') {
      if (password === '') return '-ERR AUTH <password> called without any password configured for the default user.\r\n';
      authed = args[args.length - 1] === password;
      return authed ? '+OK\r\n' : '-WRONGPASS invalid username-password pair or user is disabled.\r\n';
    }
    if (!authed) return '-NOAUTH Authentication required.\r\n';
    if (name === 'SELECT') return Number(args[0]) < 16 ? '+OK\r\n' : '-ERR DB index is out of range\r\n';
    if (name === 'LLEN') return args[0] === 'notalist' ? '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n' : int(lists[args[0] ?? ''] ?? 0);
    if (name === 'INFO') return INFO;
    return '-ERR unknown command\r\n';
  };
}

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('RespReader', () => {
  it('parses every RESP2 type, byte by byte', () => {
    const wire = '+OK\r\n-ERR boom\r\n:42\r\n$5\r\nhé\r\n\r\n$-1\r\n*2\r\n:1\r\n*1\r\n$0\r\n\r\n*-1\r\n$3\r\nabc\r\n';
    const r = new RespReader();
    const got: unknown[] = [];
    for (const byte of Buffer.from(wire)) {
      r.push(Buffer.from([byte]));
      for (let v = r.next(); v !== undefined; v = r.next()) got.push(v);
    }
    // "hé\r\n" is 5 bytes: a bulk string may contain CRLF and multi-byte UTF-8
    expect(got).toEqual(['OK', new RespError('ERR boom'), 42, 'hé\r\n', null, [1, ['']], null, 'abc']);
  });

  it('returns undefined until a reply is complete', () => {
    const r = new RespReader();
    r.push(Buffer.from('$10\r\n01234'));
    expect(r.next()).toBeUndefined();
    r.push(Buffer.from('56789\r'));
    expect(r.next()).toBeUndefined();
    r.push(Buffer.from('\n:7'));
    expect(r.next()).toBe('0123456789');
    expect(r.next()).toBeUndefined();
    r.push(Buffer.from('\r\n'));
    expect(r.next()).toBe(7);
  });

  it('refuses bytes that are not RESP', () => {
    const r = new RespReader();
    r.push(Buffer.from('HTTP/1.1 400 Bad Request\r\n'));
    expect(() => r.next()).toThrow(/not a RESP reply/);
  });

  it('encodes commands as arrays of bulk strings with byte lengths', () => {
    expect(encodeCommand(['LLEN', 'celery\x06\x163']).toString()).toBe('*2\r\n$4\r\nLLEN\r\n$9\r\ncelery\x06\x163\r\n');
    expect(encodeCommand(['SET', 'k', 'é']).toString()).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\né\r\n');
  });
});

describe('parseRedisUrl', () => {
  it('reads host, port, db, user and password', () => {
    expect(parseRedisUrl('redis://:p%40ss@head:6380/2')).toEqual({ host: 'head', port: 6380, db: 2, username: null, password: 'p@ss' });
    expect(parseRedisUrl('redis://worker:pw@head')).toEqual({ host: 'head', port: 6379, db: 0, username: 'worker', password: 'pw' });
    expect(parseRedisUrl('redis://[::1]:7000/')).toMatchObject({ host: '::1', port: 7000, db: 0 });
  });

  it('rejects what it cannot use, saying why', () => {
    expect(() => parseRedisUrl('head:6379')).toThrow(/redis:\/\//);
    expect(() => parseRedisUrl('rediss://head:6379/0')).toThrow(/TLS/);
    expect(() => parseRedisUrl('redis://head/abc')).toThrow(/database number/);
    expect(() => parseRedisUrl('not a url')).toThrow(ApiError);
  });
});

describe('readRedis', () => {
  it('authenticates, selects, sums each queue with its priority lists, counts clients', async () => {
    const f = await fakeRedis(table({ celery: 5, 'celery\x06\x169': 2, gpu: 1 }));
    const s = await readRedis(`redis://127.0.0.1:${f.port}/3`, { password: 'pw', queues: ['celery', 'gpu'], timeoutMs: 2000 });
    expect(s.queues).toEqual([
      { name: 'celery', vhost: null, messages: 7, ready: 7, unacked: 0, consumers: null },
      { name: 'gpu', vhost: null, messages: 1, ready: 1, unacked: 0, consumers: null },
    ]);
    expect(s.queueDepth).toBe(8);
    expect(s.consumers).toBeNull();
    expect(s.connections).toBe(3); // 4 minus our own
    expect(Date.parse(s.at)).not.toBeNaN();
    expect(f.seen[0]).toEqual(['AUTH', 'pw']);
    expect(f.seen[1]).toEqual(['SELECT', '3']);
    expect(f.seen.filter((c) => c[0] === 'LLEN')).toHaveLength(8);
  });

  it('handles pipelined replies split across TCP chunks at awkward places', async () => {
    const f = await fakeRedis(table({ celery: 12345 }), (sock, out) => {
      // one byte, then 3-byte pieces, each in its own write with a pause so they arrive as separate chunks
      const pieces = [out.slice(0, 1), ...(out.slice(1).match(/[\s\S]{1,3}/g) ?? [])];
      let i = 0;
      const tick = (): void => {
        if (i >= pieces.length || sock.destroyed) return;
        sock.write(pieces[i++] ?? '');
        setTimeout(tick, 1);
      };
      tick();
    });
    const s = await readRedis(f.url, { password: 'pw', queues: ['celery'], timeoutMs: 5000 });
    expect(s.queueDepth).toBe(12345);
    expect(s.connections).toBe(3);
  });

  it('takes the password from the URL, and a given password over it', async () => {
    const f = await fakeRedis(table({ celery: 1 }));
    await expect(readRedis(`redis://:pw@127.0.0.1:${f.port}/0`, { queues: ['celery'], timeoutMs: 2000 })).resolves.toMatchObject({ queueDepth: 1 });
    const err = await apiError(readRedis(`redis://:pw@127.0.0.1:${f.port}/0`, { password: 'other', queues: ['celery'], timeoutMs: 2000 }));
    expect(err.code).toBe('FORBIDDEN');
  });

  it('sends AUTH user password for a Redis 6 ACL user in the URL', async () => {
    const f = await fakeRedis(table({}));
    await readRedis(`redis://alice:pw@127.0.0.1:${f.port}`, { queues: ['celery'], timeoutMs: 2000 });
    expect(f.seen[0]).toEqual(['AUTH', 'alice', 'pw']);
  });

  it('maps a wrong password (WRONGPASS) to FORBIDDEN', async () => {
    const f = await fakeRedis(table({}));
    const err = await apiError(readRedis(f.url, { password: 'nope', queues: ['celery'], timeoutMs: 2000 }));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toMatch(/rejected the password: WRONGPASS/);
  });

  it('maps a missing password (NOAUTH) to FORBIDDEN, also with no queues', async () => {
    const f = await fakeRedis(table({}));
    const err = await apiError(readRedis(f.url, { queues: ['celery'], timeoutMs: 2000 }));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toMatch(/requires a password/);
    await expect(readRedis(f.url, { queues: [], timeoutMs: 2000 })).rejects.toThrow(/requires a password/);
  });

  it('carries on when a password is sent to a server that has none', async () => {
    const f = await fakeRedis(table({ celery: 2 }, ''));
    await expect(readRedis(f.url, { password: 'x', queues: ['celery'], timeoutMs: 2000 })).resolves.toMatchObject({ queueDepth: 2 });
  });

  it('explains a bad database and a key that is not a list', async () => {
    const f = await fakeRedis(table({}));
    const db = await apiError(readRedis(`redis://127.0.0.1:${f.port}/99`, { password: 'pw', queues: ['celery'], timeoutMs: 2000 }));
    expect(db.code).toBe('INVALID_INPUT');
    expect(db.message).toMatch(/cannot select database 99/);
    const wt = await apiError(readRedis(f.url, { password: 'pw', queues: ['notalist'], timeoutMs: 2000 }));
    expect(wt.message).toMatch(/"notalist".*not a list/);
  });

  it('reports connections as null when INFO is disabled', async () => {
    const inner = table({ celery: 1 });
    const f = await fakeRedis((cmd) => (cmd[0] === 'INFO' ? "-ERR unknown command 'INFO'\r\n" : inner(cmd)));
    await expect(readRedis(f.url, { password: 'pw', queues: ['celery'], timeoutMs: 2000 })).resolves.toMatchObject({ connections: null });
  });

  it('maps protected mode (DENIED, then hang-up) to FORBIDDEN', async () => {
    const f = await fakeRedis(() => '', undefined, '-DENIED Redis is running in protected mode because protected mode is enabled\r\n');
    const err = await apiError(readRedis(f.url, { queues: ['celery'], timeoutMs: 2000 }));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toMatch(/protected mode/);
  });

  it('maps connection refused to UNAVAILABLE', async () => {
    const f = await fakeRedis(table({}));
    await new Promise((r) => servers.pop()?.close(r));
    const err = await apiError(readRedis(f.url, { queues: ['celery'], timeoutMs: 2000 }));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/No Redis at 127\.0\.0\.1:\d+ \(connection refused\)/);
  });

  it('times out on a server that never answers', async () => {
    const f = await fakeRedis(() => '');
    const t0 = Date.now();
    const err = await apiError(readRedis(f.url, { queues: ['celery'], timeoutMs: 300 }));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/did not answer within 0\.3 s/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('says so when the server hangs up mid-pipeline or is not Redis', async () => {
    const cut = await fakeRedis(() => '+OK\r\n', (sock, out) => sock.end(out.slice(0, 5)));
    await expect(readRedis(cut.url, { password: 'pw', queues: ['celery'], timeoutMs: 2000 })).rejects.toThrow(/closed the connection after 1 of 6 replies/);
    const http = await fakeRedis(() => 'HTTP/1.1 400 Bad Request\r\n\r\n');
    const err = await apiError(readRedis(http.url, { queues: ['celery'], timeoutMs: 2000 }));
    expect(err.code).toBe('REMOTE_FAILED');
    expect(err.message).toMatch(/does not speak the Redis protocol/);
  });

  it('stops when the caller aborts', async () => {
    const f = await fakeRedis(() => '');
    const ac = new AbortController();
    const p = readRedis(f.url, { queues: ['celery'], timeoutMs: 5000, signal: ac.signal });
    ac.abort(new Error('fleet removed'));
    await expect(p).rejects.toThrow('fleet removed');
  });
});
