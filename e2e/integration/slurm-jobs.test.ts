// The SLURM job service over SimDeck's real SSH pool against the real test bed (OpenSSH + SLURM 22.05 with slurmdbd): submit single jobs,
// arrays and dependent jobs, watch them through the one-round-trip poller, act on them, the multi-cluster policy
// with two targets on the same cluster, and hostile names and values that must never execute.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, JobState } from '../../shared/domain.js';
import type { SubmitRequest } from '../../shared/slurm.js';
import { commandLine } from '../../electron/core/shell-quote.js';
import { DEFAULT_CPU_TEMPLATE } from '../../electron/slurm/templates.js';
import { openHarness } from '../../electron/slurm/testing/harness.js';
import type { Harness } from '../../electron/slurm/testing/harness.js';
import { HostKeyVerifier } from '../../electron/ssh/host-key-verifier.js';
import { SshPool } from '../../electron/ssh/pool.js';
import type { PoolExecOptions } from '../../electron/ssh/pool.js';
import { resolveSshConnection } from '../../electron/ssh/target.js';
import type { Target } from '../../shared/domain.js';
import { loadTestbed, makeContext, need } from './testbed.js';

const TEMPLATE = `${DEFAULT_CPU_TEMPLATE.replace('set -euo pipefail\n', '')}# note: {{note}}\n`;
let h: Harness;
/** SimDeck's real pooled runner (one connection per cluster, SFTP uploads), counting the commands it runs. */
class CountingPool extends SshPool {
  execCount = 0;
  override exec(target: Target, command: string, opts?: PoolExecOptions) {
    this.execCount++;
    return super.exec(target, command, opts);
  }
}
let runner: CountingPool;
let A: string;
let B: string;

beforeAll(() => {
  const tb = loadTestbed();
  const ssh = {
    host: need(tb, 'SIMDECK_TB_SSH_HOST'),
    port: Number(need(tb, 'SIMDECK_TB_SSH_PORT')),
    username: need(tb, 'SIMDECK_TB_SSH_USER'),
    privateKeyPath: need(tb, 'SIMDECK_TB_SSH_KEY'),
    hostKeySha256: need(tb, 'SIMDECK_TB_SSH_HOSTKEY_SHA256'),
    useAgent: 'false',
  };
  const { ctx } = makeContext();
  runner = new CountingPool({
    resolve: (t) => resolveSshConnection(t, ctx),
    hostKeys: new HostKeyVerifier({ knownHostsFiles: [] }),
    prompt: () => Promise.reject(new Error('no 2FA on the test bed')),
    log: ctx.log,
  });
  h = openHarness({
    runner,
    projectName: `it slurm ${process.pid}`,
    targets: [
      { name: `tb-a-${process.pid}`, settings: { ...ssh, cpuTemplate: TEMPLATE, time: '00:05:00', mem: '100M', pollSeconds: 10 } },
      // Same cluster, a second profile whose copies wait an hour before they may start.
      { name: `tb-b-${process.pid}`, settings: { ...ssh, cpuTemplate: TEMPLATE.replace('#SBATCH --nodes=1', '#SBATCH --begin=now+3600\n#SBATCH --nodes=1'), time: '00:05:00', mem: '100M' } },
    ],
  });
  A = h.targets[0]!.id;
  B = h.targets[1]!.id;
});

afterAll(async () => {
  // Leave nothing running on the shared test bed.
  const live = h.service.repo.jobs.list({ limit: 1000 }).filter((j) => j.remoteId && !['completed', 'failed', 'cancelled'].includes(j.state));
  if (live.length) await runner.exec(h.targets[0]!, commandLine(['scancel', ...live.map((j) => j.remoteId!)])).catch(() => {});
  await runner.close();
  h.close();
});

const req = (over: Partial<SubmitRequest>): SubmitRequest => ({
  projectId: h.projectId,
  targetIds: [A],
  name: 'job',
  template: 'cpu',
  values: { command: 'sleep 1', note: 'n' },
  folder: [],
  ...over,
});

async function until(pred: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    await h.service.poll(A);
    if (pred()) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 700));
  }
}
const get = (j: Job) => h.service.repo.get(j.id)!;
const is = (j: Job, ...s: JobState[]) => s.includes(get(j).state);

describe('SLURM jobs on the real test bed', () => {
  it('single, array (1-4) and dependent jobs: pending → running → completed, one round trip per poll', async () => {
    const [single] = await h.service.submit(req({ name: 'single', values: { command: 'sleep 4', note: 'n' }, folder: ['mutant-A', 'conf1'] }));
    const [arr] = await h.service.submit(req({ name: 'arr', array: '1-4', values: { command: 'sleep 2', note: 'n' } }));
    const [dep] = await h.service.submit(req({ name: 'dep', dependency: { type: 'afterok', jobIds: [single!.id] } }));
    for (const j of [single!, arr!, dep!]) expect(j).toMatchObject({ state: 'pending', remoteId: expect.stringMatching(/^\d+$/) });
    expect(single!.details.dir).toMatch(new RegExp(`/simdeck/it_slurm_${process.pid}/mutant-A/conf1$`));

    const before = runner.execCount;
    await h.service.poll(A);
    expect(runner.execCount - before).toBe(1);

    await until(() => [single!, arr!, dep!].every((j) => is(j, 'completed')), 'all completed');
    // SLURM may show COMPLETING for a moment between RUNNING and COMPLETED; a poll can catch it or not.
    const seen = h.service.repo.jobs.transitions(single!.id).map((t) => t.to);
    expect(seen.filter((s) => s !== 'completing')).toEqual(['submitting', 'pending', 'running', 'completed']);
    expect(seen.indexOf('completing')).toBeLessThanOrEqual(seen.indexOf('completed'));
    expect(h.service.repo.jobs.transitions(dep!.id).map((t) => t.to)).toContain('completed');
    const tasks = h.service.repo.children(arr!.id);
    expect(tasks.map((t) => t.details.arrayTaskId).sort()).toEqual(['1', '2', '3', '4']);
    expect(tasks.every((t) => t.state === 'completed' && t.details.arrayJobId === arr!.remoteId)).toBe(true);
    const detail = await h.service.job(single!.id);
    expect(detail.script).toContain('sleep 4');
    expect(detail.activity.map((a) => a.action)).toContain('slurm.submit');
  });

  it('a failing job shows failed with exit code 3', async () => {
    const [j] = await h.service.submit(req({ name: 'fails', values: { command: 'exit 3', note: 'n' } }));
    // squeue reports FAILED before sacct has the exit code; the poller keeps asking until it does.
    await until(() => is(j!, 'failed') && get(j!).exitCode !== null, 'failed with an exit code');
    expect(get(j!)).toMatchObject({ state: 'failed', exitCode: 3 });
  });

  it('hold / release a pending job, then cancel; history kept in job_transitions', async () => {
    const [long] = await h.service.submit(req({ name: 'long', values: { command: 'sleep 60', note: 'n' } }));
    const [waits] = await h.service.submit(req({ name: 'waits', dependency: { type: 'afterok', jobIds: [long!.id] } }));
    await until(() => is(long!, 'running') && is(waits!, 'pending'), 'long running');
    expect((await h.service.act([waits!.id], 'hold'))[0]).toMatchObject({ ok: true });
    await until(() => get(waits!).reason === 'JobHeldUser', 'held');
    expect((await h.service.act([waits!.id], 'release'))[0]).toMatchObject({ ok: true, command: expect.stringContaining(`'scontrol release ${waits!.remoteId}'`) });
    await until(() => get(waits!).reason !== 'JobHeldUser', 'released');
    const res = await h.service.act([long!.id, waits!.id], 'cancel');
    expect(res.map((r) => r.ok)).toEqual([true, true]);
    expect(res[0]!.command).toContain(`'scancel ${long!.remoteId} ${waits!.remoteId}'`);
    await until(() => is(long!, 'cancelled') && is(waits!, 'cancelled'), 'cancelled');
    const history = h.service.repo.jobs.transitions(waits!.id);
    expect(history.map((t) => t.to)).toEqual(['submitting', 'pending', 'cancelled']);
    expect(history.every((t) => !Number.isNaN(Date.parse(t.at)))).toBe(true);
  });

  it('two profiles: the pending duplicate is cancelled when the other copy starts', async () => {
    const [a, b] = await h.service.submit(req({ name: 'dup', targetIds: [A, B], values: { command: 'sleep 3', note: 'n' } }));
    expect(a!.groupId).toBe(b!.groupId);
    await h.service.poll(B);
    expect(get(b!)).toMatchObject({ state: 'pending' });
    await until(() => is(b!, 'cancelled'), 'duplicate cancelled');
    expect(get(b!).reason).toContain(`is running on tb-a-${process.pid}`);
    const log = h.activity.list(undefined, 200).find((e) => e.action === 'slurm.policy');
    expect(log?.command).toContain(`'scancel ${b!.remoteId}'`);
    const q = await runner.exec(h.targets[0]!, commandLine(['squeue', '-h', '-t', 'all', '-j', b!.remoteId!, '-o', '%T']));
    expect(q.stdout.trim()).toBe('CANCELLED');
  });

  it('hostile names, folders and values never execute and reach SLURM literally', async () => {
    const m = `/tmp/simdeck-pwned-${process.pid}`;
    const hostile = `x$(touch ${m}-1)\`touch ${m}-2\`;touch ${m}-3 && echo 'q' "d" | ü ${'$'}{HOME}`;
    const [j] = await h.service.submit(req({ name: hostile, folder: [hostile], values: { command: 'true', note: hostile } }));
    expect(j).toMatchObject({ state: 'pending' });
    await until(() => is(j!, 'completed', 'failed'), 'hostile job finished');
    expect(get(j!).state).toBe('completed');
    const q = await runner.exec(h.targets[0]!, commandLine(['squeue', '-h', '-t', 'all', '-j', j!.remoteId!, '-o', '%j|%Z']));
    expect(q.stdout.trim()).toBe(`${hostile}|${j!.details.dir}`);
    expect(String(j!.details.dir).endsWith(`/${hostile}`)).toBe(true);
    expect((await h.service.job(j!.id)).script).toContain(`# note: ${hostile}`);
    for (const n of [1, 2, 3]) expect(existsSync(`${m}-${n}`)).toBe(false);
  });
});
