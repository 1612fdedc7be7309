// The application menu. menuTemplate is pure (tested per platform); menuActions holds what the items do.
// The Edit menu uses roles because on macOS copy/paste in text fields only work through the menu's shortcuts.
import fs from 'node:fs';
import path from 'node:path';
import { clipboard, dialog, Menu, shell, type BrowserWindow, type MenuItemConstructorOptions, type OpenDialogOptions } from 'electron';
import type { CoreCaller } from './ipc.js';
import { describe, logError, logWarn } from './log.js';
import type { OpenRequestQueue } from './open-requests.js';

export const DOCS_URL = 'https://github.com/simdeck/simdeck#readme';

export interface MenuActions {
  openResultFiles(): void;
  openSettings(): void;
  openDocs(): void;
  copyDiagnostics(): void;
  openLogFolder(): void;
  /** Given by the updater (updater.ts) when this build can update itself; adds "Check for Updates…". */
  updates?: { checkNow(): void };
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  appName: string;
  actions: MenuActions;
}

type Item = MenuItemConstructorOptions;
const separator: Item = { type: 'separator' };

export function menuTemplate(options: MenuOptions): Item[] {
  const mac = options.platform === 'darwin';
  return [
    ...(mac ? [appMenu(options)] : []),
    fileMenu(options.actions, mac),
    { label: 'Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, separator, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    viewMenu(options.isPackaged),
    windowMenu(mac),
    helpMenu(options.actions),
  ];
}

function appMenu({ appName, actions }: MenuOptions): Item {
  return {
    label: appName,
    submenu: [
      { role: 'about' },
      separator,
      { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => actions.openSettings() },
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' },
    ],
  };
}

function fileMenu(actions: MenuActions, mac: boolean): Item {
  const open: Item = { label: 'Open Result File…', accelerator: 'CmdOrCtrl+O', click: () => actions.openResultFiles() };
  // On macOS Settings… lives in the app menu; elsewhere it is in File, with the same shortcut.
  const rest: Item[] = mac
    ? [separator, { role: 'close' }]
    : [separator, { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => actions.openSettings() }, separator, { role: 'quit' }];
  return { label: 'File', submenu: [open, ...rest] };
}

function viewMenu(isPackaged: boolean): Item {
  // Reload would drop the researcher's unsaved form state and DevTools is for us: development builds only.
  const dev: Item[] = isPackaged ? [] : [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, separator];
  return {
    label: 'View',
    submenu: [...dev, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, separator, { role: 'togglefullscreen' }],
  };
}

function windowMenu(mac: boolean): Item {
  const submenu: Item[] = mac ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }];
  return { label: 'Window', role: 'window', submenu };
}

function helpMenu(actions: MenuActions): Item {
  const updates: Item[] = actions.updates ? [separator, { label: 'Check for Updates…', click: () => actions.updates?.checkNow() }] : [];
  return {
    label: 'Help',
    role: 'help',
    submenu: [
      { label: 'SimDeck Documentation', click: () => actions.openDocs() },
      separator,
      { label: 'Copy Diagnostics', click: () => actions.copyDiagnostics() },
      { label: 'Open Log Folder', click: () => actions.openLogFolder() },
      ...updates,
    ],
  };
}

export function installMenu(options: MenuOptions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(options)));
}

export interface ActionDeps {
  core: CoreCaller;
  queue: OpenRequestQueue;
  workspaceDir: string;
  window(): BrowserWindow | null;
  updates?: { checkNow(): void };
}

/** What PyRosettaCluster leaves behind: decoys (.pdb, .pdb.bz2, .pkl_pose, .b64_pose), scorefiles and .init files. */
export const RESULT_FILTERS: OpenDialogOptions['filters'] = [
  { name: 'PyRosettaCluster results', extensions: ['pdb', 'bz2', 'pkl_pose', 'b64_pose', 'json', 'csv', 'txt', 'init'] },
  { name: 'Decoys', extensions: ['pdb', 'bz2', 'pkl_pose', 'b64_pose'] },
  { name: 'Scorefiles', extensions: ['json', 'csv', 'txt'] },
  { name: 'Initialization files', extensions: ['init'] },
  { name: 'All files', extensions: ['*'] },
];

export function menuActions(deps: ActionDeps): MenuActions {
  return {
    openResultFiles: () => void openResultFiles(deps).catch((err: unknown) => logError('the open dialog failed', err)),
    openSettings: () => deps.queue.push([{ kind: 'settings' }]),
    openDocs: () => void shell.openExternal(DOCS_URL).catch((err: unknown) => logError('could not open the documentation', err)),
    copyDiagnostics: () => void copyDiagnostics(deps.core, deps.window),
    openLogFolder: () => void openLogFolder(deps.workspaceDir),
    updates: deps.updates,
  };
}

async function openResultFiles(deps: ActionDeps): Promise<void> {
  const options: OpenDialogOptions = { title: 'Open Result File', properties: ['openFile', 'multiSelections'], filters: RESULT_FILTERS };
  const win = deps.window();
  const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  if (!picked.canceled) deps.queue.push(picked.filePaths.map((file) => ({ kind: 'file' as const, path: file })));
}

/** Resolves to whether the diagnostics reached the clipboard; a failure is shown, since the user asked for them. */
export async function copyDiagnostics(core: CoreCaller, window: () => BrowserWindow | null): Promise<boolean> {
  let message: string;
  try {
    const reply = await core.call('app.diagnostics', {});
    if (reply.ok) {
      clipboard.writeText((reply.result as { text: string }).text);
      return true;
    }
    message = reply.error.message;
  } catch (err) {
    message = describe(err);
  }
  logWarn(`could not copy diagnostics: ${message}`);
  const box = { type: 'warning' as const, message: 'SimDeck could not collect its diagnostics.', detail: message };
  const win = window();
  await (win ? dialog.showMessageBox(win, box) : dialog.showMessageBox(box));
  return false;
}

export async function openLogFolder(workspaceDir: string): Promise<void> {
  const dir = path.join(workspaceDir, 'logs');
  try {
    fs.mkdirSync(dir, { recursive: true }); // may not exist before the first log line; an empty folder still answers "where"
    const problem = await shell.openPath(dir);
    if (problem) logWarn(`could not open ${dir}: ${problem}`);
  } catch (err) {
    logError(`could not open ${dir}`, err);
  }
}
