// The desktop app's vault: the core runs in a utility process, but safeStorage lives in Electron's main process,
// so sealing is a round trip to the shell. The shell refuses Linux's plain-text fallback.
import type { Vault } from './vault.js';

export type VaultRequest = (op: 'seal' | 'open', data: Buffer) => Promise<Buffer>;

export class ShellVault implements Vault {
  constructor(
    readonly backend: string,
    private readonly request: VaultRequest,
  ) {}
  seal(plain: Buffer) {
    return this.request('seal', plain);
  }
  open(sealed: Buffer) {
    return this.request('open', sealed);
  }
}
