// Wires the Electron shell together: hardening, the core process, IPC and the window. main.ts only calls this.
import fs from 'node:fs';
import { app, BrowserWindow, session } from 'electron';
import { createAppUrlCheck, httpOrigin } from './app-url.js';
import { CoreProcess } from './core-process.js';
import { registerIpc, sendEvent } from './ipc.js';
import { notifyAlert } from './notify.js';
import { coreEnv, shellPaths } from './paths.js';
import { CSP, devCsp, hardenAllWebContents, hardenSession } from './security.js';
import { vaultBackendName } from './vault.js';
import { createMainWindow } from './window.js';
import { workspaceDir } from './workspace-dir.js';

export async function startShell(distNodeDir: string): Promise<void> {
  // The dev server is honoured only in an unpackaged app, so a stray env var cannot repoint a release build.
  const devUrl = (!app.isPackaged && process.env.SIMDECK_DEV_URL) || undefined;
  const paths = shellPaths(distNodeDir);
  requireBuilt([paths.coreHost, paths.preload, ...(devUrl ? [] : [paths.indexHtml])]);
  const isAppUrl = createAppUrlCheck({ indexFile: paths.indexHtml, devUrl });
  hardenAllWebContents(isAppUrl);
  const dir = workspaceDir();
  await app.whenReady();
  hardenSession(session.defaultSession, devUrl ? devCsp(httpOrigin(devUrl)) : CSP);

  let win: BrowserWindow | null = null;
  const core = new CoreProcess({
    modulePath: paths.coreHost,
    init: { shell: 'electron', workspaceDir: dir, vault: 'shell', vaultBackend: vaultBackendName(), version: app.getVersion() },
    env: coreEnv(process.env, app.getAppPath()),
    onEvent: (event, payload) => {
      sendEvent(win, event, payload);
      notifyAlert(event, payload, () => win);
    },
  });
  registerIpc(core, isAppUrl);
  core.start();
  const open = () => (win = createMainWindow({ preload: paths.preload, indexHtml: paths.indexHtml, devUrl, isAppUrl }));
  open();
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && open()); // macOS dock click
  // Let the core close the workspace cleanly before the app exits.
  app.on('before-quit', (event) => {
    if (core.status === 'stopped') return;
    event.preventDefault();
    void core.stop().finally(() => app.quit());
  });
}

/** A clear message beats a blank window or a core that crash-loops on a missing file. */
function requireBuilt(files: string[]): void {
  const missing = files.filter((file) => !fs.existsSync(file));
  if (missing.length) throw new Error(`SimDeck is not built (missing ${missing.join(', ')}). Run \`npm run build\` first.`);
}
