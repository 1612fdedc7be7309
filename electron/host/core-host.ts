// Entry point of the core process: an Electron utilityProcess in the desktop app, a worker thread under the
// browser shell. Either way the core never shares a thread with the UI, so remote I/O cannot stall a window.
import { parentPort } from 'node:worker_threads';
import { ApiError } from '../../shared/errors.js';
import { createCore, type Core } from '../core/core.js';
import { FileVault, loadOrCreateKey } from '../secrets/file-vault.js';
import { ShellVault } from '../secrets/shell-vault.js';
import type { Vault } from '../secrets/vault.js';
import type { CoreInit, CoreToShell, ShellToCore } from './protocol.js';

interface Port {
  post(msg: CoreToShell): void;
  onMessage(cb: (msg: ShellToCore) => void): void;
}

interface ElectronParentPort {
  postMessage(msg: unknown): void;
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
}

function connectToShell(): Port {
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return { post: (m) => electronPort.postMessage(m), onMessage: (cb) => electronPort.on('message', (e) => cb(e.data as ShellToCore)) };
  }
  if (parentPort) {
    const port = parentPort;
    return { post: (m) => port.postMessage(m), onMessage: (cb) => port.on('message', (m) => cb(m as ShellToCore)) };
  }
  throw new Error('The SimDeck core must be started by a shell (utility process or worker thread).');
}

function main(): void {
  const port = connectToShell();
  const pendingVault = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  let nextVaultId = 1;
  let core: Core | undefined;

  const askShell = (op: 'seal' | 'open', data: Buffer) =>
    new Promise<Buffer>((resolve, reject) => {
      const id = nextVaultId++;
      pendingVault.set(id, { resolve, reject });
      port.post({ type: 'vault-request', id, op, data: data.toString('base64') });
    });

  const makeVault = (init: CoreInit): Vault =>
    init.vault === 'file'
      ? new FileVault(loadOrCreateKey(init.workspaceDir))
      : new ShellVault(init.vaultBackend ?? 'safeStorage', askShell);

  port.onMessage(async (msg) => {
    switch (msg.type) {
      case 'init':
        try {
          const vault = makeVault(msg.init);
          core = createCore({ ...msg.init, vault, emit: (event, payload) => port.post({ type: 'event', event, payload }) });
          port.post({ type: 'ready', secretsBackend: vault.backend });
        } catch (err) {
          port.post({ type: 'init-failed', message: err instanceof Error ? err.message : String(err) });
        }
        return;
      case 'call': {
        const envelope = core
          ? await core.call(msg.method, msg.params)
          : { ok: false as const, error: { code: 'UNAVAILABLE' as const, message: 'The SimDeck core is still starting. Try again in a moment.' } };
        port.post({ type: 'reply', id: msg.id, envelope });
        return;
      }
      case 'vault-reply': {
        const waiter = pendingVault.get(msg.id);
        pendingVault.delete(msg.id);
        if (!waiter) return;
        if (msg.ok) waiter.resolve(Buffer.from(msg.data, 'base64'));
        else waiter.reject(new ApiError('UNAVAILABLE', msg.message));
        return;
      }
      case 'shutdown':
        await core?.close();
        core = undefined;
        port.post({ type: 'closed' });
        return;
    }
  });
}

main();
