// Wires the Electron shell together: single instance, hardening, the core process, IPC, the window and the OS
// integration (menu, tray, open requests, window position). main.ts only calls this.
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, session } from 'electron';
import { DEFAULT_APP_SETTINGS, type AppSettings } from '../../shared/app.js';
import type { EventName } from '../../shared/contract.js';
import { createAppUrlCheck, httpOrigin, type AppUrlCheck } from './app-url.js';
import { CoreProcess } from './core-process.js';
import { registerIpc, sendEvent } from './ipc.js';
import { installMenu, menuActions, type MenuActions } from './menu.js';
import { notifyAlert } from './notify.js';
import { openRequestsFromArgv, OpenRequestQueue } from './open-requests.js';
import { coreEnv, shellPaths, type ShellPaths } from './paths.js';
import { CSP, devCsp, hardenAllWebContents, hardenSession } from './security.js';
import { isSelfCheck, keepStdoutForReport, runSelfCheck, unpackedAppPath } from './self-check.js';
import { claimSingleInstance, listenForOpenRequests, registerProtocol } from './single-instance.js';
import { startUpdater, type Updater } from './updater.js';
import { logError, logInfo, logToFile, logWarn } from './log.js';
import { reportShellErrors } from './shell-errors.js';
import { ActivityTray, trayIcon, trayIconCandidates } from './tray.js';
import { vaultBackendName } from './vault.js';
import { createMainWindow, WINDOW_TITLE } from './window.js';
import { restoreWindowState, trackWindowState, windowStateFile } from './window-state.js';
import { workspaceDir } from './workspace-dir.js';

interface Preflight {
  paths: ShellPaths;
  devUrl?: string;
  isAppUrl: AppUrlCheck;
  dir: string;
}

export async function startShell(distNodeDir: string): Promise<void> {
  if (isSelfCheck(process.argv)) return selfCheck(shellPaths(distNodeDir)); // no lock: CI may run it beside a dev app
  if (!claimSingleInstance()) return; // the running SimDeck has our command line; we quit
  let reopen = (): void => {};
  const queue = new OpenRequestQueue((win, request) => sendEvent(win, 'app.open', request), () => reopen());
  listenForOpenRequests(queue); // before 'ready': macOS sends the launching file early
  queue.push(openRequestsFromArgv(process.argv, process.cwd(), { isPackaged: app.isPackaged }));
  const pre = preflight(distNodeDir);
  await app.whenReady();
  hardenSession(session.defaultSession, pre.devUrl ? devCsp(httpOrigin(pre.devUrl)) : CSP);
  registerProtocol();
  reopen = startApp(pre, queue);
}

/** Everything that can fail before the app is ready, so a broken build or flag fails before a window flashes. */
function preflight(distNodeDir: string): Preflight {
  // The dev server is honoured only in an unpackaged app, so a stray env var cannot repoint a release build.
  const devUrl = (!app.isPackaged && process.env.SIMDECK_DEV_URL) || undefined;
  const paths = shellPaths(distNodeDir);
  requireBuilt([paths.coreHost, paths.preload, ...(devUrl ? [] : [paths.indexHtml])]);
  const isAppUrl = createAppUrlCheck({ indexFile: paths.indexHtml, devUrl });
  hardenAllWebContents(isAppUrl);
  const dir = workspaceDir();
  logToFile(path.join(dir, 'logs'));
  return { paths, devUrl, isAppUrl, dir };
}

/** Starts the core and the window; returns the function that opens the window again (macOS dock, tray, open request). */
function startApp(pre: Preflight, queue: OpenRequestQueue): () => void {
  const ui: { win: BrowserWindow | null; tray: ActivityTray | null; updater: Updater | null } = { win: null, tray: null, updater: null };
  const core = createCore(pre.paths, pre.dir, (event, payload) => {
    sendEvent(ui.win, event, payload);
    notifyAlert(event, payload, () => ui.win);
    ui.tray?.onCoreEvent(event);
    if (event === 'app.settings') ui.updater?.apply((payload as AppSettings).updates); // the Settings switch, live
  });
  registerIpc(core, pre.isAppUrl);
  reportShellErrors(process, (report) => sendEvent(ui.win, 'app.error', report));
  core.start();
  const open = windowOpener(pre, queue, (win) => {
    ui.win = win;
    // A reloaded renderer has lost the updater's state; give it the current one.
    win.webContents.on('did-finish-load', () => ui.updater && sendEvent(win, 'app.update', ui.updater.status()));
  });
  open();
  const menu = (updates?: MenuActions['updates']) => {
    const actions = menuActions({ core, queue, workspaceDir: pre.dir, window: () => ui.win, updates });
    installMenu({ platform: process.platform, isPackaged: app.isPackaged, appName: WINDOW_TITLE, actions });
  };
  menu();

  void startUpdates(core, () => ui.win, menu).then((updater) => (ui.updater = updater));
  ui.tray = startTray(core, () => queue.push([]));
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && open()); // macOS dock click
  stopCoreBeforeQuit(core, () => {
    ui.tray?.dispose();
    ui.updater?.dispose();
  });
  return open;
}

/** Opens the window where it was last time, remembers where it goes, and routes open requests to it. */
function windowOpener(pre: Preflight, queue: OpenRequestQueue, opened: (win: BrowserWindow) => void): () => void {
  const stateFile = windowStateFile(app.getPath('userData'));
  return () => {
    const state = restoreWindowState(stateFile);
    const win = createMainWindow({ preload: pre.paths.preload, indexHtml: pre.paths.indexHtml, devUrl: pre.devUrl, isAppUrl: pre.isAppUrl, state });
    trackWindowState(win, stateFile, state);
    queue.attach(win);
    opened(win);
  };
}

/** The core exactly as the app runs it; the self-check uses the same, with its own workspace. */
function createCore(paths: ShellPaths, dir: string, onEvent: (event: EventName, payload: unknown) => void): CoreProcess {
  return new CoreProcess({
    modulePath: paths.coreHost,
    init: { shell: 'electron', workspaceDir: dir, vault: 'shell', vaultBackend: vaultBackendName(), version: app.getVersion() },
    env: coreEnv(process.env, unpackedAppPath(app.getAppPath())),
    onEvent,
  });
}

function startTray(core: CoreProcess, show: () => void): ActivityTray {
  const icon = trayIcon(trayIconCandidates(app.isPackaged, app.getAppPath(), process.resourcesPath ?? ''));
  const tray = new ActivityTray({ core, icon, show, quit: () => app.quit() });
  tray.start();
  return tray;
}

/**
 * The updater starts once the core and the first window exist, with the Settings read from the workspace; the
 * menu is rebuilt with it so Help gets "Check for Updates…" (not in a dev build, which never updates itself).
 */
async function startUpdates(core: CoreProcess, win: () => BrowserWindow | null, menu: (updates?: MenuActions['updates']) => void): Promise<Updater> {
  const updater = await startUpdater({
    app,
    dialog,
    window: win,
    onStatus: (status) => sendEvent(win(), 'app.update', status),
    log: { info: logInfo, warn: logWarn, error: (m) => logError(m) },
  });
  if (updater.status().state !== 'unsupported') menu(updater);
  const settings = await core.call('app.settings', {});
  updater.apply(settings.ok ? (settings.result as AppSettings).updates : DEFAULT_APP_SETTINGS.updates);
  return updater;
}

// Let the core close the workspace cleanly before the app exits.
function stopCoreBeforeQuit(core: CoreProcess, dispose: () => void): void {
  app.on('before-quit', (event) => {
    if (core.status === 'stopped') return dispose();
    event.preventDefault();
    void core.stop().finally(() => app.quit());
  });
}

async function selfCheck(paths: ShellPaths): Promise<void> {
  keepStdoutForReport();
  await app.whenReady();
  const appDir = unpackedAppPath(app.getAppPath());
  const code = await runSelfCheck({
    createCore: (dir) => createCore(paths, dir, () => {}),
    // Packaged: everything electron-builder unpacked. Development: only the Electron build of SQLite, since
    // node_modules holds Node-ABI modules for the browser shell that Electron cannot load.
    nativeDir: app.isPackaged ? appDir : path.join(appDir, '.electron-native'),
    version: app.getVersion(),
  });
  app.exit(code);
}

/** A clear message beats a blank window or a core that crash-loops on a missing file. */
function requireBuilt(files: string[]): void {
  const missing = files.filter((file) => !fs.existsSync(file));
  if (missing.length) throw new Error(`SimDeck is not built (missing ${missing.join(', ')}). Run \`npm run build\` first.`);
}
