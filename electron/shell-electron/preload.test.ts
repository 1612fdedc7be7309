import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as fake from './fake-electron.js';
import { EVENT_CHANNEL, METHODS, channelOf } from '../../shared/contract.js';
import type { PreloadBridge } from '../../shared/transport.js';
import './preload.js';

vi.mock('electron', () => import('./fake-electron.js'));

// Captured once: the preload exposes its bridge when it is loaded.
const exposed = fake.contextBridge.exposeInMainWorld.mock.calls.map((c) => [...c]);
const bridge = exposed[0]?.[1] as PreloadBridge;

/** Every value reachable from the bridge, to prove nothing Electron-internal leaks through it. */
function reachable(value: unknown, seen = new Set<unknown>()): unknown[] {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return [];
  seen.add(value);
  return [value, ...Object.values(value).flatMap((v) => reachable(v, seen))];
}

beforeEach(() => {
  fake.ipcRenderer.invoke.mockClear();
  fake.ipcRenderer.on.mockClear();
  fake.ipcRenderer.removeListener.mockClear();
});

describe('preload bridge', () => {
  it('exposes one object, window.simdeck, once', () => {
    expect(exposed).toHaveLength(1);
    expect(exposed[0]?.[0]).toBe('simdeck');
  });

  it('has exactly calls, onEvent and pathForFile', () => {
    expect(Object.keys(bridge).sort()).toEqual(['calls', 'onEvent', 'pathForFile']);
    expect(typeof bridge.onEvent).toBe('function');
  });

  it('has exactly one function per contract method', () => {
    expect(Object.keys(bridge.calls).sort()).toEqual([...METHODS].sort());
    for (const method of METHODS) expect(typeof bridge.calls[method]).toBe('function');
  });

  it('never exposes ipcRenderer, its methods, or a generic invoke/send', () => {
    const values = reachable(bridge);
    for (const forbidden of [fake.ipcRenderer, ...Object.values(fake.ipcRenderer), fake.contextBridge]) {
      expect(values).not.toContain(forbidden);
    }
    const names = values.flatMap((v) => Object.keys(v as object));
    expect(names).not.toContain('invoke');
    expect(names).not.toContain('send');
  });

  it('each call invokes its own channel with the params and returns the envelope', async () => {
    for (const method of METHODS) {
      fake.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, result: method });
      await expect(bridge.calls[method]({ a: 1 })).resolves.toEqual({ ok: true, result: method });
      expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith(channelOf(method), { a: 1 });
    }
  });
});

describe('onEvent', () => {
  it('delivers known events without the IPC event object, and unsubscribes', () => {
    const listener = vi.fn();
    const unsubscribe = bridge.onEvent(listener);
    const [channel, handler] = fake.ipcRenderer.on.mock.calls[0] as [string, (...a: unknown[]) => void];
    expect(channel).toBe(EVENT_CHANNEL);
    handler({ sender: 'secret' }, { event: 'jobs.changed', payload: { jobIds: ['j1'] } });
    expect(listener).toHaveBeenCalledWith('jobs.changed', { jobIds: ['j1'] });
    unsubscribe();
    expect(fake.ipcRenderer.removeListener).toHaveBeenCalledWith(EVENT_CHANNEL, handler);
  });

  it('ignores messages that are not contract events', () => {
    const listener = vi.fn();
    bridge.onEvent(listener);
    const handler = fake.ipcRenderer.on.mock.calls[0]![1] as (...a: unknown[]) => void;
    handler({}, { event: 'not.an.event', payload: 1 });
    handler({}, null);
    handler({}, 'jobs.changed');
    expect(listener).not.toHaveBeenCalled();
  });

  it('rejects a non-function listener', () => {
    expect(() => bridge.onEvent('x' as never)).toThrow(TypeError);
  });
});

describe('pathForFile', () => {
  it("gives the dropped file's real path through webUtils, so the core reads it in place", () => {
    expect(bridge.pathForFile({ name: 'decoy.pdb.bz2' } as File)).toBe('/dropped/decoy.pdb.bz2');
  });
});
