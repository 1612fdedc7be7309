// The SLURM adapter against the real test bed: OpenSSH on 127.0.0.1, SLURM 22.05 with slurmdbd.
import { testKeyPair } from '../../electron/ssh/test-keys.js';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { commandLine } from '../../electron/core/shell-quote.js';
import { slurmAdapter } from '../../electron/slurm/adapter.js';
import { openSsh } from '../../electron/ssh/session.js';
import { ApiError } from '../../shared/errors.js';
import { loadTestbed, makeContext, makeTarget, need } from './testbed.js';
import type { Testbed } from './testbed.js';

let tb: Testbed;
let base: Record<string, string | number>;

beforeAll(() => {
  tb = loadTestbed();
  base = {
    host: need(tb, 'SIMDECK_TB_SSH_HOST'),
    port: Number(need(tb, 'SIMDECK_TB_SSH_PORT')),
    username: need(tb, 'SIMDECK_TB_SSH_USER'),
    privateKeyPath: need(tb, 'SIMDECK_TB_SSH_KEY'),
    hostKeySha256: need(tb, 'SIMDECK_TB_SSH_HOSTKEY_SHA256'),
  };
});

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

/** "Accepted publickey" lines in sshd's log: proof of whether a login happened. */
const acceptedLogins = (): number =>
  readFileSync(need(tb, 'SIMDECK_TB_SSHD_LOG'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('Accepted publickey')).length;

describe('SLURM over real SSH', () => {
  it('connects with key auth and reports the real SLURM version and partition', async () => {
    const { ctx, activity } = makeContext();
    const check = await slurmAdapter.connect(makeTarget('slurm', base), ctx);

    expect(check.ok).toBe(true);
    expect(check.details.version).toBe(need(tb, 'SIMDECK_TB_SLURM_VERSION'));
    expect((check.details.partitions ?? '').split(',')).toContain(need(tb, 'SIMDECK_TB_SLURM_PARTITION'));
    expect(check.details.defaultPartition).toBe('debug');
    expect(check.details.nodes).toBe('1');
    expect(check.details.cpus).toBe(need(tb, 'SIMDECK_TB_SLURM_NODE_CPUS'));
    expect(check.summary).toMatch(/^SLURM 22\.05\.\d+, 1 partition \(debug\), 1 node (idle|mixed|allocated)$/);

    // The user's accounts come from the real slurmdbd (up.sh adds slurmuser to testacct); home from the login.
    expect(check.details.accounts?.split(',')).toContain('testacct');
    expect(check.details.home).toBe('/home/slurmuser');
    // Both sinfo calls really ran and are in the activity log as a command a human could paste.
    const sinfo = activity.filter((a) => a.action === 'slurm.sinfo');
    expect(sinfo).toHaveLength(2);
    for (const a of sinfo) {
      expect(a).toMatchObject({ action: 'slurm.sinfo', outcome: 'ok', targetId: `it-slurm-${process.pid}` });
      expect(a.command).toContain('sinfo');
      expect(a.command.startsWith(`ssh -p ${base.port} -i ${base.privateKeyPath} slurmuser@127.0.0.1 `)).toBe(true);
    }
    expect(activity[0]?.command).toBe(`ssh -p ${base.port} -i ${base.privateKeyPath} slurmuser@127.0.0.1 'sinfo --version'`);
  });

  it('uses a private key from the vault and never shows it', async () => {
    const key = readFileSync(need(tb, 'SIMDECK_TB_SSH_KEY'), 'utf8');
    const { ctx, activity, logs } = makeContext({ 'sec-key': key });
    const { privateKeyPath: _unused, ...settings } = base;
    const check = await slurmAdapter.connect(makeTarget('slurm', settings, { privateKey: 'sec-key' }), ctx);
    expect(check.ok).toBe(true);
    const keyBody = key.split('\n')[1] ?? 'unreachable';
    const everything = JSON.stringify({ check, activity, logs });
    expect(everything).not.toContain(keyBody);
    expect(activity[0]?.command).toBe(`ssh -p ${base.port} slurmuser@127.0.0.1 'sinfo --version'`);
  });

  it('refuses a wrong host key pin with FORBIDDEN before logging in', async () => {
    const before = acceptedLogins();
    const { ctx, activity } = makeContext();
    const e = await rejection(
      slurmAdapter.connect(makeTarget('slurm', { ...base, hostKeySha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), ctx),
    );
    expect(e.code).toBe('FORBIDDEN');
    expect(e.details?.fingerprint).toBe(need(tb, 'SIMDECK_TB_SSH_HOSTKEY_SHA256'));
    // No command ran: the only activity entry is the refused login, and sshd saw no login.
    expect(activity.filter((a) => a.outcome === 'ok')).toEqual([]);
    expect(activity).toHaveLength(1);
    expect(activity[0]?.outcome).toBe('error');
    expect(acceptedLogins()).toBe(before);
  });

  it('asks for confirmation with the same fingerprint ssh-keygen prints when no pin is set', async () => {
    const { ctx } = makeContext();
    const e = await rejection(slurmAdapter.connect(makeTarget('slurm', { ...base, hostKeySha256: '' }), ctx));
    expect(e.code).toBe('CONFIRMATION_REQUIRED');
    expect(e.details?.fingerprint).toBe(need(tb, 'SIMDECK_TB_SSH_HOSTKEY_SHA256'));
  });

  it('maps a key sshd does not accept to UNAUTHORIZED', async () => {
    const stranger = testKeyPair().private;
    const { ctx } = makeContext({ stranger });
    const { privateKeyPath: _unused, ...settings } = base;
    const e = await rejection(slurmAdapter.connect(makeTarget('slurm', settings, { privateKey: 'stranger' }), ctx));
    expect(e.code).toBe('UNAUTHORIZED');
  });

  it('maps a port without sshd to UNAVAILABLE', async () => {
    const { ctx } = makeContext();
    const e = await rejection(slurmAdapter.connect(makeTarget('slurm', { ...base, port: 1 }), ctx));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toContain('127.0.0.1:1');
  });
});

describe('test bed accounting', () => {
  it('a job submitted over SSH finishes and shows up in sacct', async () => {
    const session = await openSsh({
      host: String(base.host),
      port: Number(base.port),
      username: String(base.username),
      privateKey: readFileSync(String(base.privateKeyPath)),
      hostKeySha256: String(base.hostKeySha256),
    });
    try {
      const out = `${need(tb, 'SIMDECK_TB_SLURM_JOBDIR')}/it-%j.out`;
      // --wrap takes a script line, so the quote inside is quoted twice: once for the job, once for the login shell.
      const wrap = commandLine(['echo', "it's ok"]);
      const submit = await session.exec(commandLine(['sbatch', '--parsable', '-o', out, '--wrap', wrap]));
      expect(submit.stderr).toBe('');
      const jobId = submit.stdout.trim();
      expect(jobId).toMatch(/^\d+$/);
      let state = '';
      for (let i = 0; i < 60 && !/^(COMPLETED|FAILED|CANCELLED|TIMEOUT)/.test(state); i++) {
        await new Promise((r) => setTimeout(r, 500));
        const r = await session.exec(commandLine(['sacct', '-X', '-n', '-P', '-j', jobId, '-o', 'State']));
        state = r.stdout.trim();
      }
      expect(state).toBe('COMPLETED');
      const cat = await session.exec(commandLine(['cat', out.replace('%j', jobId)]));
      expect(cat.stdout).toBe("it's ok\n");
    } finally {
      session.close();
    }
  });
});
