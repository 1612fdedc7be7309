// The core (SQLite workspace, backends) runs in an Electron utilityProcess so a crash or a CPU-heavy moment
// there never freezes the window. This class forks it, speaks the protocol in electron/host/protocol.ts,
// correlates call ids, serves safeStorage vault requests, and restarts the core after a crash with a bounded
// backoff; calls caught by a crash are answered UNAVAILABLE rather than left hanging.
import { utilityProcess } from 'electron';
import type { UtilityProcess } from 'electron';
import type { EventName, Method } from '../../shared/contract.js';
import type { Envelope } from '../../shared/transport.js';
import type { CoreInit, CoreToShell, ShellToCore } from '../host/protocol.js';
import type { CoreCaller } from './ipc.js';
import { describe, logError, logInfo, logWarn } from './log.js';
import { serveVaultRequest, type VaultRequest } from './vault.js';

export interface CoreProcessOptions {
  modulePath: string;
  init: CoreInit;
  env?: Record<string, string | undefined>;
  onEvent(event: EventName, payload: unknown): void;
  serveVault?: (request: VaultRequest) => ShellToCore;
  /** Crashes in a row (without a stable minute in between) after which we stop restarting. */
  maxRestarts?: number;
  backoffMs?: (attempt: number) => number;
  stableAfterMs?: number;
  shutdownGraceMs?: number;
}

type State = 'idle' | 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped';
interface Waiting {
  method: Method;
  params: unknown;
  resolve(envelope: Envelope): void;
}

export const unavailable = (message: string): Envelope => ({ ok: false, error: { code: 'UNAVAILABLE', message } });
const defaultBackoff = (attempt: number) => Math.min(500 * 2 ** attempt, 10_000);

export class CoreProcess implements CoreCaller {
  private child: UtilityProcess | null = null;
  private state: State = 'idle';
  private nextId = 1;
  private readonly inFlight = new Map<number, Waiting>();
  private queue: Waiting[] = [];
  private crashes = 0;
  private failure = '';
  private stableTimer: ReturnType<typeof setTimeout> | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private exited: (() => void) | undefined;

  constructor(private readonly options: CoreProcessOptions) {}

  get status(): State {
    return this.state;
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
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => (this.exited = resolve));
    child.postMessage({ type: 'shutdown' } satisfies ShellToCore);
    const timer = setTimeout(() => child.kill(), this.options.shutdownGraceMs ?? 3000);
    await exited;
    clearTimeout(timer);
  }

  private spawn(): void {
    this.state = 'starting';
    let child: UtilityProcess;
    try {
      child = utilityProcess.fork(this.options.modulePath, [], { serviceName: 'SimDeck core', stdio: 'pipe', env: this.options.env });
    } catch (err) {
      this.state = 'failed';
      this.failure = `SimDeck could not start its core process: ${describe(err)}`;
      logError(this.failure);
      return this.flushQueue();
    }
    this.child = child;
    forwardOutput(child.stdout, logInfo);
    forwardOutput(child.stderr, logWarn);
    child.on('spawn', () => this.post(child, { type: 'init', init: this.options.init }));
    child.on('message', (message: unknown) => this.onMessage(child, message));
    child.on('error', (type, location) => logError(`core process ${type} at ${location}`));
    child.on('exit', (code) => this.onExit(child, code));
  }

  private onMessage(child: UtilityProcess, message: unknown): void {
    if (child !== this.child || !isCoreMessage(message)) return;
    switch (message.type) {
      case 'ready':
        return this.onReady(message.secretsBackend);
      case 'init-failed':
        return this.onInitFailed(child, message.message);
      case 'reply':
        return this.onReply(message.id, message.envelope);
      case 'event':
        return this.options.onEvent(message.event, message.payload);
      case 'vault-request':
        return this.post(child, (this.options.serveVault ?? serveVaultRequest)(message));
      case 'closed':
        // The core has closed the workspace; its parentPort would keep it alive, so end it now.
        if (this.state === 'stopped') child.kill();
        return;
    }
  }

  private onReady(secretsBackend: string): void {
    if (this.state !== 'starting') return;
    this.state = 'ready';
    logInfo(`core ready (secrets: ${secretsBackend})`);
    // A core that stays up for a while has recovered; later crashes start a fresh restart budget.
    this.stableTimer = setTimeout(() => (this.crashes = 0), this.options.stableAfterMs ?? 60_000);
    const queued = this.queue;
    this.queue = [];
    queued.forEach((waiting) => this.send(waiting));
  }

  // Init failures (unreadable workspace, wrong native module) would fail again on restart, so we do not retry.
  private onInitFailed(child: UtilityProcess, message: string): void {
    this.state = 'failed';
    this.failure = `SimDeck's core could not start: ${message}`;
    logError(this.failure);
    this.flushQueue();
    child.kill();
  }

  private onReply(id: number, envelope: Envelope): void {
    const waiting = this.inFlight.get(id);
    if (!waiting) return logWarn(`reply for unknown call ${id}`);
    this.inFlight.delete(id);
    waiting.resolve(envelope);
  }

  private onExit(child: UtilityProcess, code: number): void {
    if (child !== this.child) return;
    this.child = null;
    this.clearTimers();
    if (this.state === 'stopped') {
      this.failInFlight(this.failure);
      this.exited?.();
      return;
    }
    if (this.state === 'failed') return this.failInFlight(this.failure);
    this.onCrash(code);
  }

  private onCrash(code: number): void {
    const maxRestarts = this.options.maxRestarts ?? 5;
    if (this.crashes >= maxRestarts) {
      this.state = 'failed';
      this.failure = `SimDeck's core stopped unexpectedly ${this.crashes + 1} times in a row (last exit code ${code}); restart SimDeck. The terminal log has the details.`;
      logError(this.failure);
      this.failInFlight(this.failure);
      this.flushQueue();
      this.options.onEvent('notice', { level: 'error', message: this.failure });
      return;
    }
    const message = `SimDeck's core stopped unexpectedly (exit code ${code}) and is restarting; try again in a moment.`;
    logWarn(message);
    this.failInFlight(message);
    this.options.onEvent('notice', { level: 'warning', message });
    this.state = 'restarting';
    const delay = (this.options.backoffMs ?? defaultBackoff)(this.crashes);
    this.crashes += 1;
    this.restartTimer = setTimeout(() => this.spawn(), delay);
  }

  private send(waiting: Waiting): void {
    const child = this.child;
    if (!child) return waiting.resolve(unavailable('SimDeck core is not running.'));
    const id = this.nextId++;
    this.inFlight.set(id, waiting);
    this.post(child, { type: 'call', id, method: waiting.method, params: waiting.params });
  }

  private post(child: UtilityProcess, message: ShellToCore): void {
    child.postMessage(message);
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

function isCoreMessage(message: unknown): message is CoreToShell {
  return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string';
}

function forwardOutput(stream: NodeJS.ReadableStream | null, log: (line: string) => void): void {
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) if (line.trim()) log(`core: ${line}`);
  });
}
