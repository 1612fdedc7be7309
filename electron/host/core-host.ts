// Entry point of the core process: an Electron utilityProcess in the desktop app, a Node child process (with an
// IPC channel) under the browser shell. Either way the core never shares a process with the UI, so remote I/O
// cannot stall a window and a crash of the core cannot take the shell down.
import { ApiError } from '../../shared/errors.js';
import { createCore, type Core } from '../core/core.js';
import { installUnhandled } from '../core/unhandled.js';
import { FileVault, loadOrCreateKey } from '../secrets/file-vault.js';
import { ShellVault } from '../secrets/shell-vault.js';
import type { Vault } from '../secrets/vault.js';
import type { CoreInit, CoreToShell, ShellToCore } from './protocol.js';

interface Port {
  /** `sent` runs once the message has left this process (as far as the channel can tell). */
  post(msg: CoreToShell, sent?: () => void): void;
  onMessage(cb: (msg: ShellToCore) => void): void;
}

interface ElectronParentPort {
  postMessage(msg: unknown): void;
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
}

function connectToShell(): Port {
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      // parentPort has no delivery callback; a short pause lets the message out before the process exits.
      post: (m, sent) => {
        electronPort.postMessage(m);
        if (sent) setTimeout(sent, 100);
      },
      onMessage: (cb) => electronPort.on('message', (e) => cb(e.data as ShellToCore)),
    };
  }
  if (process.send) {
    // Without its shell the core must not linger: it would keep the workspace lock and poll clusters for nobody.
    // SQLite's WAL makes stopping at any point safe.
    process.on('disconnect', () => process.exit(0));
    // Ctrl-C in the terminal (or a stop of the whole process group) reaches the core too; the shell decides
    // when the core stops, so it can close the workspace cleanly first instead of racing a restart.
    process.on('SIGINT', () => undefined);
    process.on('SIGTERM', () => undefined);
    return {
      post: (m, sent) => void process.send?.(m, undefined, {}, () => sent?.()),
      onMessage: (cb) => process.on('message', (m) => cb(m as ShellToCore)),
    };
  }
  throw new Error('The SimDeck core must be started by a shell (an Electron utility process or `simdeck serve`).');
}

function main(): void {
  const port = connectToShell();
  const pendingVault = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  let nextVaultId = 1;
  let core: Core | undefined;

  installUnhandled({
    core: () => core,
    tellShell: (report, sent) => port.post({ type: 'fatal', report }, sent),
    exit: (code) => process.exit(code),
    stderr: (text) => void process.stderr.write(text),
  });

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
          core = await whenWorkspaceFree(() => createCore({ ...msg.init, vault, emit: (event, payload) => port.post({ type: 'event', event, payload }) }));
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

/**
 * A core whose shell was just killed exits on its own a moment later (on 'disconnect'); a shell restarted at once
 * can race it. lock.ts already treats an unreaped zombie as gone on Linux; this short wait covers the live
 * moment before the old core's exit. A lock that stays taken is another SimDeck's, and its CONFLICT goes to the shell.
 */
async function whenWorkspaceFree<T>(open: () => T, waitMs = 3000): Promise<T> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      return open();
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'CONFLICT') || Date.now() > until) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

main();
