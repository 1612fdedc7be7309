// Remembers where the window was: size, position, maximized / full screen, in <userData>/window-state.json.
// Restoring never puts the window where no display is any more (a laptop undocked from its external monitor).
import fs from 'node:fs';
import path from 'node:path';
import { screen, type BrowserWindow, type Rectangle } from 'electron';
import { describe, logWarn } from './log.js';

export interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
  fullScreen: boolean;
}

export interface DisplayLike {
  workArea: Rectangle;
}

export const DEFAULT_SIZE = { width: 1400, height: 900 };
/** How much of the title bar must be on a display for the saved position to count as reachable. */
const MIN_VISIBLE = { width: 100, height: 50 };

export function windowStateFile(userDataDir: string): string {
  return path.join(userDataDir, 'window-state.json');
}

/** The saved state, or null when there is none or it is unreadable (then the window opens centered at its default size). */
export function loadWindowState(file: string): WindowState | null {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') logWarn(`ignored ${file}: ${describe(err)}`);
    return null;
  }
  return isWindowState(raw) ? raw : null;
}

function isWindowState(value: unknown): value is WindowState {
  const v = value as Partial<WindowState> | null;
  const b = v?.bounds as Partial<Rectangle> | undefined;
  const finite = (n: unknown) => typeof n === 'number' && Number.isFinite(n);
  return (
    !!b && finite(b.x) && finite(b.y) && finite(b.width) && finite(b.height) && b.width! > 0 && b.height! > 0 &&
    typeof v!.maximized === 'boolean' && typeof v!.fullScreen === 'boolean'
  );
}

/** Written to a temp file and renamed, so a crash mid-write never leaves half a file. */
export function saveWindowState(file: string, state: WindowState): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temp, JSON.stringify(state));
    fs.renameSync(temp, file);
  } catch (err) {
    logWarn(`could not save the window position: ${describe(err)}`);
  }
}

/** Bounds that are on a display now: the saved ones if reachable (clamped to that display), else centered on the primary. */
export function fitToDisplays(saved: Rectangle | null, displays: readonly DisplayLike[], primary: DisplayLike): Rectangle {
  const home = saved ? displays.find((d) => reachable(saved, d.workArea)) : undefined;
  if (saved && home) return clampInto(saved, home.workArea);
  return centered(saved ?? { x: 0, y: 0, ...DEFAULT_SIZE }, primary.workArea);
}

function reachable(b: Rectangle, area: Rectangle): boolean {
  const width = Math.min(b.x + b.width, area.x + area.width) - Math.max(b.x, area.x);
  const height = Math.min(b.y + b.height, area.y + area.height) - Math.max(b.y, area.y);
  return width >= MIN_VISIBLE.width && height >= MIN_VISIBLE.height;
}

function clampInto(b: Rectangle, area: Rectangle): Rectangle {
  const width = Math.min(b.width, area.width);
  const height = Math.min(b.height, area.height);
  const x = Math.min(Math.max(b.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(b.y, area.y), area.y + area.height - height);
  return { x, y, width, height };
}

function centered(b: Rectangle, area: Rectangle): Rectangle {
  const width = Math.min(b.width, area.width);
  const height = Math.min(b.height, area.height);
  return { x: Math.round(area.x + (area.width - width) / 2), y: Math.round(area.y + (area.height - height) / 2), width, height };
}

/** The state to open the window with (requires the app to be ready: screen is not available before). */
export function restoreWindowState(file: string): WindowState {
  const saved = loadWindowState(file);
  const bounds = fitToDisplays(saved?.bounds ?? null, screen.getAllDisplays(), screen.getPrimaryDisplay());
  return { bounds, maximized: saved?.maximized ?? false, fullScreen: saved?.fullScreen ?? false };
}

/**
 * Saves the state shortly after the window stops moving or resizing, and at once when it closes. While maximized
 * or full screen the last normal bounds are kept, so un-maximizing next time returns to them.
 */
export function trackWindowState(win: BrowserWindow, file: string, initial: WindowState, debounceMs = 500): void {
  let normal = initial.bounds;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Noted on every event (cheap), written only after the last one: the save must not see the maximized bounds.
  const snapshot = (): WindowState => {
    const maximized = win.isMaximized();
    const fullScreen = win.isFullScreen();
    if (!maximized && !fullScreen) normal = win.getBounds();
    return { bounds: normal, maximized, fullScreen };
  };
  const later = () => {
    const state = snapshot();
    clearTimeout(timer);
    timer = setTimeout(() => saveWindowState(file, state), debounceMs);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize', 'enter-full-screen', 'leave-full-screen'] as const) {
    win.on(event as 'resize', later);
  }
  win.on('close', () => {
    clearTimeout(timer);
    saveWindowState(file, snapshot());
  });
}
