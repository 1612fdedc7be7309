// The browser shell: SimDeck's core behind HTTP + WebSocket on 127.0.0.1, for head nodes and for tests.
// POST /api/<method> carries calls (bearer token), /ws pushes events, everything else is the built UI.
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ErrorCode } from '../../shared/errors.js';
import { API_PREFIX, WS_PATH, type Envelope } from '../../shared/transport.js';
import type { CoreLink } from '../host/core-link.js';
import { allowedOrigins, bearerToken, cookieName, cookieToken, hostAllowed, sameToken } from './auth.js';
import { resolveStatic } from './static-files.js';
import { receiveUpload, UPLOAD_PATH } from './uploads.js';

export interface BrowserShellOptions {
  core: Pick<CoreLink, 'call' | 'onEvent'>;
  token: string;
  port: number;
  staticDir: string;
  /** Where uploaded files go (<workspace>/uploads); uploads are refused when unset. */
  uploadDir?: string;
  maxBodyBytes?: number;
}

export interface BrowserShell {
  port: number;
  url: string;
  close(): Promise<void>;
}

const STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNKNOWN_METHOD: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CONFIRMATION_REQUIRED: 409,
  UNAUTHORIZED: 502, // a remote system refused our credentials; 401 is kept for a missing SimDeck token
  FORBIDDEN: 403,
  UNAVAILABLE: 503,
  REMOTE_FAILED: 502,
  INTERNAL: 500,
};

const NO_TOKEN =
  'This SimDeck server needs its access token. Open the address printed by `simdeck serve` (it ends in ?token=...).';

function securityHeaders(port: number): Record<string, string> {
  return {
    'content-security-policy':
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; " +
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; object-src 'none'; base-uri 'none'; ` +
      "form-action 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer', // the token is in the first URL; never leak it to another site
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}

export async function startBrowserShell(opts: BrowserShellOptions): Promise<BrowserShell> {
  const maxBody = opts.maxBodyBytes ?? 64 * 1024 * 1024;
  let port = opts.port;
  const sockets = new Set<WebSocket>();

  const send = (res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...securityHeaders(port), 'content-type': type, 'cache-control': 'no-store', ...extra });
    res.end(body);
  };
  const sendEnvelope = (res: ServerResponse, status: number, env: Envelope) =>
    send(res, status, JSON.stringify(env), 'application/json; charset=utf-8');
  const deny = (res: ServerResponse, status: number, code: ErrorCode, message: string) =>
    sendEnvelope(res, status, { ok: false, error: { code, message } });

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string) {
    if (req.method !== 'POST') return deny(res, 405, 'INVALID_INPUT', 'API calls use POST with a JSON body.');
    if (!sameToken(bearerToken(req), opts.token)) return deny(res, 401, 'UNAUTHORIZED', NO_TOKEN);
    const origin = req.headers.origin;
    if (origin && !allowedOrigins(port).has(origin)) return deny(res, 403, 'FORBIDDEN', `Calls from ${origin} are not allowed.`);
    let body: Buffer;
    try {
      body = await readBody(req, maxBody);
    } catch (err) {
      return deny(res, 413, 'INVALID_INPUT', (err as Error).message);
    }
    let params: unknown = {};
    if (body.length > 0) {
      try {
        params = JSON.parse(body.toString('utf8'));
      } catch {
        return deny(res, 400, 'INVALID_INPUT', 'The request body is not valid JSON.');
      }
    }
    const env = await opts.core.call(method, params);
    sendEnvelope(res, env.ok ? 200 : STATUS[env.error.code], env);
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (req.method !== 'POST') return deny(res, 405, 'INVALID_INPUT', 'Uploads use POST with the file as the body.');
    if (!sameToken(bearerToken(req), opts.token)) return deny(res, 401, 'UNAUTHORIZED', NO_TOKEN);
    const origin = req.headers.origin;
    if (origin && !allowedOrigins(port).has(origin)) return deny(res, 403, 'FORBIDDEN', `Uploads from ${origin} are not allowed.`);
    if (!opts.uploadDir) return deny(res, 404, 'UNKNOWN_METHOD', 'This server does not take uploads.');
    try {
      const result = await receiveUpload(req, opts.uploadDir, url.searchParams.get('name'));
      sendEnvelope(res, 200, { ok: true, result });
    } catch (err) {
      deny(res, 413, 'INVALID_INPUT', (err as Error).message);
    }
  }

  function handleStatic(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed', 'text/plain');
    const fromQuery = url.searchParams.get('token');
    const viaQuery = sameToken(fromQuery, opts.token);
    if (!viaQuery && !sameToken(cookieToken(req, port), opts.token)) {
      return send(res, 401, NO_TOKEN, 'text/plain; charset=utf-8');
    }
    const found = resolveStatic(opts.staticDir, url.pathname) ?? resolveStatic(opts.staticDir, '/index.html');
    if (!found) return send(res, 500, 'The SimDeck UI is not built. Run `npm run build`.', 'text/plain; charset=utf-8');
    const cookie = viaQuery ? { 'set-cookie': `${cookieName(port)}=${opts.token}; HttpOnly; SameSite=Strict; Path=/` } : undefined;
    send(res, 200, fs.readFileSync(found.file), found.type, cookie);
  }

  const server = http.createServer((req, res) => {
    if (!hostAllowed(req, port)) return send(res, 421, 'Wrong host', 'text/plain');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const handled = url.pathname.startsWith(API_PREFIX)
      ? handleApi(req, res, url.pathname.slice(API_PREFIX.length))
      : url.pathname === UPLOAD_PATH
        ? handleUpload(req, res, url)
        : (handleStatic(req, res, url), undefined);
    void handled?.catch((err) => deny(res, 500, 'INTERNAL', `SimDeck server error: ${(err as Error).message}`));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hostAllowed(req, port)) return refuse(421, 'Misdirected Request');
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    const token = url.searchParams.get('token') ?? bearerToken(req) ?? cookieToken(req, port);
    if (!sameToken(token, opts.token)) return refuse(401, 'Unauthorized');
    const origin = req.headers.origin;
    if (origin && !allowedOrigins(port).has(origin)) return refuse(403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', () => undefined); // events flow one way; calls use HTTP
    });
  });

  const unsubscribe = opts.core.onEvent((event, payload) => {
    const text = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/?token=${opts.token}`,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error(`The request is larger than ${Math.round(limit / 1048576)} MB.`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
