// AWS Signature Version 4 for S3 requests (header-based authentication), and S3 URLs in path and virtual-host
// style. https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
import { createHash, createHmac } from 'node:crypto';
import { ApiError } from '../../../shared/errors.js';

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** RFC 3986 percent-encoding as SigV4 wants it: unreserved A-Z a-z 0-9 - . _ ~ kept; '/' kept when asked. */
export function uriEncode(s: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `20130524T000000Z` */
export function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The canonical query string: names and values encoded, sorted by name then value. */
export function canonicalQuery(query: Record<string, string | undefined>): string {
  return Object.entries(query)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export interface S3Address {
  /** scheme://host[:port] */
  origin: string;
  /** Host header value (host[:port]). */
  host: string;
  /** Encoded path, starting with '/'. Also the canonical URI. */
  path: string;
}

/**
 * Where a request for `bucket`/`key` goes. Keys are encoded per RFC 3986 with '/' kept. Keys with "." or ".."
 * segments are refused: URL parsers (and fetch) would normalise them away and the request would reach another key.
 */
export function s3Address(endpoint: string, bucket: string | null, key: string | null, pathStyle: boolean): S3Address {
  const url = new URL(endpoint);
  if (key !== null && key.split('/').some((seg) => seg === '.' || seg === '..')) {
    throw new ApiError('INVALID_INPUT', `The object key "${key}" has a "." or ".." path segment, which S3 URLs cannot carry safely.`);
  }
  const encKey = key ? uriEncode(key, true) : '';
  let host = url.host;
  let path: string;
  if (!bucket) {
    path = '/';
  } else if (pathStyle) {
    path = `/${uriEncode(bucket)}/${encKey}`;
    if (!key) path = `/${uriEncode(bucket)}`;
  } else {
    host = `${bucket}.${url.host}`;
    path = `/${encKey}`;
  }
  const basePath = url.pathname.replace(/\/+$/, '');
  return { origin: `${url.protocol}//${host}`, host, path: basePath + path };
}

export interface SignRequestInput {
  method: string;
  host: string;
  /** Encoded path (canonical URI). */
  path: string;
  query?: Record<string, string | undefined>;
  /** Headers to send and sign (besides host and the x-amz-* ones added here). */
  headers?: Record<string, string>;
  /** Hex sha256 of the body, or UNSIGNED_PAYLOAD. */
  payloadHash: string;
  region: string;
  service?: string;
  date: Date;
  credentials: SigV4Credentials;
}

export interface SignedRequest {
  /** All headers to send, including Authorization. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

export function signingKey(secret: string, dateStamp: string, region: string, service: string): Buffer {
  const kDate = hmac(`AWS4${secret}`, dateStamp);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
}

/** Signs an S3 request; returns the headers to send. Only the signature, never a key, leaves in `headers`. */
export function signRequest(input: SignRequestInput): SignedRequest {
  const service = input.service ?? 's3';
  const date = amzDate(input.date);
  const dateStamp = date.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = v;
  headers.host = input.host;
  headers['x-amz-date'] = date;
  headers['x-amz-content-sha256'] = input.payloadHash;
  if (input.credentials.sessionToken) headers['x-amz-security-token'] = input.credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${(headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method.toUpperCase(),
    input.path,
    canonicalQuery(input.query ?? {}),
    canonicalHeaders,
    signedHeaders,
    input.payloadHash,
  ].join('\n');
  const scope = `${dateStamp}/${input.region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(input.credentials.secretAccessKey, dateStamp, input.region, service))
    .update(stringToSign, 'utf8')
    .digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers, canonicalRequest, stringToSign, signature };
}
