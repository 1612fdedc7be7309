// The core (SQLite workspace, backends) runs in an Electron utilityProcess so a crash or a CPU-heavy moment
// there never freezes the window. Restarts, queued calls, crash reports and the errors a restarted core inherits
// are the shared CoreSupervisor's (electron/host/core-supervisor.ts, also behind `simdeck serve`); this file only
// forks the utility process, forwards its output to the shell log, and serves safeStorage vault requests.
import { utilityProcess } from 'electron';
import type { EventName } from '../../shared/contract.js';
import { CoreSupervisor, type ChannelEvents, type CoreChannel, type SupervisionOptions } from '../host/core-supervisor.js';
import type { CoreInit, ShellToCore } from '../host/protocol.js';
import type { CoreCaller } from './ipc.js';
import { logError, logInfo, logWarn } from './log.js';
import { serveVaultRequest, type VaultRequest } from './vault.js';

export { unavailable } from '../host/core-supervisor.js';

export interface CoreProcessOptions extends SupervisionOptions {
  modulePath: string;
  init: CoreInit;
  env?: Record<string, string | undefined>;
  onEvent(event: EventName, payload: unknown): void;
  serveVault?: (request: VaultRequest) => ShellToCore;
}

/** start() forks the core; call() never rejects; stop() closes the workspace; status tells where it stands. */
export class CoreProcess extends CoreSupervisor implements CoreCaller {
  constructor(options: CoreProcessOptions) {
    super({
      ...options,
      backoffMs: options.backoffMs ?? ((attempt) => Math.min(500 * 2 ** attempt, 10_000)),
      spawn: (events) => forkUtility(options, events),
      serveVault: options.serveVault ?? serveVaultRequest,
      log: { info: logInfo, warn: logWarn, error: logError },
      restartHint: 'SimDeck',
      // Nothing waits for the desktop core's first start, and the window would rather get a core late than not at
      // all: one that dies before its first 'ready' is restarted like any other crash.
      restartBeforeFirstReady: true,
    });
  }
}

function forkUtility(options: CoreProcessOptions, events: ChannelEvents): CoreChannel {
  const child = utilityProcess.fork(options.modulePath, [], { serviceName: 'SimDeck core', stdio: 'pipe', env: options.env });
  forwardOutput(child.stdout, logInfo);
  forwardOutput(child.stderr, logWarn);
  // Messages posted before the process has spawned (the init message) wait for it.
  let early: ShellToCore[] | null = [];
  let alive = true;
  child.on('spawn', () => {
    const waiting = early ?? [];
    early = null;
    waiting.forEach((m) => child.postMessage(m));
  });
  child.on('message', (message: unknown) => events.message(message));
  child.on('error', (type, location) => logError(`core process ${type} at ${location}`));
  child.on('exit', (code) => {
    alive = false;
    events.exit(code, null);
  });
  return {
    get pid() {
      return child.pid;
    },
    get connected() {
      return alive;
    },
    post(message) {
      if (early) early.push(message);
      else if (alive) child.postMessage(message);
    },
    kill: () => void child.kill(),
    // A core that closed its workspace would be kept alive by its parentPort, so end it now.
    release: () => void child.kill(),
  };
}

function forwardOutput(stream: NodeJS.ReadableStream | null, log: (line: string) => void): void {
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) if (line.trim()) log(`core: ${line}`);
  });
}
