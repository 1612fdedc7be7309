// SimDeck's own trusted host keys (table host_keys, workspace migration 2). A key lands here only when the user
// trusts it after comparing its fingerprint; a host keeps one key per key type, and replacing one needs an
// explicit forget first, so a changed key can never be accepted by clicking through a dialog.
import type Database from 'better-sqlite3';
import type { HostKeyEntry } from '../../shared/slurm.js';
import { ApiError } from '../../shared/errors.js';
import { keyTypeOfBlob, sshFingerprint } from './host-key.js';

type Db = Database.Database;

export interface StoredHostKey extends HostKeyEntry {
  keyBase64: string;
}

/** What the UI sends back from a CONFIRMATION_REQUIRED error's details to trust a key. */
export interface TrustRequest {
  host: string;
  port: number;
  keyType: string;
  keyBase64: string;
  fingerprint: string;
}

interface Row {
  host: string;
  port: number;
  key_type: string;
  key_base64: string;
  fingerprint: string;
  added_at: string;
}

const toEntry = (r: Row): StoredHostKey => ({
  host: r.host,
  port: r.port,
  keyType: r.key_type,
  keyBase64: r.key_base64,
  fingerprint: r.fingerprint,
  addedAt: r.added_at,
});

export class HostKeyStore {
  constructor(private readonly db: Db) {}

  list(): StoredHostKey[] {
    return (this.db.prepare('SELECT * FROM host_keys ORDER BY host, port, key_type').all() as Row[]).map(toEntry);
  }

  get(host: string, port: number): StoredHostKey[] {
    const rows = this.db.prepare('SELECT * FROM host_keys WHERE host = ? AND port = ? ORDER BY key_type').all(host.toLowerCase(), port) as Row[];
    return rows.map(toEntry);
  }

  /**
   * Trusts a key the user confirmed. The fingerprint is recomputed from the key itself and must equal the one the
   * user saw; a second, different key of the same type for the same host:port is refused until the old is forgotten.
   */
  trust(req: TrustRequest): StoredHostKey {
    const blob = Buffer.from(req.keyBase64, 'base64');
    if (blob.length === 0 || blob.toString('base64') !== req.keyBase64.trim()) {
      throw new ApiError('INVALID_INPUT', 'The host key to trust is not valid base64.', { field: 'keyBase64' });
    }
    const keyType = keyTypeOfBlob(blob);
    const fingerprint = sshFingerprint(blob);
    if (keyType === null || keyType !== req.keyType) {
      throw new ApiError('INVALID_INPUT', `The host key is not of type ${req.keyType}.`, { field: 'keyType' });
    }
    if (fingerprint !== req.fingerprint) {
      throw new ApiError(
        'INVALID_INPUT',
        `The fingerprint ${req.fingerprint} does not belong to this key (its fingerprint is ${fingerprint}). Nothing was trusted.`,
        { field: 'fingerprint' },
      );
    }
    if (!Number.isInteger(req.port) || req.port < 1 || req.port > 65535) {
      throw new ApiError('INVALID_INPUT', `Port ${req.port} is not a valid port.`, { field: 'port' });
    }
    const host = req.host.trim().toLowerCase();
    const existing = this.get(host, req.port).find((k) => k.keyType === keyType);
    if (existing) {
      if (existing.keyBase64 === blob.toString('base64')) return existing;
      throw new ApiError(
        'CONFLICT',
        `SimDeck already trusts another ${keyType} key for ${host}:${req.port} (${existing.fingerprint}). ` +
          'Forget that key first if the admins confirmed the new one.',
        { host, port: String(req.port), keyType },
      );
    }
    const entry: StoredHostKey = { host, port: req.port, keyType, keyBase64: blob.toString('base64'), fingerprint, addedAt: new Date().toISOString() };
    this.db
      .prepare('INSERT INTO host_keys (host, port, key_type, key_base64, fingerprint, added_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(entry.host, entry.port, entry.keyType, entry.keyBase64, entry.fingerprint, entry.addedAt);
    return entry;
  }

  /** Forgets the keys of host:port (all types, or one). Returns how many were removed. */
  forget(host: string, port: number, keyType?: string): number {
    const h = host.trim().toLowerCase();
    const r = keyType
      ? this.db.prepare('DELETE FROM host_keys WHERE host = ? AND port = ? AND key_type = ?').run(h, port, keyType)
      : this.db.prepare('DELETE FROM host_keys WHERE host = ? AND port = ?').run(h, port);
    return r.changes;
  }
}
