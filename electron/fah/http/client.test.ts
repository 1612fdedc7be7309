import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { PassThrough, Readable } from 'node:stream';
import { inspect } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import { TestCa, ecKey, rsaKey } from '../certs/test-pki.js';
import { FahHttpClient, encodeFilePath, serverErrorText } from './client.js';
import type { FahRequestEvent, FahTls } from './client.js';

let ca: TestCa;
let tls1: FahTls;
let tls2: FahTls;
let strangerTls: FahTls;
let server: https.Server;
let baseUrl: string;
const hits = new Map<string, number>();
let current = 0;
let maxSeen = 0;
let lastPut: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer } | null = null;
const BIG = Buffer.alloc(300_000, 7);

const hit = (k: string) => {
  const n = (hits.get(k) ?? 0) + 1;
  hits.set(k, n);
  return n;
};

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://x');
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  const peer = (req.socket as TLSSocket).getPeerCertificate();
  switch (url.pathname) {
    case '/api/flaky': {
      const n = hit('flaky');
      return n <= 2 ? json(res, 500, { error: `boom ${n}` }) : json(res, 200, { ok: true, n });
    }
    case '/api/missing':
      hit('missing');
      return json(res, 404, { code: 404, error: 'no such project' });
    case '/api/plain-error':
      hit('plain');
      res.writeHead(400, { 'content-type': 'text/plain' });
      return void res.end('core_id must be hex\n');
    case '/api/drop': {
      const n = hit('drop');
      if (n === 1) return void req.socket.destroy();
      return json(res, 200, { ok: true, n });
    }
    case '/api/slow':
      hit('slow');
      await new Promise((r) => setTimeout(r, 1500));
      return json(res, 200, { ok: true });
    case '/api/stall':
      hit('stall');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"ok":');
      return; // never finishes the body
    case '/api/conc': {
      current++;
      maxSeen = Math.max(maxSeen, current);
      await new Promise((r) => setTimeout(r, 20));
      current--;
      return json(res, 200, { ok: true });
    }
    case '/api/who': {
      if (url.searchParams.has('wait')) await new Promise((r) => setTimeout(r, Number(url.searchParams.get('wait'))));
      return json(res, 200, { serial: peer.serialNumber, query: Object.fromEntries(url.searchParams) });
    }
    case '/api/gz':
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' });
      return void res.end(gzipSync(BIG));
    case '/api/raw':
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BIG.length) });
      return void res.end(BIG);
    default:
      lastPut = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"ignored": true}');
  }
}

beforeAll(async () => {
  ca = await TestCa.create();
  const other = await TestCa.create('Stranger CA');
  const [serverKey, k1, k2, k3] = await Promise.all([ecKey(), rsaKey(2048), ecKey(), ecKey()]);
  const [serverCert, c1, c2, c3] = await Promise.all([
    ca.issue(serverKey.key, { cn: 'localhost', serverNames: ['127.0.0.1', 'localhost'] }),
    ca.issue(k1.key, { cn: 'joe@example.com' }),
    ca.issue(k2.key, { cn: 'joe@example.com' }),
    other.issue(k3.key, { cn: 'eve@example.com' }),
  ]);
  tls1 = { certPem: c1 + ca.certPem, keyPem: k1.keyPem, caPem: ca.certPem };
  tls2 = { certPem: c2, keyPem: k2.keyPem, caPem: ca.certPem };
  strangerTls = { certPem: c3, keyPem: k3.keyPem, caPem: ca.certPem };
  server = https.createServer({ key: serverKey.keyPem, cert: serverCert, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    handler(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/ignored/prefix`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  hits.clear();
  lastPut = null;
});

function client(extra: Partial<ConstructorParameters<typeof FahHttpClient>[0]> = {}): FahHttpClient {
  return new FahHttpClient({ baseUrl, tls: tls1, label: 'work server', backoffMs: 5, maxBackoffMs: 20, timeoutMs: 5_000, ...extra });
}

describe('FahHttpClient retries', () => {
  it('retries 500 twice then returns the 200 JSON', async () => {
    const events: FahRequestEvent[] = [];
    const c = client({ onRequest: (e) => events.push(e) });
    await expect(c.getJson('/api/flaky')).resolves.toEqual({ ok: true, n: 3 });
    expect(hits.get('flaky')).toBe(3);
    expect(events.map((e) => e.attempt)).toEqual([1, 2, 3]);
    c.close();
  });

  it('gives up on 5xx after the configured retries with the server text', async () => {
    const c = client({ retries: 1 });
    const err = (await c.getJson('/api/flaky').catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('REMOTE_FAILED');
    expect(err.message).toContain('answered 500 to GET /api/flaky: boom 2');
    c.close();
  });

  it('never retries a 4xx and surfaces {"error"} verbatim with the status', async () => {
    const c = client();
    const err = (await c.getJson('/api/missing').catch((e) => e)) as ApiError;
    expect(hits.get('missing')).toBe(1);
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toMatch(/answered 404 to GET \/api\/missing: no such project\./);
    expect(err.details).toMatchObject({ status: '404', serverError: 'no such project' });
    const plain = (await c.putJson('/api/plain-error', { core_id: 'x' }).catch((e) => e)) as ApiError;
    expect(plain.code).toBe('INVALID_INPUT');
    expect(plain.message).toContain(': core_id must be hex.');
    expect(hits.get('plain')).toBe(1);
    c.close();
  });

  it('retries a dropped connection (socket hang up / ECONNRESET)', async () => {
    const c = client();
    await expect(c.getJson('/api/drop')).resolves.toEqual({ ok: true, n: 2 });
    expect(hits.get('drop')).toBe(2);
    c.close();
  });

  it('times out a slow server per attempt and reports it as UNAVAILABLE', async () => {
    const c = client({ timeoutMs: 150, retries: 1 });
    const t0 = Date.now();
    const err = (await c.getJson('/api/slow').catch((e) => e)) as ApiError;
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/did not answer GET \/api\/slow within 0.15 s \(tried 2 times\)/);
    expect(hits.get('slow')).toBe(2);
    expect(Date.now() - t0).toBeLessThan(1200);
    c.close();
  });

  it('times out a reply whose body stalls after the headers', async () => {
    const c = client({ timeoutMs: 150, retries: 0 });
    const err = (await c.getJson('/api/stall').catch((e) => e)) as ApiError;
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/within 0.15 s/);
    const d = (await c.downloadBytes('/api/stall').catch((e) => e)) as ApiError;
    expect(d.message).toMatch(/within 0.15 s/);
    expect(hits.get('stall')).toBe(2);
    c.close();
  });

  it('retries a refused connection, then says it cannot reach the server', async () => {
    const probe = https.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const events: FahRequestEvent[] = [];
    const c = client({ baseUrl: `https://127.0.0.1:${port}`, retries: 2, onRequest: (e) => events.push(e) });
    const err = (await c.getJson('/api/x').catch((e) => e)) as ApiError;
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/Cannot reach 127\.0\.0\.1:\d+ .*ECONNREFUSED \(tried 3 times\)/);
    expect(events).toHaveLength(3);
    c.close();
  });
});

describe('FahHttpClient concurrency and TLS', () => {
  it('never has more requests in flight than the bound', async () => {
    maxSeen = 0;
    const c = client({ concurrency: 3 });
    await Promise.all(Array.from({ length: 24 }, () => c.getJson('/api/conc')));
    expect(maxSeen).toBe(3);
    expect(c.inFlight).toBe(0);
    c.close();
    maxSeen = 0;
    const d = client();
    await Promise.all(Array.from({ length: 30 }, () => d.getJson('/api/conc')));
    expect(maxSeen).toBeLessThanOrEqual(8);
    d.close();
  });

  it('serves urgent requests before queued normal ones', async () => {
    const started: string[] = [];
    const c = client({ concurrency: 1, onRequest: (e) => started.push(e.path) });
    const normal = Array.from({ length: 5 }, () => c.getJson('/api/conc'));
    const urgent = c.getJson('/api/conc?urgent', undefined, { urgent: true });
    await Promise.all([...normal, urgent]);
    // The first normal request already held the only slot; the urgent one is next, before the other four.
    expect(started.indexOf('/api/conc?urgent')).toBe(1);
    c.close();
  });

  it('is refused by the server with a certificate from another CA', async () => {
    const c = client({ tls: strangerTls, retries: 1 });
    const err = (await c.getJson('/api/who').catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(['FORBIDDEN', 'UNAVAILABLE']).toContain(err.code);
    c.close();
  });

  it('refuses a server it cannot verify (system trust only)', async () => {
    const events: FahRequestEvent[] = [];
    const d = client({ tls: { certPem: tls1.certPem, keyPem: tls1.keyPem }, retries: 3, onRequest: (e) => events.push(e) });
    const err = (await d.getJson('/api/who').catch((e) => e)) as ApiError;
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/cannot verify the HTTPS certificate/);
    expect(events).toHaveLength(1); // not retried
    d.close();
  });

  it('rejects a key that does not fit the certificate up front', () => {
    expect(() => client({ tls: { certPem: tls1.certPem, keyPem: tls2.keyPem, caPem: ca.certPem } })).toThrow(/does not belong/);
  });

  it('rebuild() swaps the certificate; in-flight requests finish on the old agent, which is then destroyed', async () => {
    const c = client();
    const first = (await c.getJson<{ serial: string }>('/api/who')).serial;
    const slow = c.getJson<{ serial: string }>('/api/who', { wait: 200 });
    await new Promise((r) => setTimeout(r, 50));
    c.rebuild(tls2);
    expect(c.generation).toBe(2);
    const internals = c as unknown as { retiredAgents: Set<unknown> };
    expect(internals.retiredAgents.size).toBe(1);
    const second = (await c.getJson<{ serial: string }>('/api/who')).serial;
    expect(second).not.toBe(first);
    expect((await slow).serial).toBe(first);
    expect(internals.retiredAgents.size).toBe(0);
    expect(() => c.rebuild({ certPem: 'garbage', keyPem: 'garbage' })).toThrow(ApiError);
    expect(c.generation).toBe(2);
    c.close();
  });

  it('never shows the key in toJSON or inspect', () => {
    const c = client();
    const keyLine = tls1.keyPem.split('\n')[1] as string;
    expect(JSON.stringify(c)).not.toContain(keyLine);
    expect(inspect(c, { depth: 5 })).not.toContain(keyLine);
    expect(inspect(c)).toContain('generation');
    c.close();
  });
});

describe('FahHttpClient transport conventions (notes §2.1)', () => {
  it('GET drops null/undefined query values and sends Dates as WS times', async () => {
    const c = client();
    const r = await c.getJson<{ query: Record<string, string> }>('/api/who', { since: new Date(Date.UTC(2024, 4, 29, 19, 51, 2, 500)), a: undefined, b: null, n: 3 });
    expect(r.query).toEqual({ since: '2024-05-29T19:51:02Z', n: '3' });
    c.close();
  });

  it('PUT with JSON sends application/json; a job action sends no body and no Content-Type', async () => {
    const c = client();
    await c.putJson('/api/projects/12600/runs/0/create', { clones: 1 });
    expect(lastPut?.method).toBe('PUT');
    expect(lastPut?.url).toBe('/api/projects/12600/runs/0/create');
    expect(lastPut?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(lastPut?.body.toString() ?? '')).toEqual({ clones: 1 });
    await c.putJson('/api/projects/12600/runs/0/clones/0/restart');
    expect(lastPut?.headers['content-type']).toBeUndefined();
    expect(lastPut?.headers['content-length']).toBe('0');
    expect(lastPut?.body.length).toBe(0);
    await c.delete('/api/projects/12600/files/RUN0/x');
    expect(lastPut?.method).toBe('DELETE');
    c.close();
  });

  it('POST returns the raw reply', async () => {
    const c = client();
    const r = await c.post('/api/auth/csr', { csr: 'x' });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json');
    expect(r.body.toString()).toBe('{"ignored": true}');
    expect(JSON.parse(lastPut?.body.toString() ?? '')).toEqual({ csr: 'x' });
    c.close();
  });

  it('uploads raw bytes (buffer or replayable stream) as application/octet-stream with progress', async () => {
    const c = client();
    const path = `/api/projects/1/files/${encodeFilePath('RUN3/CLONE7/core.xml')}`;
    const seen: number[] = [];
    await c.upload(path, Buffer.from('<config/>'), { onProgress: (n) => seen.push(n) });
    expect(lastPut?.url).toBe('/api/projects/1/files/RUN3/CLONE7/core.xml');
    expect(lastPut?.headers['content-type']).toBe('application/octet-stream');
    expect(lastPut?.body.toString()).toBe('<config/>');
    expect(seen.at(-1)).toBe(9);
    const progress: number[] = [];
    await c.upload('/api/projects/1/files/big.bin', { size: BIG.length, open: () => Readable.from([BIG.subarray(0, 100_000), BIG.subarray(100_000)]) }, { onProgress: (n) => progress.push(n) });
    expect(lastPut?.body.equals(BIG)).toBe(true);
    expect(progress.at(-1)).toBe(BIG.length);
    c.close();
  });

  it('downloads with progress, decoding gzip, into memory or a stream', async () => {
    const c = client();
    const got: [number, number | null][] = [];
    const buf = await c.downloadBytes('/api/gz', { onProgress: (n, t) => got.push([n, t]) });
    expect(buf.equals(BIG)).toBe(true);
    expect(got.at(-1)).toEqual([BIG.length, null]);
    const sink = new PassThrough();
    const parts: Buffer[] = [];
    sink.on('data', (d: Buffer) => parts.push(d));
    const totals: (number | null)[] = [];
    const r = await c.downloadTo('/api/raw', sink, { onProgress: (_n, t) => totals.push(t) });
    expect(r.bytes).toBe(BIG.length);
    expect(Buffer.concat(parts).equals(BIG)).toBe(true);
    expect(totals[0]).toBe(BIG.length);
    await expect(c.downloadBytes('/api/raw', { maxBytes: 1000 })).rejects.toMatchObject({ code: 'REMOTE_FAILED' });
    c.close();
  });

  it('encodes file paths and refuses escapes', () => {
    expect(encodeFilePath('RUN0/CLONE1/a b.txt')).toBe('RUN0/CLONE1/a%20b.txt');
    for (const bad of ['', '/etc/passwd', 'RUN0/../x', 'a//b', './a']) expect(() => encodeFilePath(bad)).toThrow(ApiError);
  });

  it('reads cbang error bodies leniently', () => {
    expect(serverErrorText('{"error":"Job P12600:R0:C0 not found"}')).toBe('Job P12600:R0:C0 not found');
    expect(serverErrorText('{"error":{"message":"bad","code":400}}')).toBe('bad');
    expect(serverErrorText('<html>oops</html>', 'text/html')).toBeNull();
    expect(serverErrorText('')).toBeNull();
  });
});
