// Umbrella campaigns and their results bucket, through SimDeck's real core, with the Kubernetes simulator uploading
// to a real S3-compatible server (moto_server): the laptop's rclone remote goes into the vault (never the
// database), launch is refused while a window's inputs are missing, and a window whose pod finished before SimDeck
// read its last step is confirmed from production.out in the bucket.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project, Target } from '../../shared/domain.js';
import type { Campaign, CampaignSpec, ResultsDownload, WindowStatus } from '../../shared/kube.js';
import { parseRcloneConf, s3RemoteFrom } from '../../electron/kube/bucket/rclone-config.js';
import { S3Client } from '../../electron/kube/bucket/s3-client.js';
import { seedSpec } from '../../electron/kube/umbrella/seed.js';
import { fails, ok, openTempCore, type TempCore } from '../../electron/testing/temp-core.js';
import { MOTO_ACCESS_KEY_ID, MOTO_SECRET_ACCESS_KEY, startMoto, type Moto } from '../support/moto.js';
import { startKubeSim, type KubeSim } from './server.js';

const N_STEPS = 125_000;
const BUCKET = 'proteinbenchmark-jm-bucket';
const S = 'gb3-null-0.0.3-pair-opc3';
let moto: Moto;
let sim: KubeSim;
let t: TempCore;
let s3: S3Client;
let home: string;
let project: Project;
let target: Target;
let campaignId: string;
const oldHome = process.env.HOME;

beforeAll(async () => {
  moto = await startMoto();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-home-'));
  process.env.HOME = home;
  // The researcher's own rclone.conf, with the laptop remote `nrp` (the pods use nrp-internal; here both reach moto).
  const conf = moto.rcloneConf('nrp');
  fs.mkdirSync(path.join(home, '.config', 'rclone'), { recursive: true });
  fs.writeFileSync(path.join(home, '.config', 'rclone', 'rclone.conf'), conf);
  s3 = new S3Client(s3RemoteFrom(parseRcloneConf(conf), 'nrp'));
  await s3.createBucket(BUCKET);

  sim = await startKubeSim({
    speed: 600,
    run: { nSteps: N_STEPS, outputFrequency: 2_500, checkpointFrequency: 25_000, saveStateFrequency: 25_000, equilibrationSteps: 0, uploadSeconds: 60 },
    s3: { endpoint: moto.endpoint, accessKeyId: MOTO_ACCESS_KEY_ID, secretAccessKey: MOTO_SECRET_ACCESS_KEY },
  });
  const kubeconfig = path.join(home, 'kubeconfig');
  sim.writeKubeconfig(kubeconfig, { namespace: 'openforcefield', context: 'nautilus' });
  // A reader that (almost) never reads: windows finish unseen, so their last step must come from the bucket.
  t = openTempCore(undefined, { umbrella: { readRatePerSecond: 0.001, readIntervalMs: 3_600_000, watchBackoff: { initialMs: 50, maxMs: 200 } } });
  project = await ok<Project>(t.core, 'projects.create', { name: 'GB3 bucket' });
  target = await ok<Target>(t.core, 'targets.create', { name: 'Nautilus (sim)', kind: 'kubernetes', settings: { kubeconfigPath: kubeconfig, context: 'nautilus', namespace: 'openforcefield' } });
});

afterAll(async () => {
  await t?.dispose();
  await sim?.close();
  s3?.close();
  await moto?.stop();
  process.env.HOME = oldHome;
});

const spec = (): CampaignSpec => ({ ...seedSpec({}), projectId: project.id, targetId: target.id, replicas: 1, windows: [{ index: 0, centre: 1 }, { index: 1, centre: 0.98 }] });

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 40_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('the results bucket of a campaign', () => {
  it('imports the laptop remote from rclone.conf into the vault, never into the workspace database', async () => {
    const d = await ok<{ name: string; endpoint: string; source: string }>(t.core, 'umbrella.bucketImport', { targetId: target.id, remote: 'nrp', from: {}, confirm: true });
    expect(d).toMatchObject({ name: 'nrp', endpoint: moto.endpoint });
    expect(d.source).toBe(path.join(home, '.config', 'rclone', 'rclone.conf'));
    for (const f of ['workspace.sqlite', 'workspace.sqlite-wal']) {
      const file = path.join(t.dir, f);
      if (fs.existsSync(file)) expect(fs.readFileSync(file).includes(Buffer.from(MOTO_SECRET_ACCESS_KEY)), f).toBe(false);
    }
    const saved = await ok<Target[]>(t.core, 'targets.list', {});
    expect(JSON.stringify(saved)).not.toContain(MOTO_SECRET_ACCESS_KEY);
    expect(saved.find((x) => x.id === target.id)?.settings.bucketRemote).toBe('nrp');
    const err = await fails(t.core, 'umbrella.bucketImport', { targetId: target.id, remote: 'nope', from: {}, confirm: true });
    expect(err.message).toMatch(/no remote named nope/i);
  });

  it('refuses to launch windows whose inputs are not in the bucket, then launches once they are', async () => {
    const before = await ok<{ checked: boolean; missing: { window: number; paths: string[] }[] }>(t.core, 'umbrella.inputs', spec());
    expect(before.checked).toBe(true);
    expect(before.missing.map((m) => m.window)).toEqual([0, 1]);
    expect(before.missing[0]!.paths).toEqual([`${S}/setup/`, `${S}/replica-1/${S}-equilibration-1.xml`, `${S}/replica-1/${S}-window-00.pdb`]);
    const err = await fails(t.core, 'umbrella.launch', { spec: spec(), confirm: true });
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toMatch(/2 windows would start without their inputs/);
    expect(sim.store.list('jobs', 'openforcefield')).toHaveLength(0);

    // The setup and steered-MD outputs are in the local results folder (the seed's A10 step); SimDeck uploads them.
    const results = path.join(home, 'SimDeck', 'GB3 bucket', 'results');
    const inputs = [`${S}/setup/${S}-umbrella-openmm-system.xml`, `${S}/replica-1/${S}-equilibration-1.xml`, `${S}/replica-1/${S}-window-00.pdb`];
    for (const rel of inputs) {
      fs.mkdirSync(path.dirname(path.join(results, rel)), { recursive: true });
      fs.writeFileSync(path.join(results, rel), `input ${rel}\n`);
    }
    const up = await ok<{ uploaded: string[]; missingLocal: string[] }>(t.core, 'umbrella.uploadInputs', spec());
    expect(up.uploaded.sort()).toEqual(inputs.sort());
    expect(up.missingLocal).toEqual([`${S}/replica-1/${S}-window-01.pdb`]); // says what it could not find
    const partly = await ok<{ missing: { window: number; paths: string[] }[] }>(t.core, 'umbrella.inputs', spec());
    expect(partly.missing).toEqual([{ replica: 1, window: 1, paths: [`${S}/replica-1/${S}-window-01.pdb`] }]);
    fs.writeFileSync(path.join(results, `${S}/replica-1/${S}-window-01.pdb`), 'input window 01\n');
    const again = await ok<{ uploaded: string[]; upToDate: number }>(t.core, 'umbrella.uploadInputs', spec());
    expect(again).toMatchObject({ uploaded: [`${S}/replica-1/${S}-window-01.pdb`], upToDate: 3 }); // only what is new
    const after = await ok<{ checked: boolean; missing: unknown[] }>(t.core, 'umbrella.inputs', spec());
    expect(after.missing).toEqual([]);
    const campaign = await ok<Campaign>(t.core, 'umbrella.launch', { spec: spec(), confirm: true });

    // SimDeck never read these windows while they ran; the bucket says they reached their last step.
    const done = await until('both windows confirmed done from the bucket', async () => {
      const g = await ok<{ windows: WindowStatus[] }>(t.core, 'umbrella.get', { campaignId: campaign.id });
      return g.windows.every((w) => w.phase === 'done') ? g.windows : undefined;
    });
    expect(done.every((w) => w.lastStep === N_STEPS && w.nSteps === N_STEPS && w.percent === 100)).toBe(true);
    campaignId = campaign.id;
    const listed = await ok<{ prefix: string; objects: { key: string }[] }>(t.core, 'umbrella.bucketList', { campaignId, replica: 1 });
    expect(listed.prefix).toBe(`results/${S}/replica-1/`);
    expect(listed.objects.map((o) => o.key)).toContain(`results/${S}/replica-1/window-00/${S}-production.out`);
  });

  it('downloads the results into the local results folder, then only what is newer', async () => {
    const finished = async () => {
      const last = t.events.filter((e) => e.event === 'umbrella.download').at(-1)?.payload as ResultsDownload | undefined;
      return last && last.state !== 'running' ? last : undefined;
    };
    const started = await ok<ResultsDownload>(t.core, 'umbrella.downloadResults', { campaignId });
    expect(started.state).toBe('running');
    const first = await until('the download', finished);
    expect(first).toMatchObject({ state: 'done' });
    expect(first.filesDone).toBeGreaterThanOrEqual(8);
    const c = (await ok<{ campaign: Campaign }>(t.core, 'umbrella.get', { campaignId })).campaign;
    const local = path.join(c.resultsDir, S, 'replica-1', 'window-01', `${S}-production.out`);
    const remote = await s3.getObject(BUCKET, `results/${S}/replica-1/window-01/${S}-production.out`);
    const chunks: Buffer[] = [];
    for await (const chunk of remote.body) chunks.push(chunk as Buffer);
    expect(fs.readFileSync(local)).toEqual(Buffer.concat(chunks));
    expect(fs.readFileSync(local, 'utf8').trim().split('\n').at(-1)).toMatch(new RegExp(`^${N_STEPS} `));

    t.events.length = 0;
    await ok<ResultsDownload>(t.core, 'umbrella.downloadResults', { campaignId });
    const again = await until('the second download', finished);
    expect(again.message).toMatch(/^0 files downloaded \(0 continued\), \d+ already up to date/);
  });
});
