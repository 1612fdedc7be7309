// A small S3 client for the results bucket: ListObjectsV2, HEAD, ranged streaming GET, PUT (multipart above
// one part), DELETE and PUT Bucket (tests), signed with SigV4 from the rclone remote's keys. Errors become
// ApiErrors a researcher can act on; keys never appear in messages, details or logs (this module logs nothing).
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { inspect } from 'node:util';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../../shared/errors.js';
import type { ErrorCode } from '../../../shared/errors.js';
import { describeRemote } from './rclone-config.js';
import type { RemoteDescription, S3RemoteConfig } from './rclone-config.js';
import { EMPTY_SHA256, UNSIGNED_PAYLOAD, canonicalQuery, s3Address, sha256Hex, signRequest } from './sigv4.js';
import { escapeXml, parseListObjectsV2, parseS3Error, stripEtagQuotes, xmlText } from './xml.js';
import type { ListPage, ListedObject, S3ErrorBody } from './xml.js';

export type { ListPage, ListedObject } from './xml.js';

export const MiB = 1024 * 1024;
/** Multipart part size (S3 minimum is 5 MiB; rclone's default chunk size is 5 MiB, ours 8 MiB). */
export const PART_SIZE = 8 * MiB;
const MAX_PARTS = 10_000;

export interface ObjectInfo {
  size: number;
  lastModified: Date;
  etag: string;
  contentType?: string;
  /** x-amz-meta-* headers, names without the prefix (rclone stores the source mtime as "mtime"). */
  metadata: Record<string, string>;
}

export interface GetObjectResult {
  body: Readable;
  status: number;
  /** Bytes in this response. */
  contentLength: number;
  /** Size of the whole object (from Content-Range on a ranged GET). */
  totalSize: number;
  lastModified: Date;
  etag: string;
}

export interface PutOptions {
  signal?: AbortSignal;
  /** Bytes sent so far (called per chunk / part). */
  onProgress?: (bytesSent: number) => void;
  /** x-amz-meta-* headers (names without the prefix). */
  metadata?: Record<string, string>;
  contentType?: string;
}

export interface S3ClientOptions {
  /** Idle socket timeout. */
  timeoutMs?: number;
  /** Clock for signing (tests). */
  now?: () => Date;
  partSize?: number;
  /** Streams larger than this go up in parts. Default: the part size. */
  multipartThreshold?: number;
  /** Attempts for requests that can be replayed (no streamed body). */
  attempts?: number;
}

/** Thrown when an AbortSignal stopped a request. */
export class BucketCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'BucketCancelled';
  }
}

type Op = 'read' | 'list' | 'write' | 'delete' | 'create';

interface ErrorContext {
  op: Op;
  bucket?: string;
  key?: string;
}

interface RequestSpec {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  bucket?: string;
  key?: string;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  body?: Buffer | Readable;
  /** Required with a Readable body. */
  contentLength?: number;
  signal?: AbortSignal;
  ctx: ErrorContext;
  /** Statuses handed back rather than thrown (e.g. 404 for HEAD, 416 for a range). */
  passStatuses?: number[];
}

const RETRY_CODES = new Set(['UNAVAILABLE']);

function opVerb(op: Op): string {
  switch (op) {
    case 'write': return 'write to';
    case 'delete': return 'delete from';
    case 'create': return 'create';
    case 'list': return 'list';
    default: return 'read';
  }
}

/** Maps an S3 error (status + parsed <Error>, if any) to an ApiError with a message that says what to do. */
export function s3ErrorToApiError(
  status: number,
  body: S3ErrorBody | null,
  remote: Pick<S3RemoteConfig, 'name' | 'endpoint' | 'region'>,
  ctx: ErrorContext,
): ApiError {
  const code = body?.code ?? (status === 404 ? (ctx.key ? 'NoSuchKey' : 'NoSuchBucket') : status === 403 ? 'AccessDenied' : status === 301 ? 'PermanentRedirect' : `HTTP${status}`);
  const where = ctx.key ? `s3://${ctx.bucket}/${ctx.key}` : `bucket ${ctx.bucket ?? '(none)'}`;
  const details: Record<string, string> = { remote: remote.name, endpoint: remote.endpoint, s3Code: code, status: String(status) };
  if (ctx.bucket) details.bucket = ctx.bucket;
  if (ctx.key) details.key = ctx.key;
  if (body?.requestId) details.requestId = body.requestId;
  const mk = (c: ErrorCode, m: string) => new ApiError(c, m, details);
  switch (code) {
    case 'AccessDenied':
    case 'AllAccessDisabled':
    case 'AccountProblem':
      return mk('FORBIDDEN', `The credentials of remote ${remote.name} cannot ${opVerb(ctx.op)} bucket ${ctx.bucket ?? ''} (${remote.endpoint} said ${code}). Ask the bucket's owner for access, or use a remote whose keys have it.`);
    case 'InvalidAccessKeyId':
      return mk('UNAUTHORIZED', `${remote.endpoint} does not know the access key of remote ${remote.name}; check access_key_id in rclone.conf (or the namespace secret it came from).`);
    case 'SignatureDoesNotMatch':
      return mk('UNAUTHORIZED', `${remote.endpoint} rejected the request signature of remote ${remote.name}: check the access key / secret and the region (signing with ${remote.region}).`);
    case 'ExpiredToken':
    case 'InvalidToken':
    case 'TokenRefreshRequired':
      return mk('UNAUTHORIZED', `The session token of remote ${remote.name} has expired or is invalid; renew session_token in rclone.conf.`);
    case 'RequestTimeTooSkewed':
      return mk('UNAUTHORIZED', `${remote.endpoint} refused the request because this computer's clock is off; set the clock (enable network time) and retry.`);
    case 'AuthorizationHeaderMalformed':
    case 'PermanentRedirect':
    case 'IllegalLocationConstraintException':
      return mk('REMOTE_FAILED', body?.region
        ? `Bucket ${ctx.bucket ?? ''} is in region ${body.region}, not ${remote.region}: set "region = ${body.region}" on remote ${remote.name}.`
        : `${remote.endpoint} says bucket ${ctx.bucket ?? ''} must be reached through another region or endpoint (${code}); check region and endpoint of remote ${remote.name}.`);
    case 'NoSuchBucket':
      return mk('NOT_FOUND', `Bucket ${ctx.bucket ?? ''} does not exist at ${remote.endpoint} (remote ${remote.name}); check the bucket name and the remote.`);
    case 'NoSuchKey':
    case 'NotFound':
      return mk('NOT_FOUND', `${where} does not exist.`);
    case 'NoSuchUpload':
      return mk('NOT_FOUND', `The multipart upload of ${where} no longer exists (aborted or expired); upload the file again.`);
    case 'BucketAlreadyOwnedByYou':
    case 'BucketAlreadyExists':
      return mk('CONFLICT', `Bucket ${ctx.bucket ?? ''} already exists${code === 'BucketAlreadyExists' ? ' and belongs to someone else' : ''}.`);
    case 'EntityTooLarge':
    case 'EntityTooSmall':
    case 'InvalidPart':
    case 'InvalidPartOrder':
      return mk('REMOTE_FAILED', `${remote.endpoint} refused the upload of ${where} (${code}: ${body?.message ?? ''}); retry the upload.`);
    case 'QuotaExceeded':
    case 'XAmzContentSHA256Mismatch':
    case 'BadDigest':
      return mk('REMOTE_FAILED', `${remote.endpoint} refused ${where} (${code}${body?.message ? `: ${body.message}` : ''}).`);
    default:
      break;
  }
  if (status >= 500 || code === 'SlowDown' || code === 'ServiceUnavailable' || code === 'InternalError' || code === 'RequestTimeout') {
    return mk('UNAVAILABLE', `${remote.endpoint} (remote ${remote.name}) failed to answer for ${where} (${code}); try again later.`);
  }
  return mk('REMOTE_FAILED', `${remote.endpoint} (remote ${remote.name}) answered ${code} for ${where}${body?.message ? `: ${body.message}` : ''}.`);
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** True for an error of the connection (not of the local disk or of S3's answer). */
export function isNetworkError(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | null;
  return !!e && (NETWORK_CODES.has(e.code ?? '') || e.message === 'aborted');
}

/** Network-level failure → UNAVAILABLE naming the endpoint (never a key). */
export function networkErrorToApiError(err: unknown, remote: Pick<S3RemoteConfig, 'name' | 'endpoint'>): ApiError {
  const e = err as NodeJS.ErrnoException;
  const why = e?.code ?? e?.message ?? String(err);
  return new ApiError(
    'UNAVAILABLE',
    `Cannot reach ${remote.endpoint} (remote ${remote.name}): ${why}. Check the network (VPN?) and the endpoint in rclone.conf.`,
    { remote: remote.name, endpoint: remote.endpoint, cause: String(why) },
  );
}

async function readAll(res: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

function headerString(res: IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Splits a stream into buffers of `size` bytes (the last one shorter). */
async function* chunked(source: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let have = 0;
  for await (const c of source) {
    let chunk = Buffer.isBuffer(c) ? c : Buffer.from(c as string);
    while (chunk.length > 0) {
      const take = Math.min(size - have, chunk.length);
      parts.push(chunk.subarray(0, take));
      have += take;
      chunk = chunk.subarray(take);
      if (have === size) {
        yield Buffer.concat(parts, size);
        parts = [];
        have = 0;
      }
    }
  }
  if (have > 0) yield Buffer.concat(parts, have);
}

export class S3Client {
  readonly remote: S3RemoteConfig;
  private readonly timeoutMs: number;
  private readonly now: () => Date;
  readonly partSize: number;
  private readonly multipartThreshold: number;
  private readonly attempts: number;
  private readonly agent: http.Agent;

  constructor(remote: S3RemoteConfig, opts: S3ClientOptions = {}) {
    this.remote = remote;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.now = opts.now ?? (() => new Date());
    this.partSize = opts.partSize ?? PART_SIZE;
    this.multipartThreshold = opts.multipartThreshold ?? this.partSize;
    this.attempts = Math.max(1, opts.attempts ?? 3);
    const agentOpts = { keepAlive: true, maxSockets: 16 };
    this.agent = remote.endpoint.startsWith('https:') ? new https.Agent(agentOpts) : new http.Agent(agentOpts);
  }

  /** The remote for the UI, without keys. */
  describe(bucketAccess: RemoteDescription['bucketAccess'] = 'unknown'): RemoteDescription {
    return describeRemote(this.remote, bucketAccess);
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  // Keys must not reach a log line or an object dump by accident either.
  toJSON(): RemoteDescription {
    return this.describe();
  }

  [inspect.custom](): string {
    return `S3Client ${JSON.stringify(this.describe())}`;
  }

  private sendOnce(spec: RequestSpec): Promise<IncomingMessage> {
    if (spec.signal?.aborted) return Promise.reject(new BucketCancelled());
    const addr = s3Address(this.remote.endpoint, spec.bucket ?? null, spec.key ?? null, this.remote.forcePathStyle);
    const headers: Record<string, string> = { ...(spec.headers ?? {}) };
    let payloadHash = EMPTY_SHA256;
    if (Buffer.isBuffer(spec.body)) {
      payloadHash = sha256Hex(spec.body);
      headers['content-length'] = String(spec.body.length);
    } else if (spec.body) {
      payloadHash = UNSIGNED_PAYLOAD;
      if (spec.contentLength === undefined) throw new Error('a streamed body needs its content length');
      headers['content-length'] = String(spec.contentLength);
    } else if (spec.method === 'PUT' || spec.method === 'POST') {
      headers['content-length'] = '0';
    }
    const signed = signRequest({
      method: spec.method,
      host: addr.host,
      path: addr.path,
      query: spec.query,
      headers,
      payloadHash,
      region: this.remote.region,
      date: this.now(),
      credentials: this.remote,
    });
    const qs = canonicalQuery(spec.query ?? {});
    const origin = new URL(addr.origin);
    const mod = origin.protocol === 'https:' ? https : http;
    return new Promise<IncomingMessage>((resolve, reject) => {
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        reject(spec.signal?.aborted ? new BucketCancelled() : err instanceof ApiError ? err : networkErrorToApiError(err, this.remote));
      };
      const req = mod.request(
        {
          protocol: origin.protocol,
          hostname: origin.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: origin.port || undefined,
          path: addr.path + (qs ? `?${qs}` : ''),
          method: spec.method,
          headers: signed.headers,
          agent: this.agent,
          signal: spec.signal,
        },
        (res) => {
          settled = true;
          resolve(res);
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', fail);
      if (Buffer.isBuffer(spec.body)) {
        req.end(spec.body);
      } else if (spec.body) {
        pipeline(spec.body, req).catch(fail);
      } else {
        req.end();
      }
    });
  }

  /** Sends, maps error statuses to ApiErrors, and retries what can be replayed. */
  private async request(spec: RequestSpec): Promise<IncomingMessage> {
    const replayable = !(spec.body instanceof Readable);
    const attempts = replayable ? this.attempts : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await this.sendOnce(spec);
        const status = res.statusCode ?? 0;
        if ((status >= 200 && status < 300) || spec.passStatuses?.includes(status)) return res;
        const text = spec.method === 'HEAD' ? '' : (await readAll(res)).toString('utf8');
        throw s3ErrorToApiError(status, parseS3Error(text), this.remote, spec.ctx);
      } catch (err) {
        if (err instanceof BucketCancelled || spec.signal?.aborted) throw new BucketCancelled();
        if (attempt >= attempts || !(err instanceof ApiError) || !RETRY_CODES.has(err.code)) throw err;
        await sleep(200 * 4 ** (attempt - 1), spec.signal);
      }
    }
  }

  private async requestText(spec: RequestSpec): Promise<string> {
    const res = await this.request(spec);
    return (await readAll(res)).toString('utf8');
  }

  /** PUT Bucket (tests, and first-time setup of a private store). */
  async createBucket(bucket: string): Promise<void> {
    const body =
      this.remote.region === 'us-east-1'
        ? undefined
        : Buffer.from(
            `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${escapeXml(this.remote.region)}</LocationConstraint></CreateBucketConfiguration>`,
          );
    const res = await this.request({ method: 'PUT', bucket, body, ctx: { op: 'create', bucket } });
    res.resume();
  }

  /** One page of ListObjectsV2. */
  async listObjectsPage(
    bucket: string,
    prefix: string,
    opts: { continuationToken?: string; maxKeys?: number; delimiter?: string; signal?: AbortSignal } = {},
  ): Promise<ListPage> {
    const xml = await this.requestText({
      method: 'GET',
      bucket,
      query: {
        'list-type': '2',
        prefix: prefix || undefined,
        'continuation-token': opts.continuationToken,
        'max-keys': opts.maxKeys !== undefined ? String(opts.maxKeys) : undefined,
        delimiter: opts.delimiter,
      },
      signal: opts.signal,
      ctx: { op: 'list', bucket },
    });
    return parseListObjectsV2(xml);
  }

  /** Every object under `prefix` (all pages). */
  async listObjects(bucket: string, prefix: string, opts: { maxKeys?: number; signal?: AbortSignal } = {}): Promise<ListedObject[]> {
    const out: ListedObject[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await this.listObjectsPage(bucket, prefix, { ...opts, continuationToken: token });
      out.push(...page.objects);
      if (!page.isTruncated) return out;
      if (!page.nextContinuationToken) {
        throw new ApiError('REMOTE_FAILED', `${this.remote.endpoint} returned a truncated listing of bucket ${bucket} without a continuation token.`);
      }
      token = page.nextContinuationToken;
    }
  }

  /** Object metadata, or null when there is no such object. */
  async head(bucket: string, key: string, opts: { signal?: AbortSignal } = {}): Promise<ObjectInfo | null> {
    const res = await this.request({ method: 'HEAD', bucket, key, signal: opts.signal, ctx: { op: 'read', bucket, key }, passStatuses: [404] });
    res.resume();
    if (res.statusCode === 404) return null;
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (k.startsWith('x-amz-meta-') && v !== undefined) metadata[k.slice('x-amz-meta-'.length)] = Array.isArray(v) ? v.join(',') : v;
    }
    const contentType = headerString(res, 'content-type');
    return {
      size: Number(headerString(res, 'content-length') ?? '0'),
      lastModified: new Date(headerString(res, 'last-modified') ?? 0),
      etag: stripEtagQuotes(headerString(res, 'etag') ?? ''),
      ...(contentType ? { contentType } : {}),
      metadata,
    };
  }

  /**
   * Streams an object (or the bytes from `range.start`, to `range.end` inclusive). `ifMatch` makes S3 refuse
   * (412 → CONFLICT) when the object changed since it was listed, so a resumed file is never spliced.
   */
  async getObject(
    bucket: string,
    key: string,
    opts: { range?: { start: number; end?: number }; signal?: AbortSignal; ifMatch?: string } = {},
  ): Promise<GetObjectResult> {
    const headers: Record<string, string> = {};
    if (opts.range) headers.range = `bytes=${opts.range.start}-${opts.range.end ?? ''}`;
    if (opts.ifMatch) headers['if-match'] = `"${opts.ifMatch}"`;
    const res = await this.request({ method: 'GET', bucket, key, headers, signal: opts.signal, ctx: { op: 'read', bucket, key }, passStatuses: [412] });
    if (res.statusCode === 412) {
      res.resume();
      throw new ApiError('CONFLICT', `s3://${bucket}/${key} changed while it was being copied; copy it again.`, { bucket, key });
    }
    const contentLength = Number(headerString(res, 'content-length') ?? '0');
    const range = /\/(\d+)\s*$/.exec(headerString(res, 'content-range') ?? '');
    return {
      body: res,
      status: res.statusCode ?? 0,
      contentLength,
      totalSize: range ? Number(range[1]) : contentLength,
      lastModified: new Date(headerString(res, 'last-modified') ?? 0),
      etag: stripEtagQuotes(headerString(res, 'etag') ?? ''),
    };
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    const res = await this.request({ method: 'DELETE', bucket, key, ctx: { op: 'delete', bucket, key } });
    res.resume();
  }

  /**
   * Uploads `size` bytes. Buffers and streams up to the multipart threshold go in one PUT (streams with
   * UNSIGNED-PAYLOAD); larger streams in parts of `partSize` (each part hashed), aborted on any error.
   */
  async putObject(bucket: string, key: string, body: Buffer | Readable, size: number, opts: PutOptions = {}): Promise<{ etag: string }> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.metadata ?? {})) headers[`x-amz-meta-${k.toLowerCase()}`] = v;
    if (opts.contentType) headers['content-type'] = opts.contentType;
    const ctx: ErrorContext = { op: 'write', bucket, key };
    if (Buffer.isBuffer(body)) {
      const res = await this.request({ method: 'PUT', bucket, key, headers, body, signal: opts.signal, ctx });
      res.resume();
      opts.onProgress?.(body.length);
      return { etag: stripEtagQuotes(headerString(res, 'etag') ?? '') };
    }
    if (size <= this.multipartThreshold) {
      let sent = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          sent += chunk.length;
          opts.onProgress?.(sent);
          cb(null, chunk);
        },
      });
      body.on('error', (e) => counter.destroy(e));
      let res: IncomingMessage;
      try {
        res = await this.request({ method: 'PUT', bucket, key, headers, body: body.pipe(counter), contentLength: size, signal: opts.signal, ctx });
      } catch (err) {
        body.destroy();
        throw err;
      }
      res.resume();
      if (sent !== size) {
        throw new ApiError('CONFLICT', `The local file for s3://${bucket}/${key} changed size while uploading (${sent} of ${size} bytes); upload again.`);
      }
      return { etag: stripEtagQuotes(headerString(res, 'etag') ?? '') };
    }
    return this.multipartUpload(bucket, key, body, size, headers, opts);
  }

  private async multipartUpload(
    bucket: string,
    key: string,
    body: Readable,
    size: number,
    headers: Record<string, string>,
    opts: PutOptions,
  ): Promise<{ etag: string }> {
    const ctx: ErrorContext = { op: 'write', bucket, key };
    const partSize = Math.max(this.partSize, Math.ceil(size / MAX_PARTS / MiB) * MiB);
    const created = await this.requestText({ method: 'POST', bucket, key, query: { uploads: '' }, headers, signal: opts.signal, ctx });
    const uploadId = xmlText(created, 'UploadId');
    if (!uploadId) throw new ApiError('REMOTE_FAILED', `${this.remote.endpoint} did not start a multipart upload for s3://${bucket}/${key}.`);
    const parts: { n: number; etag: string }[] = [];
    try {
      let sent = 0;
      let n = 0;
      for await (const part of chunked(body, partSize)) {
        n += 1;
        const res = await this.request({
          method: 'PUT', bucket, key, query: { partNumber: String(n), uploadId }, body: part, signal: opts.signal, ctx,
        });
        res.resume();
        const etag = headerString(res, 'etag');
        if (!etag) throw new ApiError('REMOTE_FAILED', `${this.remote.endpoint} returned no ETag for part ${n} of s3://${bucket}/${key}.`);
        parts.push({ n, etag: stripEtagQuotes(etag) });
        sent += part.length;
        opts.onProgress?.(sent);
      }
      if (sent !== size) {
        throw new ApiError('CONFLICT', `The local file for s3://${bucket}/${key} changed size while uploading (${sent} of ${size} bytes); upload again.`);
      }
      const xml =
        '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        parts.map((p) => `<Part><PartNumber>${p.n}</PartNumber><ETag>"${escapeXml(p.etag)}"</ETag></Part>`).join('') +
        '</CompleteMultipartUpload>';
      const done = await this.requestText({ method: 'POST', bucket, key, query: { uploadId }, body: Buffer.from(xml), signal: opts.signal, ctx });
      // CompleteMultipartUpload can fail with 200 and an <Error> body.
      const err = parseS3Error(done);
      if (err) throw s3ErrorToApiError(200, err, this.remote, ctx);
      return { etag: stripEtagQuotes(xmlText(done, 'ETag') ?? '') };
    } catch (err) {
      await this.request({ method: 'DELETE', bucket, key, query: { uploadId }, ctx, passStatuses: [404] })
        .then((r) => r.resume())
        .catch(() => undefined);
      throw err;
    }
  }
}
