import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { app, BrowserWindow, FakeEvent, resetFake } from './fake-electron.js';
import { OpenRequestQueue } from './open-requests.js';
import { claimSingleInstance, listenForOpenRequests, registerProtocol } from './single-instance.js';

vi.mock('electron', () => import('./fake-electron.js'));

let dir = '';
let queue: OpenRequestQueue;
let delivered: unknown[];

beforeEach(() => {
  resetFake();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-open-'));
  delivered = [];
  queue = new OpenRequestQueue((_win, request) => void delivered.push(request));
  for (const level of ['log', 'warn'] as const) vi.spyOn(console, level).mockImplementation(() => {});
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function loadedWindow(): BrowserWindow {
  const win = new BrowserWindow({});
  queue.attach(win as unknown as Electron.BrowserWindow);
  win.webContents.emit('did-finish-load');
  return win;
}

describe('claimSingleInstance', () => {
  it('keeps going with the lock', () => {
    expect(claimSingleInstance()).toBe(true);
    expect(app.quit).not.toHaveBeenCalled();
  });

  it('quits at once without it', () => {
    app.requestSingleInstanceLock.mockReturnValue(false);
    expect(claimSingleInstance()).toBe(false);
    expect(app.quit).toHaveBeenCalled();
  });
});

describe('listenForOpenRequests', () => {
  it("opens the second instance's files (relative to its cwd) and links, and focuses the window", () => {
    fs.writeFileSync(path.join(dir, 'decoy.pdb.bz2'), '');
    listenForOpenRequests(queue);
    const win = loadedWindow();
    app.emit('second-instance', new FakeEvent(), ['simdeck', '.', 'decoy.pdb.bz2', 'simdeck://project/p1', 'nope.pdb'], dir);
    expect(delivered).toEqual([{ kind: 'file', path: path.join(dir, 'decoy.pdb.bz2') }, { kind: 'project', projectId: 'p1' }]);
    expect(win.focus).toHaveBeenCalled();
  });

  it('focuses the window on a plain second launch', () => {
    listenForOpenRequests(queue);
    const win = loadedWindow();
    app.emit('second-instance', new FakeEvent(), ['simdeck', '.'], dir);
    expect(delivered).toEqual([]);
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
  });

  it('delivers a macOS open-file that came before ready once the renderer has loaded', () => {
    listenForOpenRequests(queue);
    const event = new FakeEvent();
    app.emit('open-file', event, '/Users/ana/decoy.pkl_pose');
    expect(event.defaultPrevented).toBe(true);
    const win = new BrowserWindow({});
    queue.attach(win as unknown as Electron.BrowserWindow);
    expect(delivered).toEqual([]);
    win.webContents.emit('did-finish-load');
    expect(delivered).toEqual([{ kind: 'file', path: '/Users/ana/decoy.pkl_pose' }]);
  });

  it('opens good simdeck:// links from open-url and drops bad ones', () => {
    listenForOpenRequests(queue);
    loadedWindow();
    app.emit('open-url', new FakeEvent(), 'simdeck://job/j7');
    app.emit('open-url', new FakeEvent(), 'simdeck://job/../../etc');
    expect(delivered).toEqual([{ kind: 'job', jobId: 'j7' }]);
    expect(console.warn).toHaveBeenCalledWith(expect.stringContaining('ignored link'));
  });
});

describe('registerProtocol', () => {
  const proc = process as { defaultApp?: boolean }; // read-only in the types; Electron sets it for `electron .`
  const defaultApp = proc.defaultApp;
  afterEach(() => (proc.defaultApp = defaultApp));

  it('registers simdeck:// for the packaged executable', () => {
    proc.defaultApp = false;
    registerProtocol(['/opt/SimDeck/simdeck']);
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('simdeck');
  });

  it('in development passes the Electron executable and the app directory', () => {
    proc.defaultApp = true;
    registerProtocol(['/usr/bin/electron', '.']);
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('simdeck', process.execPath, [path.resolve('.')]);
  });
});
