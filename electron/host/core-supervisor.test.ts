// The supervisor's state machine against a fake channel and fake timers, so every transition (start, crash,
// backoff, give up, stable reset, shutdown) can be driven exactly. The shells' own tests (core-link.test.ts with a
// real child process, shell-electron/core-process.test.ts with the fake Electron) cover their channels.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppErrorReport } from '../../shared/app.js';
import { CoreSupervisor, type ChannelEvents, type CoreChannel, type SupervisorOptions } from './core-supervisor.js';
import type { CoreInit, CoreToShell, ShellToCore } from './protocol.js';

const init: CoreInit = { shell: 'browser', workspaceDir: '/ws', vault: 'file', version: 'test' };

class FakeChannel implements CoreChannel {
  static pids = 100;
  readonly pid = FakeChannel.pids++;
  connected = true;
  posted: ShellToCore[] = [];
  kill = vi.fn(() => this.die(null, 'SIGKILL'));
  release = vi.fn(() => this.die(0, null));
  constructor(readonly events: ChannelEvents) {}
  post(message: ShellToCore): void {
    if (this.connected) this.posted.push(message);
  }
  say(message: CoreToShell): void {
    this.events.message(message);
  }
  ready(): void {
    this.say({ type: 'ready', secretsBackend: 'fake' });
  }
  die(code: number | null, signal: string | null = null): void {
    if (!this.connected) return;
    this.connected = false;
    this.events.exit(code, signal);
  }
  calls(): Extract<ShellToCore, { type: 'call' }>[] {
    return this.posted.filter((m) => m.type === 'call');
  }
  reply(id: number, result: unknown): void {
    this.say({ type: 'reply', id, envelope: { ok: true, result } });
  }
}

let channels: FakeChannel[];
const last = () => channels.at(-1)!;

function supervise(options: Partial<SupervisorOptions> = {}) {
  const onEvent = vi.fn();
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const core = new CoreSupervisor({
    init,
    spawn: (events) => {
      const channel = new FakeChannel(events);
      channels.push(channel);
      return channel;
    },
    onEvent,
    serveVault: (r) => ({ type: 'vault-reply', id: r.id, ok: true, data: `sealed(${r.data})` }),
    log,
    restartHint: 'the test',
    backoffMs: (attempt) => 100 * (attempt + 1),
    ...options,
  });
  core.start();
  return { core, onEvent, log };
}
const eventNames = (onEvent: ReturnType<typeof vi.fn>) => onEvent.mock.calls.map(([event]) => event as string);
const unavailableWith = (message: string | RegExp) => ({
  ok: false,
  error: { code: 'UNAVAILABLE', message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message) },
});

beforeEach(() => {
  channels = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('starting', () => {
  it('sends init (no errors to inherit yet), holds calls until ready, then matches replies by id', async () => {
    const { core } = supervise();
    expect(core.status).toBe('starting');
    expect(last().posted).toEqual([{ type: 'init', init }]);
    const a = core.call('projects.list', {});
    const b = core.call('app.info', {});
    expect(last().calls()).toEqual([]);
    expect(core.pid()).toBeUndefined();
    last().ready();
    await expect(core.started).resolves.toBeUndefined();
    expect(core.pid()).toBe(last().pid);
    const [ca, cb] = last().calls();
    expect([ca!.method, cb!.method]).toEqual(['projects.list', 'app.info']);
    last().reply(cb!.id, 'info');
    last().reply(ca!.id, []);
    await expect(a).resolves.toEqual({ ok: true, result: [] });
    await expect(b).resolves.toEqual({ ok: true, result: 'info' });
  });

  it('does not retry a core whose init failed, and rejects the first start', async () => {
    const { core, onEvent } = supervise();
    const waiting = core.call('app.info', {});
    last().say({ type: 'init-failed', message: 'workspace locked' });
    expect(last().kill).toHaveBeenCalled();
    await expect(core.started).rejects.toThrow("SimDeck's core could not start: workspace locked");
    await expect(waiting).resolves.toEqual(unavailableWith('workspace locked'));
    await expect(core.call('app.info', {})).resolves.toEqual(unavailableWith('workspace locked'));
    await vi.runAllTimersAsync();
    expect(channels).toHaveLength(1);
    expect(core.status).toBe('failed');
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('fails when the process cannot be forked, or never starts', async () => {
    const thrown = supervise({
      spawn: () => {
        throw new Error('spawn EACCES');
      },
    });
    expect(thrown.core.status).toBe('failed');
    await expect(thrown.core.started).rejects.toThrow('could not start its core process: spawn EACCES');
    await expect(thrown.core.call('app.info', {})).resolves.toEqual(unavailableWith('EACCES'));

    const { core } = supervise();
    last().events.spawnError(new Error('spawn ENOENT'));
    await expect(core.call('app.info', {})).resolves.toEqual(unavailableWith('ENOENT'));
  });

  it('by default treats an exit before the first ready as a failure to start', async () => {
    const { core } = supervise();
    last().die(1);
    await expect(core.started).rejects.toThrow("SimDeck's core exited while starting (exit code 1)");
    await vi.runAllTimersAsync();
    expect(channels).toHaveLength(1);
  });

  it('with restartBeforeFirstReady restarts it like any crash', async () => {
    const { core } = supervise({ restartBeforeFirstReady: true });
    last().die(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(channels).toHaveLength(2);
    last().ready();
    await expect(core.started).resolves.toBeUndefined();
  });
});

describe('a crash', () => {
  it('answers calls in flight UNAVAILABLE, reports it, and restarts after the backoff; new calls wait for the new core', async () => {
    const { core, onEvent, log } = supervise();
    last().ready();
    const inFlight = core.call('targets.check', {});
    last().die(null, 'SIGKILL');
    await expect(inFlight).resolves.toEqual(unavailableWith(/stopped unexpectedly \(signal SIGKILL\) while answering this call; it is restarting/));
    expect(core.status).toBe('restarting');
    expect(eventNames(onEvent)).toEqual(['app.error']); // one message per crash: the banner, no toast besides
    const report = onEvent.mock.calls[0]![1] as AppErrorReport;
    expect(report).toMatchObject({ source: 'shell', restarted: true, message: "SimDeck's core stopped unexpectedly (signal SIGKILL)." });
    expect(log.warn).toHaveBeenCalledWith(
      "SimDeck's core stopped unexpectedly (signal SIGKILL) and was restarted; nothing you saved is lost. Details: /ws/logs/core.log",
    );

    const later = core.call('projects.list', {});
    await vi.advanceTimersByTimeAsync(99);
    expect(channels).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(channels).toHaveLength(2);
    expect(last().posted[0]).toEqual({ type: 'init', init: { ...init, errors: [report] } });
    last().ready();
    last().reply(last().calls()[0]!.id, 'fresh');
    await expect(later).resolves.toEqual({ ok: true, result: 'fresh' });
    expect(core.restarts()).toBe(1);
  });

  it('holds a call sent to a core that is already dying for the next core', async () => {
    const { core } = supervise();
    last().ready();
    const dying = last();
    dying.connected = false; // its exit is not handled yet
    const call = core.call('app.info', {});
    expect(dying.calls()).toEqual([]);
    dying.events.exit(9, null);
    await vi.advanceTimersByTimeAsync(100);
    last().ready();
    last().reply(last().calls()[0]!.id, 'ok');
    await expect(call).resolves.toEqual({ ok: true, result: 'ok' });
  });

  it('ignores what a previous core still says', async () => {
    const { core, onEvent } = supervise();
    last().ready();
    const old = last();
    old.die(1);
    await vi.advanceTimersByTimeAsync(100);
    last().ready();
    const call = core.call('app.info', {});
    const { id } = last().calls()[0]!;
    old.reply(id, 'stale');
    old.events.exit(1, null);
    old.say({ type: 'event', event: 'jobs.changed', payload: {} });
    last().reply(id, 'fresh');
    await expect(call).resolves.toEqual({ ok: true, result: 'fresh' });
    expect(channels).toHaveLength(2);
    expect(eventNames(onEvent)).toEqual(['app.error']);
  });

  it('backs off longer each time, gives up after maxRestarts in a row and says what to do', async () => {
    const backoffMs = vi.fn(() => 10);
    const { core, onEvent } = supervise({ maxRestarts: 2, backoffMs });
    for (let i = 0; i < 3; i++) {
      last().ready();
      last().die(1);
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(backoffMs.mock.calls).toEqual([[0], [1]]);
    expect(channels).toHaveLength(3);
    expect(core.status).toBe('failed');
    expect(core.restarts()).toBe(2);
    const message = "SimDeck's core stopped unexpectedly 3 times in a row (last: exit code 1) and was not restarted again. Restart the test, and see /ws/logs/core.log for what went wrong.";
    expect(eventNames(onEvent)).toEqual(['app.error', 'app.error', 'app.error']);
    expect(onEvent).toHaveBeenLastCalledWith('app.error', expect.objectContaining({ source: 'shell', restarted: false, message }));
    await expect(core.call('app.info', {})).resolves.toEqual(unavailableWith(message));
  });

  it('gives a core that stayed up for stableAfterMs a fresh restart budget', async () => {
    const { core } = supervise({ maxRestarts: 1, stableAfterMs: 1000 });
    for (let i = 0; i < 4; i++) {
      last().ready();
      await vi.advanceTimersByTimeAsync(1000);
      last().die(1);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(core.status).toBe('starting');
    expect(channels).toHaveLength(5);
  });
});

describe('a fatal error in the core', () => {
  const fatal: AppErrorReport = { id: 'r1', at: '2026-01-01T00:00:00.000Z', source: 'core', message: 'x is not a function', restarted: true };

  it('is forwarded once, and the exit that follows adds no generic report', async () => {
    const { onEvent, log } = supervise();
    last().ready();
    last().say({ type: 'event', event: 'app.error', payload: fatal });
    last().say({ type: 'fatal', report: fatal });
    last().die(70);
    expect(eventNames(onEvent)).toEqual(['app.error']);
    expect(log.warn).toHaveBeenCalledWith(
      expect.stringContaining("SimDeck's core stopped unexpectedly (exit code 70) after an unexpected error (x is not a function) and was restarted"),
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(last().posted[0]).toEqual({ type: 'init', init: { ...init, errors: [fatal] } });
  });

  it('is emitted by the supervisor when the core died before it could, and counts for the next core only', async () => {
    const { onEvent } = supervise({ restartBeforeFirstReady: true });
    last().say({ type: 'fatal', report: fatal });
    last().die(70);
    expect(eventNames(onEvent)).toEqual(['app.error']);
    expect(onEvent).toHaveBeenCalledWith('app.error', fatal);
    await vi.advanceTimersByTimeAsync(100);
    last().ready();
    last().die(139); // a plain crash of the next core is reported generically again
    expect(eventNames(onEvent)).toEqual(['app.error', 'app.error']);
  });

  it('when restarts are used up, is followed by the report that the core was not restarted', async () => {
    const { onEvent } = supervise({ maxRestarts: 0 });
    last().ready();
    last().say({ type: 'fatal', report: fatal });
    last().die(70);
    expect(eventNames(onEvent)).toEqual(['app.error', 'app.error']);
    expect(onEvent).toHaveBeenLastCalledWith('app.error', expect.objectContaining({ restarted: false, message: expect.stringContaining('was not restarted again') }));
  });
});

describe('messages only the shell can answer', () => {
  it('answers vault requests with the shell hook', () => {
    supervise();
    last().ready();
    last().say({ type: 'vault-request', id: 7, op: 'seal', data: 'YQ==' });
    expect(last().posted.at(-1)).toEqual({ type: 'vault-reply', id: 7, ok: true, data: 'sealed(YQ==)' });
  });
});

describe('stop', () => {
  it('asks the core to shut down, releases it once it closed the workspace, and answers everyone', async () => {
    const { core, onEvent } = supervise();
    last().ready();
    const inFlight = core.call('jobs.list', {});
    const stopped = core.stop();
    expect(last().posted.at(-1)).toEqual({ type: 'shutdown' });
    last().say({ type: 'closed' });
    expect(last().release).toHaveBeenCalled();
    await stopped;
    expect(last().kill).not.toHaveBeenCalled();
    expect(core.status).toBe('stopped');
    await expect(inFlight).resolves.toEqual(unavailableWith('shutting down'));
    await expect(core.call('app.info', {})).resolves.toEqual(unavailableWith('shutting down'));
    await vi.runAllTimersAsync();
    expect(channels).toHaveLength(1);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('kills a core that does not exit within the grace period', async () => {
    const { core } = supervise({ shutdownGraceMs: 500 });
    last().ready();
    const stopped = core.stop();
    await vi.advanceTimersByTimeAsync(499);
    expect(last().kill).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(last().kill).toHaveBeenCalled();
    await stopped;
  });

  it('during the first start rejects it, and during a restart backoff spawns nothing more', async () => {
    const starting = supervise();
    const stopping = starting.core.stop();
    await expect(starting.core.started).rejects.toThrow('shutting down');
    last().die(0);
    await stopping;

    const { core } = supervise();
    last().ready();
    last().die(1);
    const count = channels.length;
    await core.stop();
    await vi.runAllTimersAsync();
    expect(channels).toHaveLength(count);
  });
});
