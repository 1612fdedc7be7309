// Host key verification for SSH connections. SimDeck never connects to a host whose key the user has not pinned:
// without that check, a lab laptop on hotel Wi-Fi would hand its cluster login to whoever answers on port 22.
// For now the pin is one fingerprint in the target's settings; known_hosts files and trust-on-first-use come later
// and grow from verifyHostKey, which is why it is a separate, pure function.
import { createHash } from 'node:crypto';
import { ApiError } from '../../shared/errors.js';

/** OpenSSH's fingerprint of a host key blob (SSH wire format), exactly as `ssh-keygen -lf` prints it. */
export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Accepts "SHA256:abc", "abc" and padded base64, so a fingerprint pasted from anywhere still compares. */
export function normalizeFingerprint(pin: string): string {
  const bare = pin.trim().replace(/^SHA256:/i, '').replace(/=+$/, '');
  return `SHA256:${bare}`;
}

export interface HostKeyCheck {
  host: string;
  port: number;
  /** The fingerprint the user trusts for this host, "SHA256:..." */
  hostKeySha256?: string | null;
}

/** Returns null when the key is trusted, else the error to refuse the connection with. Never throws. */
export function verifyHostKey(keyBlob: Buffer, check: HostKeyCheck): ApiError | null {
  const fingerprint = sshFingerprint(keyBlob);
  const where = `${check.host}:${check.port}`;
  if (!check.hostKeySha256 || !check.hostKeySha256.trim()) {
    return new ApiError(
      'CONFIRMATION_REQUIRED',
      `SimDeck has not seen the host key of ${where} yet. Its fingerprint is ${fingerprint}. ` +
        'Compare it with the fingerprint your cluster documents and trust it to continue.',
      { fingerprint, host: check.host, port: String(check.port) },
    );
  }
  const expected = normalizeFingerprint(check.hostKeySha256);
  if (expected !== fingerprint) {
    return new ApiError(
      'FORBIDDEN',
      `The host key of ${where} has changed: SimDeck trusts ${expected}, but the server now presents ${fingerprint}. ` +
        'This can mean someone is intercepting the connection, or that the server was reinstalled. ' +
        'SimDeck will not connect. Ask your cluster admins which fingerprint is right before you trust the new one.',
      { fingerprint, expected, host: check.host, port: String(check.port) },
    );
  }
  return null;
}

/** The key type named inside a host key blob ("ssh-ed25519", "ecdsa-sha2-nistp256", ...), or null if malformed. */
export function keyTypeOfBlob(blob: Buffer): string | null {
  if (blob.length < 4) return null;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) return null;
  const type = blob.subarray(4, 4 + len).toString('latin1');
  return /^[a-z0-9@.-]+$/i.test(type) ? type : null;
}
