// The simulator's S3 mode against a real S3-compatible server (moto_server): the window's `rclone copy --update`
// really uploads /results when the simulated upload finishes, init-rclone really downloads the required files, a
// finished window found in the bucket returns at once, an evicted window resumes from the checkpoint its preStop
// hook uploaded, and an upload to a missing bucket fails the container, which restarts (restartPolicy OnFailure).
// moto_server must be on PATH (or SIMDECK_MOTO_SERVER); if it cannot start, the suite fails and says so.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { s3RemoteFromConf } from '../../electron/kube/bucket/rclone-config.js';
import { S3Client } from '../../electron/kube/bucket/s3-client.js';
import { initRcloneScript, mainScript, preStopScript, rcloneBase } from '../../electron/kube/umbrella/manifest.js';
import { MOTO_ACCESS_KEY_ID, MOTO_SECRET_ACCESS_KEY, startMoto, type Moto } from '../support/moto.js';
import { SYSTEM, umbrellaJob, windowJobName, windowPath } from './fixtures.js';
import { CV_HEADER, OUT_HEADER } from './pod-files.js';
import { bufferToLines, downloadLocation, linesToBuffer, uploadLocation, uploadLocationIn } from './rclone-s3.js';
import type { KubeSim } from './server.js';
import { createJob, FAST_RUN, jobDone, podsOf, startFast } from './test-helpers.js';

const NS = 'openforcefield';
const BUCKET = 'proteinbenchmark-jm-bucket';
const PREFIX = 'results';
const ROWS = 1 + FAST_RUN.nSteps / FAST_RUN.outputFrequency;

let moto: Moto;
let client: S3Client;
let sim: KubeSim | undefined;

beforeAll(async () => {
  moto = await startMoto();
  client = new S3Client(s3RemoteFromConf(moto.rcloneConf('nrp'), 'nrp'), { attempts: 1 });
  await client.createBucket(BUCKET);
}, 90_000);

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

afterAll(async () => {
  client?.close();
  await moto?.stop();
});

function start(): Promise<KubeSim> {
  return startFast({ s3: { endpoint: moto.endpoint, accessKeyId: MOTO_ACCESS_KEY_ID, secretAccessKey: MOTO_SECRET_ACCESS_KEY } });
}

/** Ticks the clock and lets the S3 transfers finish after every tick, until `done()` holds. */
async function runUntil(s: KubeSim, done: () => boolean, maxSeconds = 100_000, step = 30): Promise<number> {
  let t = 0;
  await s.controller.idle();
  while (!done()) {
    if (t >= maxSeconds) throw new Error(`condition not reached after ${maxSeconds} simulated seconds`);
    s.controller.tick(step);
    await s.controller.idle();
    t += step;
  }
  return t;
}

function lastPod(s: KubeSim, job: string): IPod {
  const pods = podsOf(s, NS, job);
  expect(pods.length).toBeGreaterThan(0);
  return pods[pods.length - 1] as IPod;
}

/** The newest pod of a Job, if it has one yet. */
function newestPod(s: KubeSim, job: string): IPod | undefined {
  return podsOf(s, NS, job).at(-1);
}

function podName(p: IPod | undefined): string {
  return p?.metadata?.name ?? '';
}

/** The bucket key of a window file: `{prefix}/{S}/replica-R/window-WW/{S}-{suffix}`. */
function windowKey(replica: number, window: number, suffix: string, prefix = PREFIX): string {
  return `${prefix}/${windowPath(replica, window, suffix).slice('/results/'.length)}`;
}

async function readObject(key: string, bucket = BUCKET): Promise<string[] | null> {
  if (!(await client.head(bucket, key))) return null;
  const got = await client.getObject(bucket, key);
  const chunks: Buffer[] = [];
  for await (const ch of got.body) chunks.push(ch as Buffer);
  return bufferToLines(Buffer.concat(chunks));
}

function stepOf(row: string | undefined): number {
  return Number(row?.split(' ')[0]);
}

async function logOf(s: KubeSim, pod: string, container: string, previous = false): Promise<string> {
  const q = `container=${container}${previous ? '&previous=true' : ''}`;
  return fetch(`${s.url}/api/v1/namespaces/${NS}/pods/${pod}/log?${q}`, { headers: { authorization: `Bearer ${s.token}` } }).then((r) => r.text());
}

describe('rclone locations in the rendered commands', () => {
  it('reads remote, bucket and prefix from the seed manifest and from SimDeck-rendered (quoted) scripts', () => {
    const job = umbrellaJob(1, 0);
    const spec = job.spec?.template.spec;
    expect(uploadLocation(spec?.containers[0])).toEqual({ remote: 'nrp-internal', bucket: BUCKET, prefix: PREFIX });
    expect(downloadLocation(spec?.initContainers?.[1], spec?.containers[0])).toEqual({ remote: 'nrp-internal', bucket: BUCKET, prefix: PREFIX });
    const base = rcloneBase({ remote: 'nrp-internal', bucket: 'other-bucket', prefix: "/jm's results/v2/" });
    const quotedMain = { name: 'main', command: ['/bin/sh', '-c', mainScript(base, true)] };
    expect(uploadLocation(quotedMain)).toEqual({ remote: 'nrp-internal', bucket: 'other-bucket', prefix: "jm's results/v2" });
    expect(uploadLocationIn(preStopScript(base))).toEqual({ remote: 'nrp-internal', bucket: 'other-bucket', prefix: "jm's results/v2" });
    const init = { name: 'init-rclone', command: ['/bin/sh', '-c', initRcloneScript(base)] };
    expect(downloadLocation(init, undefined)).toEqual({ remote: 'nrp-internal', bucket: 'other-bucket', prefix: "jm's results/v2" });
    expect(uploadLocation({ name: 'main', command: ['/bin/sh', '-c', 'rclone copy --update /results nrp:b'] })).toEqual({ remote: 'nrp', bucket: 'b', prefix: '' });
  });

  it('keeps file text byte-exact through the bucket', () => {
    for (const lines of [[], [''], ['a'], ['a', 'b', '']]) expect(bufferToLines(linesToBuffer(lines))).toEqual(lines);
  });
});

describe('kube-sim with a real S3 endpoint (moto)', () => {
  it('uploads every file of the window when the main container\'s rclone copy finishes', async () => {
    sim = await start();
    const s = sim;
    const name = windowJobName(1, 0);
    await createJob(s, NS, umbrellaJob(1, 0));
    // Production over, the upload (uploadSeconds) not yet finished: nothing is in the bucket.
    await runUntil(s, () => {
      const run = s.controller.runtime(NS, podName(newestPod(s, name)))?.run as { currentStep?: number; inProduction?: boolean } | undefined;
      return (run?.currentStep ?? 0) >= FAST_RUN.nSteps && run?.inProduction === false;
    }, 10_000, 2);
    expect(await client.head(BUCKET, windowKey(1, 0, 'production.out'))).toBeNull();
    await runUntil(s, () => jobDone(s, NS, name), 1000, 2);

    const pod = lastPod(s, name);
    expect(pod.status?.phase).toBe('Succeeded');
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    const listed = (await client.listObjects(BUCKET, `${PREFIX}/${SYSTEM}/replica-1/window-00/`)).map((o) => o.key).sort();
    expect(listed).toEqual(
      [
        'equilibration-1.xml',
        'equilibration.out',
        'production-1.xml',
        'production-2.xml',
        'production-fraction-native-contacts.dat',
        'production.chk',
        'production.dcd',
        'production.out',
      ].map((suffix) => windowKey(1, 0, suffix)).sort(),
    );
    const out = (await readObject(windowKey(1, 0, 'production.out'))) ?? [];
    expect(out[0]).toBe(OUT_HEADER);
    expect(out).toHaveLength(ROWS);
    expect(stepOf(out.at(-1))).toBe(FAST_RUN.nSteps);
    expect(out).toEqual(s.controller.runtime(NS, podName(pod))?.fs.read(windowPath(1, 0, 'production.out')));
    const cv = (await readObject(windowKey(1, 0, 'production-fraction-native-contacts.dat'))) ?? [];
    expect(cv[0]).toBe(CV_HEADER);
    expect(cv).toHaveLength(ROWS);
    expect(cv.at(-1)).toMatch(new RegExp(`^${FAST_RUN.nSteps} 0\\.\\d{8}$`));
    expect(await readObject(windowKey(1, 0, 'production.chk'))).toEqual([`simulated OpenMM checkpoint step=${FAST_RUN.nSteps}`]);
    expect((await client.head(BUCKET, windowKey(1, 0, 'production.out')))?.metadata.mtime).toMatch(/^\d+\.\d{9}$/);
    // The in-memory mirror follows what was uploaded.
    expect(s.controller.bucket.get(windowPath(1, 0, 'production.out').slice('/results/'.length))).toEqual(out);
    // init-rclone found nothing for this window: logged, not failed, and nothing stood in for the inputs.
    const initLog = await logOf(s, podName(pod), 'init-rclone');
    expect(initLog).toContain(`cloning to /results/${SYSTEM}/replica-1/window-00/`);
    expect(initLog).toMatch(/ERROR : : error reading source root directory: directory not found/);
    expect(initLog).toContain('done chmoding');
    expect(pod.status?.initContainerStatuses?.[1]?.state?.terminated?.exitCode).toBe(0);
    expect(s.controller.runtime(NS, podName(pod))?.fs.read(`/results/${SYSTEM}/replica-1/${SYSTEM}-window-00.pdb`)).toBeUndefined();
  });

  it('a second Job for a finished window downloads it in init-rclone and returns at once', async () => {
    sim = await start();
    const s = sim;
    const first = windowJobName(1, 1);
    await createJob(s, NS, umbrellaJob(1, 1));
    await runUntil(s, () => jobDone(s, NS, first), 20_000);
    const before = await client.head(BUCKET, windowKey(1, 1, 'production.out'));
    expect(before).not.toBeNull();
    // An input in the bucket: copied by its exact name.
    const pdb = `${PREFIX}/${SYSTEM}/replica-1/${SYSTEM}-window-01.pdb`;
    await client.putObject(BUCKET, pdb, Buffer.from('ATOM      1  N   MET A   1\nEND\n'), 31);

    const again = umbrellaJob(1, 1);
    again.metadata = { name: `${first}-again` };
    await createJob(s, NS, again);
    const took = await runUntil(s, () => jobDone(s, NS, `${first}-again`), 20_000, 5);
    const pod = lastPod(s, `${first}-again`);
    expect(pod.status?.phase).toBe('Succeeded');
    // init containers (33 s), the image (already on the node or 90 s), pip (30 s) and the upload (10 s): no run.
    expect(took).toBeLessThan(8 + 25 + 90 + FAST_RUN.pipSeconds + FAST_RUN.uploadSeconds + 30);
    const rt = s.controller.runtime(NS, podName(pod));
    expect(rt?.fs.read(`/results/${SYSTEM}/replica-1/${SYSTEM}-window-01.pdb`)).toEqual(['ATOM      1  N   MET A   1', 'END']);
    const local = rt?.fs.read(windowPath(1, 1, 'production.out')) ?? [];
    expect(local).toHaveLength(ROWS);
    const mainLog = await logOf(s, podName(pod), 'main');
    expect(mainLog).toContain('Successfully installed proteinbenchmark');
    expect(mainLog).not.toContain('Running simulation with');
    const initLog = await logOf(s, podName(pod), 'init-rclone');
    expect(initLog).toContain(`cloning to /results/${SYSTEM}/replica-1/window-01/`);
    expect(initLog).not.toMatch(/window-01\.pdb[\s\S]*directory not found[\s\S]*cloning to \/results\/.*window-01\//);

    const out = (await readObject(windowKey(1, 1, 'production.out'))) ?? [];
    expect(out).toHaveLength(ROWS);
    expect(stepOf(out.at(-1))).toBe(FAST_RUN.nSteps);
    // rclone copy --update found nothing newer: the object was not written again.
    const after = await client.head(BUCKET, windowKey(1, 1, 'production.out'));
    expect(after?.etag).toBe(before?.etag);
    expect(after?.metadata.mtime).toBe(before?.metadata.mtime);
  });

  it('an evicted window uploads in preStop and its replacement resumes from the checkpoint in the bucket', async () => {
    sim = await start();
    const s = sim;
    const name = windowJobName(1, 2);
    await createJob(s, NS, umbrellaJob(1, 2));
    const victim = () => podName(newestPod(s, name));
    await runUntil(s, () => {
      const run = s.controller.runtime(NS, victim())?.run as { currentStep?: number; inProduction?: boolean } | undefined;
      return run?.inProduction === true && (run.currentStep ?? 0) >= 60_000;
    }, 20_000, 2);
    const evicted = victim();
    s.faults.evict(evicted);
    // The pod stays Running while its preStop upload is under way; a replacement comes only afterwards.
    expect(s.store.get<IPod>('pods', NS, evicted)?.status?.phase).toBe('Running');
    expect(podsOf(s, NS, name)).toHaveLength(1);
    await s.controller.idle();
    expect(s.store.get<IPod>('pods', NS, evicted)?.status).toMatchObject({ phase: 'Failed', reason: 'Evicted' });
    expect(await readObject(windowKey(1, 2, 'production.chk'))).toEqual(['simulated OpenMM checkpoint step=50000']);
    const partial = (await readObject(windowKey(1, 2, 'production.out'))) ?? [];
    expect(stepOf(partial.at(-1))).toBeGreaterThanOrEqual(60_000);

    await runUntil(s, () => jobDone(s, NS, name), 20_000);
    const pods = podsOf(s, NS, name);
    expect(pods).toHaveLength(2);
    const replacement = pods.find((p) => podName(p) !== evicted) as IPod;
    expect(replacement.status?.phase).toBe('Succeeded');
    const out = (await readObject(windowKey(1, 2, 'production.out'))) ?? [];
    expect(out).toHaveLength(ROWS);
    const steps = out.slice(1).map(stepOf);
    expect(steps).toEqual(Array.from({ length: ROWS - 1 }, (_, i) => (i + 1) * FAST_RUN.outputFrequency));
    // The resumed run's first row (after the checkpoint at 50,000) has no speed yet.
    expect(out[50_000 / FAST_RUN.outputFrequency + 1]?.split(' ')[7]).toBe('--');
    expect(out[50_000 / FAST_RUN.outputFrequency]?.split(' ')[7]).not.toBe('--');
    const mainLog = await logOf(s, podName(replacement), 'main');
    expect(mainLog.match(/Running simulation with/g)).toHaveLength(1); // production only: equilibration was done
  });

  it('an upload to a missing bucket fails the main container, which restarts and succeeds once the bucket exists', async () => {
    sim = await start();
    const s = sim;
    const missing = 'kube-sim-missing-bucket';
    const name = windowJobName(1, 3);
    const job = umbrellaJob(1, 3);
    const main = job.spec?.template.spec?.containers[0];
    if (main?.command) main.command = ['/bin/sh', '-c', mainScript(rcloneBase({ remote: 'nrp-internal', bucket: missing, prefix: 'run-2' }), false)];
    await createJob(s, NS, job);
    await runUntil(s, () => (newestPod(s, name)?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 20_000, 5);
    const pod = lastPod(s, name);
    const st = pod.status?.containerStatuses?.[0];
    expect(st?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(st?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(pod.status?.phase).toBe('Running');
    const prev = await logOf(s, podName(pod), 'main', true);
    expect(prev).toMatch(/ERROR : gb3-null-0\.0\.3-pair-opc3\/replica-1\/window-03\/\S+: Failed to copy: .*kube-sim-missing-bucket/);
    expect(prev).toMatch(/ERROR : Attempt 3\/3 failed with \d+ errors and: /);
    expect(prev).toMatch(/Failed to copy with \d+ errors: last error was: /);
    expect(jobDone(s, NS, name)).toBe(false);

    // The restart (same pod, emptyDir kept) finds the checkpoint at n_steps and only uploads; now it can.
    await client.createBucket(missing);
    await runUntil(s, () => jobDone(s, NS, name), 20_000, 5);
    const done = lastPod(s, name);
    expect(podsOf(s, NS, name)).toHaveLength(1);
    expect(done.status?.phase).toBe('Succeeded');
    const out = (await readObject(windowKey(1, 3, 'production.out', 'run-2'), missing)) ?? [];
    expect(out).toHaveLength(ROWS);
    expect(stepOf(out.at(-1))).toBe(FAST_RUN.nSteps);
    expect(await client.head(BUCKET, windowKey(1, 3, 'production.out'))).toBeNull();
  });
});
