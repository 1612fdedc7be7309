// The browser shell's vault: AES-256-GCM with a random key kept in a file only the user can read (0600).
// It protects secrets in the workspace database, its backups and its WAL against anyone who gets the database
// without the key file; it is not a keychain, which is why the desktop app uses safeStorage instead.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/errors.js';
import type { Vault } from './vault.js';

const MAGIC = Buffer.from('SDV1');
export const KEY_FILE = 'vault.key';

export function loadOrCreateKey(dir: string): Buffer {
  const file = path.join(dir, KEY_FILE);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    const key = randomBytes(32);
    fs.writeSync(fd, key.toString('base64'));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const mode = fs.statSync(file).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new ApiError(
      'FORBIDDEN',
      `The secrets key ${file} is readable by other users (mode ${mode.toString(8)}). Run: chmod 600 '${file}' and start SimDeck again.`,
    );
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) {
    throw new ApiError('INTERNAL', `The secrets key ${file} is damaged (expected 32 bytes). Restore it from a backup; secrets sealed with it cannot be read otherwise.`);
  }
  return key;
}

export class FileVault implements Vault {
  readonly backend = 'file-aes-256-gcm';
  constructor(private readonly key: Buffer) {}

  async seal(plain: Buffer): Promise<Buffer> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
  }

  async open(sealed: Buffer): Promise<Buffer> {
    if (!sealed.subarray(0, 4).equals(MAGIC)) throw new ApiError('INTERNAL', 'A stored secret is not in SimDeck vault format.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(4, 16));
    decipher.setAuthTag(sealed.subarray(16, 32));
    try {
      return Buffer.concat([decipher.update(sealed.subarray(32)), decipher.final()]);
    } catch {
      throw new ApiError('FORBIDDEN', 'A stored secret could not be decrypted: the vault key changed. Store the secret again.');
    }
  }
}
