import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppErrorReport } from '../../shared/app.js';
import { ErrorRing, EXIT_FATAL, installUnhandled, newReport, type UnhandledKind, type UnhandledOptions } from './unhandled.js';

let remove: (() => void) | undefined;
afterEach(() => {
  remove?.();
  vi.useRealTimers();
});

function setup(core: UnhandledOptions['core'], tellShell: UnhandledOptions['tellShell'] = (_r, sent) => sent()) {
  const proc = new EventEmitter();
  const exit = vi.fn();
  const stderr = vi.fn();
  const told: AppErrorReport[] = [];
  remove = installUnhandled({ core, tellShell: (r, sent) => (told.push(r), tellShell(r, sent)), exit, stderr, proc });
  return { proc, exit, stderr, told };
}

function fakeCore() {
  const seen: [unknown, UnhandledKind][] = [];
  return {
    seen,
    reportUnhandled: (err: unknown, kind: UnhandledKind) => (seen.push([err, kind]), newReport('core', String(err), kind === 'exception')),
  };
}

describe('unhandled errors in the core', () => {
  it('reports a rejection and keeps running', () => {
    const core = fakeCore();
    const { proc, exit, told } = setup(() => core);
    const reason = new Error('ECONNRESET');
    proc.emit('unhandledRejection', reason, Promise.resolve());
    expect(core.seen).toEqual([[reason, 'rejection']]);
    expect(told).toEqual([]);
    expect(exit).not.toHaveBeenCalled();
  });

  it('reports an exception, tells the shell, and exits 70 once the message is out', () => {
    const core = fakeCore();
    let flush: () => void = () => undefined;
    const { proc, exit, told } = setup(() => core, (_r, sent) => (flush = sent));
    proc.emit('uncaughtException', new TypeError('boom'));
    expect(core.seen).toEqual([[expect.any(TypeError), 'exception']]);
    expect(told).toEqual([expect.objectContaining({ source: 'core', restarted: true })]);
    expect(exit).not.toHaveBeenCalled(); // still sending
    flush();
    expect(exit).toHaveBeenCalledWith(EXIT_FATAL);
    flush();
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it('exits anyway when the shell never takes the message', () => {
    vi.useFakeTimers();
    const { proc, exit } = setup(() => fakeCore(), () => undefined);
    proc.emit('uncaughtException', new Error('stuck'));
    vi.advanceTimersByTime(999);
    expect(exit).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(exit).toHaveBeenCalledWith(EXIT_FATAL);
  });

  it('writes to stderr before the core exists, and still exits after an exception', () => {
    const { proc, exit, stderr, told } = setup(() => undefined);
    proc.emit('unhandledRejection', 'early');
    expect(stderr).toHaveBeenCalledWith(expect.stringContaining('unhandled rejection: early'));
    expect(exit).not.toHaveBeenCalled();
    proc.emit('uncaughtException', new Error('password=hunter2 during init'));
    expect(stderr).toHaveBeenCalledWith(expect.stringContaining('during init'));
    expect(told[0]).toMatchObject({ source: 'core', restarted: true, message: 'password=[redacted] during init' });
    expect(exit).toHaveBeenCalledWith(EXIT_FATAL);
  });

  it('survives a failing reporter (e.g. the log disk is full)', () => {
    const { proc, exit, stderr } = setup(() => ({
      reportUnhandled: () => {
        throw new Error('ENOSPC');
      },
    }));
    proc.emit('unhandledRejection', new Error('lost'));
    expect(stderr).toHaveBeenCalledWith(expect.stringContaining('ENOSPC'));
    expect(stderr).toHaveBeenCalledWith(expect.stringContaining('lost'));
    expect(exit).not.toHaveBeenCalled();
  });
});

describe('ErrorRing', () => {
  it('keeps the 50 newest, newest first, without duplicates', () => {
    const first = newReport('shell', 'first', true);
    const ring = new ErrorRing([first]);
    ring.add(first);
    expect(ring.list()).toEqual([first]);
    for (let i = 0; i < 55; i++) ring.add(newReport('core', `e${i}`, false));
    expect(ring.list()).toHaveLength(50);
    expect(ring.list()[0]!.message).toBe('e54');
    expect(ring.list().at(-1)!.message).toBe('e5');
  });
});
