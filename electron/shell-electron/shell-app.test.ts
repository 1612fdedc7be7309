import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as fake from './fake-electron.js';
import { EVENT_CHANNEL, METHODS } from '../../shared/contract.js';
import { FakeEvent, resetFake } from './fake-electron.js';
import { CSP, secureWebPreferences } from './security.js';
import { startShell } from './shell-app.js';

vi.mock('electron', () => import('./fake-electron.js'));
// Handlers on the real process would swallow the test runner's own errors.
vi.mock('./shell-errors.js', () => ({ reportShellErrors: vi.fn(() => () => {}) }));
// The real updater loads electron-updater only in a packaged app; here a stand-in shows how the shell wires it.
const updater = vi.hoisted(() => ({
  apply: vi.fn(),
  checkNow: vi.fn(),
  dispose: vi.fn(),
  status: () => ({ state: 'idle', current: '0.1.0', available: null, percent: null, message: 'Up to date', checkedAt: null }),
}));
vi.mock('./updater.js', () => ({ startUpdater: vi.fn(async () => updater) }));

const argv = process.argv;
const { log, info } = console; // the self-check sends console.log to stderr; put it back
let dist = '';
let userData = '';

/** A built app in a temp dir: dist/node/{core-host,preload}.cjs and dist/renderer/index.html. */
function fakeBuild(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-dist-'));
  for (const rel of ['dist/node/core-host.cjs', 'dist/node/preload.cjs', 'dist/renderer/index.html']) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), '');
  }
  return path.join(root, 'dist', 'node');
}

beforeEach(() => {
  resetFake();
  dist = fakeBuild();
  userData = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-userdata-'));
  fake.app.paths.userData = userData;
  process.argv = ['electron', '.', '--workspace', '/tmp/simdeck-ws'];
  delete process.env.SIMDECK_DEV_URL;
  for (const level of ['log', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation(() => {});
});
afterEach(() => {
  fs.rmSync(path.resolve(dist, '..', '..'), { recursive: true, force: true });
  fs.rmSync(userData, { recursive: true, force: true });
  process.argv = argv;
  delete process.env.SIMDECK_DEV_URL;
  Object.assign(console, { log, info });
});

describe('startShell', () => {
  it('hardens the session, registers IPC, starts the core and opens one secure window', async () => {
    await startShell(dist);
    const session = fake.session.defaultSession;
    expect(session.webRequest.onHeadersReceived).toHaveBeenCalledTimes(1);
    const respond = vi.fn();
    session.headersListener?.({ responseHeaders: {} }, respond);
    expect(respond).toHaveBeenCalledWith({ responseHeaders: { 'Content-Security-Policy': [CSP] } });
    expect(session.setPermissionRequestHandler).toHaveBeenCalled();
    expect(fake.ipcMain.handlers.size).toBe(METHODS.length);

    const core = fake.utilityProcess.children[0]!;
    expect(core.modulePath).toBe(path.join(dist, 'core-host.cjs'));
    core.emit('spawn');
    expect(core.posted[0]).toEqual({
      type: 'init',
      init: {
        shell: 'electron',
        workspaceDir: path.resolve('/tmp/simdeck-ws'),
        vault: 'shell',
        vaultBackend: expect.stringMatching(/^safeStorage:/),
        version: '0.1.0',
      },
    });

    expect(fake.BrowserWindow.instances).toHaveLength(1);
    const win = fake.BrowserWindow.instances[0]!;
    expect(win.options).toMatchObject({ title: 'SimDeck', show: false, minWidth: expect.any(Number) });
    expect(win.options.webPreferences).toEqual(secureWebPreferences(path.join(dist, 'preload.cjs')));
    expect(win.loadFile).toHaveBeenCalledWith(path.join(dist, '..', 'renderer', 'index.html'));
    expect(win.show).not.toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalled();
    expect(win.webContents.setWindowOpenHandler).toHaveBeenCalledTimes(1);

    core.emit('message', { type: 'event', event: 'notice', payload: { level: 'info', message: 'hi' } });
    expect(win.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, { event: 'notice', payload: { level: 'info', message: 'hi' } });
  });

  it('loads SIMDECK_DEV_URL in an unpackaged app, with the dev CSP', async () => {
    process.env.SIMDECK_DEV_URL = 'http://localhost:5173/';
    await startShell(dist);
    const win = fake.BrowserWindow.instances[0]!;
    expect(win.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
    expect(win.loadFile).not.toHaveBeenCalled();
  });

  it('ignores SIMDECK_DEV_URL in a packaged app', async () => {
    process.env.SIMDECK_DEV_URL = 'http://localhost:5173/';
    fake.app.isPackaged = true;
    await startShell(dist);
    expect(fake.BrowserWindow.instances[0]!.loadURL).not.toHaveBeenCalled();
  });

  it('stops the core before quitting', async () => {
    await startShell(dist);
    const core = fake.utilityProcess.children[0]!;
    core.emit('spawn');
    core.emit('message', { type: 'ready', secretsBackend: 'x' });
    const quit = new FakeEvent();
    fake.app.emit('before-quit', quit);
    expect(quit.defaultPrevented).toBe(true);
    expect(core.posted.at(-1)).toEqual({ type: 'shutdown' });
    core.emit('exit', 0);
    await vi.waitFor(() => expect(fake.app.quit).toHaveBeenCalled());
    const again = new FakeEvent();
    fake.app.emit('before-quit', again);
    expect(again.defaultPrevented).toBe(false);
  });

  it('refuses to start an unbuilt app with a message that says what to run', async () => {
    fs.rmSync(path.join(dist, 'core-host.cjs'));
    await expect(startShell(dist)).rejects.toThrow(/core-host\.cjs.*npm run build/);
    expect(fake.utilityProcess.fork).not.toHaveBeenCalled();
  });

  it('fails with a clear message on a --workspace flag without a directory', async () => {
    process.argv = ['electron', '.', '--workspace'];
    await expect(startShell(dist)).rejects.toThrow(/--workspace needs a directory/);
    expect(fake.utilityProcess.fork).not.toHaveBeenCalled();
  });
});

/** The 'app.open' payloads the window's renderer received. */
const opened = (win: fake.BrowserWindow) =>
  win.webContents.send.mock.calls.map(([, m]) => m as { event: string; payload: unknown }).filter((m) => m.event === 'app.open').map((m) => m.payload);

describe('startShell: OS integration', () => {
  it('quits without a window or a core when another SimDeck holds the lock', async () => {
    fake.app.requestSingleInstanceLock.mockReturnValue(false);
    await startShell(dist);
    expect(fake.app.quit).toHaveBeenCalled();
    expect(fake.BrowserWindow.instances).toHaveLength(0);
    expect(fake.utilityProcess.fork).not.toHaveBeenCalled();
    expect(fake.app.whenReady).not.toHaveBeenCalled();
  });

  it("sends a second launch's files and links as app.open once the renderer has loaded, and focuses the window", async () => {
    const file = path.join(userData, 'decoy.pdb.bz2');
    fs.writeFileSync(file, '');
    await startShell(dist);
    const win = fake.BrowserWindow.instances[0]!;
    fake.app.emit('second-instance', new FakeEvent(), ['electron', '.', 'decoy.pdb.bz2', 'simdeck://job/j1'], userData);
    expect(win.focus).toHaveBeenCalled();
    expect(opened(win)).toEqual([]); // queued: the renderer has not loaded yet
    win.webContents.emit('did-finish-load');
    expect(opened(win)).toEqual([{ kind: 'file', path: file }, { kind: 'job', jobId: 'j1' }]);
    fake.app.emit('second-instance', new FakeEvent(), ['electron', '.', 'simdeck://project/p9'], userData);
    expect(opened(win).at(-1)).toEqual({ kind: 'project', projectId: 'p9' });
  });

  it('delivers a macOS open-file that arrives before ready once the renderer has loaded', async () => {
    const started = startShell(dist);
    fake.app.emit('open-file', new FakeEvent(), '/Users/ana/decoy.pkl_pose');
    await started;
    const win = fake.BrowserWindow.instances[0]!;
    win.webContents.emit('did-finish-load');
    expect(opened(win)).toEqual([{ kind: 'file', path: '/Users/ana/decoy.pkl_pose' }]);
  });

  it('opens what the first launch was given', async () => {
    process.argv = ['electron', '.', '--workspace', '/tmp/simdeck-ws', 'simdeck://project/p1'];
    await startShell(dist);
    const win = fake.BrowserWindow.instances[0]!;
    win.webContents.emit('did-finish-load');
    expect(opened(win)).toEqual([{ kind: 'project', projectId: 'p1' }]);
  });

  it('installs the menu, the tray and the simdeck:// protocol', async () => {
    await startShell(dist);
    expect(fake.Menu.setApplicationMenu).toHaveBeenCalled(); // again once the updater is up (next test)
    expect(fake.Tray.instances).toHaveLength(1);
    expect(fake.app.setAsDefaultProtocolClient.mock.calls[0]?.[0]).toBe('simdeck');
  });

  it('starts the updater with the workspace settings, applies Settings changes live, and re-sends its state on reload', async () => {
    await startShell(dist);
    const core = fake.utilityProcess.children[0]!;
    core.emit('spawn');
    core.emit('message', { type: 'ready', secretsBackend: 'x' });
    const settingsCall = () => core.posted.find((m) => (m as { method?: string }).method === 'app.settings') as { id: number } | undefined;
    await vi.waitFor(() => expect(settingsCall()).toBeDefined());
    core.emit('message', { type: 'reply', id: settingsCall()!.id, envelope: { ok: true, result: { updates: { enabled: false, feedUrl: null } } } });
    await vi.waitFor(() => expect(updater.apply).toHaveBeenCalledWith({ enabled: false, feedUrl: null }));
    expect(fake.Menu.setApplicationMenu).toHaveBeenCalledTimes(2); // rebuilt with "Check for Updates…"

    core.emit('message', { type: 'event', event: 'app.settings', payload: { updates: { enabled: true, feedUrl: 'https://mirror.example.edu/simdeck/' } } });
    expect(updater.apply).toHaveBeenLastCalledWith({ enabled: true, feedUrl: 'https://mirror.example.edu/simdeck/' });

    const win = fake.BrowserWindow.instances[0]!;
    win.webContents.emit('did-finish-load');
    expect(win.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, { event: 'app.update', payload: expect.objectContaining({ state: 'idle' }) });
  });

  it('reopens the window where it was closed', async () => {
    await startShell(dist);
    const win = fake.BrowserWindow.instances[0]!;
    win.setBounds({ x: 100, y: 120, width: 1000, height: 700 });
    win.emit('close');
    fake.BrowserWindow.instances.length = 0;
    fake.app.emit('activate');
    expect(fake.BrowserWindow.instances[0]!.options).toMatchObject({ x: 100, y: 120, width: 1000, height: 700 });
  });
});

describe('startShell --self-check', () => {
  /** Answers the self-check's calls the way a working core would. */
  function answerCalls(core: fake.FakeUtilityProcess, sqlite: 'works' | 'broken'): void {
    core.postMessage.mockImplementation((message: unknown) => {
      const m = message as { type: string; id: number; method: string };
      core.posted.push(message);
      if (m.type === 'shutdown') setImmediate(() => core.emit('exit', 0));
      if (m.type !== 'call') return;
      const envelope =
        m.method === 'app.info' ? { ok: true, result: { version: '0.1.0' } }
        : sqlite === 'broken' ? { ok: false, error: { code: 'INTERNAL', message: 'invalid ELF header' } }
        : m.method === 'projects.create' ? { ok: true, result: { id: 'p1' } }
        : { ok: true, result: [{ id: 'p1' }] };
      setImmediate(() => core.emit('message', { type: 'reply', id: m.id, envelope }));
    });
    core.emit('spawn');
    core.emit('message', { type: 'ready', secretsBackend: 'x' });
  }

  async function selfCheck(sqlite: 'works' | 'broken') {
    process.argv = ['electron', '.', '--self-check'];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const done = startShell(dist);
    await vi.waitFor(() => expect(fake.utilityProcess.children).toHaveLength(1));
    const core = fake.utilityProcess.children[0]!;
    answerCalls(core, sqlite);
    await done;
    const line = String(write.mock.calls.find(([text]) => String(text).startsWith('{'))?.[0]);
    write.mockRestore();
    return { core, report: JSON.parse(line) as Record<string, unknown> };
  }

  it('checks the core and SQLite in a temp workspace, prints JSON and exits 0, with no window and no lock', async () => {
    const { core, report } = await selfCheck('works');
    expect(report).toMatchObject({ ok: true, version: '0.1.0', checks: [{ name: 'core', ok: true }, { name: 'sqlite', ok: true }] });
    expect(fake.app.exit).toHaveBeenCalledWith(0);
    expect(fake.BrowserWindow.instances).toHaveLength(0);
    expect(fake.app.requestSingleInstanceLock).not.toHaveBeenCalled();
    expect((core.posted[0] as { init: { workspaceDir: string } }).init.workspaceDir).toContain('simdeck-self-check-');
    expect(core.posted.at(-1)).toEqual({ type: 'shutdown' });
    expect(console.log).not.toBe(log); // log lines went to stderr, so stdout holds only the report
  });

  it('exits 1 when SQLite fails in the core', async () => {
    const { report } = await selfCheck('broken');
    expect(report).toMatchObject({ ok: false, check: 'sqlite' });
    expect(fake.app.exit).toHaveBeenCalledWith(1);
  });
});
