// The shell's side of the core, written once for both shells: the desktop app runs the core in an Electron
// utilityProcess (electron/shell-electron/core-process.ts), `simdeck serve` in a Node child process
// (electron/host/core-link.ts). Each shell only supplies a channel to its kind of process; this class correlates
// calls with replies, holds calls while the core (re)starts, answers calls caught by a crash UNAVAILABLE rather
// than leaving them hanging, restarts a crashed core with a bounded backoff, reports every crash (one
// 'app.error' report: the UI's error banner) and hands the session's error reports to the next core so app.errors survives a restart.
// It imports nothing Electron-only: electron/host is shared by both shells.
import path from 'node:path';
import type { AppErrorReport } from '../../shared/app.js';
import type { EventName, Method } from '../../shared/contract.js';
import type { Envelope } from '../../shared/transport.js';
import { newReport } from '../core/unhandled.js';
import type { CoreInit, CoreToShell, ShellToCore } from './protocol.js';

/** What the shell hears from one core process. */
export interface ChannelEvents {
  message(message: unknown): void;
  /** The process ended. Called once, after the messages it sent before dying (e.g. 'fatal') were delivered. */
  exit(code: number | null, signal: string | null): void;
  /** The process never started; no exit follows. */
  spawnError(err: Error): void;
}

/** One core process, as its shell runs it. */
export interface CoreChannel {
  readonly pid: number | undefined;
  /** false once messages can no longer reach this process (it is dying or gone). */
  readonly connected: boolean;
  /** Must not throw: a message a dying core cannot take is dropped (its exit answers whoever waits). */
  post(message: ShellToCore): void;
  /** Ends the process now: after init-failed, or when it outlives the shutdown grace period. */
  kill(): void;
  /** After 'shutdown' the core has closed its workspace: drop whatever keeps it alive so it exits. */
  release(): void;
}

/** Starts a core process; may throw when it cannot even be forked. */
export type SpawnCore = (events: ChannelEvents) => CoreChannel;

export type VaultRequest = Omit<Extract<CoreToShell, { type: 'vault-request' }>, 'type'>;
export type CoreState = 'idle' | 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped';

/** The tuning both shells expose to their callers (and tests). */
export interface SupervisionOptions {
  /** Crashes in a row (without a stable period in between) after which the core is not restarted again. */
  maxRestarts?: number;
  backoffMs?: (attempt: number) => number;
  /** A core up this long has recovered: later crashes start a fresh restart budget. */
  stableAfterMs?: number;
  shutdownGraceMs?: number;
}

export interface SupervisorOptions extends SupervisionOptions {
  init: CoreInit;
  spawn: SpawnCore;
  onEvent(event: EventName, payload: unknown): void;
  /** Answers the core's requests to seal or open a secret with the shell's keychain (or refuses). */
  serveVault(request: VaultRequest): ShellToCore;
  log: { info?(message: string): void; warn(message: string): void; error(message: string): void };
  /** What the user restarts once the core is given up, e.g. '`simdeck serve`' or 'SimDeck'. */
  restartHint: string;
  /**
   * Whether a core that exits before its first 'ready' is restarted like any crash. Otherwise that is a failure
   * to start (`started` rejects): the command line reports it and exits instead of retrying a core that cannot run.
   */
  restartBeforeFirstReady?: boolean;
}

interface Waiting {
  method: Method;
  params: unknown;
  resolve(envelope: Envelope): void;
}

export const unavailable = (message: string): Envelope => ({ ok: false, error: { code: 'UNAVAILABLE', message } });
const defaultBackoff = (attempt: number) => Math.min(200 * 2 ** attempt, 5000);
/** As many as a core keeps (electron/core/unhandled.ts), so a restarted core lists the same errors. */
const MAX_CARRIED_ERRORS = 50;

export class CoreSupervisor {
  /** Resolves on the first 'ready'; rejects when the core cannot start at all (locked workspace, no process). */
  readonly started: Promise<void>;
  private state: CoreState = 'idle';
  private channel: CoreChannel | null = null;
  private nextId = 1;
  private readonly inFlight = new Map<number, Waiting>();
  private queue: Waiting[] = [];
  private crashes = 0;
  private restartCount = 0;
  private failure = '';
  /** The report of the uncaught exception the current core announced before exiting, if any. */
  private fatal: AppErrorReport | undefined;
  /** Every unexpected error seen in this session, newest first, handed to the next core. */
  private errors: AppErrorReport[] = [];
  private firstStart: { resolve(): void; reject(err: Error): void } | undefined;
  private stableTimer: ReturnType<typeof setTimeout> | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private exited: (() => void) | undefined;

  constructor(private readonly options: SupervisorOptions) {
    this.started = new Promise((resolve, reject) => (this.firstStart = { resolve, reject }));
    // Not every shell waits for the first start (the desktop app does not); that is no unhandled rejection.
    this.started.catch(() => undefined);
  }

  get status(): CoreState {
    return this.state;
  }

  /** Number of times the core was restarted after a crash. */
  restarts(): number {
    return this.restartCount;
  }

  /** The running core's process id (none while it starts or restarts). */
  pid(): number | undefined {
    return this.state === 'ready' ? this.channel?.pid : undefined;
  }

  start(): void {
    if (this.state === 'idle') this.spawn();
  }

  /** Never rejects: while the core starts or restarts, calls wait for it; when it cannot run, they get UNAVAILABLE. */
  call(method: Method, params: unknown): Promise<Envelope> {
    return new Promise((resolve) => {
      const waiting = { method, params, resolve };
      if (this.state === 'ready') this.send(waiting);
      else if (this.state === 'failed' || this.state === 'stopped') resolve(unavailable(this.failure));
      else this.queue.push(waiting);
    });
  }

  /** Asks the core to close the workspace cleanly; kills it if it does not exit within the grace period. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.failure = 'SimDeck is shutting down.';
    this.clearTimers();
    this.flushQueue();
    this.rejectFirstStart(this.failure);
    const channel = this.channel;
    if (!channel) return;
    const exited = new Promise<void>((resolve) => (this.exited = resolve));
    channel.post({ type: 'shutdown' });
    const timer = setTimeout(() => channel.kill(), this.options.shutdownGraceMs ?? 3000);
    await exited;
    clearTimeout(timer);
  }

  private spawn(): void {
    this.state = 'starting';
    this.fatal = undefined;
    // Whatever a previous process still says (a late message, its exit) must not touch the current one.
    let channel: CoreChannel | undefined;
    const events: ChannelEvents = {
      message: (m) => {
        if (channel && channel === this.channel) this.onMessage(channel, m);
      },
      exit: (code, signal) => {
        if (channel && channel === this.channel) this.onExit(signal ? `signal ${signal}` : `exit code ${code}`);
      },
      spawnError: (err) => {
        if (channel && channel === this.channel) this.onSpawnError(err);
      },
    };
    try {
      channel = this.options.spawn(events);
    } catch (err) {
      return this.onSpawnError(err);
    }
    this.channel = channel;
    // The first core of a session has no history to inherit; only a restarted one gets `errors`.
    const errors = this.errors.length > 0 ? { errors: this.errors } : {};
    channel.post({ type: 'init', init: { ...this.options.init, ...errors } });
  }

  private onMessage(channel: CoreChannel, m: unknown): void {
    if (!isCoreMessage(m)) return;
    switch (m.type) {
      case 'ready':
        return this.onReady(m.secretsBackend);
      case 'init-failed':
        // Init failures (locked or unreadable workspace, wrong native module) would fail again on restart.
        this.fail(`SimDeck's core could not start: ${m.message}`);
        return channel.kill();
      case 'reply':
        return this.onReply(m.id, m.envelope);
      case 'event':
        return this.onCoreEvent(m.event, m.payload);
      case 'fatal':
        return this.onFatal(m.report);
      case 'vault-request':
        return channel.post(this.options.serveVault({ id: m.id, op: m.op, data: m.data }));
      case 'closed':
        if (this.state === 'stopped') channel.release();
        return;
    }
  }

  private onReady(secretsBackend: string): void {
    if (this.state !== 'starting') return;
    this.state = 'ready';
    this.options.log.info?.(`core ready (secrets: ${secretsBackend})`);
    this.firstStart?.resolve();
    this.firstStart = undefined;
    this.stableTimer = setTimeout(() => (this.crashes = 0), this.options.stableAfterMs ?? 60_000);
    const queued = this.queue;
    this.queue = [];
    queued.forEach((w) => this.send(w));
  }

  private onReply(id: number, envelope: Envelope): void {
    const waiting = this.inFlight.get(id);
    if (!waiting) return this.options.log.warn(`reply for unknown call ${id}`);
    this.inFlight.delete(id);
    waiting.resolve(envelope);
  }

  private onCoreEvent(event: EventName, payload: unknown): void {
    if (event === 'app.error') this.remember(payload as AppErrorReport);
    this.options.onEvent(event, payload);
  }

  // The core already emitted this report as 'app.error' unless it failed before it could (e.g. during init).
  private onFatal(report: AppErrorReport): void {
    this.fatal = report;
    if (!this.errors.some((e) => e.id === report.id)) this.onCoreEvent('app.error', report);
  }

  private onSpawnError(err: unknown): void {
    this.channel = null;
    this.fail(`SimDeck could not start its core process: ${err instanceof Error ? err.message : String(err)}`);
  }

  private onExit(why: string): void {
    this.channel = null;
    this.clearTimers();
    if (this.state === 'stopped') {
      this.failInFlight(this.failure);
      this.exited?.();
      return;
    }
    if (this.state === 'failed') return this.failInFlight(this.failure);
    if (this.firstStart && !this.options.restartBeforeFirstReady) {
      return this.fail(`SimDeck's core exited while starting (${why}). See the messages above.`);
    }
    this.onCrash(why);
  }

  private onCrash(why: string): void {
    const log = path.join(this.options.init.workspaceDir, 'logs', 'core.log');
    // A fatal report already says what went wrong; a generic "core stopped" report would only repeat it.
    const cause = this.fatal ? ` after an unexpected error (${this.fatal.message})` : '';
    if (this.crashes >= (this.options.maxRestarts ?? 5)) {
      this.fail(
        `SimDeck's core stopped unexpectedly ${this.crashes + 1} times in a row (last: ${why}) and was not restarted again. ` +
          `Restart ${this.options.restartHint}, and see ${log} for what went wrong.`,
      );
      // Even after a fatal report (which expected a restart), this is what the researcher must know now.
      this.report(newReport('shell', this.failure, false));
      return;
    }
    const message = `SimDeck's core stopped unexpectedly (${why})${cause} and was restarted; nothing you saved is lost.`;
    this.options.log.warn(`${message} Details: ${log}`);
    this.failInFlight(`SimDeck's core stopped unexpectedly (${why}) while answering this call; it is restarting. Try again in a moment.`);
    // One message per crash: the UI's error banner (app.error, with "Copy diagnostics"); no toast on top of it.
    if (!this.fatal) this.report(newReport('shell', `SimDeck's core stopped unexpectedly (${why}).`, true));
    this.state = 'restarting';
    this.restartCount += 1;
    const delay = (this.options.backoffMs ?? defaultBackoff)(this.crashes);
    this.crashes += 1;
    this.restartTimer = setTimeout(() => this.spawn(), delay);
  }

  private fail(message: string): void {
    this.state = 'failed';
    this.failure = message;
    this.options.log.error(message);
    this.failInFlight(message);
    this.flushQueue();
    this.rejectFirstStart(message);
  }

  private rejectFirstStart(message: string): void {
    this.firstStart?.reject(new Error(message));
    this.firstStart = undefined;
  }

  private report(report: AppErrorReport): void {
    this.remember(report);
    this.options.onEvent('app.error', report);
  }

  private remember(report: AppErrorReport): void {
    this.errors = [report, ...this.errors.filter((e) => e.id !== report.id)].slice(0, MAX_CARRIED_ERRORS);
  }

  private send(waiting: Waiting): void {
    const channel = this.channel;
    // The core just died and its exit is not handled yet: the call waits for the next core like any queued call.
    if (!channel?.connected) return void this.queue.push(waiting);
    const id = this.nextId++;
    this.inFlight.set(id, waiting);
    channel.post({ type: 'call', id, method: waiting.method, params: waiting.params });
  }

  private failInFlight(message: string): void {
    const waiting = [...this.inFlight.values()];
    this.inFlight.clear();
    waiting.forEach((w) => w.resolve(unavailable(message)));
  }

  private flushQueue(): void {
    const queued = this.queue;
    this.queue = [];
    queued.forEach((w) => w.resolve(unavailable(this.failure)));
  }

  private clearTimers(): void {
    clearTimeout(this.stableTimer);
    clearTimeout(this.restartTimer);
  }
}

function isCoreMessage(m: unknown): m is CoreToShell {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}
