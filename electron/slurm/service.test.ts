// The SLURM service against a scripted cluster (FakeRunner): submit with intent rows, one-round-trip polling and
// diffing, unknown on lost contact, arrays, foreign jobs, reconcile after a crash, actions and the group policy.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import type { SubmitRequest } from '../../shared/slurm.js';
import { openHarness } from './testing/harness.js';
import type { Harness } from './testing/harness.js';
import { FakeRunner, ok } from './testing/fake-runner.js';
import { pollStdout } from './testing/fake-cluster.js';
import type { FakeJob } from './testing/fake-cluster.js';
import { plan, writeIntent } from './submit.js';
import { decide } from './policy.js';
import { FOLLOW_WINDOW_MS } from './poller.js';
import { renderTemplate, DEFAULT_CPU_TEMPLATE } from './templates.js';

class Cluster {
  queue = new Map<string, FakeJob>();
  acct = new Map<string, FakeJob>();
  nextId = 100;
  sbatchRan: { command: string; stateAtSbatch: string | undefined }[] = [];
  down = false;
  constructor(private readonly h: () => Harness) {}
  runner = new FakeRunner((command) => {
    if (this.down) throw new ApiError('UNAVAILABLE', 'connection refused');
    if (command.startsWith('squeue')) return ok(pollStdout([...this.queue.values()], [...this.acct.values()]));
    if (command.includes('sbatch')) {
      const tag = /--comment=simdeck:([0-9a-f-]+)/.exec(command)?.[1];
      this.sbatchRan.push({ command, stateAtSbatch: tag ? this.h().service.repo.get(tag)?.state : undefined });
      const id = String(this.nextId++);
      this.queue.set(id, { id, state: 'PENDING', reason: 'Priority', comment: `simdeck:${tag}` });
      return ok(`${id}\n`);
    }
    if (command.startsWith('scancel') || command.startsWith('scontrol')) return ok('');
    return ok('', `unexpected ${command}`, 2);
  });
}

let h: Harness;
let c: Cluster;
afterEach(() => h?.close());

function setup(targets: { name: string; settings: Record<string, string> }[] = [{ name: 'bluegem', settings: { host: 'bluegem' } }], opts: { graceMs?: number } = {}) {
  c = new Cluster(() => h);
  h = openHarness({ runner: c.runner, targets, graceMs: opts.graceMs, fakeClock: true });
  return h;
}

const req = (over: Partial<SubmitRequest> = {}): SubmitRequest => ({
  projectId: h.projectId,
  targetIds: [h.targets[0]!.id],
  name: 'model-1',
  template: 'cpu',
  values: { command: 'gmx mdrun -deffnm md' },
  folder: ['mutant-A', 'conf1'],
  ...over,
});

describe('submit', () => {
  it('writes the intent first, uploads the script, runs one quoted sbatch, records the remote id', async () => {
    setup();
    const hostile = `x$(touch /tmp/pwned)\`id\`;rm -rf ~ && echo 'q' "d" ü`;
    const [job] = await h.service.submit(req({ name: hostile, folder: [hostile] }));
    expect(job).toMatchObject({ state: 'pending', remoteId: '100', attempts: 1, name: hostile });
    expect(c.sbatchRan).toHaveLength(1);
    expect(c.sbatchRan[0]!.stateAtSbatch).toBe('submitting');
    const dir = `/home/u/simdeck/Mutants_A/mutant-A/conf1`.replace('mutant-A/conf1', hostile);
    expect(job!.details.dir).toBe(`/home/u/simdeck/Mutants_A/${hostile}`);
    expect(dir).toContain('Mutants_A');
    const cmd = c.sbatchRan[0]!.command;
    // every hostile part is inside single quotes
    expect(cmd).toContain(`cd '/home/u/simdeck/Mutants_A/x$(touch /tmp/pwned)\`id\`;rm -rf ~ && echo '\\''q'\\'' "d" ü'`);
    expect(cmd).toContain(`'--job-name=x$(touch /tmp/pwned)\`id\`;rm -rf ~ && echo '\\''q'\\'' "d" ü'`);
    expect(cmd).toContain(`--comment=simdeck:${job!.id}`);
    expect(c.runner.files.get(String(job!.details.scriptPath))).toContain('gmx mdrun -deffnm md');
    expect(h.service.repo.jobs.transitions(job!.id).map((t) => t.to)).toEqual(['submitting', 'pending']);
    const acts = h.activity.list(undefined, 10).map((a) => a.action);
    expect(acts).toEqual(['slurm.submit', 'slurm.upload']);
  });

  it('refuses unknown placeholders and missing values before writing anything', async () => {
    setup([{ name: 'c', settings: { host: 'c', cpuTemplate: '#!/bin/bash\n#SBATCH --foo={{foo}}\n{{command}}\n' } }]);
    const e = await h.service.submit(req({ values: {} })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('INVALID_INPUT');
    expect((e as ApiError).message).toContain('unknown placeholder {{foo}}');
    expect((e as ApiError).message).toContain('missing value for {{command}}');
    expect(h.service.repo.jobs.list({ limit: 10 })).toEqual([]);
  });

  it('an sbatch error fails the job with the error text', async () => {
    setup();
    c.runner.handler = () => ok('', 'sbatch: error: invalid partition specified: nope\n', 1);
    const [job] = await h.service.submit(req());
    expect(job).toMatchObject({ state: 'failed', reason: expect.stringContaining('invalid partition specified') });
  });

  it('several clusters: one job each in one group with the policy', async () => {
    setup([
      { name: 'a', settings: { host: 'a' } },
      { name: 'b', settings: { host: 'b', workDir: '/scratch/me' } },
    ]);
    const jobs = await h.service.submit(req({ targetIds: h.targets.map((t) => t.id), policy: { cancelPendingDuplicates: true, maxTries: 2, backoffMinutes: 0 } }));
    expect(jobs).toHaveLength(2);
    expect(jobs[0]!.groupId).toBeTruthy();
    expect(jobs[1]!.groupId).toBe(jobs[0]!.groupId);
    expect(jobs[1]!.details.dir).toBe('/scratch/me/Mutants_A/mutant-A/conf1');
    expect(h.service.repo.group(jobs[0]!.groupId!)?.policy).toEqual({ cancelPendingDuplicates: true, maxTries: 2, backoffMinutes: 0 });
  });

  it('preview shows scripts and commands and sends nothing', async () => {
    setup();
    const p = await h.service.preview(req({ array: '1-4%2' }));
    expect(p.scripts[0]!.text).toContain('#SBATCH --time=01:00:00');
    expect(p.scripts[0]!.text).not.toContain('--account');
    expect(p.commands[0]).toMatch(/^ssh -p 22 u@bluegem 'cd \/home\/u\/simdeck\/Mutants_A\/mutant-A\/conf1 && sbatch --parsable .*--array=1-4%2/);
    expect(c.runner.execs()).toEqual([]);
  });
});

describe('templates', () => {
  it('fills values and drops #SBATCH lines whose values are all empty', () => {
    const s = renderTemplate(DEFAULT_CPU_TEMPLATE, { command: 'echo hi', account: 'chem' }, { fixed: { name: 'n', workdir: '/w' } });
    expect(s).toContain('#SBATCH --account=chem');
    expect(s).not.toContain('--qos');
    expect(s).not.toContain('--partition');
    expect(s).toContain('echo hi');
  });
});

describe('poller', () => {
  it('follows a cluster every 5 s for a few minutes after a submission, then polls at its own interval', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      setup();
      await h.service.submit(req());
      const polls = () => c.runner.calls.filter((x) => x.op === 'exec' && x.arg.startsWith('squeue')).length;
      const before = polls();
      h.service.poller(h.targets[0]!.id).start();
      await vi.advanceTimersByTimeAsync(0);
      expect(polls()).toBe(before + 1);
      await vi.advanceTimersByTimeAsync(5_000);
      expect(polls()).toBe(before + 2);
      await vi.advanceTimersByTimeAsync(FOLLOW_WINDOW_MS);
      const afterWindow = polls();
      expect(afterWindow).toBeGreaterThanOrEqual(before + FOLLOW_WINDOW_MS / 5_000);
      await vi.advanceTimersByTimeAsync(25_000);
      expect(polls()).toBeLessThanOrEqual(afterWindow + 1); // back to the 30 s default
      await vi.advanceTimersByTimeAsync(35_000);
      expect(polls()).toBeGreaterThanOrEqual(afterWindow + 1);
    } finally {
      h.service.stopPolling();
      vi.useRealTimers();
    }
  });

  it('one round trip per cycle; pending → running → completed with transitions and change lists', async () => {
    setup();
    const [job] = await h.service.submit(req());
    c.runner.calls = [];
    const p = h.service.poller(h.targets[0]!.id);
    await p.pollNow();
    expect(h.service.repo.get(job!.id)).toMatchObject({ state: 'pending', reason: 'Priority' });
    c.queue.set('100', { id: '100', state: 'RUNNING', comment: `simdeck:${job!.id}` });
    h.changed.length = 0;
    const r = await p.pollNow();
    expect(r.changed).toEqual([job!.id]);
    expect(h.changed).toEqual([[job!.id]]);
    c.queue.delete('100'); // gone from squeue (MinJobAge), sacct knows
    c.acct.set('100', { id: '100', state: 'COMPLETED' });
    await p.pollNow();
    expect(h.service.repo.get(job!.id)).toMatchObject({ state: 'completed', exitCode: 0 });
    expect(c.runner.execs()).toHaveLength(3);
    expect(h.service.repo.jobs.transitions(job!.id).map((t) => t.to)).toEqual(['submitting', 'pending', 'running', 'completed']);
  });

  it('a failing job: failed with its exit code', async () => {
    setup();
    const [job] = await h.service.submit(req());
    c.queue.clear();
    c.acct.set('100', { id: '100', state: 'FAILED', exitCode: '3:0', reason: 'NonZeroExitCode' });
    await h.service.poll(h.targets[0]!.id);
    expect(h.service.repo.get(job!.id)).toMatchObject({ state: 'failed', exitCode: 3, reason: 'NonZeroExitCode, exit code 3' });
  });

  it('lost contact: unknown with the reason, never failed; contact back restores the true state', async () => {
    setup();
    const [job] = await h.service.submit(req());
    c.queue.set('100', { id: '100', state: 'RUNNING' });
    await h.service.poll(h.targets[0]!.id);
    c.down = true;
    const r = await h.service.poller(h.targets[0]!.id).pollNow();
    expect(r.ok).toBe(false);
    const lost = h.service.repo.get(job!.id)!;
    expect(lost.state).toBe('unknown');
    expect(lost.reason).toMatch(/^no contact with bluegem since .* \(last seen running\)$/);
    c.down = false;
    await h.service.poll(h.targets[0]!.id);
    expect(h.service.repo.get(job!.id)).toMatchObject({ state: 'running', reason: null });
  });

  it('a job neither squeue nor sacct lists keeps its state for the grace period, then unknown', async () => {
    setup(undefined, { graceMs: 60_000 });
    const [job] = await h.service.submit(req());
    c.queue.clear();
    const p = h.service.poller(h.targets[0]!.id);
    await p.pollNow();
    expect(h.service.repo.get(job!.id)!.state).toBe('pending');
    h.clock.now = new Date(h.clock.now.getTime() + 61_000);
    await p.pollNow();
    expect(h.service.repo.get(job!.id)).toMatchObject({ state: 'unknown', reason: expect.stringContaining('not listed by squeue or sacct') });
  });

  it('arrays: a pending block becomes task rows under the parent; tasks then run and finish', async () => {
    setup();
    const [job] = await h.service.submit(req({ array: '1-4%2' }));
    c.queue.set('100', { id: '100_[1-4%2]', arrayJobId: '100', arrayTaskId: '1-4%2', state: 'PENDING', reason: 'Priority' });
    c.queue.delete('100');
    c.queue.set('100_[1-4%2]', { id: '100_[1-4%2]', arrayJobId: '100', arrayTaskId: '1-4%2', state: 'PENDING' });
    const p = h.service.poller(h.targets[0]!.id);
    await p.pollNow();
    const kids = () => h.service.repo.children(job!.id).sort((a, b) => String(a.remoteId).localeCompare(String(b.remoteId)));
    expect(kids().map((k) => [k.remoteId, k.state, k.details.arrayTaskId, k.details.arrayJobId])).toEqual([
      ['100_1', 'pending', '1', '100'],
      ['100_2', 'pending', '2', '100'],
      ['100_3', 'pending', '3', '100'],
      ['100_4', 'pending', '4', '100'],
    ]);
    c.queue.clear();
    c.queue.set('100_[3-4%2]', { id: '100_[3-4%2]', arrayJobId: '100', arrayTaskId: '3-4%2', state: 'PENDING' });
    c.queue.set('100_1', { id: '100_1', rawId: '101', arrayJobId: '100', arrayTaskId: '1', state: 'RUNNING' });
    c.queue.set('100_2', { id: '100_2', rawId: '102', arrayJobId: '100', arrayTaskId: '2', state: 'RUNNING' });
    await p.pollNow();
    expect(h.service.repo.get(job!.id)!.state).toBe('running');
    c.queue.clear();
    for (const i of [1, 2, 3, 4]) c.acct.set(`100_${i}`, { id: `100_${i}`, state: i === 4 ? 'FAILED' : 'COMPLETED', exitCode: i === 4 ? '2:0' : '0:0' });
    await p.pollNow();
    expect(kids().map((k) => k.state)).toEqual(['completed', 'completed', 'completed', 'failed']);
    expect(kids()[3]!.exitCode).toBe(2);
    expect(h.service.repo.get(job!.id)).toMatchObject({ state: 'failed', reason: '1 of 4 tasks did not complete (failed: 1)' });
  });

  it('reports foreign jobs and adopts them', async () => {
    setup();
    c.queue.set('7', { id: '7', state: 'RUNNING', name: 'by hand' });
    c.queue.set('8_[1-3]', { id: '8_[1-3]', arrayJobId: '8', arrayTaskId: '1-3', state: 'PENDING', name: 'arr' });
    c.queue.set('9', { id: '9', state: 'PENDING', comment: 'simdeck:someone-else' });
    const foreign = await h.service.foreign(h.targets[0]!.id);
    expect(foreign.map((f) => [f.remoteId, f.name, f.state])).toEqual([
      ['7', 'by hand', 'RUNNING'],
      ['8', 'arr', 'PENDING'],
    ]);
    const [adopted] = await h.service.adopt(h.targets[0]!.id, h.projectId, ['7']);
    expect(adopted).toMatchObject({ remoteId: '7', state: 'running', name: 'by hand' });
    expect((await h.service.foreign(h.targets[0]!.id)).map((f) => f.remoteId)).toEqual(['8']);
  });
});

describe('reconcile after a crash', () => {
  async function crashAfterIntent() {
    const [p] = await plan(
      { repo: h.service.repo, runner: c.runner, ctx: h.ctx, getTarget: () => h.targets[0]!, projectName: () => 'Mutants A' },
      req(),
    );
    return writeIntent({ repo: h.service.repo, runner: c.runner, ctx: h.ctx, getTarget: () => h.targets[0]!, projectName: () => 'x' }, p!, req(), {
      groupId: null,
    });
  }

  it('the tagged job is on the cluster: its id is recorded, nothing resubmitted', async () => {
    setup();
    const intent = await crashAfterIntent();
    c.queue.set('55', { id: '55', state: 'RUNNING', comment: `simdeck:${intent.id}` });
    const [j] = await h.service.reconcile(h.targets[0]!);
    expect(j).toMatchObject({ id: intent.id, remoteId: '55', state: 'pending' });
    expect(c.sbatchRan).toHaveLength(0);
    expect(c.runner.execs()).toHaveLength(1);
  });

  it('not on the cluster: submitted again once, with the reason logged', async () => {
    setup();
    const intent = await crashAfterIntent();
    const [j] = await h.service.reconcile(h.targets[0]!);
    expect(j).toMatchObject({ id: intent.id, remoteId: '100', state: 'pending' });
    expect(c.sbatchRan).toHaveLength(1);
    expect(h.activity.list(undefined, 10).map((a) => a.action)).toContain('slurm.reconcile');
    expect(await h.service.reconcile(h.targets[0]!)).toEqual([]);
    expect(c.sbatchRan).toHaveLength(1);
  });
});

describe('actions', () => {
  it('cancel, hold, release: one command per cluster for the selection', async () => {
    setup();
    const a = (await h.service.submit(req()))[0]!;
    const b = (await h.service.submit(req({ name: 'm2' })))[0]!;
    c.runner.calls = [];
    const res = await h.service.act([a.id, b.id], 'hold');
    expect(res.map((r) => r.ok)).toEqual([true, true]);
    expect(c.runner.execs()).toEqual(['scontrol hold 100 101']);
    expect(res[0]!.command).toBe(`ssh -p 22 u@bluegem 'scontrol hold 100 101'`);
    await h.service.act([a.id, b.id], 'cancel');
    expect(c.runner.execs()[1]).toBe('scancel 100 101');
  });

  it('resubmit: a new row in the same group, attempts + 1, previousJobId, edited script', async () => {
    setup();
    const a = (await h.service.submit(req()))[0]!;
    h.service.repo.jobs.setState(a.id, 'failed', null, 'x');
    const [r] = await h.service.act([a.id], 'resubmit', '#!/bin/bash\necho edited\n');
    expect(r!.ok).toBe(true);
    const next = h.service.repo.jobs.list({ limit: 5 }).find((j) => j.details.previousJobId === a.id)!;
    expect(next).toMatchObject({ attempts: 2, state: 'pending', remoteId: '101' });
    expect(c.runner.files.get(String(next.details.scriptPath))).toBe('#!/bin/bash\necho edited\n');
    const detail = await h.service.job(next.id);
    expect(detail.script).toBe('#!/bin/bash\necho edited\n');
    expect(detail.transitions.map((t) => t.to)).toEqual(['submitting', 'pending']);
    expect(detail.activity.map((x) => x.action)).toContain('slurm.submit');
  });
});

describe('multi-cluster policy', () => {
  it('decides: cancel pending duplicates once a copy runs; retry failures with backoff; give up after maxTries', () => {
    const base = { projectId: 'p', kind: 'slurm' as const, tags: [], createdAt: '', updatedAt: '', submittedAt: null, exitCode: null, groupId: 'g' };
    const job = (id: string, state: string, extra: object = {}) =>
      ({ ...base, id, targetId: `t-${id}`, name: 'm', state, remoteId: `r${id}`, attempts: 1, finishedAt: null, reason: null, stateSince: '2026-01-01T00:00:00.000Z', details: {}, ...extra }) as never;
    const policy = { cancelPendingDuplicates: true, maxTries: 3, backoffMinutes: 5 };
    const now = new Date('2026-01-01T00:07:00.000Z');
    expect(decide(policy, [job('a', 'running'), job('b', 'pending')], now).map((d) => [d.kind, d.jobId])).toEqual([['cancel', 'b']]);
    expect(decide({ ...policy, cancelPendingDuplicates: false }, [job('a', 'running'), job('b', 'pending')], now)).toEqual([]);
    const first = decide(policy, [job('a', 'failed', { finishedAt: '2026-01-01T00:00:00.000Z' }), job('b', 'pending')], now);
    expect(first.map((d) => d.kind)).toEqual(['schedule-retry', 'resubmit']);
    const second = decide(policy, [job('a', 'timeout', { attempts: 2, finishedAt: '2026-01-01T00:00:00.000Z' })], now);
    expect(second.map((d) => d.kind)).toEqual(['schedule-retry']); // 10 min backoff on the 2nd try
    expect(second[0]).toMatchObject({ at: '2026-01-01T00:10:00.000Z' });
    expect(decide(policy, [job('a', 'failed', { attempts: 3 })], now).map((d) => d.kind)).toEqual(['give-up']);
  });

  it('after a poll: the pending copy elsewhere is cancelled, logged as slurm.policy with the reason', async () => {
    setup([
      { name: 'alpha', settings: { host: 'alpha' } },
      { name: 'beta', settings: { host: 'beta' } },
    ]);
    const [a, b] = await h.service.submit(req({ targetIds: h.targets.map((t) => t.id) }));
    c.queue.set(a!.remoteId!, { id: a!.remoteId!, state: 'RUNNING' });
    await h.service.poll(h.targets[0]!.id);
    expect(h.service.repo.get(b!.id)).toMatchObject({ state: 'cancelled', reason: expect.stringContaining('is running on alpha') });
    expect(c.runner.execs()).toContain(`scancel ${b!.remoteId}`);
    const policyLog = h.activity.list(undefined, 20).find((x) => x.action === 'slurm.policy')!;
    expect(policyLog.command).toContain(`'scancel ${b!.remoteId}' # copy ${a!.remoteId} is running on alpha`);
    expect(policyLog.outcome).toBe('ok');
  });

  it('a failed copy is resubmitted (backoff 0) up to maxTries', async () => {
    setup();
    const [a] = await h.service.submit(req({ policy: { cancelPendingDuplicates: true, maxTries: 2, backoffMinutes: 0 } }));
    c.queue.clear();
    c.acct.set('100', { id: '100', state: 'NODE_FAIL' });
    h.clock.now = new Date(Date.now() + 60_000);
    await h.service.poll(h.targets[0]!.id);
    const copies = h.service.repo.groupJobs(a!.groupId!);
    expect(copies.map((j) => [j.state, j.attempts])).toEqual([
      ['node-fail', 1],
      ['pending', 2],
    ]);
    c.acct.set('101', { id: '101', state: 'FAILED', exitCode: '1:0' });
    c.queue.clear();
    await h.service.poll(h.targets[0]!.id);
    expect(h.service.repo.groupJobs(a!.groupId!)).toHaveLength(2);
    const kinds = h.activity.list(undefined, 50).filter((x) => x.action === 'slurm.policy').map((x) => x.command);
    expect(kinds.some((k) => k.includes('not resubmitting'))).toBe(true);
  });
});

describe('exit codes that sacct reports late', () => {
  it('squeue says FAILED first; the exit code is filled in when sacct catches up', async () => {
    setup();
    const [job] = await h.service.submit(req());
    c.queue.set('100', { id: '100', state: 'FAILED', reason: 'NonZeroExitCode' });
    await h.service.poll(h.targets[0]!.id);
    expect(h.service.repo.get(job!.id)).toMatchObject({ state: 'failed', exitCode: null });
    c.acct.set('100', { id: '100', state: 'FAILED', exitCode: '3:0', reason: 'NonZeroExitCode' });
    await h.service.poll(h.targets[0]!.id);
    expect(h.service.repo.get(job!.id)).toMatchObject({ state: 'failed', exitCode: 3 });
    expect(h.service.repo.watched(h.targets[0]!.id)).toEqual([]);
  });
});
