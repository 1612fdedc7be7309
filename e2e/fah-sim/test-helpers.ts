// Shared by the simulator's tests: one HTTPS call with (or without) a client certificate.
import { request } from 'node:https';
import type { FahSim } from './server.js';

export interface Creds {
  cert?: string;
  key?: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json: unknown;
}

/** `path` goes out verbatim (no dot-segment normalisation), so traversal attempts reach the server as written. */
export function call(sim: FahSim, server: 'ws' | 'as', method: string, path: string, opts: { creds?: Creds; json?: unknown; raw?: Buffer | string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const url = new URL(path, server === 'ws' ? sim.wsUrl : sim.asUrl);
  const payload = opts.json !== undefined ? Buffer.from(JSON.stringify(opts.json)) : opts.raw !== undefined ? Buffer.from(opts.raw) : undefined;
  const headers: Record<string, string> = { ...(opts.json !== undefined ? { 'Content-Type': 'application/json' } : {}), ...opts.headers };
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: url.hostname, port: url.port, path, method, ca: sim.caPem, cert: opts.creds?.cert, key: opts.creds?.key, agent: false, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('response aborted')));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          let json: unknown;
          try {
            json = text ? (JSON.parse(text) as unknown) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export const PROJECT = {
  core_id: '0x26',
  contact: 'me@example.org',
  runs: 0,
  clones: 0,
  gens: 1,
  atoms: 25000,
  credit: 253152,
  timeout: 86400,
  deadline: 172800,
  compression: 'ZLIB',
};
