// The updater's behaviour against a fake electron-updater, with fake timers: when it checks, what it reports,
// and that it asks before restarting.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UpdateStatus } from '../../shared/app.js';
import { CHECK_INTERVAL_MS, START_DELAY_MS, createUpdater, describeUpdateError, startUpdater, type AutoUpdaterLike, type UpdaterDeps } from './updater.js';

class FakeAutoUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  allowPrerelease = true;
  /** What the next check does; by default it finds nothing. */
  outcome: () => Promise<unknown> = async () => {
    this.emit('checking-for-update');
    this.emit('update-not-available', { version: '1.2.0' });
    return { isUpdateAvailable: false };
  };
  checkForUpdates = vi.fn(() => this.outcome());
  downloadUpdate = vi.fn(async () => []);
  quitAndInstall = vi.fn();
  setFeedURL = vi.fn();
}

/** EventEmitter's any-typed on() vs the interface's: structurally the same thing. */
const asUpdater = (f: FakeAutoUpdater) => f as unknown as AutoUpdaterLike;

const on = { enabled: true, feedUrl: null };
let fake: FakeAutoUpdater;
let statuses: UpdateStatus[];
let ask: ReturnType<typeof vi.fn<UpdaterDeps['ask']>>;

function make(overrides: Partial<UpdaterDeps> = {}) {
  return createUpdater({
    autoUpdater: () => asUpdater(fake),
    ask,
    isPackaged: true,
    version: '1.2.0',
    env: {},
    onStatus: (s) => statuses.push(s),
    log: { info: vi.fn(), warn: vi.fn(), error: vi.fn() },
    now: () => new Date(),
    ...overrides,
  });
}

const last = () => statuses.at(-1)!;

beforeEach(() => {
  vi.useFakeTimers();
  fake = new FakeAutoUpdater();
  statuses = [];
  ask = vi.fn<UpdaterDeps['ask']>(async () => 1);
});
afterEach(() => vi.useRealTimers());

describe('when updates cannot run', () => {
  it('SIMDECK_DISABLE_UPDATES=1 forces disabled whatever the setting, and never checks', async () => {
    const factory = vi.fn(() => asUpdater(fake));
    const u = make({ env: { SIMDECK_DISABLE_UPDATES: '1' }, autoUpdater: factory });
    u.apply(on);
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS * 2);
    expect(u.status()).toMatchObject({ state: 'disabled', message: expect.stringContaining('SIMDECK_DISABLE_UPDATES=1') });
    expect(factory).not.toHaveBeenCalled();
  });

  it('an unpacked app is unsupported and never touches autoUpdater, even from the menu', async () => {
    const factory = vi.fn(() => asUpdater(fake));
    const u = make({ isPackaged: false, autoUpdater: factory });
    u.apply(on);
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS);
    await u.checkNow();
    expect(u.status()).toMatchObject({ state: 'unsupported', message: expect.stringContaining('installed builds') });
    expect(factory).not.toHaveBeenCalled();
    expect(ask).toHaveBeenCalledWith(expect.objectContaining({ detail: expect.stringContaining('installed builds') }));
  });

  it('startUpdater does not load electron-updater in an unpacked app', async () => {
    const load = vi.fn(async () => asUpdater(fake));
    const u = await startUpdater({
      app: { isPackaged: false, getVersion: () => '1.2.0' },
      dialog: { showMessageBox: vi.fn() } as never,
      window: () => null,
      onStatus: () => undefined,
      log: { info: vi.fn(), warn: vi.fn(), error: vi.fn() },
      env: {},
      load,
    });
    u.apply(on);
    expect(load).not.toHaveBeenCalled();
    expect(u.status().state).toBe('unsupported');
  });
});

it('startUpdater asks through dialog.showMessageBox on the window and installs on "Restart now"', async () => {
  const win = { isDestroyed: () => false };
  const showMessageBox = vi.fn(async () => ({ response: 0, checkboxChecked: false }));
  const u = await startUpdater({
    app: { isPackaged: true, getVersion: () => '1.2.0' },
    dialog: { showMessageBox } as never,
    window: () => win as never,
    onStatus: () => undefined,
    log: { info: vi.fn(), warn: vi.fn(), error: vi.fn() },
    env: {},
    load: async () => asUpdater(fake),
  });
  u.apply(on);
  fake.emit('update-downloaded', { version: '1.3.0' });
  await vi.advanceTimersByTimeAsync(0);
  expect(showMessageBox).toHaveBeenCalledWith(win, expect.objectContaining({ message: 'SimDeck 1.3.0 is ready to install.', buttons: ['Restart now', 'Later'] }));
  expect(fake.quitAndInstall).toHaveBeenCalledWith(true, true);
  u.dispose();
});

it('an updater that fails to load leaves SimDeck running, with updates unsupported and the reason', async () => {
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const u = await startUpdater({
    app: { isPackaged: true, getVersion: () => '1.2.0' },
    dialog: { showMessageBox: vi.fn() } as never,
    window: () => null,
    onStatus: () => undefined,
    log,
    env: {},
    load: async () => {
      throw new Error("Cannot find module 'electron-updater'");
    },
  });
  u.apply(on);
  expect(u.status()).toMatchObject({ state: 'unsupported', message: expect.stringContaining('could not start') });
  expect(log.error).toHaveBeenCalled();
});

describe('checking', () => {
  it('configures electron-updater, checks after a short delay and then daily', async () => {
    const u = make();
    u.apply(on);
    expect(fake).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: true, allowPrerelease: false });
    await vi.advanceTimersByTimeAsync(START_DELAY_MS - 1);
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(u.status()).toMatchObject({ state: 'idle', checkedAt: expect.any(String), message: expect.stringContaining('up to date') });
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(2);
    expect(ask).not.toHaveBeenCalled(); // automatic checks are silent
  });

  it('never runs two checks at once', async () => {
    let finish!: () => void;
    fake.outcome = () => new Promise((resolve) => (finish = () => resolve({ isUpdateAvailable: false })));
    const u = make();
    u.apply(on);
    await vi.advanceTimersByTimeAsync(START_DELAY_MS);
    const manual = u.checkNow();
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS); // the daily timer fires while the first check hangs
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
    finish();
    await manual;
    expect(ask).toHaveBeenCalledWith(expect.objectContaining({ message: "You're up to date." }));
  });

  it('an error becomes state error with a readable message, no dialog, and the next daily check retries', async () => {
    const upToDate = fake.outcome;
    fake.outcome = async () => {
      const err = Object.assign(new Error('net::ERR_INTERNET_DISCONNECTED\n    at stack'), { code: 'ERR_INTERNET_DISCONNECTED' });
      fake.emit('error', err);
      throw err;
    };
    const u = make();
    u.apply(on);
    await vi.advanceTimersByTimeAsync(START_DELAY_MS);
    expect(u.status()).toMatchObject({ state: 'error', message: expect.stringContaining('Could not reach the update feed') });
    expect(statuses.filter((s) => s.state === 'error')).toHaveLength(1); // event + rejection report once
    expect(ask).not.toHaveBeenCalled();
    fake.outcome = upToDate;
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(2);
    expect(u.status().state).toBe('idle');
  });

  it('checkNow reports an error in a dialog', async () => {
    fake.outcome = async () => {
      throw Object.assign(new Error('HttpError: 404 Not Found "method: GET url: https://x/latest.yml"'), { statusCode: 404 });
    };
    const u = make();
    u.apply(on);
    await u.checkNow();
    expect(ask).toHaveBeenCalledWith(expect.objectContaining({ message: 'SimDeck could not check for updates.', detail: expect.stringContaining('404') }));
  });

  it('an install electron-updater cannot update (checkForUpdates → null) is reported as unsupported', async () => {
    fake.outcome = async () => null;
    const u = make();
    u.apply(on);
    await vi.advanceTimersByTimeAsync(START_DELAY_MS);
    expect(u.status()).toMatchObject({ state: 'unsupported', message: expect.stringContaining('does not update itself') });
  });
});

describe('downloading and restarting', () => {
  function findsUpdate() {
    fake.outcome = async () => {
      fake.emit('checking-for-update');
      fake.emit('update-available', { version: '1.3.0' });
      return { isUpdateAvailable: true };
    };
  }

  it('progress shows downloading with a percent; downloaded asks once per version', async () => {
    findsUpdate();
    const u = make();
    u.apply(on);
    await vi.advanceTimersByTimeAsync(START_DELAY_MS);
    fake.emit('download-progress', { percent: 41.6, transferred: 1, total: 2, delta: 1, bytesPerSecond: 1 });
    expect(last()).toMatchObject({ state: 'downloading', available: '1.3.0', percent: 42 });
    fake.emit('update-downloaded', { version: '1.3.0' });
    fake.emit('update-downloaded', { version: '1.3.0' });
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({ state: 'ready', available: '1.3.0' });
    expect(ask).toHaveBeenCalledTimes(1);
    expect(ask).toHaveBeenCalledWith(expect.objectContaining({ message: 'SimDeck 1.3.0 is ready to install.', buttons: ['Restart now', 'Later'] }));
    expect(fake.quitAndInstall).not.toHaveBeenCalled(); // "Later": installs on quit (autoInstallOnAppQuit)
    expect(fake.autoInstallOnAppQuit).toBe(true);
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1); // nothing to check while an update waits
  });

  it('"Restart now" installs', async () => {
    ask.mockImplementation(async () => 0);
    const u = make();
    u.apply(on);
    fake.emit('update-downloaded', { version: '1.3.0' });
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.quitAndInstall).toHaveBeenCalledTimes(1);
  });

  it('the menu asks again about a downloaded update', async () => {
    const u = make();
    u.apply(on);
    fake.emit('update-downloaded', { version: '1.3.0' });
    await vi.advanceTimersByTimeAsync(0);
    ask.mockImplementation(async () => 0);
    await u.checkNow();
    expect(ask).toHaveBeenCalledTimes(2);
    expect(fake.quitAndInstall).toHaveBeenCalledTimes(1);
  });
});

describe('settings', () => {
  it('apply(off) stops the timers and reports disabled; on again restarts them', async () => {
    const u = make();
    u.apply(on);
    u.apply({ enabled: false, feedUrl: null });
    expect(last()).toMatchObject({ state: 'disabled', message: 'Updates are turned off in Settings.' });
    expect(fake.autoInstallOnAppQuit).toBe(false);
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS * 3);
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
    u.apply(on);
    await vi.advanceTimersByTimeAsync(START_DELAY_MS);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
  });

  it('a feed override uses the generic provider; clearing it restores the built-in feed', async () => {
    const builtIn = { provider: 'github', owner: 'simdeck', repo: 'simdeck' };
    const u = make({ defaultFeed: () => builtIn });
    u.apply(on);
    expect(fake.setFeedURL).not.toHaveBeenCalled(); // app-update.yml applies by itself
    u.apply({ enabled: true, feedUrl: 'https://updates.example.edu/simdeck/' });
    expect(fake.setFeedURL).toHaveBeenLastCalledWith({ provider: 'generic', url: 'https://updates.example.edu/simdeck/' });
    u.apply({ enabled: true, feedUrl: null });
    expect(fake.setFeedURL).toHaveBeenLastCalledWith(builtIn);
    expect(fake.setFeedURL).toHaveBeenCalledTimes(2);
  });

  it('every status change reaches onStatus with the running version', async () => {
    const u = make();
    u.apply(on);
    await vi.advanceTimersByTimeAsync(START_DELAY_MS);
    expect(statuses.map((s) => s.state)).toEqual(['checking', 'idle']);
    expect(statuses.every((s) => s.current === '1.2.0')).toBe(true);
  });
});

it('describeUpdateError keeps one readable line', () => {
  expect(describeUpdateError(new Error('Cannot parse releases feed: Unable to find latest version on GitHub\nXML: <html>…'))).toBe(
    'Update failed: Cannot parse releases feed: Unable to find latest version on GitHub',
  );
  expect(describeUpdateError(new Error('ENOENT: no such file or directory, open /opt/SimDeck/resources/app-update.yml'))).toContain('no update feed configured');
  expect(describeUpdateError('x'.repeat(500))).toHaveLength('Update failed: '.length + 200);
});
