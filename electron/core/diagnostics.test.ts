import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SecretInfo, Target } from '../../shared/domain.js';
import { ok, openTempCore, type TempCore } from '../testing/temp-core.js';
import { readLogTail } from './diagnostics.js';
import { scrubSecrets } from './scrub.js';

let t: TempCore | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const PEM = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ', 'AAAAC3NzaC1lZDI1NTE5AAAAIG9vb29vb29v', '-----END OPENSSH PRIVATE KEY-----'].join('\n');

describe('app.diagnostics', () => {
  it('describes the install and the recent errors, with no secret in it', async () => {
    t = openTempCore();
    const secret = 'S3cr3t-Passw0rd-for-the-cluster';
    const info = await ok<SecretInfo>(t.core, 'secrets.store', { label: 'cluster password', value: secret });
    const target = await ok<Target>(t.core, 'targets.create', { name: 'hpc', kind: 'slurm', settings: { host: 'login.hpc.example.edu', username: 'me' } });
    await ok(t.core, 'targets.attachSecret', { id: target.id, role: 'password', secretId: info.id });
    t.core.reportUnhandled(new Error(`sftp stalled while logging in with ${secret}`), 'rejection');
    // Lines a careless writer could leave in the log, which the redactor alone does not know about.
    const planted = [
      `ssh said: ${secret}`,
      JSON.stringify({ t: 'x', level: 'error', msg: 'key dump', key: PEM }),
      PEM,
      'cloning https://alice:gh-pass-123@git.example.edu/repo.git',
      'curl -H "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig" https://api.example.edu',
      'open http://127.0.0.1:8080/?token=rVc8tnq0F2qI-qWOSgaKzDUzVOBebxTQ',
      'export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
      'rclone config: secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ];
    fs.appendFileSync(path.join(t.dir, 'logs', 'core.log'), planted.join('\n') + '\n');

    const { text } = await ok<{ text: string }>(t.core, 'app.diagnostics');
    for (const leak of [secret, 'b3BlbnNzaC1rZXktdjEA', 'AAAAC3NzaC1lZDI1NTE5', 'gh-pass-123', 'alice', 'eyJhbGciOiJIUzI1NiJ9', 'rVc8tnq0F2qI', 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI']) {
      expect(text).not.toContain(leak);
    }
    expect(text).toContain('version: test');
    expect(text).toContain('shell: browser');
    expect(text).toContain(`core pid: ${process.pid}`);
    expect(text).toContain(`node: ${process.versions.node}`);
    expect(text).toContain('schema version: ');
    expect(text).toContain('targets: slurm 1');
    expect(text).toContain('sftp stalled while logging in with [redacted]');
    expect(text).toContain('git.example.edu/repo.git'); // the rest of a line stays readable
    expect(text).toContain('updates: on');
  });

  it("includes the end of the desktop shell's log (core crashes it saw), scrubbed, only when there is one", async () => {
    t = openTempCore();
    const before = (await ok<{ text: string }>(t.core, 'app.diagnostics')).text;
    expect(before).not.toContain('Desktop shell log');
    fs.writeFileSync(
      path.join(t.dir, 'logs', 'shell.log'),
      '2026-11-21T10:00:00.000Z warn core: Segmentation fault\n2026-11-21T10:00:00.100Z warn feed https://ana:pw-xyz-1@mirror.example.edu/\n',
    );
    const { text } = await ok<{ text: string }>(t.core, 'app.diagnostics');
    expect(text).toContain('Desktop shell log');
    expect(text).toContain('core: Segmentation fault');
    expect(text).not.toContain('pw-xyz-1');
  });

  it('names only the host of a custom update feed', async () => {
    t = openTempCore();
    await ok(t.core, 'app.setSettings', { updates: { enabled: false, feedUrl: 'https://updates.example.edu/simdeck/?key=abc123' } });
    const { text } = await ok<{ text: string }>(t.core, 'app.diagnostics');
    expect(text).toContain('updates: off');
    expect(text).toContain('update feed: updates.example.edu');
    expect(text).not.toContain('abc123');
  });
});

describe('readLogTail', () => {
  it('returns the last lines without reading the whole file', () => {
    t = openTempCore();
    const file = path.join(t.dir, 'big.log');
    fs.writeFileSync(file, Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n') + '\n');
    const tail = readLogTail(file, 200).split('\n');
    expect(tail).toHaveLength(200);
    expect(tail[0]).toMatch(/^line 19800 /);
    expect(tail.at(-1)).toMatch(/^line 19999 /);
    expect(readLogTail(path.join(t.dir, 'missing.log'))).toBe('(no log yet)');
  });
});

describe('scrubSecrets', () => {
  it.each([
    ['password=hunter2 user=me', 'password=[redacted] user=me'],
    ['{"token":"abc.def","n":1}', '{"token":"[redacted]","n":1}'],
    ['passphrase: correct horse', 'passphrase: [redacted] horse'],
    ['Authorization: Bearer abc.def-ghi', 'Authorization: Bearer [redacted]'],
    ['see https://u:p@h.example/x', 'see https://[redacted]@h.example/x'],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789 pushed', '[redacted token] pushed'],
    [`before\n${PEM}\nafter`, 'before\n[redacted private key]\nafter'],
    ['-----BEGIN RSA PRIVATE KEY-----\\nMIIEow (cut)', '[redacted private key]'],
    ['secrets backend: file-aes-256-gcm', 'secrets backend: file-aes-256-gcm'],
  ])('%s', (input, expected) => {
    expect(scrubSecrets(input)).toBe(expected);
  });
});
