// Seals and opens secrets for the core with Electron's safeStorage (Keychain, DPAPI, or the Linux secret
// service). On Linux, safeStorage silently falls back to a hard-coded key ('basic_text') when no secret service
// is running; like Signal, SimDeck refuses that instead of pretending the secrets are protected.
import { safeStorage } from 'electron';
import type { ShellToCore } from '../host/protocol.js';
import { describe } from './log.js';

export const LINUX_PLAINTEXT_REFUSAL =
  "SimDeck will not store secrets with Electron's plain-text fallback on Linux. Install and unlock a secret " +
  'service (GNOME Keyring or KWallet), make sure it is running in your desktop session, then restart SimDeck.';

export const NO_ENCRYPTION_REFUSAL =
  "SimDeck cannot store secrets because the operating system's secure storage (Keychain on macOS, DPAPI on " +
  'Windows) is not available to it.';

export type VaultRequest = { id: number; op: 'seal' | 'open'; data: string };
type VaultReply = Extract<ShellToCore, { type: 'vault-reply' }>;

/** Why secrets cannot be sealed here, or null when safeStorage is really encrypting. */
export function vaultRefusal(platform: NodeJS.Platform = process.platform): string | null {
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend(); // Linux-only API
    if (backend === 'basic_text' || backend === 'unknown') return LINUX_PLAINTEXT_REFUSAL;
    return safeStorage.isEncryptionAvailable() ? null : LINUX_PLAINTEXT_REFUSAL;
  }
  return safeStorage.isEncryptionAvailable() ? null : NO_ENCRYPTION_REFUSAL;
}

/** The name the core reports for secrets storage (app.info secretsBackend), e.g. 'safeStorage:gnome_libsecret'. */
export function vaultBackendName(platform: NodeJS.Platform = process.platform): string {
  const store =
    platform === 'linux' ? safeStorage.getSelectedStorageBackend() : platform === 'darwin' ? 'keychain' : platform === 'win32' ? 'dpapi' : platform;
  return vaultRefusal(platform) ? `safeStorage:${store} (refused)` : `safeStorage:${store}`;
}

// safeStorage encrypts strings. The payload is already base64, so we seal the base64 text itself: it round-trips
// byte-exactly through encryptString/decryptString whatever bytes the core sealed.
export function serveVaultRequest(request: VaultRequest, platform: NodeJS.Platform = process.platform): VaultReply {
  const refusal = vaultRefusal(platform);
  if (refusal) return { type: 'vault-reply', id: request.id, ok: false, message: refusal };
  try {
    const data =
      request.op === 'seal'
        ? safeStorage.encryptString(request.data).toString('base64')
        : safeStorage.decryptString(Buffer.from(request.data, 'base64'));
    return { type: 'vault-reply', id: request.id, ok: true, data };
  } catch (err) {
    const what = request.op === 'seal' ? 'seal a secret' : 'open a stored secret (was the keyring reset or changed?)';
    return { type: 'vault-reply', id: request.id, ok: false, message: `SimDeck could not ${what}: ${describe(err)}` };
  }
}
