// The browser shell's core link against a tiny stand-in for core-host (a plain Node script speaking the protocol),
// so crashes, restarts and queued calls can be driven exactly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/contract.js';
import type { Envelope } from '../../shared/transport.js';
import { startCoreLink, type CoreLink, type CoreLinkOptions } from './core-link.js';

const FAKE_HOST = `
const fs = require('node:fs');
const path = require('node:path');
let init;
process.on('disconnect', () => process.exit(0));
const post = (m, cb) => process.send(m, undefined, {}, () => cb && cb());
const report = (message) => ({ id: 'r-' + process.pid, at: new Date().toISOString(), source: 'core', message, restarted: true });
process.on('message', (m) => {
  if (m.type === 'init') {
    init = m.init;
    const dir = init.workspaceDir;
    fs.appendFileSync(path.join(dir, 'starts'), process.pid + '\\n');
    if (fs.existsSync(path.join(dir, 'init-fail'))) return post({ type: 'init-failed', message: 'workspace locked' });
    setTimeout(() => {
      post({ type: 'ready', secretsBackend: 'fake' });
      if (fs.existsSync(path.join(dir, 'crash-after-ready'))) setTimeout(() => process.exit(9), 20);
    }, 30);
  } else if (m.type === 'call') {
    const reply = (result) => post({ type: 'reply', id: m.id, envelope: { ok: true, result } });
    if (m.method === 'pid') reply(process.pid);
    else if (m.method === 'errors') reply(init.errors || []);
    else if (m.method === 'hang') return;
    else if (m.method === 'crash') process.exit(3);
    else if (m.method === 'fatal' || m.method === 'fatal-silent') {
      const r = report('x is not a function');
      if (m.method === 'fatal') post({ type: 'event', event: 'app.error', payload: r });
      post({ type: 'fatal', report: r }, () => process.exit(70));
    }
  } else if (m.type === 'shutdown') {
    fs.appendFileSync(path.join(init.workspaceDir, 'shutdowns'), process.pid + '\\n');
    post({ type: 'closed' });
  }
});
`;

let hostFile: string;
let dir = '';
let link: CoreLink | undefined;
let events: { event: EventName; payload: unknown }[];

beforeAll(() => {
  hostFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-fake-host-')), 'fake-core-host.cjs');
  fs.writeFileSync(hostFile, FAKE_HOST);
});
afterAll(() => fs.rmSync(path.dirname(hostFile), { recursive: true, force: true }));
afterEach(async () => {
  await link?.close();
  link = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(options: CoreLinkOptions = {}): Promise<CoreLink> {
  events = [];
  link = await startCoreLink(
    { shell: 'browser', workspaceDir: dir, vault: 'file', version: 'test' },
    { hostFile, execArgv: [], backoffMs: () => 50, ...options },
  );
  link.onEvent((event, payload) => events.push({ event, payload }));
  return link;
}

const result = async <T>(p: Promise<Envelope>): Promise<T> => {
  const env = await p;
  if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message}`);
  return env.result as T;
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('core link (child process)', () => {
  it('restarts a killed core; calls made meanwhile wait for the new one, calls in flight get UNAVAILABLE', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-link-'));
    const l = await start();
    const first = await result<number>(l.call('pid', {}));
    expect(l.pid()).toBe(first);
    const hanging = l.call('hang', {});
    process.kill(first, 'SIGKILL');
    expect(await hanging).toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/stopped unexpectedly \(signal SIGKILL\).*restarting/) } });
    const queued = l.call('pid', {}); // sent while the core is down: answered by the new one
    const second = await result<number>(queued);
    expect(second).not.toBe(first);
    expect(l.restarts()).toBe(1);
    expect(events.map((e) => e.event)).toEqual(['app.error']); // one message per crash: the UI's banner
    expect(events[0]!.payload).toMatchObject({ source: 'shell', restarted: true, message: "SimDeck's core stopped unexpectedly (signal SIGKILL)." });
    // The new core knows what happened to the old one (app.errors survives the restart).
    expect(await result(l.call('errors', {}))).toEqual([events[0]!.payload]);
  });

  it('forwards a fatal report once, and does not add a generic one for the exit that follows', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-link-'));
    const l = await start();
    expect(await l.call('fatal', {})).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringContaining('exit code 70') } });
    await result(l.call('pid', {}));
    expect(events.map((e) => e.event)).toEqual(['app.error']);
    expect(events[0]!.payload).toMatchObject({ source: 'core', restarted: true, message: 'x is not a function' });

    // A core that died before it could emit the report itself: the shell emits it.
    events.length = 0;
    await l.call('fatal-silent', {});
    await result(l.call('pid', {}));
    expect(events.map((e) => e.event)).toEqual(['app.error']);
    expect(l.restarts()).toBe(2);
  });

  it('stops restarting after too many crashes in a row and says what to do', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-link-'));
    const l = await start({ maxRestarts: 2 });
    fs.writeFileSync(path.join(dir, 'crash-after-ready'), '');
    await l.call('crash', {});
    await until('the crash loop to be given up', () => events.some((e) => e.event === 'app.error' && !(e.payload as { restarted: boolean }).restarted));
    const starts = fs.readFileSync(path.join(dir, 'starts'), 'utf8').trim().split('\n');
    expect(starts).toHaveLength(3); // the first core and two restarts
    const answer = await l.call('pid', {});
    expect(answer).toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringContaining('was not restarted again') } });
    expect(!answer.ok && answer.error.message).toContain(`Restart \`simdeck serve\`, and see ${path.join(dir, 'logs', 'core.log')}`);
    expect(events.filter((e) => e.event === 'app.error').map((e) => (e.payload as { restarted: boolean }).restarted)).toEqual([true, true, false]);
    expect(l.pid()).toBeUndefined();
  });

  it('gives a core that stayed up for a while a fresh restart budget', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-link-'));
    const l = await start({ maxRestarts: 1, stableAfterMs: 100 });
    for (let i = 1; i <= 3; i++) {
      await l.call('crash', {});
      await result(l.call('pid', {}));
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(l.restarts()).toBe(3);
    expect(events.filter((e) => e.event === 'app.error').map((e) => (e.payload as { restarted: boolean }).restarted)).toEqual([true, true, true]);
  });

  it('does not retry a core that cannot open its workspace', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-link-'));
    fs.writeFileSync(path.join(dir, 'init-fail'), '');
    await expect(start()).rejects.toThrow(/could not start: workspace locked/);
    expect(fs.readFileSync(path.join(dir, 'starts'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('shuts the core down cleanly on close, and answers later calls UNAVAILABLE', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-link-'));
    const l = await start();
    const pid = await result<number>(l.call('pid', {}));
    await l.close();
    expect(fs.readFileSync(path.join(dir, 'shutdowns'), 'utf8').trim()).toBe(String(pid));
    await until('the core to exit', () => !alive(pid));
    expect(await l.call('pid', {})).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(events).toEqual([]);
    link = undefined;
  });
});
