// slurmAdapter.connect against an in-process SSH server that answers like a SLURM login node. The same flow runs
// against real sshd + SLURM in e2e/integration/slurm-ssh.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../shared/domain.js';
import type { AdapterContext } from '../core/adapter.js';
import { startTestSshServer } from '../ssh/test-server.js';
import type { TestSshServer } from '../ssh/test-server.js';
import { slurmAdapter } from './adapter.js';

let srv: TestSshServer;
let sinfoMissing = false;

beforeAll(async () => {
  srv = await startTestSshServer((command, stream) => {
    const reply = (code: number, out: string, err = ''): void => {
      stream.write(out);
      if (err) stream.stderr.write(err);
      stream.exit(code);
      stream.end();
    };
    if (sinfoMissing) return reply(127, '', 'bash: sinfo: command not found\n');
    if (command === 'sinfo --version') return reply(0, 'slurm 23.02.7\n');
    if (command === "sinfo -h -N -o '%N|%P|%a|%T|%c|%G'") {
      return reply(0, 'c1|cpu*|up|idle|64|(null)\nc2|cpu*|up|mixed|64|(null)\ng1|gpu|up|idle|32|gpu:a100:4\n');
    }
    reply(2, '', `unexpected command ${command}\n`);
  });
});
afterAll(async () => {
  await srv.close();
});

function setup(secretRefs: Record<string, string> = {}, settings: Target['settings'] = {}) {
  const activity: { action: string; command: string; outcome: string }[] = [];
  const revealed: string[] = [];
  const ctx: AdapterContext = {
    activity: {
      async run(entry, work) {
        try {
          const r = await work();
          activity.push({ action: entry.action, command: entry.command, outcome: 'ok' });
          return r;
        } catch (e) {
          activity.push({ action: entry.action, command: entry.command, outcome: 'error' });
          throw e;
        }
      },
    },
    secrets: {
      async reveal(id) {
        revealed.push(id);
        return id === 'key' ? srv.userPrivateKey : srv.password;
      },
    },
    log: { info() {}, warn() {}, error() {} },
  };
  const target: Target = {
    id: 'slurm-1',
    name: 'Test cluster',
    kind: 'slurm',
    settings: { host: '127.0.0.1', port: srv.port, username: srv.username, hostKeySha256: srv.hostFingerprint, ...settings },
    secretRefs,
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
  };
  return { ctx, activity, revealed, target };
}

describe('slurmAdapter.connect', () => {
  it('reports version, partitions and nodes, and logs both sinfo calls', async () => {
    sinfoMissing = false;
    const { ctx, activity, revealed, target } = setup({ privateKey: 'key' });
    const check = await slurmAdapter.connect(target, ctx);
    expect(check).toEqual({
      ok: true,
      summary: 'SLURM 23.02.7, 2 partitions (cpu, gpu), 3 nodes: 2 idle, 1 mixed',
      details: {
        host: `127.0.0.1:${srv.port}`,
        username: 'alice',
        version: '23.02.7',
        partitions: 'cpu,gpu',
        defaultPartition: 'cpu',
        partitionStates: 'cpu=up,gpu=up',
        nodes: '3',
        nodeStates: 'idle=2,mixed=1',
        cpus: '160',
        gres: 'gpu:a100:4',
        gpusByPartition: 'cpu=0,gpu=4',
        // This test server knows only sinfo: no accounting, no $HOME answer; the check still passes.
        accounts: '',
        qos: '',
        home: '',
      },
    });
    expect(revealed).toEqual(['key']);
    expect(activity.find((a) => a.action === 'slurm.sacctmgr')?.command).toBe(
      `ssh -p ${srv.port} alice@127.0.0.1 'sacctmgr -nP show associations user=alice format=Account,QOS'`,
    );
    expect(activity.filter((a) => a.action === 'slurm.sinfo')).toEqual([
      { action: 'slurm.sinfo', command: `ssh -p ${srv.port} alice@127.0.0.1 'sinfo --version'`, outcome: 'ok' },
      {
        action: 'slurm.sinfo',
        command: `ssh -p ${srv.port} alice@127.0.0.1 'sinfo -h -N -o '\\''%N|%P|%a|%T|%c|%G'\\'''`,
        outcome: 'ok',
      },
    ]);
    expect(JSON.stringify({ check, activity })).not.toContain(srv.userPrivateKey.split('\n')[1]);
  });

  it('logs in with a password from the vault', async () => {
    sinfoMissing = false;
    const { ctx, target } = setup({ password: 'pw' });
    expect((await slurmAdapter.connect(target, ctx)).ok).toBe(true);
  });

  it('explains a missing sinfo', async () => {
    sinfoMissing = true;
    const { ctx, activity, target } = setup({ privateKey: 'key' });
    await expect(slurmAdapter.connect(target, ctx)).rejects.toMatchObject({ code: 'REMOTE_FAILED', message: /sinfo was not found/ });
    expect(activity.map((a) => a.outcome)).toEqual(['error']);
    sinfoMissing = false;
  });

  it('refuses a changed host key before running anything', async () => {
    const before = srv.execs.length;
    const { ctx, activity, target } = setup({ privateKey: 'key' }, { hostKeySha256: 'SHA256:somethingElse' });
    await expect(slurmAdapter.connect(target, ctx)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(srv.execs.length).toBe(before);
    expect(activity).toEqual([expect.objectContaining({ outcome: 'error' })]);
  });

  it('validates settings before connecting', async () => {
    const { ctx, target } = setup({}, { host: '' });
    await expect(slurmAdapter.connect(target, ctx)).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { field: 'host' } });
    const noAuth = setup();
    await expect(slurmAdapter.connect(noAuth.target, noAuth.ctx)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const badPort = setup({ privateKey: 'key' }, { port: 'ssh' });
    await expect(slurmAdapter.connect(badPort.target, badPort.ctx)).rejects.toMatchObject({ details: { field: 'port' } });
    const noFile = setup({}, { privateKeyPath: '/nonexistent/simdeck/id_ed25519' });
    await expect(slurmAdapter.connect(noFile.target, noFile.ctx)).rejects.toMatchObject({ message: /does not exist/ });
  });
});
