import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Envelope } from '../../shared/transport.js';
import { BrowserWindow, clipboard, dialog, Menu, resetFake, shell } from './fake-electron.js';
import { DOCS_URL, installMenu, menuActions, menuTemplate, RESULT_FILTERS, type MenuActions } from './menu.js';
import { OpenRequestQueue } from './open-requests.js';

vi.mock('electron', () => import('./fake-electron.js'));

type Item = MenuItemConstructorOptions;
const actions = (): MenuActions => ({
  openResultFiles: vi.fn(),
  openSettings: vi.fn(),
  openDocs: vi.fn(),
  copyDiagnostics: vi.fn(),
  openLogFolder: vi.fn(),
});

/** Every item, depth first. */
function items(template: Item[]): Item[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu as Item[]) : [])]);
}
const byLabel = (template: Item[], label: string) => items(template).find((i) => i.label === label);
const roles = (template: Item[]) => items(template).map((i) => i.role).filter(Boolean);
const click = (item: Item | undefined) => (item?.click as (() => void) | undefined)?.();

beforeEach(() => {
  resetFake();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

describe('menuTemplate', () => {
  it('on macOS has the app menu with Settings… (Cmd+,) and the standard roles', () => {
    const a = actions();
    const t = menuTemplate({ platform: 'darwin', isPackaged: true, appName: 'SimDeck', actions: a });
    expect(t.map((m) => m.label)).toEqual(['SimDeck', 'File', 'Edit', 'View', 'Window', 'Help']);
    expect(roles([t[0]!])).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    const settings = items(t).filter((i) => i.label === 'Settings…');
    expect(settings).toHaveLength(1); // in the app menu only, not also in File
    expect(settings[0]!.accelerator).toBe('CmdOrCtrl+,');
    click(settings[0]);
    expect(a.openSettings).toHaveBeenCalled();
    expect(roles(t)).toEqual(expect.arrayContaining(['close', 'zoom', 'front']));
  });

  it('on Windows/Linux has no app menu; Settings… and Quit are in File', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const t = menuTemplate({ platform, isPackaged: true, appName: 'SimDeck', actions: actions() });
      expect(t.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
      const file = t[0]!.submenu as Item[];
      expect(file.find((i) => i.label === 'Settings…')?.accelerator).toBe('CmdOrCtrl+,');
      expect(file.at(-1)?.role).toBe('quit');
      expect(roles(t)).not.toContain('about');
    }
  });

  it('has Open Result File… on CmdOrCtrl+O and the Edit roles text fields need', () => {
    const a = actions();
    const t = menuTemplate({ platform: 'linux', isPackaged: true, appName: 'SimDeck', actions: a });
    const open = byLabel(t, 'Open Result File…');
    expect(open?.accelerator).toBe('CmdOrCtrl+O');
    click(open);
    expect(a.openResultFiles).toHaveBeenCalled();
    expect(roles(t)).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']));
    expect(roles(t)).toEqual(expect.arrayContaining(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen', 'minimize']));
  });

  it('offers reload and DevTools only in an unpackaged app', () => {
    const dev = menuTemplate({ platform: 'linux', isPackaged: false, appName: 'SimDeck', actions: actions() });
    const release = menuTemplate({ platform: 'linux', isPackaged: true, appName: 'SimDeck', actions: actions() });
    expect(roles(dev)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
    expect(roles(release)).not.toContain('toggleDevTools');
    expect(roles(release)).not.toContain('reload');
  });

  it('shows Check for Updates… only with the updates hook', () => {
    expect(byLabel(menuTemplate({ platform: 'linux', isPackaged: true, appName: 'SimDeck', actions: actions() }), 'Check for Updates…')).toBeUndefined();
    const checkNow = vi.fn();
    const t = menuTemplate({ platform: 'linux', isPackaged: true, appName: 'SimDeck', actions: { ...actions(), updates: { checkNow } } });
    click(byLabel(t, 'Check for Updates…'));
    expect(checkNow).toHaveBeenCalled();
  });

  it('Help opens the documentation, copies diagnostics and opens the log folder', () => {
    const a = actions();
    const t = menuTemplate({ platform: 'win32', isPackaged: true, appName: 'SimDeck', actions: a });
    ['SimDeck Documentation', 'Copy Diagnostics', 'Open Log Folder'].forEach((label) => click(byLabel(t, label)));
    expect(a.openDocs).toHaveBeenCalled();
    expect(a.copyDiagnostics).toHaveBeenCalled();
    expect(a.openLogFolder).toHaveBeenCalled();
  });

  it('installMenu sets the built template as the application menu', () => {
    installMenu({ platform: 'linux', isPackaged: true, appName: 'SimDeck', actions: actions() });
    expect(Menu.setApplicationMenu).toHaveBeenCalledWith(Menu.built[0]);
    expect((Menu.application?.template as Item[]).map((m) => m.label)).toContain('Help');
  });
});

describe('menuActions', () => {
  const reply = (envelope: Envelope) => ({ call: vi.fn(() => Promise.resolve(envelope)) });
  const setup = (core = reply({ ok: true, result: { text: 'SimDeck 0.1.0\nlinux x64' } }), workspaceDir = '/ws') => {
    const delivered: unknown[] = [];
    const queue = new OpenRequestQueue((_w, r) => void delivered.push(r));
    const win = new BrowserWindow({});
    queue.attach(win as unknown as Electron.BrowserWindow);
    win.webContents.emit('did-finish-load');
    const a = menuActions({ core, queue, workspaceDir, window: () => win as unknown as Electron.BrowserWindow });
    return { a, core, delivered };
  };

  it("Copy Diagnostics writes the core's text to the clipboard", async () => {
    const { a, core } = setup();
    a.copyDiagnostics();
    await vi.waitFor(() => expect(clipboard.writeText).toHaveBeenCalledWith('SimDeck 0.1.0\nlinux x64'));
    expect(core.call).toHaveBeenCalledWith('app.diagnostics', {});
  });

  it('Copy Diagnostics says so when the core cannot answer', async () => {
    const { a } = setup(reply({ ok: false, error: { code: 'UNAVAILABLE', message: 'core restarting' } }));
    a.copyDiagnostics();
    await vi.waitFor(() => expect(dialog.showMessageBox).toHaveBeenCalled());
    expect(dialog.showMessageBox.mock.calls[0]!.at(-1)).toMatchObject({ detail: 'core restarting' });
    expect(clipboard.writeText).not.toHaveBeenCalled();
  });

  it('Open Result File… offers the PyRosettaCluster result types and opens what was picked', async () => {
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/r/decoy.pdb.bz2', '/r/scores.json'] });
    const { a, delivered } = setup();
    a.openResultFiles();
    await vi.waitFor(() => expect(delivered).toHaveLength(2));
    expect(delivered).toEqual([{ kind: 'file', path: '/r/decoy.pdb.bz2' }, { kind: 'file', path: '/r/scores.json' }]);
    expect(dialog.showOpenDialog.mock.calls[0]!.at(-1)).toMatchObject({ filters: RESULT_FILTERS, properties: expect.arrayContaining(['openFile']) });
    const extensions = RESULT_FILTERS!.flatMap((f) => f.extensions);
    expect(extensions).toEqual(expect.arrayContaining(['pdb', 'bz2', 'pkl_pose', 'b64_pose', 'json', 'csv', 'txt', 'init']));
  });

  it('Settings… sends an app.open settings request; docs and logs open outside', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-ws-'));
    const { a, delivered } = setup(undefined, ws);
    a.openSettings();
    expect(delivered).toEqual([{ kind: 'settings' }]);
    a.openDocs();
    expect(shell.openExternal).toHaveBeenCalledWith(DOCS_URL);
    expect(DOCS_URL).toMatch(/^https:\/\//);
    a.openLogFolder();
    await vi.waitFor(() => expect(shell.openPath).toHaveBeenCalledWith(path.join(ws, 'logs')));
    fs.rmSync(ws, { recursive: true, force: true });
  });
});
