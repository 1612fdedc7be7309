// Browser shell: calls are POST /api/<method> with the page's token; events arrive on one WebSocket that
// reconnects with backoff when it drops.
import type { Transport } from '../../shared/client.js';
import type { EventName, Method } from '../../shared/contract.js';
import { ApiError } from '../../shared/errors.js';
import { API_PREFIX, TOKEN_HEADER, UPLOAD_PATH, WS_PATH, bearer } from '../../shared/transport.js';
import { backoffDelay } from './backoff.js';
import { isEnvelope, unwrap } from './envelope.js';
import { parseEventMessage } from './events.js';

export const NO_TOKEN_MESSAGE =
  'This SimDeck page has no valid access token. Open the address printed by `simdeck serve` (it ends in ?token=…).';
export const FORBIDDEN_MESSAGE =
  'The SimDeck core refused this page (HTTP 403). Open SimDeck from the address printed by `simdeck serve`, not through another host name or proxy.';
export const UNREACHABLE_MESSAGE =
  'Cannot reach the SimDeck core. Check that `simdeck serve` is still running in its terminal, then reload this page.';

/** 'connecting' before the first connection; 'reconnecting' while the event stream is down. */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting';

type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{
  status: number;
  statusText?: string;
  text(): Promise<string>;
}>;

export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  close(): void;
}

export interface BrowserTransportOptions {
  token: string | null;
  /** Page location, for the WebSocket address: e.g. { protocol: 'http:', host: '127.0.0.1:8080' }. */
  location: { protocol: string; host: string };
  fetch: FetchLike;
  createSocket: (url: string) => SocketLike;
  onStatus?: (status: ConnectionStatus) => void;
  /** Called when the event stream is back after a drop: events may have been missed, so reload data. */
  onReconnected?: () => void;
  backoff?: (attempt: number) => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export function wsUrlFor(location: { protocol: string; host: string }, token: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${WS_PATH}?token=${encodeURIComponent(token ?? '')}`;
}

/** Turns an HTTP answer into the call's result, or throws an ApiError a researcher can act on. */
export function interpretResponse(method: Method, status: number, statusText: string, text: string): unknown {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (isEnvelope(body)) return unwrap(body);
  if (status === 401) throw new ApiError('UNAUTHORIZED', NO_TOKEN_MESSAGE);
  if (status === 403) throw new ApiError('UNAUTHORIZED', FORBIDDEN_MESSAGE);
  const what = status >= 200 && status < 300 ? `an unexpected reply to ${method}` : `HTTP ${status}${statusText ? ` ${statusText}` : ''} to ${method}`;
  throw new ApiError('UNAVAILABLE', `The SimDeck core sent ${what}. Check the terminal running \`simdeck serve\`, then reload this page.`);
}

export function createBrowserTransport(opts: BrowserTransportOptions): Transport & { close(): void } {
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  const setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const backoff = opts.backoff ?? ((n) => backoffDelay(n));

  let socket: SocketLike | null = null;
  let timer: unknown = null;
  let attempt = 0;
  let everConnected = false;
  let status: ConnectionStatus = 'idle';
  const setStatus = (s: ConnectionStatus) => {
    if (s === status) return;
    status = s;
    opts.onStatus?.(s);
  };

  const connect = () => {
    timer = null;
    let ws: SocketLike;
    try {
      ws = opts.createSocket(wsUrlFor(opts.location, opts.token));
    } catch {
      dropped();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      attempt = 0;
      setStatus('connected');
      if (everConnected) opts.onReconnected?.();
      everConnected = true;
    };
    ws.onmessage = (ev) => {
      if (socket !== ws) return;
      const msg = parseEventMessage(ev.data);
      if (!msg) return;
      for (const l of [...listeners]) {
        try {
          l(msg.event, msg.payload);
        } catch (err) {
          console.error('SimDeck event listener failed', err);
        }
      }
    };
    ws.onerror = () => {
      /* a close event follows */
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      dropped();
    };
  };

  const dropped = () => {
    if (listeners.size === 0) {
      setStatus('idle');
      return;
    }
    setStatus('reconnecting');
    timer = setTimer(connect, backoff(attempt++));
  };

  const stop = () => {
    if (timer !== null) clearTimer(timer);
    timer = null;
    const ws = socket;
    socket = null;
    ws?.close();
    setStatus('idle');
  };

  return {
    async call(method, params) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (opts.token) headers[TOKEN_HEADER] = bearer(opts.token);
      let res: Awaited<ReturnType<FetchLike>>;
      let text: string;
      try {
        res = await opts.fetch(API_PREFIX + method, { method: 'POST', headers, body: JSON.stringify(params ?? {}) });
        text = await res.text();
      } catch {
        throw new ApiError('UNAVAILABLE', UNREACHABLE_MESSAGE);
      }
      return interpretResponse(method, res.status, res.statusText ?? '', text);
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!socket && timer === null) {
        setStatus(everConnected ? 'reconnecting' : 'connecting');
        connect();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    close: stop,
  };
}

// ---------- uploads (files dropped on the browser shell) ----------

/** What the browser shell answers for an upload: the id the core reads the file by. */
export interface Uploaded {
  uploadId: string;
  name: string;
  bytes: number;
}

/** The parts of XMLHttpRequest an upload uses (XHR, unlike fetch, reports upload progress). */
export interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: unknown): void;
  abort(): void;
  readonly upload: { onprogress: ((ev: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } | null;
  onload: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onabort: ((ev: unknown) => void) | null;
  readonly status: number;
  readonly statusText: string;
  readonly responseText: string;
}

export interface UploadOptions {
  token: string | null;
  createXhr: () => XhrLike;
  /** Fraction sent, 0…1 (null when the browser cannot tell). */
  onProgress?: (fraction: number | null) => void;
  signal?: AbortSignal;
}

export const uploadTooLargeMessage = (name: string) =>
  `“${name}” is larger than the SimDeck server accepts as an upload. On the machine running \`simdeck serve\`, type the file’s path in “or a path on this machine” instead.`;
export const uploadInterruptedMessage = (name: string) =>
  `The upload of “${name}” was interrupted. Check that \`simdeck serve\` is still running, then drop the file again.`;

function isUploaded(v: unknown): v is Uploaded {
  if (typeof v !== 'object' || v === null) return false;
  const u = v as Partial<Uploaded>;
  return typeof u.uploadId === 'string' && u.uploadId !== '' && typeof u.name === 'string' && typeof u.bytes === 'number';
}

/** Turns the answer to POST /upload into {uploadId, name, bytes}, or throws an ApiError a researcher can act on. */
export function interpretUploadResponse(name: string, status: number, statusText: string, text: string): Uploaded {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (isEnvelope(body)) {
    if (!body.ok && status === 413) {
      throw new ApiError(body.error.code, `${body.error.message} On the machine running \`simdeck serve\`, type the file’s path in “or a path on this machine” instead.`);
    }
    const result = unwrap(body);
    if (isUploaded(result)) return result;
    throw new ApiError('UNAVAILABLE', `The SimDeck core sent an unexpected reply to the upload of “${name}”. Check the terminal running \`simdeck serve\`.`);
  }
  if (status === 401) throw new ApiError('UNAUTHORIZED', NO_TOKEN_MESSAGE);
  if (status === 403) throw new ApiError('UNAUTHORIZED', FORBIDDEN_MESSAGE);
  if (status === 413) throw new ApiError('INVALID_INPUT', uploadTooLargeMessage(name));
  const what = status >= 200 && status < 300 ? 'an unexpected reply' : `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  throw new ApiError('UNAVAILABLE', `The SimDeck core sent ${what} to the upload of “${name}”. Check the terminal running \`simdeck serve\`, then try again.`);
}

/** POSTs a file's bytes to /upload?name=<name> with the page's token and reports progress. */
export function uploadFile(file: { name: string }, opts: UploadOptions): Promise<Uploaded> {
  return new Promise<Uploaded>((resolve, reject) => {
    const xhr = opts.createXhr();
    const onAbort = () => xhr.abort();
    const done = () => opts.signal?.removeEventListener('abort', onAbort);
    xhr.open('POST', `${UPLOAD_PATH}?name=${encodeURIComponent(file.name)}`);
    if (opts.token) xhr.setRequestHeader(TOKEN_HEADER, bearer(opts.token));
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    if (xhr.upload) {
      xhr.upload.onprogress = (ev) => opts.onProgress?.(ev.lengthComputable && ev.total > 0 ? Math.min(1, ev.loaded / ev.total) : null);
    }
    xhr.onload = () => {
      done();
      try {
        resolve(interpretUploadResponse(file.name, xhr.status, xhr.statusText, xhr.responseText));
      } catch (err) {
        reject(err);
      }
    };
    xhr.onerror = () => {
      done();
      reject(new ApiError('UNAVAILABLE', uploadInterruptedMessage(file.name)));
    };
    xhr.onabort = () => {
      done();
      reject(new ApiError('UNAVAILABLE', `The upload of “${file.name}” was cancelled.`));
    };
    if (opts.signal?.aborted) {
      xhr.abort();
      return;
    }
    opts.signal?.addEventListener('abort', onAbort);
    opts.onProgress?.(0);
    xhr.send(file);
  });
}
