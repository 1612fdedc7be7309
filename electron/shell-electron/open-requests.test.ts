import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL } from '../../shared/contract.js';
import { BrowserWindow, resetFake } from './fake-electron.js';
import { sendEvent } from './ipc.js';
import { openRequestsFromArgv, OpenRequestQueue, parseDeepLink } from './open-requests.js';

vi.mock('electron', () => import('./fake-electron.js'));

beforeEach(() => {
  resetFake();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

describe('parseDeepLink', () => {
  it('opens a project or a job by id', () => {
    expect(parseDeepLink('simdeck://project/p_01-AB')).toEqual({ ok: true, request: { kind: 'project', projectId: 'p_01-AB' } });
    expect(parseDeepLink('simdeck://job/j42')).toEqual({ ok: true, request: { kind: 'job', jobId: 'j42' } });
    expect(parseDeepLink('SimDeck://Job/j42/')).toEqual({ ok: true, request: { kind: 'job', jobId: 'j42' } }); // Windows adds the slash
    expect(parseDeepLink(`simdeck://job/${'a'.repeat(64)}`).ok).toBe(true);
  });

  it('refuses other schemes', () => {
    expect(parseDeepLink('https://project/abc')).toEqual({ ok: false, reason: 'not a simdeck: link' });
    expect(parseDeepLink('file:///etc/passwd').ok).toBe(false);
  });

  it('refuses bad ids, unknown kinds and the opaque form', () => {
    for (const url of [
      'simdeck://project/',
      `simdeck://job/${'a'.repeat(65)}`,
      'simdeck://job/a b',
      'simdeck://job/%2e%2e',
      'simdeck://file/etc/passwd',
      'simdeck://settings',
      'simdeck:project/abc',
      'simdeck://job/abc?x=1',
    ]) {
      expect(parseDeepLink(url), url).toMatchObject({ ok: false, reason: expect.stringContaining('simdeck://project/<id>') });
    }
  });

  it('refuses path traversal and extra segments rather than normalising them', () => {
    expect(parseDeepLink('simdeck://project/../job/abc').ok).toBe(false);
    expect(parseDeepLink('simdeck://project/abc/../../x').ok).toBe(false);
    expect(parseDeepLink('simdeck://project/abc/def').ok).toBe(false);
    expect(parseDeepLink('simdeck://project/abc//').ok).toBe(false);
  });
});

describe('openRequestsFromArgv', () => {
  const cwd = path.resolve('/home/ana/runs');
  const existing = new Set([path.resolve(cwd, 'decoy.pdb.bz2'), path.resolve('/data/scores.json'), path.resolve(cwd, 'out/x.pkl_pose')]);
  const isFile = (file: string) => existing.has(file);

  it('in development skips the executable and the app path, flags and the --workspace value', () => {
    const argv = ['/usr/bin/electron', '.', '--workspace', '/tmp/ws', '--enable-logging', '--lang=en', 'decoy.pdb.bz2', 'simdeck://job/j1'];
    expect(openRequestsFromArgv(argv, cwd, { isPackaged: false, isFile })).toEqual([
      { kind: 'file', path: path.resolve(cwd, 'decoy.pdb.bz2') },
      { kind: 'job', jobId: 'j1' },
    ]);
  });

  it('in a packaged app treats argv[1] as something to open', () => {
    const argv = ['/opt/SimDeck/simdeck', 'decoy.pdb.bz2', '--workspace=/tmp/ws', path.resolve('/data/scores.json')];
    expect(openRequestsFromArgv(argv, cwd, { isPackaged: true, isFile })).toEqual([
      { kind: 'file', path: path.resolve(cwd, 'decoy.pdb.bz2') },
      { kind: 'file', path: path.resolve('/data/scores.json') },
    ]);
  });

  it("resolves relative paths against the second instance's working directory", () => {
    expect(openRequestsFromArgv(['simdeck', 'out/x.pkl_pose'], cwd, { isPackaged: true, isFile })).toEqual([
      { kind: 'file', path: path.resolve(cwd, 'out/x.pkl_pose') },
    ]);
  });

  it('ignores missing files, directories and bad links', () => {
    const argv = ['simdeck', 'missing.pdb', '.', 'simdeck://file/etc/passwd', 'simdeck://project/p1'];
    expect(openRequestsFromArgv(argv, cwd, { isPackaged: true, isFile })).toEqual([{ kind: 'project', projectId: 'p1' }]);
  });

  it('finds nothing in a plain launch', () => {
    expect(openRequestsFromArgv(['electron', '.'], cwd, { isPackaged: false, isFile })).toEqual([]);
    expect(openRequestsFromArgv(['simdeck'], cwd, { isPackaged: true, isFile })).toEqual([]);
  });
});

describe('OpenRequestQueue', () => {
  const deliver = (win: Electron.BrowserWindow, request: unknown) => sendEvent(win, 'app.open', request);
  const sent = (win: BrowserWindow) => win.webContents.send.mock.calls.map(([, message]) => (message as { payload: unknown }).payload);

  it('holds requests until the renderer has loaded, then sends them in order; later ones go straight through', () => {
    const queue = new OpenRequestQueue(deliver);
    queue.push([{ kind: 'project', projectId: 'p1' }]); // before any window (macOS open-file before ready)
    const win = new BrowserWindow({});
    queue.attach(win as unknown as Electron.BrowserWindow);
    queue.push([{ kind: 'job', jobId: 'j1' }]);
    expect(win.webContents.send).not.toHaveBeenCalled();
    win.webContents.emit('did-finish-load');
    expect(sent(win)).toEqual([{ kind: 'project', projectId: 'p1' }, { kind: 'job', jobId: 'j1' }]);
    queue.push([{ kind: 'settings' }]);
    expect(win.webContents.send).toHaveBeenLastCalledWith(EVENT_CHANNEL, { event: 'app.open', payload: { kind: 'settings' } });
  });

  it('brings the window forward for every request', () => {
    const queue = new OpenRequestQueue(deliver);
    const win = new BrowserWindow({});
    win.isMinimized.mockReturnValue(true);
    queue.attach(win as unknown as Electron.BrowserWindow);
    queue.push([]);
    expect(win.restore).toHaveBeenCalled();
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
  });

  it('reopens a closed window and delivers to the new one once it has loaded', () => {
    const queue: OpenRequestQueue = new OpenRequestQueue(deliver, () => queue.attach(next as unknown as Electron.BrowserWindow));
    const first = new BrowserWindow({});
    const next = new BrowserWindow({});
    queue.attach(first as unknown as Electron.BrowserWindow);
    first.webContents.emit('did-finish-load');
    first.destroyed = true;
    queue.push([{ kind: 'job', jobId: 'j2' }]);
    expect(next.webContents.send).not.toHaveBeenCalled();
    next.webContents.emit('did-finish-load');
    expect(sent(next)).toEqual([{ kind: 'job', jobId: 'j2' }]);
    expect(next.focus).toHaveBeenCalled();
  });
});
