// SshSession against a real in-process ssh2 server on 127.0.0.1 (no sshd needed): host key pinning, key and
// password auth, exec with exit codes, timeouts and error mapping.
import { testKeyPair } from './test-keys.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import { sshCommandLine } from './command-line.js';
import { normalizeFingerprint, sshFingerprint, verifyHostKey } from './host-key.js';
import { openSsh } from './session.js';
import type { SshSettings } from './session.js';
import { startTestSshServer } from './test-server.js';
import type { TestSshServer } from './test-server.js';

const strangerKey = testKeyPair();
let srv: TestSshServer;
let port = 0;
let HOST_FP = '';
let execs: string[] = [];

beforeAll(async () => {
  srv = await startTestSshServer((command, stream) => {
    if (command === 'sleep forever') return; // never answers: exercises the client timeout
    if (command === 'cat') {
      stream.on('data', (d: Buffer) => stream.write(d));
      stream.on('end', () => {
        stream.exit(0);
        stream.end();
      });
      return;
    }
    stream.write(`ran: ${command}\n`);
    stream.stderr.write('a warning\n');
    stream.exit(3);
    stream.end();
  });
  port = srv.port;
  HOST_FP = srv.hostFingerprint;
  execs = srv.execs;
});
afterAll(async () => {
  await srv.close();
});

const base = (): SshSettings => ({
  host: '127.0.0.1',
  port,
  username: 'alice',
  privateKey: srv.userPrivateKey,
  hostKeySha256: HOST_FP,
  readyTimeoutMs: 5000,
});

async function errorOf(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected a rejection');
}

describe('SshSession against an in-process ssh2 server', () => {
  it('connects with the right pin and execs', async () => {
    const s = await openSsh(base());
    try {
      const r = await s.exec('echo hello');
      expect(r).toEqual({ code: 3, signal: null, stdout: 'ran: echo hello\n', stderr: 'a warning\n' });
      expect(execs).toContain('echo hello');
      // stdin reaches the command and EOF ends it
      expect((await s.exec('cat', { stdin: 'line one\nline two\n' })).stdout).toBe('line one\nline two\n');
    } finally {
      s.close();
    }
    expect(s.closed).toBe(true);
  });

  it('accepts a pin without the SHA256: prefix', async () => {
    const s = await openSsh({ ...base(), hostKeySha256: HOST_FP.slice('SHA256:'.length) });
    s.close();
  });

  it('asks for confirmation, with the fingerprint, when no pin is set', async () => {
    const before = execs.length;
    const e = await errorOf(openSsh({ ...base(), hostKeySha256: undefined }));
    expect(e.code).toBe('CONFIRMATION_REQUIRED');
    expect(e.details?.fingerprint).toBe(HOST_FP);
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(e.message).toContain(HOST_FP);
    expect(execs.length).toBe(before);
  });

  it('refuses a changed host key with FORBIDDEN', async () => {
    const wrong = sshFingerprint(Buffer.from(strangerKey.public.split(' ')[1] ?? '', 'base64'));
    const e = await errorOf(openSsh({ ...base(), hostKeySha256: wrong }));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toMatch(/changed/);
    expect(e.message).toMatch(/admins/);
    expect(e.details).toMatchObject({ fingerprint: HOST_FP, expected: wrong });
  });

  it('maps a key the server does not accept to UNAUTHORIZED', async () => {
    const e = await errorOf(openSsh({ ...base(), privateKey: strangerKey.private }));
    expect(e.code).toBe('UNAUTHORIZED');
    expect(e.message).toContain('alice');
  });

  it('logs in with a password (and refuses a wrong one)', async () => {
    const s = await openSsh({ ...base(), privateKey: undefined, password: 's3cret' });
    expect((await s.exec('x')).code).toBe(3);
    s.close();
    const e = await errorOf(openSsh({ ...base(), privateKey: undefined, password: 'nope' }));
    expect(e.code).toBe('UNAUTHORIZED');
  });

  it('refuses an unreadable key before connecting', async () => {
    const e = await errorOf(openSsh({ ...base(), privateKey: 'not a key' }));
    expect(e.code).toBe('INVALID_INPUT');
  });

  it('maps a closed port to UNAVAILABLE naming host:port', async () => {
    const closed = new Server({ hostKeys: [strangerKey.private] });
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const e = await errorOf(openSsh({ ...base(), port: closedPort }));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toContain(`127.0.0.1:${closedPort}`);
  });

  it('times out a command that never ends', async () => {
    const s = await openSsh(base());
    try {
      const t0 = Date.now();
      const e = await errorOf(s.exec('sleep forever', { timeoutMs: 300 }));
      expect(e.code).toBe('UNAVAILABLE');
      expect(e.message).toMatch(/did not finish within 0.3 s/);
      expect(Date.now() - t0).toBeLessThan(3000);
      // the session stays usable after a timed-out command
      expect((await s.exec('after')).stdout).toBe('ran: after\n');
    } finally {
      s.close();
    }
  });

  it('rejects exec on a closed session', async () => {
    const s = await openSsh(base());
    s.close();
    expect((await errorOf(s.exec('x'))).code).toBe('UNAVAILABLE');
  });
});

describe('host key helpers', () => {
  const blob = (): Buffer => Buffer.from(srv.hostPublicKey.split(' ')[1] ?? '', 'base64');

  it('fingerprints like ssh-keygen -lf', () => {
    expect(sshFingerprint(blob())).toBe(HOST_FP);
    let keygen = '';
    const dir = mkdtempSync(join(tmpdir(), 'simdeck-fp-'));
    try {
      writeFileSync(join(dir, 'k.pub'), srv.hostPublicKey + '\n');
      keygen = execFileSync('ssh-keygen', ['-lf', join(dir, 'k.pub')], { encoding: 'utf8' }).split(' ')[1] ?? '';
    } catch {
      return; // no ssh-keygen on this machine: the independent computation above still checked it
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(sshFingerprint(blob())).toBe(keygen);
  });

  it('normalizes pasted fingerprints', () => {
    expect(normalizeFingerprint(' SHA256:abc= ')).toBe('SHA256:abc');
    expect(normalizeFingerprint('abc')).toBe('SHA256:abc');
  });

  it('verifyHostKey trusts only the pinned key', () => {
    expect(verifyHostKey(blob(), { host: 'h', port: 22, hostKeySha256: HOST_FP })).toBeNull();
    expect(verifyHostKey(blob(), { host: 'h', port: 22 })?.code).toBe('CONFIRMATION_REQUIRED');
    expect(verifyHostKey(blob(), { host: 'h', port: 22, hostKeySha256: '  ' })?.code).toBe('CONFIRMATION_REQUIRED');
    expect(verifyHostKey(blob(), { host: 'h', port: 22, hostKeySha256: 'SHA256:other' })?.code).toBe('FORBIDDEN');
  });

  it('builds the equivalent ssh command line without secrets', () => {
    expect(sshCommandLine({ host: 'login.hpc', port: 2222, username: 'me' }, "sinfo -h -o '%P|%a'")).toBe(
      `ssh -p 2222 me@login.hpc 'sinfo -h -o '\\''%P|%a'\\'''`,
    );
    expect(sshCommandLine({ host: 'h', port: 22, username: 'u', privateKeyPath: '/home/me/.ssh/id key' }, 'true')).toBe(
      "ssh -p 22 -i '/home/me/.ssh/id key' u@h true",
    );
  });
});
