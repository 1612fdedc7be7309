import { describe, expect, it } from 'vitest';
import type { AlertEvent, AlertRuleInput } from '../../../shared/alerts.js';
import { AlertEvent as AlertEventSchema, DEFAULT_ALERT_RULES } from '../../../shared/alerts.js';
import type { JobState } from '../../../shared/domain.js';
import type { GpuOwner, Observation } from './engine.js';
import { AlertEngine, duration } from './engine.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const T0 = Date.parse('2026-03-01T12:00:00Z');

/** An engine on a fake clock; `at(m)` moves the clock to T0 + m minutes and returns that time. */
function setup(opts: { rules?: readonly AlertRuleInput[]; maxEventAgeMs?: number } = {}) {
  const clock = { t: T0 };
  const e = new AlertEngine({ ...opts, now: () => clock.t });
  const at = (m: number) => (clock.t = T0 + m * MIN);
  return { e, clock, at };
}

const fired = (evs: AlertEvent[]) => evs.filter((x) => x.resolvedAt === null);
const resolved = (evs: AlertEvent[]) => evs.filter((x) => x.resolvedAt !== null);
const only = (...kinds: AlertRuleInput['kind'][]): AlertRuleInput[] => DEFAULT_ALERT_RULES.filter((r) => kinds.includes(r.kind));

const JOB_OWNER: GpuOwner = { kind: 'job', id: 'j1', name: 'md-prod' };
const job = (state: JobState, at: number, jobId = 'j1', targetId: string | null = 'hpc'): Observation => ({
  type: 'job-state',
  jobId,
  name: 'md-prod',
  targetId,
  state,
  at,
});
const gpu = (at: number, util: number | null, owner: GpuOwner | undefined = JOB_OWNER, targetId = 'nrp'): Observation => ({
  type: 'gpu',
  targetId,
  node: 'node-7',
  gpu: 0,
  util,
  at,
  owner,
});
const win = (event: 'restarted' | 'evicted', at: number, window = 3): Observation => ({
  type: 'window',
  campaignId: 'c1',
  campaignName: 'ala-us',
  replica: 1,
  window,
  event,
  at,
  detail: 'exit code 137 (OOMKilled)',
  targetId: 'nrp',
});
const reach = (reachable: boolean, at: number, targetId = 'hpc'): Observation => ({
  type: 'target-reachability',
  targetId,
  name: 'Expanse',
  reachable,
  at,
  error: reachable ? undefined : 'connect ETIMEDOUT 198.202.0.1:22\nat TCPConnectWrap',
});
const cert = (notAfter: number, at: number): Observation => ({ type: 'cert', targetId: 'fah', name: 'FAH work server', notAfter, at, area: 'fah' });
const loop = (looping: boolean, at: number): Observation => ({ type: 'fleet-crashloop', fleetId: 'f1', fleetName: 'bigchem', member: 'worker.2', looping, at });

/** Feeds a GPU sample every minute from `from` to `to` (inclusive) with the clock following; returns all events. */
function samples(s: ReturnType<typeof setup>, from: number, to: number, util: number | null, owner?: GpuOwner): AlertEvent[] {
  const out: AlertEvent[] = [];
  for (let m = from; m <= to; m++) out.push(...s.e.observe(gpu(s.at(m), util, owner)));
  return out;
}

describe('job-failed', () => {
  it('fires once when a job fails, resolves when it is resubmitted, fires again when it fails again', () => {
    const s = setup({ rules: only('job-failed') });
    expect(s.e.observe(job('running', s.at(0)))).toEqual([]);
    const first = s.e.observe(job('failed', s.at(5)));
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ ruleId: 'job-failed', kind: 'job-failed', subject: 'job:j1', severity: 'error', resolvedAt: null, link: { area: 'jobs', id: 'j1' } });
    expect(first[0]!.firedAt).toBe(new Date(T0 + 5 * MIN).toISOString());
    expect(() => AlertEventSchema.parse(first[0])).not.toThrow();
    // No flood: the same failed state polled 1,000 times.
    for (let i = 0; i < 1000; i++) expect(s.e.observe(job('failed', T0 + 5 * MIN))).toEqual([]);
    expect(s.e.open()).toHaveLength(1);
    const back = s.e.observe(job('pending', s.at(30)));
    expect(back).toEqual([{ ...first[0], resolvedAt: new Date(T0 + 30 * MIN).toISOString() }]);
    expect(s.e.observe(job('running', s.at(31)))).toEqual([]);
    const again = s.e.observe(job('out-of-memory', s.at(60)));
    expect(fired(again)).toHaveLength(1);
    expect(again[0]!.id).not.toBe(first[0]!.id);
    expect(again[0]!.title).toBe('Job "md-prod" ran out of memory');
  });

  it('ignores a stale failed observation that arrives after the resubmission', () => {
    const s = setup({ rules: only('job-failed') });
    s.e.observe(job('failed', s.at(5)));
    s.e.observe(job('pending', s.at(10)));
    expect(s.e.observe(job('failed', T0 + 5 * MIN))).toEqual([]);
    expect(s.e.open()).toEqual([]);
  });

  it('treats failed → timeout (the steps between unseen) as a new state change', () => {
    const s = setup({ rules: only('job-failed') });
    s.e.observe(job('failed', s.at(5)));
    const evs = s.e.observe(job('timeout', s.at(90)));
    expect(resolved(evs)).toHaveLength(1);
    expect(fired(evs).map((x) => x.title)).toEqual(['Job "md-prod" hit its time limit']);
  });

  it('records a failure older than maxEventAgeMs when first seen without firing', () => {
    const s = setup({ rules: only('job-failed') });
    s.at(0);
    expect(s.e.observe(job('failed', T0 - 2 * DAY))).toEqual([]);
    expect(s.e.observe(job('failed', T0 - 2 * DAY))).toEqual([]);
    expect(s.e.observe(job('pending', s.at(1)))).toEqual([]);
    expect(fired(s.e.observe(job('failed', s.at(20))))).toHaveLength(1);
  });

  it('alerts only on the states of the rule: not on completed, cancelled or (by default) preempted', () => {
    const s = setup({ rules: only('job-failed') });
    for (const st of ['completed', 'cancelled', 'preempted'] as const) expect(s.e.observe(job(st, s.at(1), `j-${st}`))).toEqual([]);
    const custom = setup({ rules: [{ id: 'pre', kind: 'job-failed', params: { states: ['preempted'] } }] });
    expect(fired(custom.e.observe(job('preempted', custom.at(1))))[0]?.message).toContain('--requeue');
  });
});

describe('window-restarted / window-evicted', () => {
  it('fires once per distinct restart, folds a burst into one episode, resolves after the quiet period', () => {
    const s = setup({ rules: only('window-restarted', 'window-evicted') });
    const a = s.e.observe(win('restarted', s.at(0)));
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ subject: 'window:c1/1/3', kind: 'window-restarted', severity: 'warning', link: { area: 'umbrella', id: 'c1', sub: '1/3' } });
    expect(a[0]!.message).toContain('(exit code 137 (OOMKilled))');
    // The same restart observed again (1,000 polls): once.
    for (let i = 0; i < 1000; i++) expect(s.e.observe(win('restarted', T0))).toEqual([]);
    // Crash loop: restarts 5 and 15 minutes later fold into the open episode.
    expect(s.e.observe(win('restarted', s.at(5)))).toEqual([]);
    expect(s.e.observe(win('restarted', s.at(15)))).toEqual([]);
    // An eviction is another rule: its own alert.
    expect(fired(s.e.observe(win('evicted', s.at(16))))).toHaveLength(1);
    s.at(44);
    expect(s.e.tick().filter((x) => x.kind === 'window-restarted')).toEqual([]); // 29 minutes quiet
    s.at(45);
    const done = s.e.tick();
    expect(done.map((x) => [x.kind, x.resolvedAt !== null])).toEqual([['window-restarted', true]]);
    expect(done[0]!.id).toBe(a[0]!.id);
    // The last restart seen again after the episode ended: still once.
    expect(s.e.observe(win('restarted', T0 + 15 * MIN))).toEqual([]);
    // A new restart: a new episode.
    expect(fired(s.e.observe(win('restarted', s.at(120))))).toHaveLength(1);
  });

  it('ends a quiet episode on the next restart when tick() was not called, in the same call', () => {
    const s = setup({ rules: only('window-restarted') });
    s.e.observe(win('restarted', s.at(0)));
    const evs = s.e.observe(win('restarted', s.at(31)));
    expect(evs.map((x) => x.resolvedAt === null)).toEqual([false, true]);
  });

  it('tells each window apart and explains an eviction', () => {
    const s = setup({ rules: only('window-evicted') });
    expect(s.e.observe(win('evicted', s.at(0), 1))).toHaveLength(1);
    const b = s.e.observe(win('evicted', s.at(0), 2));
    expect(b).toHaveLength(1);
    expect(b[0]!.message).toMatch(/was evicted from its node .*; check that it starts again/);
  });
});

describe('gpu-idle', () => {
  it('fires once the GPU has been below 5% for 10 minutes, resolves on a busy sample, re-fires in a new stretch', () => {
    const s = setup({ rules: only('gpu-idle') });
    expect(samples(s, 0, 9, 2)).toEqual([]); // 9 minutes: not yet
    const f = samples(s, 10, 10, 2);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ subject: 'gpu:nrp/node-7/0', severity: 'warning', link: { area: 'jobs', id: 'j1' } });
    expect(f[0]!.message).toBe(
      'GPU 0 on node-7 (nrp), used by job "md-prod", has stayed below 5% utilisation for 10 minutes; check that the job really computes on the GPU (CUDA platform, CUDA_VISIBLE_DEVICES) or stop it so the GPU is released.',
    );
    expect(samples(s, 11, 1010, 0)).toEqual([]); // 1,000 more idle samples: no flood
    const r = samples(s, 1011, 1011, 90);
    expect(resolved(r).map((x) => x.id)).toEqual([f[0]!.id]);
    expect(samples(s, 1012, 1021, 1)).toEqual([]);
    expect(fired(samples(s, 1022, 1022, 1))).toHaveLength(1);
  });

  it('a busy sample inside the stretch starts it over', () => {
    const s = setup({ rules: only('gpu-idle') });
    samples(s, 0, 8, 0);
    samples(s, 9, 9, 60);
    expect(samples(s, 10, 19, 0)).toEqual([]); // the new stretch began at minute 10
    expect(samples(s, 20, 20, 0)).toHaveLength(1);
  });

  it('null samples ([N/A]) neither count as low nor end the stretch', () => {
    const s = setup({ rules: only('gpu-idle') });
    samples(s, 0, 5, 0);
    expect(samples(s, 6, 30, null)).toEqual([]); // long past 10 minutes, but unknown: no alert
    const f = samples(s, 31, 31, 0); // the stretch began at minute 0 and was never ended
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('for 31 minutes');
    expect(samples(s, 32, 40, null)).toEqual([]); // unknown does not resolve either
    expect(s.e.open()).toHaveLength(1);
  });

  it('a new owner on the GPU resolves the old owner\'s alert and starts over', () => {
    const s = setup({ rules: only('gpu-idle') });
    samples(s, 0, 10, 0);
    const other: GpuOwner = { kind: 'worker', id: 'f1', name: 'worker.1' };
    const r = samples(s, 11, 11, 0, other);
    expect(resolved(r)).toHaveLength(1);
    expect(samples(s, 12, 20, 0, other)).toEqual([]);
    const f = samples(s, 21, 21, 0, other);
    expect(f[0]).toMatchObject({ link: { area: 'fleets', id: 'f1' } });
    expect(f[0]!.message).toContain('used by fleet worker "worker.1"');
  });

  it('ignores GPUs nobody of yours uses unless ownedOnly is off', () => {
    const s = setup({ rules: only('gpu-idle') });
    const none = (m: number) => s.e.observe({ type: 'gpu', targetId: 'ws', node: 'bench', gpu: 1, util: 0, at: s.at(m) });
    for (let m = 0; m <= 30; m++) expect(none(m)).toEqual([]);
    const w = setup({ rules: [{ id: 'ws', kind: 'gpu-idle', params: { ownedOnly: false } }] });
    let evs: AlertEvent[] = [];
    for (let m = 0; m <= 10; m++) evs = evs.concat(w.e.observe({ type: 'gpu', targetId: 'ws', node: 'bench', gpu: 1, util: 0, at: w.at(m) }));
    expect(evs).toHaveLength(1);
    expect(evs[0]!.link).toEqual({ area: 'targets', id: 'ws', sub: 'bench/1' });
  });

  it('ignores stale samples and rejects impossible utilisation', () => {
    const s = setup({ rules: only('gpu-idle') });
    samples(s, 0, 10, 0);
    expect(s.e.observe(gpu(T0 + 5 * MIN, 99))).toEqual([]); // older than the newest sample
    expect(s.e.open()).toHaveLength(1);
    expect(() => s.e.observe(gpu(s.at(11), 101))).toThrow(RangeError);
    expect(() => s.e.observe(gpu(s.at(11), Number.NaN))).toThrow(RangeError);
    expect(() => s.e.observe({ type: 'gpu', targetId: 'nrp', node: 'node-7', gpu: 0, util: 5, at: 'yesterday' })).toThrow(RangeError);
  });
});

describe('gpu-underused', () => {
  it('compares strictly: exactly 40% is not under-used, 39.9% is', () => {
    const s = setup({ rules: only('gpu-underused') });
    expect(samples(s, 0, 120, 40)).toEqual([]);
    expect(samples(s, 121, 135, 39.9)).toEqual([]); // 14 minutes
    const f = samples(s, 136, 136, 39.9);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ kind: 'gpu-underused', severity: 'info' });
    expect(f[0]!.message).toContain('below 40% utilisation for 15 minutes; give it more work per GPU');
    expect(resolved(samples(s, 137, 137, 40))).toHaveLength(1); // 40% ends it
  });

  it('stays quiet while the GPU is idle (idle says more), fires when it wakes up but stays under 40%', () => {
    const s = setup({ rules: only('gpu-idle', 'gpu-underused') });
    const idle = samples(s, 0, 60, 0);
    expect(idle.map((x) => x.kind)).toEqual(['gpu-idle']);
    const woke = samples(s, 61, 61, 20);
    expect(woke.map((x) => [x.kind, x.resolvedAt === null])).toEqual([
      ['gpu-idle', false],
      ['gpu-underused', true],
    ]);
    expect(woke[1]!.message).toContain('for 61 minutes');
    expect(samples(s, 62, 1062, 20)).toEqual([]);
  });

  it('fires for an idle GPU when the idle rule is disabled', () => {
    const s = setup({ rules: [...only('gpu-underused'), { id: 'gpu-idle', kind: 'gpu-idle', enabled: false }] });
    expect(samples(s, 0, 15, 0).map((x) => x.kind)).toEqual(['gpu-underused']);
  });
});

describe('fleet-crashloop', () => {
  it('fires when a worker starts looping, once, resolves when it stops, re-fires on a new loop', () => {
    const s = setup({ rules: only('fleet-crashloop') });
    expect(s.e.observe(loop(false, s.at(0)))).toEqual([]);
    const f = s.e.observe(loop(true, s.at(1)));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ subject: 'fleet:f1/worker.2', severity: 'error', link: { area: 'fleets', id: 'f1', sub: 'worker.2' } });
    for (let i = 0; i < 1000; i++) expect(s.e.observe(loop(true, s.at(1 + i / 100)))).toEqual([]);
    expect(resolved(s.e.observe(loop(false, s.at(20))))).toHaveLength(1);
    expect(fired(s.e.observe(loop(true, s.at(40))))).toHaveLength(1);
  });
});

describe('cert-expiry', () => {
  it('fires 14 days before notAfter (also from tick), resolves on renewal, re-fires for the next certificate', () => {
    const s = setup({ rules: only('cert-expiry') });
    const notAfter = T0 + 20 * DAY;
    expect(s.e.observe(cert(notAfter, s.at(0)))).toEqual([]);
    s.clock.t = notAfter - 14 * DAY - 1;
    expect(s.e.tick()).toEqual([]);
    s.clock.t = notAfter - 14 * DAY;
    const f = s.e.tick();
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ subject: 'cert:fah', severity: 'warning', title: 'Certificate for FAH work server expires in 14 days', link: { area: 'fah', id: 'fah', sub: 'certificate' } });
    expect(f[0]!.message).toContain('renew it (Folding@home → Certificate) before then');
    for (let i = 0; i < 1000; i++) expect(s.e.observe(cert(notAfter, s.clock.t))).toEqual([]);
    expect(s.e.tick()).toEqual([]);
    // Renewed for a year: resolves.
    const renewed = s.e.observe(cert(notAfter + 365 * DAY, s.clock.t + MIN));
    expect(resolved(renewed).map((x) => x.id)).toEqual([f[0]!.id]);
    // Much later the new one nears its end: a new episode.
    s.clock.t = notAfter + 360 * DAY;
    expect(fired(s.e.tick())).toHaveLength(1);
  });

  it('reports an expired certificate as an error, and a short renewal that is still near expiry as a new episode', () => {
    const s = setup({ rules: only('cert-expiry') });
    const f = s.e.observe(cert(T0 - DAY, s.at(0)));
    expect(f[0]).toMatchObject({ severity: 'error', title: 'Certificate for FAH work server expired' });
    expect(f[0]!.message).toContain('expired on 2026-02-28; renew it now');
    const evs = s.e.observe(cert(T0 + 3 * DAY, s.at(1)));
    expect(evs.map((x) => x.resolvedAt === null)).toEqual([false, true]);
    expect(evs[1]!.severity).toBe('warning');
  });
});

describe('cluster-unreachable', () => {
  it('fires after 5 minutes unreachable, once, resolves when it answers, re-fires after a new outage', () => {
    const s = setup({ rules: only('cluster-unreachable') });
    expect(s.e.observe(reach(true, s.at(0)))).toEqual([]);
    for (let m = 1; m < 6; m++) expect(s.e.observe(reach(false, s.at(m)))).toEqual([]);
    const f = s.e.observe(reach(false, s.at(6)));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ subject: 'target:hpc', severity: 'error', title: 'Expanse is unreachable', link: { area: 'targets', id: 'hpc' } });
    expect(f[0]!.message).toBe(
      'Expanse has not answered for 5 minutes (connect ETIMEDOUT 198.202.0.1:22); check your network or VPN, then the target\'s host and credentials in Targets (SimDeck keeps retrying).',
    );
    for (let i = 0; i < 1000; i++) expect(s.e.observe(reach(false, s.at(6 + i)))).toEqual([]);
    expect(resolved(s.e.observe(reach(true, s.at(2000))))).toHaveLength(1);
    for (let m = 2001; m < 2006; m++) s.e.observe(reach(false, s.at(m)));
    expect(fired(s.e.observe(reach(false, s.at(2006))))).toHaveLength(1);
  });

  it('does not fire for outages shorter than the rule; tick() fires when the checks stop coming', () => {
    const s = setup({ rules: only('cluster-unreachable') });
    for (let k = 0; k < 100; k++) {
      expect(s.e.observe(reach(false, s.at(k * 5)))).toEqual([]);
      expect(s.e.observe(reach(true, s.at(k * 5 + 4)))).toEqual([]);
    }
    s.e.observe(reach(false, s.at(1000)));
    s.at(1004);
    expect(s.e.tick()).toEqual([]);
    s.at(1005);
    expect(fired(s.e.tick())).toHaveLength(1);
    expect(s.e.tick()).toEqual([]);
  });
});

describe('rules', () => {
  it('a rule scoped to a target sees only that target', () => {
    const s = setup({ rules: [{ id: 'nrp-only', kind: 'cluster-unreachable', targetId: 'nrp' }] });
    for (let m = 0; m <= 10; m++) expect(s.e.observe(reach(false, s.at(m), 'hpc'))).toEqual([]);
    const evs: AlertEvent[] = [];
    for (let m = 0; m <= 10; m++) evs.push(...s.e.observe(reach(false, s.at(m), 'nrp')));
    expect(evs.map((x) => [x.ruleId, x.subject])).toEqual([['nrp-only', 'target:nrp']]);
  });

  it('two rules of one kind with different scopes and thresholds alert independently', () => {
    const s = setup({
      rules: [
        { id: 'nrp-40', kind: 'gpu-underused', targetId: 'nrp', params: { minutes: 5 } },
        { id: 'lab-20', kind: 'gpu-underused', targetId: 'lab', params: { belowPercent: 20 } },
      ],
    });
    let evs: AlertEvent[] = [];
    for (let m = 0; m <= 30; m++) {
      evs = evs.concat(s.e.observe(gpu(s.at(m), 30, JOB_OWNER, 'nrp')), s.e.observe(gpu(s.at(m), 30, JOB_OWNER, 'lab')));
    }
    expect(evs.map((x) => x.ruleId)).toEqual(['nrp-40']);
  });

  it('disabling a rule resolves its open alerts; enabling it again does not re-fire old failures', () => {
    const s = setup({ rules: only('job-failed', 'gpu-idle') });
    s.e.observe(job('failed', s.at(0)));
    samples(s, 0, 10, 0);
    expect(s.e.open().map((x) => x.kind).sort()).toEqual(['gpu-idle', 'job-failed']);
    const off = s.e.setRules([{ id: 'job-failed', kind: 'job-failed', enabled: false }, ...only('gpu-idle')]);
    expect(off.map((x) => [x.kind, x.resolvedAt !== null])).toEqual([['job-failed', true]]);
    expect(s.e.observe(job('failed', T0))).toEqual([]); // disabled
    expect(s.e.setRules(only('job-failed', 'gpu-idle'))).toEqual([]);
    expect(s.e.observe(job('failed', T0))).toEqual([]); // the same failure: not again
    expect(s.e.open().map((x) => x.kind)).toEqual(['gpu-idle']);
  });

  it('removing a rule or scoping it away resolves its alerts; invalid rules throw and change nothing', () => {
    const s = setup({ rules: only('cluster-unreachable', 'fleet-crashloop') });
    for (let m = 0; m <= 5; m++) s.e.observe(reach(false, s.at(m)));
    s.e.observe(loop(true, s.at(6)));
    expect(s.e.open()).toHaveLength(2);
    expect(() => s.e.setRules([{ id: 'x', kind: 'gpu-idle', params: { belowPercent: 500 } }])).toThrow();
    expect(s.e.open()).toHaveLength(2);
    const scoped = s.e.setRules([{ id: 'cluster-unreachable', kind: 'cluster-unreachable', targetId: 'other' }, ...only('fleet-crashloop')]);
    expect(scoped.map((x) => x.kind)).toEqual(['cluster-unreachable']);
    expect(s.e.setRules([]).map((x) => x.kind)).toEqual(['fleet-crashloop']);
    expect(s.e.open()).toEqual([]);
  });

  it('a new GPU threshold starts the stretch over; a new duration does not', () => {
    const s = setup({ rules: only('gpu-underused') });
    samples(s, 0, 10, 30);
    s.e.setRules([{ id: 'gpu-underused', kind: 'gpu-underused', params: { minutes: 10 } }]);
    expect(fired(samples(s, 11, 11, 30))).toHaveLength(1);
    const t = setup({ rules: only('gpu-underused') });
    samples(t, 0, 10, 30);
    t.e.setRules([{ id: 'gpu-underused', kind: 'gpu-underused', params: { belowPercent: 35 } }]);
    expect(samples(t, 11, 25, 30)).toEqual([]);
    expect(fired(samples(t, 26, 26, 30))).toHaveLength(1);
  });

  it('forget(subject) resolves and drops what is known about it', () => {
    const s = setup({ rules: only('job-failed') });
    s.e.observe(job('failed', s.at(0)));
    expect(resolved(s.e.forget('job:j1'))).toHaveLength(1);
    expect(s.e.snapshot().tracks).toEqual([]);
  });
});

describe('snapshot / restore', () => {
  function busy() {
    const s = setup();
    s.e.observe(job('failed', s.at(0)));
    s.e.observe(win('restarted', s.at(0)));
    samples(s, 0, 10, 0);
    s.e.observe(loop(true, s.at(10)));
    s.e.observe(cert(T0 + DAY, s.at(10)));
    for (let m = 5; m <= 10; m++) s.e.observe(reach(false, s.at(m)));
    return s;
  }

  it('a restarted SimDeck does not fire open alerts again, and resolves them with the same ids', () => {
    const a = busy();
    const open = a.e.open();
    expect(open.map((x) => x.kind).sort()).toEqual(['cert-expiry', 'cluster-unreachable', 'fleet-crashloop', 'gpu-idle', 'job-failed', 'window-restarted']);
    const json = JSON.parse(JSON.stringify(a.e.snapshot())) as unknown;

    const b = setup();
    b.at(11);
    expect(b.e.restore(json)).toEqual([]);
    expect(b.e.open()).toEqual(open);
    // The same conditions observed again after the restart: nothing new.
    expect(b.e.observe(job('failed', T0))).toEqual([]);
    expect(b.e.observe(win('restarted', T0))).toEqual([]);
    expect(samples(b, 11, 20, 0)).toEqual([]);
    expect(b.e.observe(loop(true, b.at(21)))).toEqual([]);
    expect(b.e.observe(cert(T0 + DAY, b.at(21)))).toEqual([]);
    expect(b.e.observe(reach(false, b.at(21)))).toEqual([]);
    expect(b.e.tick()).toEqual([]);
    // They end as usual, with the ids they fired with.
    const ended = [
      ...b.e.observe(job('pending', b.at(22))),
      ...samples(b, 22, 22, 80),
      ...b.e.observe(loop(false, b.at(22))),
      ...b.e.observe(reach(true, b.at(22))),
      ...b.e.observe(cert(T0 + 400 * DAY, b.at(22))),
    ];
    b.at(60);
    ended.push(...b.e.tick());
    expect(ended.map((x) => x.id).sort()).toEqual(open.map((x) => x.id).sort());
    expect(ended.every((x) => x.resolvedAt === new Date(T0 + 22 * MIN).toISOString() || x.kind === 'window-restarted')).toBe(true);
  });

  it('restoring under rules that no longer include an open alert\'s rule resolves it', () => {
    const snap = busy().e.snapshot();
    const c = setup({ rules: [...only('job-failed'), { id: 'gpu-idle', kind: 'gpu-idle', enabled: false }] });
    const evs = c.e.restore(snap);
    expect(evs.every((x) => x.resolvedAt !== null)).toBe(true);
    expect(evs.map((x) => x.kind).sort()).toEqual(['cert-expiry', 'cluster-unreachable', 'fleet-crashloop', 'gpu-idle', 'window-restarted']);
    expect(c.e.open().map((x) => x.kind)).toEqual(['job-failed']);
  });

  it('rejects a malformed snapshot', () => {
    const s = setup();
    expect(() => s.e.restore({ version: 2, tracks: [] })).toThrow();
    expect(() => s.e.restore({ version: 1, tracks: [{ ruleId: 'x' }] })).toThrow();
  });
});

describe('messages', () => {
  it('every kind says in one sentence what happened and what to do', () => {
    const s = setup({ rules: [...DEFAULT_ALERT_RULES, { id: 'ws-idle', kind: 'gpu-idle', params: { ownedOnly: false } }] });
    const evs: AlertEvent[] = [];
    for (const st of ['failed', 'timeout', 'out-of-memory', 'node-fail'] as const) evs.push(...s.e.observe(job(st, s.at(0), `j-${st}`)));
    evs.push(...s.e.observe(win('restarted', s.at(0))), ...s.e.observe(win('evicted', s.at(0))));
    evs.push(...samples(s, 0, 60, 0), ...samples(s, 61, 80, 20));
    for (let m = 0; m <= 10; m++) evs.push(...s.e.observe({ type: 'gpu', targetId: 'ws', node: 'bench', gpu: 1, util: 0, at: s.at(m) }));
    evs.push(...s.e.observe(loop(true, s.at(81))));
    evs.push(...s.e.observe(cert(T0 + 100 * MIN, s.at(81))), ...s.e.observe({ type: 'cert', targetId: 'k8s', name: 'NRP', notAfter: T0 - DAY, at: s.at(81) }));
    for (let m = 81; m <= 90; m++) evs.push(...s.e.observe(reach(false, s.at(m))));
    const kinds = new Set(evs.map((x) => x.kind));
    expect(kinds.size).toBe(8);
    const todo = /; (open|resubmit|check|give|renew)\b/;
    for (const x of fired(evs)) {
      expect(x.message, x.message).toMatch(todo);
      expect(x.message.endsWith('.'), x.message).toBe(true);
      expect(x.message.slice(0, -1), x.message).not.toMatch(/[.!?]\s+[A-Z]/); // one sentence
      expect(x.message).not.toMatch(/\n/);
      expect(() => AlertEventSchema.parse(x)).not.toThrow();
    }
    expect(evs.find((x) => x.title.includes('lost its node'))?.message).toContain('resubmit it, since the node failed');
  });

  it('formats durations', () => {
    expect(duration(0)).toBe('0 minutes');
    expect(duration(MIN)).toBe('1 minute');
    expect(duration(119 * MIN + 59_000)).toBe('119 minutes');
    expect(duration(120 * MIN)).toBe('2 hours');
    expect(duration(125 * MIN)).toBe('2 hours 5 minutes');
  });
});
