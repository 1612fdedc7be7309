import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as fake from './fake-electron.js';
import type { AppErrorReport } from '../../shared/app.js';
import type { Envelope } from '../../shared/transport.js';
import type { CoreInit } from '../host/protocol.js';
import { resetFake, type FakeUtilityProcess } from './fake-electron.js';
import { CoreProcess, type CoreProcessOptions } from './core-process.js';

vi.mock('electron', () => import('./fake-electron.js'));

const init: CoreInit = { shell: 'electron', workspaceDir: '/tmp/ws', vault: 'shell', version: '0.1.0' };

function startCore(options: Partial<CoreProcessOptions> = {}) {
  const onEvent = vi.fn();
  const core = new CoreProcess({ modulePath: '/dist/node/core-host.cjs', init, onEvent, backoffMs: () => 100, ...options });
  core.start();
  return { core, onEvent };
}

const child = (n = -1): FakeUtilityProcess => fake.utilityProcess.children.at(n)!;
const callsPosted = (c: FakeUtilityProcess) => c.posted.filter((m) => (m as { type: string }).type === 'call') as Array<{ id: number; method: string; params: unknown }>;

function bringUp(c = child()) {
  c.emit('spawn');
  c.emit('message', { type: 'ready', secretsBackend: 'electron-safeStorage' });
}

beforeEach(() => {
  resetFake();
  vi.useFakeTimers();
  for (const level of ['log', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation(() => {});
});
afterEach(() => vi.useRealTimers());

describe('starting the core', () => {
  it('forks core-host.cjs as a utility process and sends init once spawned', () => {
    startCore({ env: { SIMDECK_SQLITE_BINDING: '/app/.electron-native/better_sqlite3.node' } });
    expect(fake.utilityProcess.fork).toHaveBeenCalledWith('/dist/node/core-host.cjs', [], {
      serviceName: 'SimDeck core',
      stdio: 'pipe',
      env: { SIMDECK_SQLITE_BINDING: '/app/.electron-native/better_sqlite3.node' },
    });
    expect(child().posted).toEqual([]);
    child().emit('spawn');
    expect(child().posted).toEqual([{ type: 'init', init }]);
  });

  it('holds calls until ready, then sends them with distinct ids and matches replies by id', async () => {
    const { core } = startCore();
    const first = core.call('projects.list', {});
    const second = core.call('app.info', {});
    child().emit('spawn');
    expect(callsPosted(child())).toEqual([]);
    child().emit('message', { type: 'ready', secretsBackend: 'x' });
    const [a, b] = callsPosted(child());
    expect([a?.method, b?.method]).toEqual(['projects.list', 'app.info']);
    expect(a?.id).not.toBe(b?.id);
    child().emit('message', { type: 'reply', id: b!.id, envelope: { ok: true, result: 'info' } });
    child().emit('message', { type: 'reply', id: a!.id, envelope: { ok: true, result: [] } });
    await expect(first).resolves.toEqual({ ok: true, result: [] });
    await expect(second).resolves.toEqual({ ok: true, result: 'info' });
  });

  it('forwards core events', () => {
    const { onEvent } = startCore();
    bringUp();
    child().emit('message', { type: 'event', event: 'jobs.changed', payload: { jobIds: ['j'] } });
    expect(onEvent).toHaveBeenCalledWith('jobs.changed', { jobIds: ['j'] });
  });

  it('on init-failed answers every call UNAVAILABLE with the reason and does not restart', async () => {
    const { core } = startCore();
    const waiting = core.call('projects.list', {});
    child().emit('spawn');
    child().emit('message', { type: 'init-failed', message: 'workspace is read-only' });
    await expect(waiting).resolves.toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringContaining('read-only') } });
    await expect(core.call('app.info', {})).resolves.toMatchObject({ error: { code: 'UNAVAILABLE' } });
    await vi.runAllTimersAsync();
    expect(fake.utilityProcess.fork).toHaveBeenCalledTimes(1);
  });
});

describe('when the core cannot be forked', () => {
  it('answers calls UNAVAILABLE with the reason instead of throwing', async () => {
    fake.utilityProcess.fork.mockImplementationOnce(() => {
      throw new Error('spawn EACCES');
    });
    const { core } = startCore();
    expect(core.status).toBe('failed');
    await expect(core.call('app.info', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', message: expect.stringContaining('EACCES') },
    });
  });
});

describe('vault requests', () => {
  it('are answered with the shell vault', () => {
    startCore({ serveVault: (r) => ({ type: 'vault-reply', id: r.id, ok: true, data: `sealed(${r.data})` }) });
    bringUp();
    child().emit('message', { type: 'vault-request', id: 9, op: 'seal', data: 'YQ==' });
    expect(child().posted.at(-1)).toEqual({ type: 'vault-reply', id: 9, ok: true, data: 'sealed(YQ==)' });
  });

  it('are refused on Linux basic_text by default', () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { value: 'linux' });
    try {
      fake.safeStorage.getSelectedStorageBackend.mockReturnValue('basic_text');
      startCore();
      bringUp();
      child().emit('message', { type: 'vault-request', id: 3, op: 'seal', data: 'YQ==' });
      expect(child().posted.at(-1)).toMatchObject({ type: 'vault-reply', id: 3, ok: false, message: expect.stringContaining('plain-text') });
      expect(fake.safeStorage.encryptString).not.toHaveBeenCalled();
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
  });
});

describe('when the core crashes', () => {
  it('answers pending calls UNAVAILABLE, notifies the UI, and restarts after a backoff', async () => {
    const { core, onEvent } = startCore();
    bringUp();
    const pending = core.call('targets.check', { id: 't1' });
    child().emit('exit', 139);
    await expect(pending).resolves.toEqual({
      ok: false,
      error: { code: 'UNAVAILABLE', message: expect.stringMatching(/stopped unexpectedly \(exit code 139\).*restarting/) },
    } satisfies Envelope);
    expect(onEvent.mock.calls.map(([event]) => event)).toEqual(['app.error']); // the window's error banner
    const report = onEvent.mock.calls[0]![1] as AppErrorReport;
    expect(report).toMatchObject({ source: 'shell', restarted: true, message: expect.stringContaining('exit code 139') });
    expect(fake.utilityProcess.fork).toHaveBeenCalledTimes(1);

    const during = core.call('projects.list', {}); // waits for the restarted core
    await vi.advanceTimersByTimeAsync(100);
    expect(fake.utilityProcess.fork).toHaveBeenCalledTimes(2);
    bringUp(child());
    // The new core lists what happened to the old one in app.errors.
    expect(child(-1).posted[0]).toEqual({ type: 'init', init: { ...init, errors: [report] } });
    const sent = callsPosted(child()).at(-1)!;
    expect(sent.method).toBe('projects.list');
    child().emit('message', { type: 'reply', id: sent.id, envelope: { ok: true, result: [] } });
    await expect(during).resolves.toEqual({ ok: true, result: [] });
  });

  it('ignores messages and exits from a previous core process', async () => {
    const { core } = startCore();
    bringUp();
    const old = child();
    old.emit('exit', 1);
    await vi.advanceTimersByTimeAsync(100);
    bringUp();
    const pending = core.call('app.info', {});
    const { id } = callsPosted(child()).at(-1)!;
    old.emit('message', { type: 'reply', id, envelope: { ok: true, result: 'stale' } });
    old.emit('exit', 1);
    child().emit('message', { type: 'reply', id, envelope: { ok: true, result: 'fresh' } });
    await expect(pending).resolves.toEqual({ ok: true, result: 'fresh' });
    expect(fake.utilityProcess.fork).toHaveBeenCalledTimes(2);
  });

  it('gives up after a bounded number of restarts and then answers UNAVAILABLE at once', async () => {
    const { core, onEvent } = startCore({ maxRestarts: 2 });
    for (let i = 0; i < 3; i++) {
      bringUp();
      child().emit('exit', 1);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(fake.utilityProcess.fork).toHaveBeenCalledTimes(3);
    expect(core.status).toBe('failed');
    expect(onEvent).toHaveBeenLastCalledWith('app.error', expect.objectContaining({ source: 'shell', restarted: false, message: expect.stringContaining('not restarted again') }));
    await expect(core.call('app.info', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', message: expect.stringContaining('3 times') },
    });
  });

  it('restores the restart budget once the core has been up for a while', async () => {
    const { core } = startCore({ maxRestarts: 1, stableAfterMs: 1000 });
    for (let i = 0; i < 4; i++) {
      bringUp();
      await vi.advanceTimersByTimeAsync(1000);
      child().emit('exit', 1);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(core.status).toBe('starting');
    expect(fake.utilityProcess.fork).toHaveBeenCalledTimes(5);
  });
});

describe('errors the core reports', () => {
  const fatal: AppErrorReport = { id: 'r1', at: '2026-01-01T00:00:00.000Z', source: 'core', message: 'x is not a function', restarted: true };

  it('forwards a fatal report once and reports no generic crash for the exit that follows', async () => {
    const { onEvent } = startCore();
    bringUp();
    // The core usually emits the report itself before saying it is fatal.
    child().emit('message', { type: 'event', event: 'app.error', payload: fatal });
    child().emit('message', { type: 'fatal', report: fatal });
    child().emit('exit', 70);
    expect(onEvent.mock.calls.map(([event]) => event)).toEqual(['app.error']);
    expect(console.warn).toHaveBeenCalledWith(expect.stringContaining('(exit code 70) after an unexpected error (x is not a function) and was restarted'));
    await vi.advanceTimersByTimeAsync(100);
    child().emit('spawn');
    expect(child().posted[0]).toEqual({ type: 'init', init: { ...init, errors: [fatal] } });
  });

  it('emits a fatal report the core had no time to emit itself', () => {
    const { onEvent } = startCore();
    child().emit('spawn'); // dies during init, before it is ready
    child().emit('message', { type: 'fatal', report: fatal });
    child().emit('exit', 70);
    expect(onEvent.mock.calls.map(([event]) => event)).toEqual(['app.error']);
    expect(onEvent).toHaveBeenCalledWith('app.error', fatal);
  });

  it('hands every report of the session, newest first, to the next core', async () => {
    const { onEvent } = startCore();
    bringUp();
    const rejection = { ...fatal, id: 'r0', message: 'forgot a catch', restarted: false };
    child().emit('message', { type: 'event', event: 'app.error', payload: rejection });
    child().emit('exit', 139);
    await vi.advanceTimersByTimeAsync(100);
    bringUp();
    child().emit('exit', 139);
    await vi.advanceTimersByTimeAsync(100);
    child().emit('spawn');
    const shellReports = onEvent.mock.calls.filter(([event, p]) => event === 'app.error' && (p as AppErrorReport).source === 'shell').map(([, p]) => p);
    expect(shellReports).toHaveLength(2);
    expect(child().posted[0]).toEqual({ type: 'init', init: { ...init, errors: [shellReports[1], shellReports[0], rejection] } });
  });
});

describe('stop', () => {
  it('asks the core to shut down, answers waiting calls, and does not restart it', async () => {
    const { core } = startCore();
    bringUp();
    const pending = core.call('jobs.list', {});
    const stopped = core.stop();
    expect(child().posted.at(-1)).toEqual({ type: 'shutdown' });
    child().emit('message', { type: 'closed' });
    expect(child().kill).toHaveBeenCalled(); // closed the workspace: no need to wait out the grace period
    await vi.runAllTimersAsync();
    await stopped;
    await expect(pending).resolves.toMatchObject({ error: { code: 'UNAVAILABLE' } });
    await vi.runAllTimersAsync();
    expect(fake.utilityProcess.fork).toHaveBeenCalledTimes(1);
  });

  it('kills a core that does not exit within the grace period', async () => {
    const { core } = startCore({ shutdownGraceMs: 500 });
    bringUp();
    const stopped = core.stop();
    await vi.advanceTimersByTimeAsync(500);
    expect(child().kill).toHaveBeenCalled();
    await vi.runAllTimersAsync();
    await stopped;
  });
});
