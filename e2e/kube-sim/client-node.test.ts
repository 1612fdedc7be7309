// The simulator against the real @kubernetes/client-node (what SimDeck uses): kubeconfig, typed APIs, Watch with
// resourceVersion (410 after compaction, reconnect after a dropped stream), Exec over WebSocket, Log.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { BatchV1Api, CoreV1Api, Exec, KubeConfig, Log, Watch, type V1Job, type V1Pod, type V1Status } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { umbrellaJob as umbrellaManifest, windowJobName, windowPath } from './fixtures.js';
import type { KubeSim } from './server.js';
import { FAST_RUN, podsOf, runUntil, startFast } from './test-helpers.js';

const NS = 'openforcefield';
/** The manifest as client-node's type (its timestamps are Dates; the manifest has none). */
const umbrellaJob = (replica: number, window: number) => umbrellaManifest(replica, window) as unknown as V1Job;
let sim: KubeSim;
let kc: KubeConfig;

beforeEach(async () => {
  sim = await startFast({ bookmarkMs: 100 });
  const path = sim.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'kube-sim-')), 'config'), { namespace: NS, context: 'nautilus' });
  kc = new KubeConfig();
  kc.loadFromFile(path);
});
afterEach(async () => sim.close());

async function execCollect(pod: string, command: string[]): Promise<{ out: string; err: string; status: V1Status }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const status = await new Promise<V1Status>((resolve, reject) => {
    new Exec(kc).exec(NS, pod, 'main', command, stdout, stderr, null, false, resolve).catch(reject);
  });
  return { out, err, status };
}

describe('@kubernetes/client-node against the simulator', () => {
  it('creates and lists Jobs; 409 on a duplicate; 401 without the token', async () => {
    const batch = kc.makeApiClient(BatchV1Api);
    const created = await batch.createNamespacedJob({ namespace: NS, body: umbrellaJob(1, 0) });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.spec?.template.metadata?.labels?.['job-name']).toBe(windowJobName(1, 0));
    const list = await batch.listNamespacedJob({ namespace: NS });
    expect(list.items.map((j) => j.metadata?.name)).toEqual([windowJobName(1, 0)]);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);
    await expect(batch.createNamespacedJob({ namespace: NS, body: umbrellaJob(1, 0) })).rejects.toMatchObject({ code: 409 });
    const res = await fetch(`${sim.url}/api/v1/namespaces/${NS}/pods`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ kind: 'Status', code: 401, reason: 'Unauthorized' });
  });

  it('watches pods from a resourceVersion, gets bookmarks, 410 after compaction and reconnects after a drop', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const batch = kc.makeApiClient(BatchV1Api);
    await batch.createNamespacedJob({ namespace: NS, body: umbrellaJob(1, 1) });
    sim.controller.tick(1);
    const list = await core.listNamespacedPod({ namespace: NS, labelSelector: `job-name=${windowJobName(1, 1)}` });
    expect(list.items).toHaveLength(1);
    const rv = list.metadata?.resourceVersion ?? '';

    const seen: { type: string; obj: V1Pod }[] = [];
    let doneErr: unknown = 'not yet';
    const watch = new Watch(kc);
    await watch.watch(`/api/v1/namespaces/${NS}/pods`, { resourceVersion: rv, allowWatchBookmarks: true, labelSelector: `job-name=${windowJobName(1, 1)}` }, (type, obj: V1Pod) => seen.push({ type, obj }), (e) => (doneErr = e));
    sim.controller.tick(40);
    await new Promise((r) => setTimeout(r, 300));
    const modified = seen.filter((s) => s.type === 'MODIFIED');
    expect(modified.length).toBeGreaterThan(0);
    expect(seen.some((s) => s.type === 'BOOKMARK')).toBe(true);
    const lastRv = [...seen].reverse().find((s) => s.type !== 'BOOKMARK')?.obj.metadata?.resourceVersion ?? '';

    // Drop: done() is called; a new watch from the last seen resourceVersion misses nothing.
    expect(sim.faults.dropWatches()).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(doneErr).not.toBe('not yet');
    sim.controller.tick(120); // past the main image pull: the container starts
    const resumed: string[] = [];
    const ctl = await new Watch(kc).watch(`/api/v1/namespaces/${NS}/pods`, { resourceVersion: lastRv }, (type, obj: V1Pod) => resumed.push(`${type}:${obj.metadata?.resourceVersion}`), () => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(resumed.length).toBeGreaterThan(0);
    expect(Number(resumed[0]?.split(':')[1])).toBeGreaterThan(Number(lastRv));
    ctl.abort();

    // Compaction: the old resourceVersion is now 410 Expired, delivered as an ERROR event.
    sim.faults.compact();
    const errors: unknown[] = [];
    await new Watch(kc).watch(`/api/v1/namespaces/${NS}/pods`, { resourceVersion: rv }, (type, obj) => errors.push({ type, obj }), () => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(errors).toEqual([{ type: 'ERROR', obj: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) }]);
  });

  it('execs cat/tail over WebSocket, with exit codes from the status channel, and reads logs', async () => {
    const batch = kc.makeApiClient(BatchV1Api);
    await batch.createNamespacedJob({ namespace: NS, body: umbrellaJob(2, 7) });
    sim.controller.tick(1);
    const podName = podsOf(sim, NS, windowJobName(2, 7))[0]?.metadata?.name ?? '';
    const out = windowPath(2, 7, 'production.out');
    runUntil(sim, () => (sim.controller.runtime(NS, podName)?.fs.read(out)?.length ?? 0) > 10, 5000, 5);

    const cat = await execCollect(podName, ['cat', out]);
    expect(cat.status).toMatchObject({ status: 'Success' });
    const lines = cat.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^#"Step" "Time \(ps\)"/);
    expect(lines.length).toBe(sim.controller.runtime(NS, podName)?.fs.read(out)?.length);

    const tail = await execCollect(podName, ['sh', '-c', `head -n 1 ${out}; tail -n 1 ${out}`]);
    expect(tail.out.split('\n')[1]?.split(' ')[0]).toBe(lines[lines.length - 1]?.split(' ')[0]);

    const missing = await execCollect(podName, ['cat', '/results/nope']);
    expect(missing.status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '1' }] } });
    expect(missing.err).toContain('No such file or directory');

    const unknown = await execCollect(podName, ['python', '-V']);
    expect(unknown.status.details?.causes?.[0]).toEqual({ reason: 'ExitCode', message: '127' });

    const smi = await execCollect(podName, ['nvidia-smi', '--query-gpu=utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits']);
    expect(smi.out).toMatch(/^\d+, \d+, \d+\n$/);

    const logStream = new PassThrough();
    let text = '';
    logStream.on('data', (d: Buffer) => (text += d.toString()));
    await new Promise<void>((resolve, reject) => {
      logStream.on('end', () => resolve());
      new Log(kc).log(NS, podName, 'main', logStream, { follow: false, tailLines: 100 }).catch(reject);
    });
    expect(text).toContain('Running simulation with');
    expect(text).toContain(`n_steps ${FAST_RUN.nSteps} steps`);
  });
});
