import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventName } from '../../shared/contract.js';
import { openTempCore, tempWorkspace, type TempCore } from '../testing/temp-core.js';
import { newToken } from './auth.js';
import { startBrowserShell, type BrowserShell } from './server.js';

let t: TempCore;
let shell: BrowserShell;
let token: string;
let staticDir: string;
const listeners = new Set<(e: EventName, p: unknown) => void>();

beforeEach(async () => {
  t = openTempCore();
  staticDir = tempWorkspace();
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>SimDeck</title>');
  fs.mkdirSync(path.join(staticDir, 'assets'));
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  token = newToken();
  shell = await startBrowserShell({
    core: {
      call: (m, p) => t.core.call(m, p),
      onEvent: (l) => (listeners.add(l), () => listeners.delete(l)),
    },
    token,
    port: 0,
    staticDir,
  });
});
afterEach(async () => {
  await shell.close();
  await t.dispose();
  fs.rmSync(staticDir, { recursive: true, force: true });
});

const base = () => `http://127.0.0.1:${shell.port}`;
const api = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base()}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const auth = () => ({ authorization: `Bearer ${token}` });

function openWs(url: string, headers: Record<string, string> = {}): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('error', () => resolve({ status: -1 }));
  });
}

describe('browser shell', () => {
  it('listens on 127.0.0.1 only and prints a URL with the token', () => {
    expect(shell.url).toBe(`http://127.0.0.1:${shell.port}/?token=${token}`);
    expect(token.length).toBeGreaterThanOrEqual(40);
  });

  it('answers API calls only with the token', async () => {
    const none = await api('projects.list', {});
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.stringContaining('?token=') } });
    expect((await api('projects.list', {}, { authorization: 'Bearer wrong' })).status).toBe(401);
    const good = await api('projects.create', { name: 'Villin headpiece' }, auth());
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ ok: true, result: { name: 'Villin headpiece' } });
  });

  it('maps typed errors to HTTP statuses and keeps the envelope', async () => {
    const bad = await api('projects.create', { name: '' }, auth());
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await api('nope.nope', {}, auth())).status).toBe(404);
    const broken = await fetch(`${base()}/api/projects.list`, { method: 'POST', headers: auth(), body: '{not json' });
    expect(broken.status).toBe(400);
  });

  it('refuses API calls from a foreign origin even with the token', async () => {
    const res = await api('projects.list', {}, { ...auth(), origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  it('serves the UI with the token in the URL, then via its cookie; never without', async () => {
    expect((await fetch(`${base()}/`)).status).toBe(401);
    expect((await fetch(`${base()}/assets/app.js`)).status).toBe(401);
    const first = await fetch(`${base()}/?token=${token}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(first.headers.get('referrer-policy')).toBe('no-referrer');
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    expect(first.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    const asset = await fetch(`${base()}/assets/app.js`, { headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
  });

  it('never serves files outside the UI folder', async () => {
    const res = await fetch(`${base()}/..%2f..%2f..%2fetc%2fpasswd?token=${token}`);
    expect(await res.text()).not.toContain('root:');
  });

  it('refuses requests for another host name (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve) =>
      http.get({ host: '127.0.0.1', port: shell.port, path: `/?token=${token}`, headers: { host: 'evil.example' } }, (r) => resolve(r.statusCode!)),
    );
    expect(status).toBe(421);
  });

  it('accepts WebSocket upgrades only with the token and from its own origin, and pushes events', async () => {
    expect((await openWs(`ws://127.0.0.1:${shell.port}/ws`)).status).toBe(401);
    expect((await openWs(`ws://127.0.0.1:${shell.port}/ws?token=${token}`, { origin: 'https://evil.example' })).status).toBe(403);
    const { ws } = await openWs(`ws://127.0.0.1:${shell.port}/ws?token=${token}`, { origin: base() });
    expect(ws).toBeDefined();
    const got = new Promise<unknown>((resolve) => ws!.once('message', (d) => resolve(JSON.parse(String(d)))));
    for (const l of listeners) l('projects.changed', { projectId: 'p1' });
    expect(await got).toEqual({ event: 'projects.changed', payload: { projectId: 'p1' } });
    ws!.close();
  });
});

describe('uploads', () => {
  it('stores a dropped file under the workspace, only with the token, with a safe name', async () => {
    await shell.close();
    const uploadDir = path.join(t.dir, 'uploads');
    shell = await startBrowserShell({ core: { call: (m, p) => t.core.call(m, p), onEvent: () => () => {} }, token, port: 0, staticDir, uploadDir });
    const up = (name: string, headers: Record<string, string>) =>
      fetch(`${base()}/upload?name=${encodeURIComponent(name)}`, { method: 'POST', headers, body: Buffer.from('REMARK x') });
    expect((await up('decoy.pdb', {})).status).toBe(401);
    const res = await up('../../etc/evil.pdb.bz2', auth());
    expect(res.status).toBe(200);
    const { result } = (await res.json()) as { result: { uploadId: string; name: string; bytes: number } };
    expect(result).toMatchObject({ name: 'evil.pdb.bz2', bytes: 8 });
    expect(fs.readFileSync(path.join(uploadDir, result.uploadId, 'evil.pdb.bz2'), 'utf8')).toBe('REMARK x');
  });
});
