// Who may talk to the browser shell: whoever holds the random token printed at start-up. The page gets it from
// its address once (?token=...), keeps it in sessionStorage and sends it as a bearer header; static files also
// accept a per-port HttpOnly cookie set on that first visit, so <script> and <link> loads work.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const newToken = () => randomBytes(32).toString('base64url');

export function sameToken(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const cookieName = (port: number) => `simdeck_${port}`;

export function cookieToken(req: IncomingMessage, port: number): string | undefined {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === cookieName(port)) return v.join('=');
  }
  return undefined;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}

/** Only pages served by this very server may open its WebSocket or call its API from a browser. */
export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

/** Refuses DNS-rebinding: the Host header must name this loopback server. */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  return req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
}
