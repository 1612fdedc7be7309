// "A core crash restarts the core in the browser shell": the real `simdeck serve` (built app, `npm run build`)
// runs its core in a child process. The core is SIGKILLed while calls are in flight: those calls end (503
// UNAVAILABLE, or ok if they won the race), serve and its WebSocket stay up and announce the crash, the next calls
// are answered by a fresh core on the same workspace, and nothing saved is lost. Killing serve itself leaves no
// core behind. The built core-host itself keeps running after an unhandled rejection and exits 70 after reporting
// an uncaught exception. Needs no test bed (SSH, SLURM), only the build.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Project } from '../../shared/domain.js';
import { isZombie } from '../../electron/workspace/lock.js';
import { callServed, postServed, repoRoot, serve, type Served, stopProcess, tempWorkspace, waitFor as waitUntil } from '../support/serve.js';

const waitFor = <T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> => waitUntil(what, fn, ms, 50);

const coreHost = path.join(repoRoot, 'dist', 'node', 'core-host.cjs');
let ws: string;
let served: Served | undefined;
/** Accepts SSH connections and never answers, so a connection check stays in flight until the core dies. */
let silent: net.Server;

async function corePid(s: Served): Promise<number> {
  const { text } = await callServed<{ text: string }>(s, 'app.diagnostics');
  return Number(/core pid: (\d+)/.exec(text)?.[1]);
}

/** Running, as opposed to gone or a zombie waiting to be reaped (an orphan's reaper may take a while). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !isZombie(pid);
};

function openEvents(s: Served): Promise<{ socket: WebSocket; seen: { event: string; payload: unknown }[] }> {
  const socket = new WebSocket(`${s.origin.replace('http', 'ws')}/ws?token=${s.token}`);
  const seen: { event: string; payload: unknown }[] = [];
  socket.on('message', (data: Buffer) => seen.push(JSON.parse(data.toString()) as { event: string; payload: unknown }));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, seen }));
    socket.once('error', reject);
  });
}

beforeAll(() => {
  if (!fs.existsSync(coreHost)) throw new Error('Build SimDeck first: npm run build');
  ws = tempWorkspace();
  silent = net.createServer((socket) => void socket.unref());
  silent.unref();
  return new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  if (served) await served.stop();
  fs.rmSync(ws, { recursive: true, force: true });
  silent.close();
});

it('restarts a killed core under the same serve, with the WebSocket kept and nothing lost', async () => {
  served = await serve(ws);
  const s = served;
  const project = await callServed<Project>(s, 'projects.create', { name: 'survives a core crash' });
  const { socket, seen } = await openEvents(s);
  const firstCore = await corePid(s);
  expect(firstCore).not.toBe(s.proc.pid);

  const port = (silent.address() as net.AddressInfo).port;
  const target = await callServed<{ id: string }>(s, 'targets.create', { name: 'silent', kind: 'slurm', settings: { host: '127.0.0.1', port, username: 'me' } });
  const password = await callServed<{ id: string }>(s, 'secrets.store', { label: 'pw', value: 'not-used-anywhere' });
  await callServed(s, 'targets.attachSecret', { id: target.id, role: 'password', secretId: password.id });
  const connected = new Promise((resolve) => silent.once('connection', resolve));
  const stuck = postServed(s, 'targets.check', { id: target.id });
  await connected;

  // Calls in flight when the core dies end one way or the other; none may hang.
  const inFlight = Array.from({ length: 20 }, () => postServed(s, 'projects.list', {}));
  process.kill(firstCore, 'SIGKILL');
  const { status, env } = await stuck;
  expect(status).toBe(503);
  expect(env).toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/stopped unexpectedly \(signal SIGKILL\) while answering this call/) } });
  for (const { status, env } of await Promise.all(inFlight)) {
    if (env.ok) continue; // answered before the kill
    expect(status).toBe(503);
    expect(env.error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('stopped unexpectedly') });
  }

  const report = await waitFor('the crash report on the WebSocket', () => seen.find((m) => m.event === 'app.error'));
  expect(report.payload).toMatchObject({ source: 'shell', restarted: true, message: expect.stringContaining('SIGKILL') });
  expect(socket.readyState).toBe(WebSocket.OPEN);
  expect(s.proc.exitCode).toBeNull();

  // The next calls reach a fresh core on the same workspace.
  const projects = await callServed<Project[]>(s, 'projects.list', {});
  expect(projects.map((p) => p.id)).toContain(project.id);
  const secondCore = await corePid(s);
  expect(secondCore).not.toBe(firstCore);
  expect(alive(firstCore)).toBe(false);
  expect(await callServed(s, 'app.errors')).toEqual([report.payload]);
  socket.close();

  // Killing serve takes its core with it: no orphan keeps the workspace locked.
  s.proc.kill('SIGKILL');
  await stopProcess(s.proc);
  served = undefined;
  await waitFor('the core to exit with serve', () => (alive(secondCore) ? undefined : true), 5000);
}, 60_000);

it('the built core keeps running after an unhandled rejection and exits 70 after reporting an uncaught exception', async () => {
  const dir = tempWorkspace();
  // Preloaded into the core: a forgotten catch, then a throw from a timer, as a bug in a backend would.
  const bug = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-bug-')), 'bug.cjs');
  fs.writeFileSync(
    bug,
    `setTimeout(() => Promise.reject(new Error('forgot a catch: token=abc123')), 500);
     setTimeout(() => { throw new Error('kaboom password=hunter2'); }, 1000);`,
  );
  const child = fork(coreHost, [], { serialization: 'advanced', execArgv: ['-r', bug], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  const messages: { type: string; event?: string; payload?: unknown; report?: unknown }[] = [];
  child.on('message', (m: (typeof messages)[number]) => messages.push(m));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.send({ type: 'init', init: { shell: 'browser', workspaceDir: dir, vault: 'file', version: 'test' } });

  expect(await exited).toBe(70);
  const reports = messages.filter((m) => m.type === 'event' && m.event === 'app.error').map((m) => m.payload);
  expect(reports).toEqual([
    expect.objectContaining({ source: 'core', restarted: false, message: 'forgot a catch: token=[redacted]' }),
    expect.objectContaining({ source: 'core', restarted: true, message: 'kaboom password=[redacted]' }),
  ]);
  expect(messages.map((m) => m.type)).toEqual(['ready', 'event', 'event', 'fatal']);
  expect(messages.at(-1)!.report).toEqual(reports[1]);
  const log = fs.readFileSync(path.join(dir, 'logs', 'core.log'), 'utf8');
  expect(log).toContain('unhandled promise rejection');
  expect(log).toContain('uncaught exception; the core will restart');
  expect(log).not.toMatch(/abc123|hunter2/);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(path.dirname(bug), { recursive: true, force: true });
}, 20_000);
