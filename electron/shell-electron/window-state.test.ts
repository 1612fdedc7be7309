import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, resetFake, screen } from './fake-electron.js';
import { fitToDisplays, loadWindowState, restoreWindowState, saveWindowState, trackWindowState, windowStateFile, type WindowState } from './window-state.js';

vi.mock('electron', () => import('./fake-electron.js'));

let dir = '';
let file = '';
const primary = { workArea: { x: 0, y: 25, width: 1920, height: 1055 } };
const right = { workArea: { x: 1920, y: 0, width: 2560, height: 1440 } };

beforeEach(() => {
  resetFake();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-state-'));
  file = windowStateFile(dir);
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('save and load', () => {
  it('round-trips through <userData>/window-state.json without leaving a temp file', () => {
    const state: WindowState = { bounds: { x: 10, y: 40, width: 1200, height: 800 }, maximized: true, fullScreen: false };
    saveWindowState(file, state);
    expect(loadWindowState(file)).toEqual(state);
    expect(fs.readdirSync(dir)).toEqual(['window-state.json']);
  });

  it('treats a missing, corrupt or malformed file as no state', () => {
    expect(loadWindowState(file)).toBeNull();
    fs.writeFileSync(file, '{"bounds": {"x": 1');
    expect(loadWindowState(file)).toBeNull();
    fs.writeFileSync(file, JSON.stringify({ bounds: { x: 0, y: 0, width: -5, height: 10 }, maximized: false, fullScreen: false }));
    expect(loadWindowState(file)).toBeNull();
    fs.writeFileSync(file, JSON.stringify({ bounds: { x: 0, y: 0, width: 800, height: 600 } }));
    expect(loadWindowState(file)).toBeNull();
  });

  it('restores defaults (centered on the primary display) from a corrupt file', () => {
    fs.writeFileSync(file, 'not json');
    expect(restoreWindowState(file)).toEqual({ bounds: { x: 260, y: 103, width: 1400, height: 900 }, maximized: false, fullScreen: false });
  });
});

describe('fitToDisplays', () => {
  it('keeps bounds that are on a display', () => {
    const saved = { x: 2000, y: 100, width: 1600, height: 1000 };
    expect(fitToDisplays(saved, [primary, right], primary)).toEqual(saved);
  });

  it('centers on the primary display when the saved display is gone', () => {
    const saved = { x: 2000, y: 100, width: 1600, height: 1000 };
    expect(fitToDisplays(saved, [primary], primary)).toEqual({ x: 160, y: 53, width: 1600, height: 1000 });
  });

  it('counts a window with only a sliver on screen as off screen', () => {
    const saved = { x: 1900, y: 100, width: 800, height: 600 }; // 20 px visible
    expect(fitToDisplays(saved, [primary], primary)).toEqual({ x: 560, y: 253, width: 800, height: 600 });
  });

  it('clamps a window larger than its display into the work area', () => {
    const saved = { x: -100, y: 0, width: 2500, height: 1200 };
    expect(fitToDisplays(saved, [primary], primary)).toEqual({ x: 0, y: 25, width: 1920, height: 1055 });
  });

  it('uses the displays the screen module reports', () => {
    screen.displays = [{ id: 1, bounds: primary.workArea, workArea: primary.workArea }];
    saveWindowState(file, { bounds: { x: 3000, y: 200, width: 1000, height: 700 }, maximized: false, fullScreen: true });
    expect(restoreWindowState(file)).toEqual({ bounds: { x: 460, y: 203, width: 1000, height: 700 }, maximized: false, fullScreen: true });
  });
});

describe('trackWindowState', () => {
  const initial: WindowState = { bounds: { x: 0, y: 25, width: 1400, height: 900 }, maximized: false, fullScreen: false };

  it('saves once, after moving and resizing stop', () => {
    vi.useFakeTimers();
    const win = new BrowserWindow({});
    trackWindowState(win as unknown as Electron.BrowserWindow, file, initial, 500);
    for (let i = 0; i < 10; i++) {
      win.setBounds({ x: 100 + i, y: 100, width: 1000, height: 700 });
      win.emit(i % 2 ? 'move' : 'resize');
      vi.advanceTimersByTime(100);
    }
    expect(fs.existsSync(file)).toBe(false);
    vi.advanceTimersByTime(500);
    expect(loadWindowState(file)).toEqual({ bounds: { x: 109, y: 100, width: 1000, height: 700 }, maximized: false, fullScreen: false });
  });

  it('saves at once on close, keeping the normal bounds of a maximized window', () => {
    vi.useFakeTimers();
    const win = new BrowserWindow({});
    trackWindowState(win as unknown as Electron.BrowserWindow, file, initial);
    win.setBounds({ x: 50, y: 60, width: 1100, height: 750 });
    win.emit('resize');
    win.maximize();
    win.setBounds({ x: 0, y: 25, width: 1920, height: 1055 });
    win.emit('maximize');
    win.emit('close');
    expect(loadWindowState(file)).toEqual({ bounds: { x: 50, y: 60, width: 1100, height: 750 }, maximized: true, fullScreen: false });
  });
});
