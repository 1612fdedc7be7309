// Messages between a shell (Electron main process, or the browser shell's HTTP server) and the core, which runs
// off the UI thread: in an Electron utilityProcess, or a worker thread under the browser shell. The core asks its
// shell for the few things only the shell can do, such as sealing secrets with Electron's safeStorage.
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
  | { type: 'closed' };
