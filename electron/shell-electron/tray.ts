// The status-area icon: how much work is running, pending and failed (last 24 h) at a glance, and the failed count as
// the dock/launcher badge. Counts come from the core's 'app.summary'; job and fleet events trigger a refresh,
// throttled because a big array submission emits hundreds of jobs.changed events.
import fs from 'node:fs';
import path from 'node:path';
import { app, Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { ActivitySummary } from '../../shared/app.js';
import type { CoreCaller } from './ipc.js';
import { describe, logInfo, logWarn } from './log.js';

export type Counts = Pick<ActivitySummary, 'running' | 'pending' | 'failed'>;

/** Core events after which the counts may have changed. */
export const SUMMARY_EVENTS: ReadonlySet<string> = new Set(['jobs.changed', 'umbrella.changed', 'fleets.changed', 'fah.changed']);

export function trayTooltip(c: Counts | null): string {
  return c ? `SimDeck — ${c.running} running, ${c.pending} pending, ${c.failed} failed (24 h)` : 'SimDeck';
}

export function trayMenuTemplate(c: Counts | null, actions: { show(): void; quit(): void }): MenuItemConstructorOptions[] {
  const counts: MenuItemConstructorOptions[] = c
    ? [`${c.running} running`, `${c.pending} pending`, `${c.failed} failed (24 h)`].map((label) => ({ label, enabled: false }))
    : [];
  return [{ label: 'Show SimDeck', click: () => actions.show() }, { type: 'separator' }, ...counts, ...(c ? [{ type: 'separator' as const }] : []), { label: 'Quit SimDeck', click: () => actions.quit() }];
}

/** The app icon: under resources/ in the app directory in development, in the package's resources folder otherwise. */
export function trayIconCandidates(isPackaged: boolean, appPath: string, resourcesPath: string): string[] {
  const dirs = isPackaged ? [path.join(resourcesPath, 'icons'), path.join(resourcesPath, 'resources', 'icons')] : [path.join(appPath, 'resources', 'icons')];
  return dirs.flatMap((dir) => ['32x32.png', '16x16.png'].map((name) => path.join(dir, name)));
}

export function trayIcon(candidates: readonly string[]): NativeImage {
  const file = candidates.find((candidate) => fs.existsSync(candidate));
  if (!file) logInfo('no tray icon found; using an empty one');
  return file ? nativeImage.createFromPath(file) : nativeImage.createEmpty();
}

export interface ActivityTrayOptions {
  core: CoreCaller;
  icon: NativeImage;
  show(): void;
  quit(): void;
  platform?: NodeJS.Platform;
  throttleMs?: number;
  refreshMs?: number;
}

export class ActivityTray {
  private tray: Tray | null = null;
  private counts: Counts | null = null;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private interval: ReturnType<typeof setInterval> | undefined;
  private failing = false;

  constructor(private readonly options: ActivityTrayOptions) {}

  /** Creates the icon (a desktop without a status area throws: we log and keep the badge) and starts counting. */
  start(): void {
    try {
      this.tray = new Tray(this.options.icon);
      this.tray.on('click', () => this.options.show());
    } catch (err) {
      logWarn(`no tray icon on this desktop: ${describe(err)}`);
    }
    this.render();
    void this.refresh();
    this.interval = setInterval(() => void this.refresh(), this.options.refreshMs ?? 60_000);
  }

  /** At most one 'app.summary' call per throttle period, made at its end so it sees the latest state. */
  onCoreEvent(event: string): void {
    if (!SUMMARY_EVENTS.has(event) || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.refresh();
    }, this.options.throttleMs ?? 2000);
  }

  async refresh(): Promise<void> {
    let problem: string;
    try {
      const reply = await this.options.core.call('app.summary', {});
      if (reply.ok) return this.update(reply.result as Counts);
      problem = reply.error.message;
    } catch (err) {
      problem = describe(err);
    }
    // The core may be restarting; keep the last counts and say so once, not every minute.
    if (!this.failing) logWarn(`tray counts not refreshed: ${problem}`);
    this.failing = true;
  }

  dispose(): void {
    clearTimeout(this.pending);
    clearInterval(this.interval);
    this.tray?.destroy();
    this.tray = null;
  }

  private update(counts: Counts): void {
    this.failing = false;
    this.counts = { running: counts.running, pending: counts.pending, failed: counts.failed };
    this.render();
    // The badge exists on the macOS dock and Unity-style Linux launchers; Windows has no badge count.
    const platform = this.options.platform ?? process.platform;
    if (platform === 'darwin' || platform === 'linux') app.setBadgeCount(counts.failed);
  }

  private render(): void {
    if (!this.tray) return;
    this.tray.setToolTip(trayTooltip(this.counts));
    this.tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(this.counts, this.options)));
  }
}
