import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Envelope } from '../../shared/transport.js';
import { app, FakeImage, Menu, nativeImage, resetFake, Tray } from './fake-electron.js';
import { ActivityTray, trayIcon, trayIconCandidates, trayMenuTemplate, trayTooltip } from './tray.js';

vi.mock('electron', () => import('./fake-electron.js'));

const summary = (running: number, pending: number, failed: number): Envelope => ({ ok: true, result: { running, pending, failed, at: '2026-01-01T00:00:00Z' } });

let core: { call: ReturnType<typeof vi.fn<(method: string, params: unknown) => Promise<Envelope>>> };
let show: ReturnType<typeof vi.fn<() => void>>;
let quit: ReturnType<typeof vi.fn<() => void>>;

function startTray(platform: NodeJS.Platform = 'linux'): ActivityTray {
  const tray = new ActivityTray({ core, icon: new FakeImage('/icon.png') as unknown as Electron.NativeImage, show, quit, platform });
  tray.start();
  return tray;
}
const labels = (tray: Tray) => ((tray.contextMenu?.template ?? []) as MenuItemConstructorOptions[]).map((i) => i.label);

beforeEach(() => {
  resetFake();
  vi.useFakeTimers();
  core = { call: vi.fn(() => Promise.resolve(summary(2, 5, 1))) };
  show = vi.fn<() => void>();
  quit = vi.fn<() => void>();
  for (const level of ['log', 'warn'] as const) vi.spyOn(console, level).mockImplementation(() => {});
});
afterEach(() => vi.useRealTimers());

describe('tray text', () => {
  it('says how much is running, pending and failed', () => {
    expect(trayTooltip({ running: 3, pending: 12, failed: 0 })).toBe('SimDeck — 3 running, 12 pending, 0 failed (24 h)');
    expect(trayTooltip(null)).toBe('SimDeck');
  });

  it('has Show, the counts as disabled items, and Quit', () => {
    const t = trayMenuTemplate({ running: 1, pending: 2, failed: 3 }, { show, quit });
    expect(t.filter((i) => i.label).map((i) => [i.label, i.enabled ?? true])).toEqual([
      ['Show SimDeck', true],
      ['1 running', false],
      ['2 pending', false],
      ['3 failed (24 h)', false],
      ['Quit SimDeck', true],
    ]);
    (t[0]!.click as () => void)();
    (t.at(-1)!.click as () => void)();
    expect(show).toHaveBeenCalled();
    expect(quit).toHaveBeenCalled();
  });
});

describe('ActivityTray', () => {
  it('shows the counts from app.summary and sets the badge to the failed count', async () => {
    startTray('darwin');
    const tray = Tray.instances[0]!;
    await vi.waitFor(() => expect(tray.tooltip).toBe('SimDeck — 2 running, 5 pending, 1 failed (24 h)'));
    expect(core.call).toHaveBeenCalledWith('app.summary', {});
    expect(labels(tray)).toContain('5 pending');
    expect(app.setBadgeCount).toHaveBeenCalledWith(1);
    tray.emit('click');
    expect(show).toHaveBeenCalled();
  });

  it('sets no badge on Windows', async () => {
    startTray('win32');
    await vi.waitFor(() => expect(Tray.instances[0]!.tooltip).toContain('2 running'));
    expect(app.setBadgeCount).not.toHaveBeenCalled();
  });

  it('makes one call for many events within the throttle period, at its end', async () => {
    const tray = startTray();
    await vi.waitFor(() => expect(core.call).toHaveBeenCalledTimes(1));
    for (let i = 0; i < 50; i++) tray.onCoreEvent(i % 2 ? 'jobs.changed' : 'fleets.changed');
    tray.onCoreEvent('notice'); // not about counts
    expect(core.call).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(core.call).toHaveBeenCalledTimes(2);
    tray.onCoreEvent('fah.changed');
    await vi.advanceTimersByTimeAsync(2000);
    expect(core.call).toHaveBeenCalledTimes(3);
  });

  it('refreshes every minute', async () => {
    startTray();
    await vi.advanceTimersByTimeAsync(60_000 * 3);
    expect(core.call).toHaveBeenCalledTimes(4);
  });

  it('keeps the last counts when the core cannot answer, and says so once', async () => {
    const tray = startTray();
    await vi.waitFor(() => expect(Tray.instances[0]!.tooltip).toContain('2 running'));
    core.call.mockResolvedValue({ ok: false, error: { code: 'UNAVAILABLE', message: 'restarting' } });
    await tray.refresh();
    core.call.mockRejectedValue(new Error('gone'));
    await tray.refresh();
    expect(Tray.instances[0]!.tooltip).toBe('SimDeck — 2 running, 5 pending, 1 failed (24 h)');
    expect(console.warn).toHaveBeenCalledTimes(1);
    core.call.mockResolvedValue(summary(0, 0, 0));
    await tray.refresh();
    expect(Tray.instances[0]!.tooltip).toContain('0 running');
  });

  it('carries on (badge included) on a desktop without a status area', async () => {
    Tray.failNext = new Error('no status area');
    startTray('linux');
    expect(Tray.instances).toHaveLength(0);
    await vi.waitFor(() => expect(app.setBadgeCount).toHaveBeenCalledWith(1));
    expect(console.warn).toHaveBeenCalledWith(expect.stringContaining('no tray icon'));
  });

  it('stops refreshing once disposed', async () => {
    const tray = startTray();
    tray.onCoreEvent('jobs.changed');
    tray.dispose();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(core.call).toHaveBeenCalledTimes(1);
    expect(Menu.buildFromTemplate).toHaveBeenCalled();
  });
});

describe('tray icon', () => {
  it('looks under resources/icons in development and in the package resources otherwise', () => {
    expect(trayIconCandidates(false, '/src/simdeck', '/x')[0]).toBe(path.join('/src/simdeck', 'resources', 'icons', '32x32.png'));
    expect(trayIconCandidates(true, '/x/app.asar', '/opt/SimDeck/resources')).toContain(path.join('/opt/SimDeck/resources', 'icons', '16x16.png'));
  });

  it('uses the first icon that exists, else an empty image', () => {
    vi.useRealTimers();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-icon-'));
    const icon = path.join(dir, '16x16.png');
    fs.writeFileSync(icon, '');
    expect((trayIcon([path.join(dir, '32x32.png'), icon]) as unknown as FakeImage).source).toBe(icon);
    expect(trayIcon([path.join(dir, 'none.png')]).isEmpty()).toBe(true);
    expect(nativeImage.createEmpty).toHaveBeenCalled();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
