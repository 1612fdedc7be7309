// Messages between a shell (Electron main process, or the browser shell's HTTP server) and the core, which runs
// in its own process: an Electron utilityProcess, or a Node child process under the browser shell, so a crash
// of the core (even a native one) never takes the shell down. The core asks its shell for the few things only
// the shell can do, such as sealing secrets with Electron's safeStorage.
import type { AppErrorReport } from '../../shared/app.js';
import type { EventName, Method } from '../../shared/contract.js';
import type { Envelope } from '../../shared/transport.js';

export interface CoreInit {
  shell: 'electron' | 'browser';
  workspaceDir: string;
  /** 'file' seals secrets with a key in a 0600 file; 'shell' asks the shell (Electron safeStorage). */
  vault: 'file' | 'shell';
  /** With vault 'shell': the name of the shell's backend, e.g. 'safeStorage:gnome_libsecret'. */
  vaultBackend?: string;
  version: string;
  /** Unexpected errors from earlier cores of this shell, newest first: a restarted core still lists them in app.errors. */
  errors?: AppErrorReport[];
}

export type ShellToCore =
  | { type: 'init'; init: CoreInit }
  | { type: 'call'; id: number; method: Method; params: unknown }
  | { type: 'vault-reply'; id: number; ok: true; data: string } // base64
  | { type: 'vault-reply'; id: number; ok: false; message: string }
  | { type: 'shutdown' };

export type CoreToShell =
  | { type: 'ready'; secretsBackend: string }
  | { type: 'init-failed'; message: string }
  | { type: 'reply'; id: number; envelope: Envelope }
  | { type: 'event'; event: EventName; payload: unknown }
  | { type: 'vault-request'; id: number; op: 'seal' | 'open'; data: string } // base64
  /**
   * The core hit an uncaught exception and exits with code 70 (EXIT_FATAL) right after this message. It has
   * usually already logged the error and emitted this report as an 'app.error' event (restarted: true); when it
   * could not (the error came during init), the shell has not seen this report id and should emit it itself.
   * The shell restarts the core like after any crash, reporting this error instead of a generic "core stopped".
   */
  | { type: 'fatal'; report: AppErrorReport }
  | { type: 'closed' };
