import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { AppErrorReport } from '../../shared/app.js';
import { reportShellErrors } from './shell-errors.js';

describe('main-process errors', () => {
  it('are logged and shown as app.error reports, for exceptions and rejections, until removed', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const proc = new EventEmitter();
    const shown: AppErrorReport[] = [];
    const remove = reportShellErrors(proc as unknown as NodeJS.Process, (r) => shown.push(r));
    proc.emit('uncaughtException', new Error('tray icon vanished'));
    proc.emit('unhandledRejection', new Error('menu rebuild failed'));
    expect(shown).toEqual([
      expect.objectContaining({ source: 'shell', restarted: false, message: "SimDeck's window process: tray icon vanished" }),
      expect.objectContaining({ source: 'shell', message: "SimDeck's window process: menu rebuild failed" }),
    ]);
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('unexpected error in the main process (uncaught exception): tray icon vanished'));
    remove();
    expect(proc.listenerCount('uncaughtException') + proc.listenerCount('unhandledRejection')).toBe(0);
  });
});
