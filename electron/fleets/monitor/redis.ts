// Reads Celery queue depths from Redis, for fleets that use Redis as their broker (BigChem on SLURM). A minimal
// RESP2 client over node:net instead of an npm client: it sends one pipeline (AUTH, SELECT, LLEN..., INFO clients)
// and reads the replies, nothing more. Notes: shared/notes/nrp-and-bigchem.md B12, B13.
import { connect, type Socket } from 'node:net';
import { ApiError } from '../../../shared/errors.js';
import { totals, type BrokerQueue, type BrokerSnapshot } from './snapshot.js';

export interface RedisOptions {
  /** Wins over a password in the URL (the URL may come from a shared config, the password from the keychain). */
  password?: string;
  /** Celery queue names; each is a Redis list of the same name. */
  queues: string[];
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username: string | null;
  password: string | null;
}

/**
 * kombu's Redis transport keeps priority messages in sibling lists `<queue>\x06\x16<priority>` for its default
 * priority steps 3, 6 and 9 (priority 0 is the plain list), so a queue's depth is the sum of all four.
 */
const PRIORITY_SUFFIXES = ['', '\x06\x163', '\x06\x166', '\x06\x169'];

/** Reads the lengths of `queues` and the number of connected clients. */
export async function readRedis(url: string, opts: RedisOptions): Promise<BrokerSnapshot> {
  const t = parseRedisUrl(url);
  const password = opts.password || t.password;
  const cmds: string[][] = [];
  if (password) cmds.push(t.username ? ['AUTH', t.username, password] : ['AUTH', password]);
  if (t.db !== 0) cmds.push(['SELECT', String(t.db)]);
  const first = cmds.length;
  for (const q of opts.queues) for (const s of PRIORITY_SUFFIXES) cmds.push(['LLEN', q + s]);
  cmds.push(['INFO', 'clients']);
  const replies = await pipeline(t, cmds, opts);
  checkSetup(t, cmds.slice(0, first), replies.slice(0, first));
  const noauth = replies.find((r) => r instanceof RespError && r.message.startsWith('NOAUTH'));
  if (noauth instanceof RespError) throw replyError(`${t.host}:${t.port}`, '', noauth);
  const queues = opts.queues.map((name, i) => toQueue(t, name, replies.slice(first + i * 4, first + i * 4 + 4)));
  return {
    at: new Date().toISOString(),
    queues,
    ...totals(queues),
    connections: connectedClients(replies[replies.length - 1]),
  };
}

/** `redis://[[user]:password@]host[:port][/db]`; db 0 and port 6379 when left out. */
export function parseRedisUrl(url: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new ApiError('INVALID_INPUT', `"${url}" is not a URL; Redis URLs look like redis://host:6379/0.`);
  }
  if (u.protocol === 'rediss:') {
    throw new ApiError('INVALID_INPUT', 'rediss:// (Redis over TLS) is not supported for monitoring; reach the server through an SSH tunnel instead.');
  }
  if (u.protocol !== 'redis:') throw new ApiError('INVALID_INPUT', `A Redis URL starts with redis://, not ${u.protocol}//.`);
  const dbText = u.pathname.replace(/^\/+/, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new ApiError('INVALID_INPUT', `"${dbText}" in ${u.host} is not a Redis database number.`);
  const port = u.port === '' ? 6379 : Number(u.port);
  // URL keeps IPv6 hosts in brackets; net.connect wants them bare.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port,
    db,
    username: u.username ? decodeURIComponent(u.username) : null,
    password: u.password ? decodeURIComponent(u.password) : null,
  };
}

// ---- RESP2 ----

export type RespValue = string | number | null | RespError | RespValue[];

/** An error reply (-ERR ...): a value, not a throw, so one failed command in a pipeline does not hide the others. */
export class RespError {
  constructor(readonly message: string) {}
}

/** A command as a RESP array of bulk strings (binary-safe lengths in bytes). */
export function encodeCommand(args: string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const a of args) parts.push(`$${Buffer.byteLength(a)}\r\n${a}\r\n`);
  return Buffer.from(parts.join(''));
}

/** Incremental RESP2 reader: TCP may split a reply anywhere, so `next()` returns undefined until one is complete. */
export class RespReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  next(): RespValue | undefined {
    const r = this.parse(0);
    if (!r) return undefined;
    this.buf = this.buf.subarray(r.end);
    return r.value;
  }

  private parse(at: number): { value: RespValue; end: number } | undefined {
    const eol = this.buf.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const line = this.buf.toString('utf8', at + 1, eol);
    const after = eol + 2;
    switch (String.fromCharCode(this.buf[at] ?? 0)) {
      case '+':
        return { value: line, end: after };
      case '-':
        return { value: new RespError(line), end: after };
      case ':':
        return { value: Number(line), end: after };
      case '$': {
        const len = Number(line);
        if (len < 0) return { value: null, end: after };
        if (this.buf.length < after + len + 2) return undefined;
        return { value: this.buf.toString('utf8', after, after + len), end: after + len + 2 };
      }
      case '*': {
        const n = Number(line);
        if (n < 0) return { value: null, end: after };
        const items: RespValue[] = [];
        let pos = after;
        for (let i = 0; i < n; i++) {
          const r = this.parse(pos);
          if (!r) return undefined;
          items.push(r.value);
          pos = r.end;
        }
        return { value: items, end: pos };
      }
      default:
        throw new Error(`not a RESP reply (starts with ${JSON.stringify(line.slice(0, 20))})`);
    }
  }
}

/** Sends all commands at once and collects one reply per command. */
function pipeline(t: RedisTarget, cmds: string[][], opts: RedisOptions): Promise<RespValue[]> {
  const where = `${t.host}:${t.port}`;
  return new Promise((resolve, reject) => {
    const replies: RespValue[] = [];
    const reader = new RespReader();
    const sock: Socket = connect({ host: t.host, port: t.port });
    let done = false;
    const finish = (err: unknown, value?: RespValue[]): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      if (err) reject(err);
      else resolve(value ?? []);
    };
    const timer = setTimeout(
      () => finish(new ApiError('UNAVAILABLE', `Redis at ${where} did not answer within ${Math.round(opts.timeoutMs / 100) / 10} s.`, { host: where })),
      opts.timeoutMs,
    );
    const onAbort = (): void => finish(opts.signal?.reason ?? new Error('aborted'));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    sock.on('connect', () => sock.write(Buffer.concat(cmds.map(encodeCommand))));
    sock.on('data', (chunk) => {
      try {
        reader.push(chunk);
        for (let v = reader.next(); v !== undefined; v = reader.next()) {
          // Protected mode and maxclients answer with one error and hang up, whatever was asked.
          if (replies.length === 0 && v instanceof RespError && /^(DENIED|ERR max)/.test(v.message)) return finish(earlyError(where, v));
          replies.push(v);
        }
      } catch (err) {
        return finish(new ApiError('REMOTE_FAILED', `${where} does not speak the Redis protocol: ${(err as Error).message}`, { host: where }));
      }
      if (replies.length >= cmds.length) finish(null, replies);
    });
    sock.on('error', (err: NodeJS.ErrnoException) => finish(socketError(where, err)));
    sock.on('close', () => finish(new ApiError('UNAVAILABLE', `Redis at ${where} closed the connection after ${replies.length} of ${cmds.length} replies.`, { host: where })));
  });
}

// ---- replies to results ----

/** AUTH and SELECT replies: the first one that failed explains everything after it. */
function checkSetup(t: RedisTarget, cmds: string[][], replies: (RespValue | undefined)[]): void {
  const where = `${t.host}:${t.port}`;
  cmds.forEach((cmd, i) => {
    const r = replies[i];
    if (!(r instanceof RespError)) return;
    // A password sent to a server that needs none: harmless, the server is open, keep reading.
    if (cmd[0] === 'AUTH' && /without any password configured|no password is set/i.test(r.message)) return;
    if (cmd[0] === 'AUTH') {
      throw new ApiError('FORBIDDEN', `Redis at ${where} rejected the password${t.username ? ` for user "${t.username}"` : ''}: ${r.message}`, { host: where });
    }
    throw new ApiError('INVALID_INPUT', `Redis at ${where} cannot select database ${t.db}: ${r.message}`, { host: where });
  });
}

function toQueue(t: RedisTarget, name: string, replies: (RespValue | undefined)[]): BrokerQueue {
  const where = `${t.host}:${t.port}`;
  let ready = 0;
  for (const r of replies) {
    if (r instanceof RespError) throw replyError(where, name, r);
    ready += typeof r === 'number' ? r : 0;
  }
  // unacked 0: kombu keeps delivered-but-unacked messages in one hash ("unacked") shared by every queue, so they
  // cannot be attributed to a queue. consumers null: Celery workers poll lists with BRPOP; Redis has no notion of
  // a subscriber, and a busy worker is not even blocked on the list, so CLIENT LIST cannot count them either.
  return { name, vhost: null, messages: ready, ready, unacked: 0, consumers: null };
}

function replyError(where: string, queue: string, r: RespError): ApiError {
  if (/^NOAUTH/.test(r.message)) {
    return new ApiError('FORBIDDEN', `Redis at ${where} requires a password (NOAUTH): set the password of the fleet's Redis.`, { host: where });
  }
  if (/^WRONGTYPE/.test(r.message)) {
    return new ApiError('REMOTE_FAILED', `Redis key "${queue}" at ${where} is not a list, so it is not a Celery queue: ${r.message}`, { host: where });
  }
  return new ApiError('REMOTE_FAILED', `Redis at ${where} failed to read queue "${queue}": ${r.message}`, { host: where });
}

function earlyError(where: string, r: RespError): ApiError {
  if (r.message.startsWith('DENIED')) {
    return new ApiError('FORBIDDEN', `Redis at ${where} refuses clients from other hosts (protected mode): set a password or bind it to this address.`, { host: where });
  }
  return new ApiError('UNAVAILABLE', `Redis at ${where} refused the connection: ${r.message}`, { host: where });
}

function socketError(where: string, err: NodeJS.ErrnoException): ApiError {
  const details = { host: where, cause: err.message };
  if (err.code === 'ECONNREFUSED') {
    return new ApiError('UNAVAILABLE', `No Redis at ${where} (connection refused): is redis-server running, listening on that address and port, and the port published or tunnelled?`, details);
  }
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    return new ApiError('UNAVAILABLE', `The Redis host in ${where} cannot be resolved (${err.code}): check the name, or open a tunnel first.`, details);
  }
  return new ApiError('UNAVAILABLE', `Cannot talk to Redis at ${where}: ${err.message}`, details);
}

/** `connected_clients` from INFO clients, minus this reader's own connection; null if INFO is disabled. */
function connectedClients(r: RespValue | undefined): number | null {
  if (typeof r !== 'string') return null;
  const m = /^connected_clients:(\d+)/m.exec(r);
  return m?.[1] ? Math.max(0, Number(m[1]) - 1) : null;
}
