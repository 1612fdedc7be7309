// The browser shell's side of the core: runs core-host in a child process, so even a native crash in the core
// (say in SQLite) leaves `simdeck serve` and its WebSockets up. Restarts, queued calls and crash reports are the
// shared CoreSupervisor's (electron/host/core-supervisor.ts); this file only forks the process and talks to it.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { EventName, Method } from '../../shared/contract.js';
import type { Envelope } from '../../shared/transport.js';
import { CoreSupervisor, type ChannelEvents, type CoreChannel, type SupervisionOptions } from './core-supervisor.js';
import type { CoreInit } from './protocol.js';

export interface CoreLink {
  call(method: string, params: unknown): Promise<Envelope>;
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void;
  /** Number of times the core was restarted after a crash. */
  restarts(): number;
  /** The running core's process id (none while it restarts). */
  pid(): number | undefined;
  close(): Promise<void>;
}

export interface CoreLinkOptions extends SupervisionOptions {
  hostFile?: string;
  execArgv?: string[];
}

type Listener = (event: EventName, payload: unknown) => void;

/** Starts the core; resolves once it is ready, rejects when it cannot start at all (e.g. the workspace is locked). */
export function startCoreLink(init: CoreInit, options: CoreLinkOptions = {}): Promise<CoreLink> {
  const listeners = new Set<Listener>();
  const stderr = (message: string) => void process.stderr.write(`simdeck: ${message}\n`);
  const core = new CoreSupervisor({
    ...options,
    init,
    spawn: (events) => forkCore(options, events),
    onEvent: (event, payload) => listeners.forEach((l) => l(event, payload)),
    // The browser shell's core seals secrets itself (file vault); it never needs the shell for that.
    serveVault: ({ id }) => ({ type: 'vault-reply', id, ok: false, message: 'The browser shell has no system keychain.' }),
    log: { warn: stderr, error: stderr },
    restartHint: '`simdeck serve`',
  });
  const link: CoreLink = {
    call: (method, params) => core.call(method as Method, params),
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    restarts: () => core.restarts(),
    pid: () => core.pid(),
    close: () => core.stop(),
  };
  core.start();
  return core.started.then(() => link);
}

function forkCore(options: CoreLinkOptions, events: ChannelEvents): CoreChannel {
  const child = fork(options.hostFile ?? path.join(__dirname, 'core-host.cjs'), [], {
    serialization: 'advanced',
    // A runaway core hits its own heap limit and restarts, instead of swapping the head node.
    execArgv: options.execArgv ?? ['--max-old-space-size=1024'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // The core's own output (its stderr log echo, native crash messages) goes to serve's stderr.
  child.stdout?.pipe(process.stderr, { end: false });
  child.stderr?.pipe(process.stderr, { end: false });
  child.on('message', (m: unknown) => events.message(m));
  // Without a pid the process never started, and no exit follows; later errors (a failed send) end in an exit.
  child.on('error', (err) => child.pid === undefined && events.spawnError(err));
  child.on('exit', (code, signal) => afterChannelDrained(child, () => events.exit(code, signal)));
  return {
    get pid() {
      return child.pid;
    },
    get connected() {
      return child.connected;
    },
    post(message) {
      // A core that just died cannot take the message; its exit handler answers whoever waits.
      if (child.connected) child.send(message, (err) => void err);
    },
    kill: () => void child.kill('SIGKILL'),
    release() {
      // The core has closed the workspace; dropping the channel lets it exit.
      if (child.connected) child.disconnect();
    },
  };
}

/** Messages the core sent just before it died (a fatal report, last replies) are read before its exit is handled. */
function afterChannelDrained(child: ChildProcess, then: () => void): void {
  if (!child.connected) return then();
  const timer = setTimeout(then, 500);
  child.once('disconnect', () => {
    clearTimeout(timer);
    then();
  });
}
