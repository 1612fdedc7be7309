// Reads queue depths and consumer counts from the RabbitMQ management HTTP API (the `-management` image BigChem
// uses, port 15672), with Node's own fetch: GET /api/overview and /api/queues, basic auth.
// Every failure becomes an ApiError that says what to check. Notes: shared/notes/nrp-and-bigchem.md B13.
import { ApiError } from '../../../shared/errors.js';
import { totals, type BrokerQueue, type BrokerSnapshot } from './snapshot.js';

export interface RabbitOptions {
  username: string;
  password: string;
  timeoutMs: number;
  /** The caller's cancel (e.g. the fleet was removed); its abort is passed through, not turned into an ApiError. */
  signal?: AbortSignal;
  /** Only these queue names; all queues when omitted. */
  queues?: string[];
  /** Only this virtual host ("/" is the default one); all vhosts the user may see when omitted. */
  vhost?: string;
}

interface Target {
  /** Without credentials and without a trailing slash; may carry a path prefix (a reverse proxy's /rabbitmq). */
  base: string;
  auth: string;
}

/** Queue fields we need; `columns` keeps the answer small when a broker has thousands of queues. */
const QUEUE_COLUMNS = 'name,vhost,messages,messages_ready,messages_unacknowledged,consumers';

/** Reads the broker's queues and connection count. */
export async function readRabbit(baseUrl: string, opts: RabbitOptions): Promise<BrokerSnapshot> {
  const target = parseTarget(baseUrl, opts);
  const queuePath = opts.vhost === undefined ? '/api/queues' : `/api/queues/${encodeURIComponent(opts.vhost)}`;
  // Sequential on purpose: a wrong password or port fails on the first request with one clear error.
  const overview = await getJson(target, '/api/overview', opts);
  const rawQueues = await getJson(target, `${queuePath}?columns=${QUEUE_COLUMNS}`, opts);
  if (!Array.isArray(rawQueues)) {
    throw new ApiError('REMOTE_FAILED', `RabbitMQ at ${target.base} answered ${queuePath} with something other than a list of queues.`);
  }
  const wanted = opts.queues && opts.queues.length > 0 ? new Set(opts.queues) : null;
  const queues = rawQueues.map(toQueue).filter((q) => !wanted || wanted.has(q.name));
  return { at: new Date().toISOString(), queues, ...totals(queues), connections: connectionsOf(overview) };
}

/** Splits user:password out of the URL (fetch refuses URLs with credentials); explicit options win. */
function parseTarget(baseUrl: string, opts: RabbitOptions): Target {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new ApiError('INVALID_INPUT', `"${baseUrl}" is not a URL; the RabbitMQ management API looks like http://host:15672.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const hint = url.protocol.startsWith('amqp') ? ' That is the AMQP address; monitoring needs the management API, usually on port 15672.' : '';
    throw new ApiError('INVALID_INPUT', `The RabbitMQ management API needs an http:// or https:// URL, not ${url.protocol}//.${hint}`);
  }
  const username = opts.username || decodeURIComponent(url.username);
  const password = opts.password || decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const base = url.toString().replace(/\/+$/, '');
  return { base, auth: 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64') };
}

/** GET one API path, mapping every way it can fail. */
async function getJson(target: Target, path: string, opts: RabbitOptions): Promise<unknown> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  let body: string;
  try {
    res = await fetch(target.base + path, { headers: { authorization: target.auth, accept: 'application/json' }, signal });
    body = await res.text();
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    if (timeout.aborted) {
      throw new ApiError('UNAVAILABLE', `RabbitMQ management API at ${target.base} did not answer within ${seconds(opts.timeoutMs)}.`, { url: target.base });
    }
    throw networkError(target.base, err);
  }
  if (!res.ok) throw httpError(target.base, path, res.status, body, opts.username);
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new ApiError(
      'REMOTE_FAILED',
      `${target.base}${path} answered, but not with JSON (it starts with "${body.slice(0, 60).replace(/\s+/g, ' ')}"): is this URL the RabbitMQ management API?`,
      { url: target.base },
    );
  }
}

/** fetch rejects with TypeError("fetch failed") and the socket error as its cause. */
function networkError(base: string, err: unknown): ApiError {
  const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = cause?.code ?? '';
  const details = { url: base, cause: cause?.message ?? String(err) };
  if (code === 'ECONNREFUSED') {
    return new ApiError(
      'UNAVAILABLE',
      `No RabbitMQ management API at ${base}: is the management plugin enabled (rabbitmq-plugins enable rabbitmq_management) and the port published?`,
      details,
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ApiError('UNAVAILABLE', `The host of ${base} cannot be resolved (${code}): check the name, or open a tunnel first.`, details);
  }
  // llhttp parse errors: something answered, but not in HTTP (the AMQP port answers an HTTP request with "AMQP").
  if (code.startsWith('HPE_') || code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') {
    return new ApiError(
      'UNAVAILABLE',
      `${base} did not answer in HTTP (${code}): is this the AMQP port (5672) instead of the management API (15672)?`,
      details,
    );
  }
  return new ApiError('UNAVAILABLE', `Cannot reach the RabbitMQ management API at ${base}: ${details.cause}`, details);
}

function httpError(base: string, path: string, status: number, body: string, username: string): ApiError {
  const details = { url: base, status: String(status) };
  if (status === 401) {
    return new ApiError(
      'FORBIDDEN',
      `RabbitMQ at ${base} refused user "${username}": wrong user name or password, or the user lacks a management, ` +
        'monitoring or administrator tag. Note: the built-in guest user can only log in from localhost (loopback_users), ' +
        'except in the official Docker image.',
      details,
    );
  }
  if (status === 403) {
    return new ApiError('FORBIDDEN', `RabbitMQ at ${base} does not let user "${username}" read ${path}: give it access to the virtual host.`, details);
  }
  if (status === 404) {
    const what = path.startsWith('/api/queues/') ? 'that virtual host does not exist' : 'no management API under this URL (check the port and any path prefix)';
    return new ApiError('NOT_FOUND', `RabbitMQ at ${base} answered 404 for ${path.split('?')[0]}: ${what}.`, details);
  }
  return new ApiError('REMOTE_FAILED', `RabbitMQ at ${base} answered HTTP ${status} for ${path.split('?')[0]}: ${reasonOf(body)}`, details);
}

/** The API's {"error","reason"} body, or the start of whatever came back. */
function reasonOf(body: string): string {
  try {
    const j = JSON.parse(body) as { reason?: unknown; error?: unknown };
    return String(j.reason ?? j.error ?? body).slice(0, 200);
  } catch {
    return body.slice(0, 200) || '(empty body)';
  }
}

/** A queue declared moments ago may not have its stats yet: missing counters read as 0. */
function toQueue(raw: unknown): BrokerQueue {
  const q = (raw ?? {}) as Record<string, unknown>;
  return {
    name: String(q.name ?? ''),
    vhost: typeof q.vhost === 'string' ? q.vhost : null,
    messages: num(q.messages),
    ready: num(q.messages_ready),
    unacked: num(q.messages_unacknowledged),
    consumers: num(q.consumers),
  };
}

function connectionsOf(overview: unknown): number | null {
  const n = (overview as { object_totals?: { connections?: unknown } } | null)?.object_totals?.connections;
  return typeof n === 'number' ? n : null;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
