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

const argv = process.argv;
let dist = '';

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
  process.argv = ['electron', '.', '--workspace', '/tmp/simdeck-ws'];
  delete process.env.SIMDECK_DEV_URL;
  for (const level of ['log', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation(() => {});
});
afterEach(() => {
  fs.rmSync(path.resolve(dist, '..', '..'), { recursive: true, force: true });
  process.argv = argv;
  delete process.env.SIMDECK_DEV_URL;
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
