// The single SimDeck window: secure webPreferences, hidden until the first paint so it never flashes white,
// and loading either the built renderer from disk or the Vite dev server.
import { BrowserWindow } from 'electron';
import type { AppUrlCheck } from './app-url.js';
import { logError } from './log.js';
import { hardenWebContents, secureWebPreferences } from './security.js';
import { DEFAULT_SIZE, type WindowState } from './window-state.js';

export interface WindowOptions {
  preload: string;
  indexHtml: string;
  devUrl?: string;
  isAppUrl: AppUrlCheck;
  /** Restored size, position and maximized / full screen (window-state.ts); centered at the default size without. */
  state?: WindowState;
}

export const WINDOW_TITLE = 'SimDeck';

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    title: WINDOW_TITLE,
    ...(options.state?.bounds ?? DEFAULT_SIZE),
    minWidth: 960,
    minHeight: 600,
    show: false,
    backgroundColor: '#111418',
    webPreferences: secureWebPreferences(options.preload),
  });
  hardenWebContents(win.webContents, options.isAppUrl); // also done by 'web-contents-created'; idempotent
  win.once('ready-to-show', () => {
    if (options.state?.maximized) win.maximize();
    if (options.state?.fullScreen) win.setFullScreen(true);
    win.show();
  });
  win.webContents.on('did-fail-load', (_event, code, description, url) =>
    logError(`could not load ${url} (${code} ${description}); run \`npm run build\` first`),
  );
  win.webContents.on('render-process-gone', (_event, details) => logError(`renderer gone: ${details.reason}`));
  const loading = options.devUrl ? win.loadURL(options.devUrl) : win.loadFile(options.indexHtml);
  loading.catch((err: unknown) => logError('the window failed to load', err));
  return win;
}
