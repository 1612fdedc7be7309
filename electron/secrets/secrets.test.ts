import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Target } from '../../shared/domain.js';
import { fails, ok, openTempCore, tempWorkspace, type TempCore } from '../testing/temp-core.js';
import { FileVault, KEY_FILE, loadOrCreateKey } from './file-vault.js';

let t: TempCore | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

/** Every file of a workspace: the database, its WAL and shared memory, logs. */
function workspaceBytes(dir: string): Buffer {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== KEY_FILE) files.push(p);
    }
  };
  walk(dir);
  expect(files.some((f) => f.endsWith('workspace.sqlite'))).toBe(true);
  expect(files.some((f) => f.endsWith('core.log'))).toBe(true);
  return Buffer.concat(files.map((f) => fs.readFileSync(f)));
}

describe('secrets vault (browser shell: key file)', () => {
  it('creates its key readable by the user only, and reuses it', () => {
    const dir = tempWorkspace();
    const key = loadOrCreateKey(dir);
    expect(fs.statSync(path.join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateKey(dir).equals(key)).toBe(true);
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses a key file others can read', () => {
    const dir = tempWorkspace();
    loadOrCreateKey(dir);
    fs.chmodSync(path.join(dir, KEY_FILE), 0o644);
    expect(() => loadOrCreateKey(dir)).toThrow(/readable by other users.*chmod 600/);
    fs.rmSync(dir, { recursive: true });
  });

  it('round-trips and detects tampering', async () => {
    const vault = new FileVault(Buffer.alloc(32, 7));
    const sealed = await vault.seal(Buffer.from('hunter2-passphrase'));
    expect(sealed.includes(Buffer.from('hunter2'))).toBe(false);
    expect((await vault.open(sealed)).toString()).toBe('hunter2-passphrase');
    sealed[sealed.length - 1]! ^= 1;
    await expect(vault.open(sealed)).rejects.toThrow(/could not be decrypted/);
  });

  it('never writes a planted secret in plain text to the database, WAL or logs, and never returns it', async () => {
    t = openTempCore();
    const planted = 'PLANTED-s3cr3t-' + Math.random().toString(36).slice(2);
    const info = await ok<{ id: string }>(t.core, 'secrets.store', { label: 'cluster password', value: planted });
    const target = await ok<Target>(t.core, 'targets.create', { name: 'hpc', kind: 'slurm', settings: { host: '127.0.0.1', port: 1, username: 'u' } });
    await ok(t.core, 'targets.attachSecret', { id: target.id, role: 'password', secretId: info.id });
    // The secret's plain value reaches a backend, which fails and logs; neither the log nor activity may hold it.
    await t.core.call('targets.check', { id: target.id });
    const listed = JSON.stringify([await ok(t.core, 'secrets.list'), await ok(t.core, 'targets.list'), await ok(t.core, 'activity.list', {})]);
    expect(listed).not.toContain(planted);
    expect(workspaceBytes(t.dir).includes(Buffer.from(planted))).toBe(false);
    t = await t.reopen(); // after a checkpoint too
    expect(workspaceBytes(t.dir).includes(Buffer.from(planted))).toBe(false);
  });

  it('refuses secret-looking target settings and points to the vault', async () => {
    t = openTempCore();
    const err = await fails(t.core, 'targets.create', { name: 'x', kind: 'slurm', settings: { host: 'h', password: 'pw123' } });
    expect(err).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('settings.password') });
    await ok(t.core, 'targets.create', { name: 'y', kind: 'slurm', settings: { host: 'h', privateKeyPath: '/home/me/.ssh/id_ed25519' } });
  });
});

describe('target credentials lifecycle', () => {
  it('removing a target removes its secrets from the vault, but not ones another target uses', async () => {
    t = openTempCore();
    const own = await ok<{ id: string }>(t.core, 'secrets.store', { label: 'a password', value: 'pw-own-123' });
    const shared = await ok<{ id: string }>(t.core, 'secrets.store', { label: 'shared passphrase', value: 'pw-shared-456' });
    const a = await ok<Target>(t.core, 'targets.create', { name: 'a', kind: 'slurm', settings: {} });
    const b = await ok<Target>(t.core, 'targets.create', { name: 'b', kind: 'slurm', settings: {} });
    await ok(t.core, 'targets.attachSecret', { id: a.id, role: 'password', secretId: own.id });
    await ok(t.core, 'targets.attachSecret', { id: a.id, role: 'keyPassphrase', secretId: shared.id });
    await ok(t.core, 'targets.attachSecret', { id: b.id, role: 'keyPassphrase', secretId: shared.id });
    await ok(t.core, 'targets.delete', { id: a.id, confirmName: 'a' });
    const left = await ok<{ id: string }[]>(t.core, 'secrets.list');
    expect(left.map((x) => x.id)).toEqual([shared.id]);
  });
});
