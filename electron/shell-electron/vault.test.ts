import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as fake from './fake-electron.js';
import { resetFake } from './fake-electron.js';
import { LINUX_PLAINTEXT_REFUSAL, NO_ENCRYPTION_REFUSAL, serveVaultRequest, vaultBackendName, vaultRefusal } from './vault.js';

vi.mock('electron', () => import('./fake-electron.js'));

const b64 = (s: string) => Buffer.from(s).toString('base64');

beforeEach(() => resetFake());

describe('vault on Linux', () => {
  it.each(['basic_text', 'unknown'])('refuses the %s backend even though encryption reports available', (backend) => {
    fake.safeStorage.getSelectedStorageBackend.mockReturnValue(backend);
    fake.safeStorage.isEncryptionAvailable.mockReturnValue(true);
    const reply = serveVaultRequest({ id: 7, op: 'seal', data: b64('hunter2') }, 'linux');
    expect(reply).toEqual({ type: 'vault-reply', id: 7, ok: false, message: LINUX_PLAINTEXT_REFUSAL });
    expect(LINUX_PLAINTEXT_REFUSAL).toMatch(/plain-text fallback on Linux.*GNOME Keyring or KWallet/);
    expect(fake.safeStorage.encryptString).not.toHaveBeenCalled();
  });

  it('refuses when encryption is unavailable', () => {
    fake.safeStorage.isEncryptionAvailable.mockReturnValue(false);
    expect(vaultRefusal('linux')).toBe(LINUX_PLAINTEXT_REFUSAL);
  });

  it.each(['gnome_libsecret', 'kwallet5', 'kwallet6'])('seals and opens with %s, byte for byte', (backend) => {
    fake.safeStorage.getSelectedStorageBackend.mockReturnValue(backend);
    const secret = Buffer.from([0, 255, 10, 13, 200, 1]).toString('base64');
    const sealed = serveVaultRequest({ id: 1, op: 'seal', data: secret }, 'linux');
    expect(sealed).toMatchObject({ ok: true, id: 1 });
    const ciphertext = (sealed as { data: string }).data;
    expect(ciphertext).not.toBe(secret);
    const opened = serveVaultRequest({ id: 2, op: 'open', data: ciphertext }, 'linux');
    expect(opened).toEqual({ type: 'vault-reply', id: 2, ok: true, data: secret });
  });
});

describe('vault elsewhere', () => {
  it('does not call the Linux-only backend API on macOS or Windows', () => {
    expect(vaultRefusal('darwin')).toBeNull();
    expect(vaultRefusal('win32')).toBeNull();
    expect(fake.safeStorage.getSelectedStorageBackend).not.toHaveBeenCalled();
  });

  it('refuses when the OS store is unavailable', () => {
    fake.safeStorage.isEncryptionAvailable.mockReturnValue(false);
    expect(serveVaultRequest({ id: 3, op: 'seal', data: b64('x') }, 'darwin')).toEqual({
      type: 'vault-reply', id: 3, ok: false, message: NO_ENCRYPTION_REFUSAL,
    });
  });

  it('answers ok:false when decryption fails instead of throwing', () => {
    fake.safeStorage.decryptString.mockImplementation(() => {
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    });
    const reply = serveVaultRequest({ id: 4, op: 'open', data: b64('garbage') }, 'win32');
    expect(reply).toMatchObject({ ok: false, id: 4, message: expect.stringMatching(/could not open a stored secret/) });
  });
});

describe('vaultBackendName', () => {
  it('names the store, and says when it is refused', () => {
    expect(vaultBackendName('linux')).toBe('safeStorage:gnome_libsecret');
    expect(vaultBackendName('darwin')).toBe('safeStorage:keychain');
    expect(vaultBackendName('win32')).toBe('safeStorage:dpapi');
    fake.safeStorage.getSelectedStorageBackend.mockReturnValue('basic_text');
    expect(vaultBackendName('linux')).toBe('safeStorage:basic_text (refused)');
  });
});
