// SSH host keys, ProxyJump and reconnects against REAL OpenSSH servers: the shared test bed sshd
// (127.0.0.1:2222) and a test-local sshd on a free port that this file starts, stops and re-keys itself.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import { runMigrations } from '../../electron/workspace/migrations.js';
import { HostKeyStore } from '../../electron/ssh/host-key-store.js';
import type { TrustRequest } from '../../electron/ssh/host-key-store.js';
import { HostKeyVerifier } from '../../electron/ssh/host-key-verifier.js';
import type { HostKeyCheckRequest } from '../../electron/ssh/host-key-verifier.js';
import { SshPool } from '../../electron/ssh/pool.js';
import { resolveSshConnection } from '../../electron/ssh/target.js';
import { loadTestbed, makeContext, makeTarget, need } from './testbed.js';

const tb = loadTestbed();
const HOST = need(tb, 'SIMDECK_TB_SSH_HOST');
const PORT = Number(need(tb, 'SIMDECK_TB_SSH_PORT'));
const USER = need(tb, 'SIMDECK_TB_SSH_USER');
const KEY = need(tb, 'SIMDECK_TB_SSH_KEY');
const work = mkdtempSync(join(tmpdir(), 'simdeck-ssh-it-'));

// ---- a test-local sshd: same user and authorized key as the test bed, its own host key and port ----

interface LocalSshd {
  port: number;
  start(hostKey: string): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function newHostKey(name: string): string {
  const path = join(work, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path]);
  return path;
}

/** `ssh-keygen -lf` of a public key file: the fingerprint OpenSSH itself prints. */
function fingerprintOf(pubFile: string): string {
  return execFileSync('ssh-keygen', ['-lf', pubFile], { encoding: 'utf8' }).split(' ')[1] ?? '';
}

/** Resolves once something answers on the port with an SSH banner (or rejects after `ms`). */
async function waitForBanner(port: number, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString().startsWith('SSH-'));
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`sshd did not come up on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function descendants(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // no children
  }
  const kids = out.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  return kids.flatMap((k) => [...descendants(k), k]);
}

async function localSshd(): Promise<LocalSshd> {
  const port = await freePort();
  const pidFile = join(work, `sshd-${port}.pid`);
  let pid = 0;
  return {
    port,
    async start(hostKey) {
      const cfg = join(work, `sshd-${port}.conf`);
      writeFileSync(
        cfg,
        [
          `Port ${port}`,
          'ListenAddress 127.0.0.1',
          `HostKey ${hostKey}`,
          `PidFile ${pidFile}`,
          'PubkeyAuthentication yes',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'UsePAM no',
          `AllowUsers ${USER}`,
          'AllowTcpForwarding yes',
          'AuthorizedKeysFile .ssh/authorized_keys',
          'Subsystem sftp internal-sftp',
          '',
        ].join('\n'),
      );
      execFileSync('/usr/sbin/sshd', ['-f', cfg, '-E', join(work, `sshd-${port}.log`)]); // forks into the background
      await waitForBanner(port);
      // sshd writes its PidFile from the forked listener, possibly just after the parent returned.
      const end = Date.now() + 5000;
      const readPid = (): number => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) || 0 : 0);
      while (!readPid() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      pid = readPid();
      if (!pid) throw new Error(`sshd on port ${port} wrote no pid file`);
    },
    async stop() {
      if (!pid) return;
      // Only this sshd and its per-connection children, by pid: the listener alone would leave sessions alive.
      for (const p of [...descendants(pid), pid]) {
        try {
          process.kill(p, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
      pid = 0;
      const end = Date.now() + 5000;
      while (existsSync(pidFile) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 100));
    },
  };
}

// ---- the pool under test, with SimDeck's own store and no known_hosts (so every host starts unknown) ----

const db = new Database(':memory:');
runMigrations(db);
const store = new HostKeyStore(db);
const checks: string[] = [];
const verifier = new HostKeyVerifier({ knownHostsFiles: [join(work, 'known_hosts')], store });
const { ctx } = makeContext();

function newPool(): SshPool {
  return new SshPool({
    resolve: (t: Target) => resolveSshConnection(t, ctx),
    hostKeys: {
      check: (req: HostKeyCheckRequest) => {
        checks.push(`${req.host}:${req.port}`);
        return verifier.check(req);
      },
    },
    prompt: () => Promise.reject(new Error('the test bed asks no questions')),
    log: ctx.log,
    backoff: { initialMs: 300, maxMs: 1000, jitter: 0 },
    callRetries: 1,
  });
}

function sshTarget(id: string, port: number, extra: Record<string, string> = {}): Target {
  return { ...makeTarget('slurm', { host: HOST, port, username: USER, privateKeyPath: KEY, useAgent: 'false', ...extra }), id, name: `cluster ${id}` };
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected a rejection');
}

const trustFrom = (err: ApiError): TrustRequest => {
  const d = err.details ?? {};
  return { host: d.host ?? '', port: Number(d.port), keyType: d.keyType ?? '', keyBase64: d.keyBase64 ?? '', fingerprint: d.fingerprint ?? '' };
};

const until = async (what: string, cond: () => boolean, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const pools: SshPool[] = [];
let sshd: LocalSshd;
beforeAll(async () => {
  sshd = await localSshd();
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await sshd?.stop();
  db.close();
  rmSync(work, { recursive: true, force: true });
});

describe('host keys against the real sshd of the test bed', () => {
  it('asks to trust an unknown host with the fingerprint ssh-keygen prints, then runs commands', async () => {
    const pool = newPool();
    pools.push(pool);
    const t = sshTarget('tb', PORT);
    const err = await rejection(pool.exec(t, 'echo $USER'));
    expect(err.code).toBe('CONFIRMATION_REQUIRED');
    const keyscan = execFileSync('ssh-keyscan', ['-t', 'ed25519', '-p', String(PORT), HOST], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    writeFileSync(join(work, 'scanned.pub'), keyscan.replace(/^\S+\s+/, ''));
    const fp = fingerprintOf(join(work, 'scanned.pub'));
    expect(err.details?.fingerprint).toBe(fp);
    expect(err.message).toContain(`${HOST}:${PORT}`);
    expect(err.message).toContain(fp);
    expect(pool.status('tb').state).toBe('paused');

    store.trust(trustFrom(err));
    await pool.close('tb'); // what the core does after ssh.trustHostKey
    const r = await pool.exec(t, 'echo $USER');
    expect(r).toMatchObject({ code: 0, stdout: `${USER}\n` });
    expect(pool.status('tb').state).toBe('connected');
    expect(await pool.home(t)).toBe(`/home/${USER}`);
  });

  it('goes through a two-hop ProxyJump chain and verifies every hop', async () => {
    const pool = newPool();
    pools.push(pool);
    // Jump hosts spelled "localhost" and the target "127.0.0.1", as OpenSSH's loop check requires.
    const t = sshTarget('jump', PORT, { proxyJump: `localhost:${PORT},${USER}@localhost:${PORT}` });
    checks.length = 0;
    const err = await rejection(pool.exec(t, 'echo $SSH_CONNECTION'));
    expect(err.code).toBe('CONFIRMATION_REQUIRED');
    expect(err.details?.host).toBe('localhost'); // the first hop is checked first, with its own name
    store.trust(trustFrom(err));
    await pool.close('jump');
    checks.length = 0;
    const r = await pool.exec(t, 'echo $SSH_CONNECTION');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+\n$/);
    expect(checks).toEqual([`localhost:${PORT}`, `localhost:${PORT}`, `${HOST}:${PORT}`]);
    // SFTP rides the same chained connection.
    const dir = `simdeck-it-${process.pid}/a/b`;
    await pool.mkdirp(t, dir);
    await pool.writeFile(t, `${dir}/job.sh`, '#!/bin/sh\necho hi\n', 0o750);
    await pool.writeFile(t, `${dir}/job.sh`, '#!/bin/sh\necho again\n', 0o750); // replaces an existing file
    expect((await pool.readFile(t, `${dir}/job.sh`)).toString()).toBe('#!/bin/sh\necho again\n');
    expect((await pool.readFile(t, `${dir}/job.sh`, { offset: 10, maxBytes: 4 })).toString()).toBe('echo');
    expect((await pool.exec(t, `stat -c %a ${dir}/job.sh && rm -r simdeck-it-${process.pid}`)).stdout).toBe('750\n');
  });
});

describe('a test-local sshd that stops, returns and changes its host key', () => {
  let key1 = '';
  let key2 = '';
  beforeAll(() => {
    key1 = newHostKey('host_key_one');
    key2 = newHostKey('host_key_two');
  });

  it('goes unreachable while sshd is down, comes back by itself, and refuses a changed host key', async () => {
    await sshd.start(key1);
    const pool = newPool();
    pools.push(pool);
    const t = sshTarget('local', sshd.port);

    const unknown = await rejection(pool.exec(t, 'true'));
    expect(unknown.code).toBe('CONFIRMATION_REQUIRED');
    expect(unknown.details?.fingerprint).toBe(fingerprintOf(`${key1}.pub`));
    store.trust(trustFrom(unknown));
    await pool.close('local');
    expect((await pool.exec(t, 'echo up')).stdout).toBe('up\n');

    // sshd stops between two polls.
    await sshd.stop();
    await until('unreachable', () => pool.status('local').state === 'unreachable');
    const down = await rejection(pool.exec(t, 'echo poll'));
    expect(down.code).toBe('UNAVAILABLE');
    expect(down.message).toMatch(/^cluster local is unreachable since \S+: .*SimDeck keeps trying every \d+ s\.$/);
    expect(pool.status('local').nextRetryAt).not.toBeNull();

    // It returns: the pool reconnects without any caller.
    await sshd.start(key1);
    await until('connected again', () => pool.status('local').state === 'connected');
    expect((await pool.exec(t, 'echo back')).stdout).toBe('back\n');

    // Same address and port, different host key: refused, and the cluster pauses (no retry loop, no bypass).
    await sshd.stop();
    await until('unreachable', () => pool.status('local').state === 'unreachable');
    await sshd.start(key2);
    await until('paused', () => pool.status('local').state === 'paused');
    expect(pool.status('local').detail).toMatch(/host key of 127\.0\.0\.1:\d+ changed/);
    const changed = await rejection(pool.exec(t, 'true'));
    expect(changed.code).toBe('FORBIDDEN');
    expect(changed.message).toContain(fingerprintOf(`${key2}.pub`));
    expect(changed.message).toMatch(/attack.*reinstalled.*admins/s);

    // Trusting the new key without forgetting the old one is refused too.
    expect(() => store.trust(trustFrom(changed))).toThrow(/already trusts another/);
    const fresh = newPool();
    pools.push(fresh);
    expect((await rejection(fresh.exec(t, 'true'))).code).toBe('FORBIDDEN');
  });
});
