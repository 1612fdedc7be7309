import { afterEach, describe, expect, it } from 'vitest';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IEvent } from 'kubernetes-models/v1/Event';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { umbrellaJob, windowJobName, windowPath } from './fixtures.js';
import { CV_HEADER, OUT_HEADER, pyFloat, pyG3 } from './pod-files.js';
import type { KubeSim } from './server.js';
import { api, createJob, FAST_RUN, jobDone, podsOf, runUntil, startFast } from './test-helpers.js';

let sim: KubeSim;
afterEach(async () => sim?.close());

const NS = 'openforcefield';

function pod(name: string): IPod {
  const p = podsOf(sim, NS, name);
  expect(p.length).toBeGreaterThan(0);
  return p[p.length - 1] as IPod;
}

function lastStep(path: string, podName: string): number {
  const lines = sim.controller.runtime(NS, podName)?.fs.read(path) ?? [];
  return Number(lines[lines.length - 1]?.split(' ')[0]);
}

describe('formatting like OpenMM', () => {
  it('prints floats as Python repr and speed as %.3g', () => {
    expect(pyFloat(100)).toBe('100.0');
    expect(pyFloat(25000 * 0.004)).toBe(String(25000 * 0.004).includes('.') ? String(25000 * 0.004) : '100.0');
    expect(pyG3(312.4)).toBe('312');
    expect(pyG3(1234)).toBe('1.23e+03');
    expect(pyG3(31.0)).toBe('31');
    expect(pyG3(0.5)).toBe('0.5');
  });
});

describe('controller', () => {
  it('runs init-git, init-rclone, main, then Succeeded and Job Complete', async () => {
    sim = await startFast();
    const name = windowJobName(1, 0);
    await createJob(sim, NS, umbrellaJob(1, 0));
    sim.controller.tick(1);
    let p = pod(name);
    expect(p.metadata?.labels?.['job-name']).toBe(name);
    expect(p.metadata?.labels?.['controller-uid']).toBeTruthy();
    expect(p.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name, controller: true });
    expect(p.metadata?.name).toMatch(new RegExp(`^${name}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
    expect(p.spec?.nodeName).toBeTruthy();
    expect(p.status?.initContainerStatuses?.[0]?.state?.running).toBeTruthy();
    expect(p.status?.phase).toBe('Pending');
    sim.controller.tick(10);
    p = pod(name);
    expect(p.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode).toBe(0);
    expect(p.status?.initContainerStatuses?.[1]?.state?.running).toBeTruthy();
    runUntil(sim, () => pod(name).status?.phase === 'Running', 1000, 5);
    p = pod(name);
    expect(p.status?.containerStatuses?.[0]?.ready).toBe(true);
    runUntil(sim, () => jobDone(sim, NS, name));
    p = pod(name);
    expect(p.status?.phase).toBe('Succeeded');
    expect(p.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    const job = sim.store.get<IJob>('jobs', NS, name);
    expect(job?.status).toMatchObject({ succeeded: 1 });
    expect(job?.status?.completionTime).toBeTruthy();
    expect(job?.status?.conditions?.[0]).toMatchObject({ type: 'Complete', status: 'True' });
    const out = sim.controller.runtime(NS, p.metadata?.name ?? '')?.fs.read(windowPath(1, 0, 'production.out')) ?? [];
    expect(out[0]).toBe(OUT_HEADER);
    expect(out.length).toBe(1 + FAST_RUN.nSteps / FAST_RUN.outputFrequency);
    expect(out[1]?.split(' ')).toHaveLength(8);
    expect(out[1]?.split(' ')[7]).toBe('--');
    expect(out[1]?.split(' ')[0]).toBe('2500');
    const cv = sim.controller.runtime(NS, p.metadata?.name ?? '')?.fs.read(windowPath(1, 0, 'production-fraction-native-contacts.dat')) ?? [];
    expect(cv[0]).toBe(CV_HEADER);
    expect(cv[1]).toMatch(/^2500 0\.\d{8}$/);
    const logs = await fetch(`${sim.url}/api/v1/namespaces/${NS}/pods/${p.metadata?.name}/log?container=main`, { headers: { authorization: `Bearer ${sim.token}` } }).then((r) => r.text());
    expect(logs).toContain('Running simulation with');
    expect(logs).toContain(`    n_steps ${FAST_RUN.nSteps} steps`);
    expect(logs).toContain('    umbrella_energy_constant 5000.00');
    expect(logs).toContain('    window_center 1.00');
    expect(sim.controller.bucket.has(windowPath(1, 0, 'production.out').replace('/results/', ''))).toBe(true);
    const events = sim.store.list<IEvent>('events', NS).map((e) => e.reason);
    expect(events).toEqual(expect.arrayContaining(['SuccessfulCreate', 'Scheduled', 'Pulling', 'Pulled', 'Created', 'Started', 'Completed']));
  });

  it('keeps pods Pending with FailedScheduling when no node matches the CUDA affinity', async () => {
    sim = await startFast();
    const name = windowJobName(1, 3);
    await createJob(sim, NS, umbrellaJob(1, 3, { cudaMinor: '9' }));
    sim.controller.tick(60);
    const p = pod(name);
    expect(p.status?.phase).toBe('Pending');
    expect(p.spec?.nodeName).toBeUndefined();
    expect(p.status?.conditions?.[0]).toMatchObject({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' });
    const ev = sim.store.list<IEvent>('events', NS).find((e) => e.reason === 'FailedScheduling');
    expect(ev?.type).toBe('Warning');
    expect(ev?.message).toMatch(/^0\/6 nodes are available: .*6 node\(s\) didn't match Pod's node affinity\/selector/);
    sim.faults.failScheduling('0/6 nodes are available: 6 Insufficient nvidia.com/gpu.');
    await createJob(sim, NS, umbrellaJob(1, 4));
    sim.controller.tick(60);
    expect(pod(windowJobName(1, 4)).status?.phase).toBe('Pending');
    sim.faults.failScheduling(null);
    sim.controller.tick(30);
    expect(pod(windowJobName(1, 4)).spec?.nodeName).toBeTruthy();
  });

  it('runs a 3-replica × 31-window campaign to completion', async () => {
    sim = await startFast();
    for (let r = 1; r <= 3; r++) for (let w = 0; w <= 30; w++) await createJob(sim, NS, umbrellaJob(r, w));
    const names = [...Array(3).keys()].flatMap((r) => [...Array(31).keys()].map((w) => windowJobName(r + 1, w)));
    // GPU capacity limits concurrency (20 GPUs with CUDA 12.4 on the default nodes), so pods queue first.
    sim.controller.tick(30);
    const pending = sim.store.list<IPod>('pods', NS).filter((p) => !p.spec?.nodeName);
    expect(pending.length).toBe(93 - 20);
    runUntil(sim, () => names.every((n) => jobDone(sim, NS, n)), 200_000, 60);
    for (let r = 1; r <= 3; r++) {
      for (let w = 0; w <= 30; w++) {
        const n = windowJobName(r, w);
        const job = sim.store.get<IJob>('jobs', NS, n);
        expect(job?.status?.conditions?.map((c) => c.type)).toEqual(['Complete']);
        const p = pod(n);
        expect(lastStep(windowPath(r, w, 'production.out'), p.metadata?.name ?? '')).toBe(FAST_RUN.nSteps);
        const cv = sim.controller.runtime(NS, p.metadata?.name ?? '')?.fs.read(windowPath(r, w, 'production-fraction-native-contacts.dat')) ?? [];
        const qs = cv.slice(1).map((l) => Number(l.split(' ')[1]));
        const mean = qs.reduce((a, b) => a + b, 0) / qs.length;
        expect(Math.abs(mean - Math.min(1 - 0.02 * w, 0.975))).toBeLessThan(0.02);
      }
    }
  });

  it('replaces an evicted pod; the new one re-runs init containers and resumes from the checkpoint', async () => {
    sim = await startFast();
    const name = windowJobName(2, 5);
    await createJob(sim, NS, umbrellaJob(2, 5));
    sim.controller.tick(1);
    const first = () => podsOf(sim, NS, name)[0] as IPod;
    const firstName = first().metadata?.name ?? '';
    runUntil(sim, () => (sim.controller.runtime(NS, firstName)?.run as { inProduction?: boolean; currentStep: number } | undefined)?.inProduction === true && lastStep(windowPath(2, 5, 'production.out'), firstName) >= 60_000, 5000, 5);
    const before = lastStep(windowPath(2, 5, 'production.out'), firstName);
    sim.faults.evict(firstName);
    const evicted = sim.store.get<IPod>('pods', NS, firstName);
    expect(evicted?.status).toMatchObject({ phase: 'Failed', reason: 'Evicted' });
    expect(sim.store.list<IEvent>('events', NS).some((e) => e.reason === 'Evicted' && e.involvedObject.name === firstName)).toBe(true);
    sim.controller.tick(1);
    const pods = podsOf(sim, NS, name);
    expect(pods).toHaveLength(2);
    const second = pods.find((p) => p.metadata?.name !== firstName) as IPod;
    expect(second.status?.initContainerStatuses?.[0]?.state?.running).toBeTruthy();
    const secondName = second.metadata?.name ?? '';
    runUntil(sim, () => (sim.controller.runtime(NS, secondName)?.run as { inProduction?: boolean } | undefined)?.inProduction === true, 5000, 1);
    // Truncated back to the last checkpoint (a multiple of checkpointFrequency), not restarted from zero.
    const resumed = lastStep(windowPath(2, 5, 'production.out'), secondName);
    expect(resumed).toBe(Math.floor(before / FAST_RUN.checkpointFrequency) * FAST_RUN.checkpointFrequency);
    const logs = await api(sim, 'GET', `/apis/batch/v1/namespaces/${NS}/jobs/${name}`);
    expect((logs.body as IJob).status?.failed).toBe(1);
    runUntil(sim, () => jobDone(sim, NS, name));
    const out = sim.controller.runtime(NS, secondName)?.fs.read(windowPath(2, 5, 'production.out')) ?? [];
    expect(lastStep(windowPath(2, 5, 'production.out'), secondName)).toBe(FAST_RUN.nSteps);
    expect(out.length).toBe(1 + FAST_RUN.nSteps / FAST_RUN.outputFrequency);
    expect(out.filter((l) => l.endsWith(' --'))).toHaveLength(2);
  });

  it('a crashed script still exits 0: Job Complete, production.out short of n_steps', async () => {
    sim = await startFast();
    const name = windowJobName(3, 30);
    await createJob(sim, NS, umbrellaJob(3, 30));
    sim.faults.crashScript(name);
    runUntil(sim, () => jobDone(sim, NS, name));
    const job = sim.store.get<IJob>('jobs', NS, name);
    expect(job?.status?.conditions?.[0]?.type).toBe('Complete');
    const p = pod(name);
    expect(p.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(0);
    const step = lastStep(windowPath(3, 30, 'production.out'), p.metadata?.name ?? '');
    expect(step).toBeLessThan(FAST_RUN.nSteps);
    expect(step).toBeGreaterThan(0);
    const log = sim.controller.logs(NS, p.metadata?.name ?? '', 'main', false);
    expect(typeof log === 'string' ? log : log.map((l) => l.line).join('\n')).toContain('openmm.OpenMMException');
  });

  it('an OOM kill restarts the container in the same pod and keeps the emptyDir', async () => {
    sim = await startFast();
    const name = windowJobName(1, 10);
    await createJob(sim, NS, umbrellaJob(1, 10));
    sim.controller.tick(1);
    const podName = pod(name).metadata?.name ?? '';
    runUntil(sim, () => lastStep(windowPath(1, 10, 'production.out'), podName) >= 30_000, 5000, 5);
    sim.faults.oomKill(podName);
    let p = sim.store.get<IPod>('pods', NS, podName);
    const cs = p?.status?.containerStatuses?.[0];
    expect(cs?.restartCount).toBe(1);
    expect(cs?.lastState?.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect(cs?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    const prev = await fetch(`${sim.url}/api/v1/namespaces/${NS}/pods/${podName}/log?container=main&previous=true`, { headers: { authorization: `Bearer ${sim.token}` } });
    expect(prev.status).toBe(200);
    expect(await prev.text()).toContain('Running simulation with');
    runUntil(sim, () => jobDone(sim, NS, name));
    expect(podsOf(sim, NS, name)).toHaveLength(1);
    p = sim.store.get<IPod>('pods', NS, podName);
    expect(p?.status?.phase).toBe('Succeeded');
    expect(lastStep(windowPath(1, 10, 'production.out'), podName)).toBe(FAST_RUN.nSteps);
    expect(sim.store.get<IJob>('jobs', NS, name)?.status?.conditions?.[0]?.type).toBe('Complete');
  });
});
