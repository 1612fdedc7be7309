// HTTP transport for the Folding@home WS and AS REST APIs (notes fah-api.md §2.1, §3, §8): mutual TLS through a
// keep-alive https.Agent, a per-attempt timeout, a small semaphore bounding concurrent requests, and retries with
// exponential backoff and jitter on network errors and 5xx (never on 4xx, never after a streamed body started
// reaching its destination). Error bodies `{"error": "..."}` (cbang) are surfaced verbatim. The client logs
// nothing; the key never appears in messages, details, toJSON() or util.inspect().
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { createSecureContext } from 'node:tls';
import { Transform } from 'node:stream';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inspect } from 'node:util';
import zlib from 'node:zlib';
import { ApiError } from '../../../shared/errors.js';
import type { ErrorCode } from '../../../shared/errors.js';
import { leafFirst, parsePemBundle } from '../certs/pem.js';
import { toWsTime } from '../time.js';

/** Client credentials for mutual TLS. `certPem` may be a chain (leaf first); `caPem` replaces the system trust. */
export interface FahTls {
  certPem: string;
  keyPem: string;
  caPem?: string;
}

export interface FahRequestEvent {
  method: string;
  path: string;
  /** 1 for the first try, 2+ for retries. */
  attempt: number;
  /** Increments with every rebuild() (which certificate the request used). */
  generation: number;
}

export interface FahHttpClientOptions {
  /** `https://ws.example.org` or `https://assign1.foldingathome.org`; any path part is ignored (API at root, notes §1). */
  baseUrl: string;
  /** Required for https. */
  tls?: FahTls;
  /** What the messages call the server, e.g. "work server", "assignment server". */
  label?: string;
  /** Per attempt: the whole exchange for JSON calls, the idle time between chunks for uploads and downloads. Default 60 s. */
  timeoutMs?: number;
  /** Requests in flight at once (the rest queue). Default 8. */
  concurrency?: number;
  /** Extra attempts after the first. Default 4. */
  retries?: number;
  /** First backoff (doubles each retry, with jitter). Default 500 ms. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Verify the server certificate (Python client: verify=True). Default true. */
  rejectUnauthorized?: boolean;
  /** Called at the start of every attempt (tests, bench, activity counters). */
  onRequest?: (e: FahRequestEvent) => void;
  /** Jitter source in [0, 1). */
  random?: () => number;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** false: one attempt only (e.g. a caller that must not repeat a POST). */
  retry?: boolean;
  /** Served before queued normal requests (small calls that unblock others, e.g. a job create among uploads). */
  urgent?: boolean;
}

export type Query = Record<string, string | number | boolean | Date | null | undefined>;

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  contentType: string | null;
  body: Buffer;
}

/** A replayable streamed body: `open` is called again for a retry. */
export interface StreamBody {
  size: number;
  open: () => Readable;
}
export type UploadBody = Buffer | Uint8Array | string | StreamBody;

export interface UploadOptions extends CallOptions {
  /** Default application/octet-stream (raw bytes, no multipart; notes §2.1). */
  contentType?: string;
  onProgress?: (sent: number, total: number) => void;
}

export interface DownloadOptions extends CallOptions {
  /** Decoded bytes so far, and the total when the server said it (no Content-Encoding). */
  onProgress?: (received: number, total: number | null) => void;
  /** Refuse bodies larger than this (decoded). */
  maxBytes?: number;
}

export interface DownloadResult {
  bytes: number;
  contentType: string | null;
}

// ---------------------------------------------------------------------------------------------------------------

/** Errors of the connection that a retry can cure (brief: ECONNRESET, ETIMEDOUT, socket hang up, ECONNREFUSED). */
const RETRY_NET_CODES = new Set([
  'ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET',
]);

export function isRetryableNetworkError(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | null;
  if (!e || e instanceof ApiError) return false;
  return RETRY_NET_CODES.has(e.code ?? '') || e.message === 'socket hang up' || e.message === 'aborted';
}

const SERVER_CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT',
]);

/** Pulls the server's error text out of a reply body: cbang `{"error": "..."}` or `{"error": {"message": ...}}`, else short plain text. */
export function serverErrorText(body: Buffer | string, contentType: string | null = null): string | null {
  const text = (typeof body === 'string' ? body : body.toString('utf8')).trim();
  if (!text) return null;
  if (text.startsWith('{') || /json/i.test(contentType ?? '')) {
    try {
      const j = JSON.parse(text) as Record<string, unknown>;
      const e = j?.error;
      if (typeof e === 'string') return e;
      if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
      if (typeof j?.message === 'string') return j.message;
    } catch {
      // fall through to text
    }
  }
  if (/html/i.test(contentType ?? '') || text.startsWith('<')) return null;
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function statusCode(status: number): ErrorCode {
  if (status === 400 || status === 422) return 'INVALID_INPUT';
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404 || status === 410) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 502 || status === 503 || status === 504) return 'UNAVAILABLE';
  return 'REMOTE_FAILED';
}

/** Keeps paths and hosts readable in messages; never includes query secrets (there are none in this API). */
function describe(label: string, host: string): string {
  return `The ${label} ${host}`;
}

export function httpErrorToApiError(
  status: number,
  body: Buffer,
  contentType: string | null,
  ctx: { label: string; host: string; method: string; path: string },
): ApiError {
  const said = serverErrorText(body, contentType);
  const details: Record<string, string> = { status: String(status), method: ctx.method, path: ctx.path, host: ctx.host };
  if (said !== null) details.serverError = said;
  let hint = '';
  if (status === 401 || status === 403) hint = ' Check that the Folding@home certificate is current and that an F@H admin granted it access to this server.';
  return new ApiError(
    statusCode(status),
    `${describe(ctx.label, ctx.host)} answered ${status} to ${ctx.method} ${ctx.path}${said !== null ? `: ${said}` : ''}.${hint}`,
    details,
  );
}

function networkErrorToApiError(err: unknown, ctx: { label: string; host: string; method: string; path: string; attempts: number; timeoutMs: number }): ApiError {
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  const details: Record<string, string> = { method: ctx.method, path: ctx.path, host: ctx.host, cause: code || String(e?.message ?? err) };
  const who = describe(ctx.label, ctx.host);
  const tries = ctx.attempts > 1 ? ` (tried ${ctx.attempts} times)` : '';
  if ((err as { fahTimeout?: boolean })?.fahTimeout) {
    return new ApiError('UNAVAILABLE', `${who} did not answer ${ctx.method} ${ctx.path} within ${ctx.timeoutMs / 1000} s${tries}. Try again later, or check the network (VPN?).`, details);
  }
  if (SERVER_CERT_CODES.has(code)) {
    return new ApiError('UNAVAILABLE', `SimDeck cannot verify the HTTPS certificate of ${ctx.host} (${code}). Check the server address, or set the CA certificate that signs it.`, details);
  }
  if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_|UNKNOWN_CA|ACCESS_DENIED|UNSUPPORTED_CERTIFICATE)/.test(code) || /alert (bad certificate|certificate|unknown ca|access denied)/i.test(e?.message ?? '')) {
    return new ApiError('FORBIDDEN', `${who} refused SimDeck's client certificate (${code || e?.message}). The certificate may have expired or not be signed by the Folding@home AS; renew it or get a new one.`, details);
  }
  return new ApiError('UNAVAILABLE', `Cannot reach ${ctx.host} for ${ctx.method} ${ctx.path}: ${code || e?.message || String(err)}${tries}. Check the network (VPN?) and the server address.`, details);
}

/**
 * Joins a relative file path for the `files/{path}` endpoints (notes §2.2: may contain `/`, e.g.
 * `RUN3/CLONE7/core.xml`). Each segment is percent-encoded; empty, `.` and `..` segments are refused.
 */
export function encodeFilePath(rel: string): string {
  const parts = rel.split('/');
  if (!rel || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new ApiError('INVALID_INPUT', `"${rel}" is not a relative file path (no leading /, no empty, . or .. parts).`, { field: 'path' });
  }
  return parts.map((p) => encodeURIComponent(p)).join('/');
}

// ---------------------------------------------------------------------------------------------------------------

class Semaphore {
  private active = 0;
  /** In arrival order; a Set so that taking the first (and dropping an aborted one) stays cheap with 40,000 queued. */
  private readonly waiters = new Set<() => void>();
  private readonly urgent = new Set<() => void>();
  constructor(private readonly limit: number) {}
  get inUse(): number {
    return this.active;
  }
  async acquire(signal?: AbortSignal, urgent = false): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const queue = urgent ? this.urgent : this.waiters;
      const onAbort = () => {
        queue.delete(go);
        reject(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.add(go);
    });
    // the releaser handed its slot over; active stays the same
  }
  release(): void {
    const queue = this.urgent.size > 0 ? this.urgent : this.waiters;
    const next = queue.values().next().value;
    if (next) {
      queue.delete(next);
      next();
    } else this.active--;
  }
}

function abortReason(signal?: AbortSignal): unknown {
  return signal?.reason ?? Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(t);
      reject(abortReason(signal));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface AgentEntry {
  agent: http.Agent;
  generation: number;
  inflight: number;
  retired: boolean;
}

interface Spec {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  query?: Query;
  headers?: Record<string, string>;
  body?: Buffer | StreamBody;
  onUploadProgress?: (sent: number, total: number) => void;
  /** Streams measure idle time; everything else the whole exchange. */
  idleTimeout?: boolean;
  /** Errors while consuming the body may be retried (false once bytes reached a caller's writable). */
  retryBody: boolean;
  opts: CallOptions;
}

function header(res: IncomingMessage, name: string): string | null {
  const v = res.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

/** The decoded body stream (Content-Encoding gzip / deflate / br, as requests' decode_content=True does). */
function decoded(res: IncomingMessage): Readable {
  const enc = (header(res, 'content-encoding') ?? '').trim().toLowerCase();
  if (enc === 'gzip' || enc === 'x-gzip') return res.pipe(zlib.createGunzip());
  if (enc === 'deflate') return res.pipe(zlib.createInflate());
  if (enc === 'br') return res.pipe(zlib.createBrotliDecompress());
  return res;
}

async function readLimited(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    const b = c as Buffer;
    if (n < limit) chunks.push(b.subarray(0, limit - n));
    n += b.length;
  }
  return Buffer.concat(chunks);
}

const ERROR_BODY_LIMIT = 64 * 1024;

export class FahHttpClient {
  readonly origin: URL;
  private readonly label: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly rejectUnauthorized: boolean;
  private readonly concurrency: number;
  private readonly onRequest?: (e: FahRequestEvent) => void;
  private readonly random: () => number;
  private readonly sem: Semaphore;
  private current: AgentEntry;
  private readonly retiredAgents = new Set<AgentEntry>();
  private closed = false;

  constructor(opts: FahHttpClientOptions) {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new ApiError('INVALID_INPUT', `"${opts.baseUrl}" is not a server address (expected e.g. https://ws.example.org).`, { field: 'baseUrl' });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new ApiError('INVALID_INPUT', `"${opts.baseUrl}" must start with https:// (the Folding@home API uses mutual TLS).`, { field: 'baseUrl' });
    }
    this.origin = new URL(url.origin);
    this.label = opts.label ?? 'server';
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? 8));
    this.retries = Math.max(0, Math.floor(opts.retries ?? 4));
    this.backoffMs = opts.backoffMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 15_000;
    this.rejectUnauthorized = opts.rejectUnauthorized ?? true;
    this.onRequest = opts.onRequest;
    this.random = opts.random ?? Math.random;
    this.sem = new Semaphore(this.concurrency);
    this.current = this.makeAgent(opts.tls, 1);
  }

  /** Requests currently holding a concurrency slot. */
  get inFlight(): number {
    return this.sem.inUse;
  }

  /** Which certificate generation new requests use (1, then +1 per rebuild). */
  get generation(): number {
    return this.current.generation;
  }

  private makeAgent(tls: FahTls | undefined, generation: number): AgentEntry {
    const base = { keepAlive: true, maxSockets: this.concurrency };
    if (this.origin.protocol === 'http:') return { agent: new http.Agent(base), generation, inflight: 0, retired: false };
    if (!tls?.certPem || !tls.keyPem) {
      throw new ApiError('INVALID_INPUT', 'The Folding@home API needs a client certificate and its private key (mutual TLS).', { field: 'tls' });
    }
    // Fails early (and without echoing the key) on unreadable PEM or a key that fits no certificate of the chain;
    // the chain is sent leaf first whatever its order in the file.
    let cert: string;
    try {
      cert = leafFirst(parsePemBundle(tls.certPem).certPems, tls.keyPem).join('');
      createSecureContext({ cert, key: tls.keyPem, ...(tls.caPem ? { ca: tls.caPem } : {}) });
    } catch (err) {
      const why = err instanceof ApiError ? err.message : 'the certificate, key or CA cannot be read.';
      throw new ApiError('INVALID_INPUT', `Cannot use the Folding@home client certificate: ${why}`, { field: 'tls' });
    }
    const agent = new https.Agent({
      ...base,
      cert,
      key: tls.keyPem,
      ...(tls.caPem ? { ca: tls.caPem } : {}),
      rejectUnauthorized: this.rejectUnauthorized,
    });
    return { agent, generation, inflight: 0, retired: false };
  }

  /**
   * Swaps the client certificate (after a renewal): new requests use a fresh agent at once; the old agent is
   * destroyed when its in-flight requests have finished. Throws INVALID_INPUT (keeping the old agent) when the
   * new certificate or key cannot be used.
   */
  rebuild(tls: FahTls): void {
    if (this.closed) throw new ApiError('UNAVAILABLE', 'This Folding@home connection has been closed.');
    const next = this.makeAgent(tls, this.current.generation + 1);
    this.retire(this.current);
    this.current = next;
  }

  private retire(entry: AgentEntry): void {
    entry.retired = true;
    if (entry.inflight === 0) entry.agent.destroy();
    else this.retiredAgents.add(entry);
  }

  private done(entry: AgentEntry): void {
    entry.inflight--;
    if (entry.retired && entry.inflight === 0) {
      this.retiredAgents.delete(entry);
      entry.agent.destroy();
    }
  }

  /** Stops taking requests; sockets close when the requests in flight finish. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.retire(this.current);
  }

  toJSON(): { origin: string; label: string; generation: number } {
    return { origin: this.origin.origin, label: this.label, generation: this.current.generation };
  }

  [inspect.custom](): string {
    return `FahHttpClient ${JSON.stringify(this.toJSON())}`;
  }

  private urlPath(path: string, query?: Query): string {
    if (!path.startsWith('/')) throw new ApiError('INVALID_INPUT', `API paths start with "/" (got "${path}").`, { field: 'path' });
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined || v === null) continue; // requests drops None values (notes §2.1)
      qs.append(k, v instanceof Date ? toWsTime(v) : String(v));
    }
    const s = qs.toString();
    return s ? `${path}?${s}` : path;
  }

  private backoff(attempt: number): number {
    const exp = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (attempt - 1));
    return Math.round(exp / 2 + (this.random() * exp) / 2);
  }

  /** One HTTP exchange: resolves with the response (headers read); `abort` ends it with an error. */
  private attempt(spec: Spec, entry: AgentEntry, fullPath: string, timeoutMs: number): { res: Promise<IncomingMessage>; abort: (e: Error) => void } {
    const mod = this.origin.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { accept: 'application/json, */*', 'accept-encoding': 'gzip, deflate', ...(spec.headers ?? {}) };
    let body: Buffer | Readable | undefined;
    if (Buffer.isBuffer(spec.body)) {
      body = spec.body;
      headers['content-length'] = String(spec.body.length);
    } else if (spec.body) {
      body = spec.body.open();
      headers['content-length'] = String(spec.body.size);
    } else if (spec.method === 'PUT' || spec.method === 'POST') {
      headers['content-length'] = '0';
    }
    const req = mod.request({
      protocol: this.origin.protocol,
      hostname: this.origin.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: this.origin.port || undefined,
      path: fullPath,
      method: spec.method,
      headers,
      agent: entry.agent,
      signal: spec.opts.signal,
    });
    req.on('error', () => undefined); // errors are handled below; a second one must not become an uncaught 'error'
    const abort = (e: Error) => req.destroy(e);
    const timeoutErr = () => Object.assign(new Error('timed out'), { code: 'ETIMEDOUT', fahTimeout: true });
    let timer: NodeJS.Timeout | undefined;
    if (spec.idleTimeout) req.setTimeout(timeoutMs, () => req.destroy(timeoutErr()));
    else timer = setTimeout(() => req.destroy(timeoutErr()), timeoutMs);
    req.once('close', () => clearTimeout(timer));
    const res = new Promise<IncomingMessage>((resolve, reject) => {
      req.once('response', (r) => {
        // An error after the headers (timeout, reset) must reach whoever reads the body.
        req.once('error', (e) => r.destroy(e));
        r.once('close', () => clearTimeout(timer));
        resolve(r);
      });
      req.once('error', reject);
    });
    if (Buffer.isBuffer(body)) {
      spec.onUploadProgress?.(0, body.length);
      req.end(body, () => spec.onUploadProgress?.((body as Buffer).length, (body as Buffer).length));
    } else if (body) {
      const total = (spec.body as StreamBody).size;
      let sent = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          sent += chunk.length;
          spec.onUploadProgress?.(sent, total);
          cb(null, chunk);
        },
      });
      pipeline(body, counter, req).catch((e: Error) => req.destroy(e));
    } else {
      req.end();
    }
    return { res, abort };
  }

  /** Runs a request through the semaphore, retrying as configured; `consume` reads a 2xx reply. */
  private async send<T>(spec: Spec, consume: (res: IncomingMessage) => Promise<T>): Promise<T> {
    if (this.closed) throw new ApiError('UNAVAILABLE', 'This Folding@home connection has been closed.');
    const signal = spec.opts.signal;
    const timeoutMs = spec.opts.timeoutMs ?? this.timeoutMs;
    const maxAttempts = spec.opts.retry === false ? 1 : this.retries + 1;
    const fullPath = this.urlPath(spec.path, spec.query);
    const ctx = { label: this.label, host: this.origin.host, method: spec.method, path: spec.path };
    await this.sem.acquire(signal, spec.opts.urgent === true);
    try {
      for (let attempt = 1; ; attempt++) {
        if (signal?.aborted) throw abortReason(signal);
        const entry = this.current;
        entry.inflight++;
        let retryable = false;
        let failure: unknown;
        try {
          this.onRequest?.({ method: spec.method, path: spec.path, attempt, generation: entry.generation });
          const { res: pending } = this.attempt(spec, entry, fullPath, timeoutMs);
          const res = await pending;
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            try {
              return await consume(res);
            } catch (err) {
              res.destroy();
              if (err instanceof ApiError) throw err;
              retryable = spec.retryBody && isRetryableNetworkError(err);
              failure = err;
            }
          } else {
            const body = await readLimited(decoded(res), ERROR_BODY_LIMIT).catch(() => Buffer.alloc(0));
            failure = httpErrorToApiError(status, body, header(res, 'content-type'), ctx);
            retryable = status >= 500;
          }
        } catch (err) {
          if (err instanceof ApiError) throw err;
          failure = err;
          retryable = isRetryableNetworkError(err);
        } finally {
          this.done(entry);
        }
        if (signal?.aborted) throw abortReason(signal);
        if (!retryable || attempt >= maxAttempts) {
          if (failure instanceof ApiError) throw failure;
          if ((failure as Error)?.name === 'AbortError') throw failure;
          throw networkErrorToApiError(failure, { ...ctx, attempts: attempt, timeoutMs });
        }
        await sleep(this.backoff(attempt), signal);
      }
    } finally {
      this.sem.release();
    }
  }

  private async readBody(res: IncomingMessage, opts: DownloadOptions = {}): Promise<Buffer> {
    const len = header(res, 'content-encoding') ? null : Number(header(res, 'content-length') ?? NaN);
    const total = len !== null && Number.isFinite(len) ? len : null;
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of decoded(res)) {
      const b = c as Buffer;
      n += b.length;
      if (opts.maxBytes !== undefined && n > opts.maxBytes) {
        throw new ApiError('REMOTE_FAILED', `${describe(this.label, this.origin.host)} sent more than ${opts.maxBytes} bytes; refusing the rest.`);
      }
      chunks.push(b);
      opts.onProgress?.(n, total);
    }
    return Buffer.concat(chunks, n);
  }

  /** GET → parsed JSON (W1, W3, W5, W6, W11, W16, W19, A2, A4). `null`/`undefined` query values are dropped; Dates become WS times. */
  async getJson<T = unknown>(path: string, query?: Query, opts: CallOptions = {}): Promise<T> {
    const buf = await this.send({ method: 'GET', path, query, opts, retryBody: true }, (res) => this.readBody(res));
    const text = buf.toString('utf8');
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError('REMOTE_FAILED', `${describe(this.label, this.origin.host)} answered GET ${path} with something that is not JSON (${JSON.stringify(text.slice(0, 80))}).`, {
        path,
      });
    }
  }

  /**
   * PUT with a JSON body (W2, W10, A3, A5), or with no body and no Content-Type when `data` is undefined (job
   * actions W12-W15). The reply body is ignored.
   */
  async putJson(path: string, data?: unknown, opts: CallOptions = {}): Promise<void> {
    const body = data === undefined ? undefined : Buffer.from(JSON.stringify(data));
    const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
    await this.send({ method: 'PUT', path, headers, body, opts, retryBody: true }, async (res) => {
      res.resume();
    });
  }

  /** POST with a JSON body (A1); returns the raw reply (the AS may answer PEM text or JSON). */
  async post(path: string, data: unknown, opts: CallOptions = {}): Promise<RawReply> {
    const body = Buffer.from(JSON.stringify(data));
    return this.send({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body, opts, retryBody: true }, async (res) => ({
      status: res.statusCode ?? 0,
      headers: res.headers,
      contentType: header(res, 'content-type'),
      body: await this.readBody(res),
    }));
  }

  /** DELETE (W4, W9); the reply body is ignored. */
  async delete(path: string, opts: CallOptions = {}): Promise<void> {
    await this.send({ method: 'DELETE', path, opts, retryBody: true }, async (res) => {
      res.resume();
    });
  }

  /** PUT raw bytes (W7, W17): no multipart; Content-Type application/octet-stream unless told otherwise. */
  async upload(path: string, body: UploadBody, opts: UploadOptions = {}): Promise<void> {
    let payload: Buffer | StreamBody;
    if (typeof body === 'string') payload = Buffer.from(body, 'utf8');
    else if (Buffer.isBuffer(body)) payload = body;
    else if (body instanceof Uint8Array) payload = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    else payload = body;
    await this.send(
      {
        method: 'PUT',
        path,
        headers: { 'content-type': opts.contentType ?? 'application/octet-stream' },
        body: payload,
        onUploadProgress: opts.onProgress,
        opts,
        retryBody: true,
        // Large files take long; what matters is that bytes keep moving.
        idleTimeout: true,
      },
      async (res) => {
        res.resume();
      },
    );
  }

  /** GET raw bytes into memory (W8, W18, W20), decoding Content-Encoding; retried as a whole. */
  async downloadBytes(path: string, opts: DownloadOptions = {}): Promise<Buffer> {
    return this.send({ method: 'GET', path, opts, retryBody: true, idleTimeout: true }, (res) => this.readBody(res, opts));
  }

  /**
   * Streams raw bytes into `dest` (W8, W18, W20) with progress; returns the byte count (decoded). Failures before
   * the first byte are retried; once bytes reached `dest` they are not (the caller restarts with a fresh file).
   * `dest` is ended when the download completes.
   */
  async downloadTo(path: string, dest: Writable, opts: DownloadOptions = {}): Promise<DownloadResult> {
    return this.send({ method: 'GET', path, opts, retryBody: false, idleTimeout: true }, async (res) => {
      const len = header(res, 'content-encoding') ? null : Number(header(res, 'content-length') ?? NaN);
      const total = len !== null && Number.isFinite(len) ? len : null;
      let n = 0;
      const maxBytes = opts.maxBytes;
      const label = describe(this.label, this.origin.host);
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          n += chunk.length;
          if (maxBytes !== undefined && n > maxBytes) return cb(new ApiError('REMOTE_FAILED', `${label} sent more than ${maxBytes} bytes; refusing the rest.`));
          opts.onProgress?.(n, total);
          cb(null, chunk);
        },
      });
      try {
        await pipeline(decoded(res), counter, dest);
      } catch (err) {
        if (err instanceof ApiError) throw err;
        throw networkErrorToApiError(err, { label: this.label, host: this.origin.host, method: 'GET', path, attempts: 1, timeoutMs: opts.timeoutMs ?? this.timeoutMs });
      }
      return { bytes: n, contentType: header(res, 'content-type') };
    });
  }
}
