// The browser shell's side of the core: runs core-host in a worker thread, correlates calls with replies, and
// restarts the core if it dies, answering the calls it took down with a clear UNAVAILABLE error.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EventName } from '../../shared/contract.js';
import type { Envelope } from '../../shared/transport.js';
import type { CoreInit, CoreToShell, ShellToCore } from './protocol.js';

export interface CoreLink {
  call(method: string, params: unknown): Promise<Envelope>;
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void;
  /** Number of times the core was restarted after a crash. */
  restarts(): number;
  close(): Promise<void>;
}

const lost = (why: string): Envelope => ({
  ok: false,
  error: { code: 'UNAVAILABLE', message: `The SimDeck core stopped (${why}) and is restarting. Try again in a moment.` },
});

export async function startCoreWorker(init: CoreInit, hostFile = path.join(__dirname, 'core-host.cjs')): Promise<CoreLink> {
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  const pending = new Map<number, (e: Envelope) => void>();
  let nextId = 1;
  let restarts = 0;
  let closing = false;
  let worker: Worker;

  const spawn = () =>
    new Promise<void>((resolve, reject) => {
      worker = new Worker(hostFile, { resourceLimits: { maxOldGenerationSizeMb: 512 } });
      let ready = false;
      worker.on('message', (msg: CoreToShell) => {
        if (msg.type === 'ready') {
          ready = true;
          resolve();
        } else if (msg.type === 'init-failed') {
          reject(new Error(msg.message));
        } else if (msg.type === 'reply') {
          pending.get(msg.id)?.(msg.envelope);
          pending.delete(msg.id);
        } else if (msg.type === 'event') {
          for (const l of listeners) l(msg.event, msg.payload);
        }
      });
      worker.on('error', (err) => {
        if (!ready) reject(err);
      });
      worker.on('exit', (code) => {
        for (const answer of pending.values()) answer(lost(`exit code ${code}`));
        pending.clear();
        if (closing || !ready) return;
        restarts++;
        setTimeout(() => spawn().catch(() => undefined), Math.min(5000, 200 * 2 ** Math.min(restarts, 5)));
      });
      worker.postMessage({ type: 'init', init } satisfies ShellToCore);
    });

  await spawn();
  return {
    call: (method, params) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        worker.postMessage({ type: 'call', id, method, params } as ShellToCore);
      }),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    restarts: () => restarts,
    async close() {
      closing = true;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => void worker.terminate().then(() => resolve()), 3000);
        worker.on('message', (m: CoreToShell) => {
          if (m.type !== 'closed') return;
          clearTimeout(timer);
          resolve();
        });
        worker.postMessage({ type: 'shutdown' } satisfies ShellToCore);
      });
      await worker.terminate();
    },
  };
}
