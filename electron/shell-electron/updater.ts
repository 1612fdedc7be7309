// SimDeck's self-update (electron-updater): check shortly after start and then daily, download in the background,
// and ASK before restarting; a "Later" installs on quit. Researchers run long jobs from this app, so nothing here
// restarts it on its own, and automatic checks never pop up dialogs (an offline laptop is not an event).
// Everything Electron-specific is injected so the logic runs in unit tests against a fake autoUpdater.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BrowserWindow, Dialog, MessageBoxOptions } from 'electron';
import type { AppUpdater } from 'electron-updater';
import { load as loadYaml } from 'js-yaml';
import type { UpdateSettings, UpdateStatus } from '../../shared/app.js';

export const START_DELAY_MS = 10_000; // let the window and the core settle before the first network call
export const CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** The part of electron-updater's AppUpdater SimDeck uses (its events: checking-for-update … error). */
export interface AutoUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowPrerelease: boolean;
  /** electron-updater's own messages (feed URLs, download sizes): into the shell's log, not a bare console. */
  logger?: Log | null;
  on(event: string, listener: (arg: never) => void): unknown;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  setFeedURL(options: unknown): void;
}

/** A native message box: resolves to the index of the button pressed. */
export type Ask = (box: { message: string; detail?: string; buttons: string[]; defaultId?: number; cancelId?: number }) => Promise<number>;

export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

type Timers = Pick<typeof globalThis, 'setTimeout' | 'clearTimeout' | 'setInterval' | 'clearInterval'>;

export interface UpdaterDeps {
  /** Fetched only when updates can run (packaged, not turned off), so a dev build never loads electron-updater. */
  autoUpdater: () => AutoUpdaterLike;
  ask: Ask;
  isPackaged: boolean;
  /** Why updates cannot run although the app is packaged (electron-updater failed to load); null when they can. */
  broken?: string | null;
  version: string;
  env: Record<string, string | undefined>;
  onStatus: (status: UpdateStatus) => void;
  log: Log;
  /** The feed the release was built with (app-update.yml), restored when the Settings override is cleared. */
  defaultFeed?: () => unknown;
  now?: () => Date;
  timers?: Timers;
}

export interface Updater {
  /** Applies the Settings at once: on/off, feed override. No check runs before the first apply(). */
  apply(settings: UpdateSettings): void;
  /** The menu's "Check for Updates…": like the daily check, but reports the outcome in a dialog. */
  checkNow(): Promise<void>;
  /** The latest status, to re-send after the renderer reloads. */
  status(): UpdateStatus;
  dispose(): void;
}

export const ENV_DISABLED_MESSAGE = 'Updates are turned off on this machine (SIMDECK_DISABLE_UPDATES=1).';
export const UNSUPPORTED_MESSAGE = 'SimDeck updates apply to installed builds; this copy runs unpacked.';

export function createUpdater(deps: UpdaterDeps): Updater {
  const timers = deps.timers ?? globalThis;
  const now = deps.now ?? (() => new Date());
  const envDisabled = deps.env.SIMDECK_DISABLE_UPDATES === '1';
  let current: UpdateStatus = initialStatus(deps, envDisabled);
  let updater: AutoUpdaterLike | null = null;
  let handles: { start: ReturnType<Timers['setTimeout']>; daily: ReturnType<Timers['setInterval']> } | null = null;
  let inFlight: Promise<void> | null = null;
  let feed: string | null = null;
  const asked = new Set<string>();

  const set = (patch: Partial<UpdateStatus>) => {
    const next = { ...current, ...patch };
    if (JSON.stringify(next) === JSON.stringify(current)) return; // 'error' arrives as an event and a rejection
    current = next;
    deps.onStatus(current);
  };

  /** Created on first use, with the listeners that turn electron-updater's events into UpdateStatus. */
  const instance = (): AutoUpdaterLike => {
    if (updater) return updater;
    const u = deps.autoUpdater();
    u.allowPrerelease = false;
    u.on('checking-for-update', () => set({ state: 'checking', percent: null, message: 'Checking for updates…' }));
    u.on('update-available', (info: { version: string }) =>
      set({ state: 'downloading', available: info.version, percent: 0, message: `Downloading SimDeck ${info.version}…` }),
    );
    u.on('update-not-available', () =>
      set({ state: 'idle', available: null, percent: null, checkedAt: now().toISOString(), message: `SimDeck ${deps.version} is up to date.` }),
    );
    u.on('download-progress', (p: { percent: number }) => {
      const percent = Math.max(0, Math.min(100, Math.round(p.percent)));
      set({ state: 'downloading', percent, message: `Downloading SimDeck ${current.available ?? 'update'} (${percent}%)…` });
    });
    u.on('update-downloaded', (info: { version: string }) => {
      set({ state: 'ready', available: info.version, percent: 100, message: `SimDeck ${info.version} is ready; it installs when SimDeck restarts.` });
      if (!asked.has(info.version)) void askRestart(info.version);
    });
    u.on('error', (err: unknown) => fail(err));
    return (updater = u);
  };

  const fail = (err: unknown) => {
    const message = describeUpdateError(err);
    deps.log.warn(`update check failed: ${message}`);
    set({ state: 'error', percent: null, checkedAt: now().toISOString(), message });
  };

  const askRestart = async (version: string) => {
    asked.add(version);
    const choice = await deps.ask({
      message: `SimDeck ${version} is ready to install.`,
      detail: 'Restarting closes SimDeck for a moment; jobs on clusters keep running. "Later" installs it when you quit.',
      buttons: ['Restart now', 'Later'],
      defaultId: 0,
      cancelId: 1,
    });
    if (choice === 0) instance().quitAndInstall(true, true); // silent installer, then start SimDeck again
  };

  const running = () => handles !== null;

  /** One check at a time; a download in progress or a downloaded update makes a new check pointless. */
  const check = (): Promise<void> => {
    if (inFlight) return inFlight;
    if (!running() || current.state === 'downloading' || current.state === 'ready') return Promise.resolve();
    set({ state: 'checking', percent: null, message: 'Checking for updates…' });
    inFlight = instance()
      .checkForUpdates()
      .then((result) => {
        // null: electron-updater found nothing it can update (e.g. a Linux .tar.gz or Snap rather than AppImage/deb/rpm).
        if (result === null) set({ state: 'unsupported', percent: null, message: 'This kind of install does not update itself; use the AppImage, .deb or .rpm, or your package manager.' });
      })
      .catch(fail)
      .finally(() => (inFlight = null));
    return inFlight;
  };

  const stop = () => {
    if (!handles) return;
    timers.clearTimeout(handles.start);
    timers.clearInterval(handles.daily);
    handles = null;
  };

  const start = () => {
    if (handles) return;
    handles = { start: timers.setTimeout(() => void check(), START_DELAY_MS), daily: timers.setInterval(() => void check(), CHECK_INTERVAL_MS) };
  };

  const applyFeed = (u: AutoUpdaterLike, feedUrl: string | null) => {
    if (feedUrl === feed) return;
    if (feedUrl) u.setFeedURL({ provider: 'generic', url: feedUrl });
    else {
      const fallback = deps.defaultFeed?.();
      if (fallback) u.setFeedURL(fallback);
    }
    feed = feedUrl;
  };

  const apply = (settings: UpdateSettings) => {
    if (!deps.isPackaged || deps.broken) return; // unpacked (or no updater): never touch electron-updater
    if (envDisabled || !settings.enabled) {
      stop();
      if (updater) updater.autoDownload = updater.autoInstallOnAppQuit = false; // "off" also means no install on quit
      set({ state: 'disabled', percent: null, message: envDisabled ? ENV_DISABLED_MESSAGE : 'Updates are turned off in Settings.' });
      return;
    }
    const u = instance();
    u.autoDownload = true;
    u.autoInstallOnAppQuit = true;
    const feedChanged = feedUrl(settings) !== feed;
    applyFeed(u, feedUrl(settings));
    if (current.state === 'disabled') set({ state: 'idle', message: 'SimDeck checks for updates daily.' });
    if (feedChanged && running()) {
      stop(); // a new feed deserves a check soon, not tomorrow
      if (current.state !== 'downloading' && current.state !== 'ready') set({ state: 'idle', message: 'SimDeck checks the new update feed shortly.' });
    }
    start();
  };

  const checkNow = async () => {
    if (!running() || current.state === 'unsupported') {
      await deps.ask({ message: 'SimDeck does not update itself here.', detail: current.message, buttons: ['OK'] });
      return;
    }
    if (current.state === 'ready' && current.available) return askRestart(current.available);
    await check();
    await reportCheck();
  };

  const reportCheck = async () => {
    const s = current;
    if (s.state === 'ready') return; // the restart question was asked by 'update-downloaded'
    if (s.state === 'error') await deps.ask({ message: 'SimDeck could not check for updates.', detail: s.message, buttons: ['OK'] });
    else if (s.state === 'downloading') await deps.ask({ message: `SimDeck ${s.available ?? 'update'} is downloading.`, detail: 'SimDeck asks before restarting once it is ready.', buttons: ['OK'] });
    else await deps.ask({ message: "You're up to date.", detail: `SimDeck ${deps.version} is the newest version.`, buttons: ['OK'] });
  };

  return { apply, checkNow, status: () => current, dispose: stop };
}

function feedUrl(settings: UpdateSettings): string | null {
  return settings.feedUrl?.trim() || null;
}

function initialStatus(deps: UpdaterDeps, envDisabled: boolean): UpdateStatus {
  const base = { current: deps.version, available: null, percent: null, checkedAt: null };
  if (!deps.isPackaged) return { ...base, state: 'unsupported', message: UNSUPPORTED_MESSAGE };
  if (deps.broken) return { ...base, state: 'unsupported', message: deps.broken };
  if (envDisabled) return { ...base, state: 'disabled', message: ENV_DISABLED_MESSAGE };
  return { ...base, state: 'idle', message: 'SimDeck checks for updates shortly after it starts.' };
}

/** electron-updater's errors carry HTTP bodies and stack traces; the researcher needs one readable line. */
export function describeUpdateError(err: unknown): string {
  const e = (err ?? {}) as { code?: unknown; statusCode?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const raw = typeof e.message === 'string' ? e.message : String(err);
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ERR_INTERNET_DISCONNECTED|ERR_NAME_NOT_RESOLVED|ERR_NETWORK_CHANGED/.test(`${code} ${raw}`)) {
    return 'Could not reach the update feed (offline, or blocked by a proxy or firewall). SimDeck tries again tomorrow.';
  }
  if (e.statusCode === 404 || code === 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND' || code === 'ERR_UPDATER_LATEST_VERSION_NOT_FOUND' || /\b404\b/.test(raw)) {
    return 'The update feed has no SimDeck release for this platform (HTTP 404). Check the feed URL in Settings.';
  }
  if (/app-update\.yml/.test(raw)) return 'This build has no update feed configured; set one in Settings or install updates by hand.';
  const line = raw.split('\n')[0]!.trim();
  return `Update failed: ${line.length > 200 ? `${line.slice(0, 199)}…` : line}`;
}

export interface StartUpdaterOptions {
  app: { isPackaged: boolean; getVersion(): string };
  dialog: Pick<Dialog, 'showMessageBox'>;
  /** The window the dialogs belong to (none: an app-modal box). */
  window: () => BrowserWindow | null;
  onStatus: (status: UpdateStatus) => void;
  log: Log;
  env?: Record<string, string | undefined>;
  /** Tests only: stands in for electron-updater. */
  load?: () => Promise<AutoUpdaterLike>;
}

/**
 * The shell's entry point. Loads electron-updater only in a packaged app; call apply(settings.updates) once the
 * settings are known (and on every 'app.settings' event), checkNow() from the menu.
 */
export async function startUpdater(opts: StartUpdaterOptions): Promise<Updater> {
  const env = opts.env ?? process.env;
  let real: AutoUpdaterLike | null = null;
  let broken: string | null = null;
  if (opts.app.isPackaged && env.SIMDECK_DISABLE_UPDATES !== '1') {
    try {
      real = await (opts.load ?? loadElectronUpdater)();
      real.logger = opts.log;
    } catch (err) {
      // A broken updater must not stop SimDeck from starting; Settings shows why updates are unavailable.
      broken = `SimDeck's updater could not start: ${err instanceof Error ? err.message : String(err)}`;
      opts.log.error(broken);
    }
  }
  const ask: Ask = async (box) => {
    const win = opts.window();
    const options: MessageBoxOptions = { type: 'info', title: 'SimDeck', noLink: true, ...box };
    const { response } = win && !win.isDestroyed() ? await opts.dialog.showMessageBox(win, options) : await opts.dialog.showMessageBox(options);
    return response;
  };
  return createUpdater({
    autoUpdater: () => {
      if (!real) throw new Error('electron-updater is not loaded'); // unreachable: createUpdater asks only when updates can run
      return real;
    },
    ask,
    isPackaged: opts.app.isPackaged,
    broken,
    version: opts.app.getVersion(),
    env,
    onStatus: opts.onStatus,
    log: opts.log,
    defaultFeed: readDefaultFeed,
  });
}

async function loadElectronUpdater(): Promise<AutoUpdaterLike> {
  // require(), not import(): the shell is a CommonJS bundle and electron-updater's getter-defined export is
  // invisible to Node's ESM named-export detection. __filename exists there (the bundle is CJS).
  const mod = createRequire(__filename)('electron-updater') as { autoUpdater: AppUpdater };
  return mod.autoUpdater as unknown as AutoUpdaterLike; // AppUpdater's typed emitter is narrower than the string-keyed on() above
}

/** The publish config electron-builder wrote into the release (resources/app-update.yml), or null without one. */
function readDefaultFeed(): unknown {
  try {
    return loadYaml(fs.readFileSync(path.join(process.resourcesPath, 'app-update.yml'), 'utf8')) ?? null;
  } catch {
    return null;
  }
}
