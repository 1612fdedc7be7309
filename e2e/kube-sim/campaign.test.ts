// Umbrella campaigns through SimDeck's real core (router, workspace, Kubernetes client, watches, exec) against the
// Kubernetes API simulator: a 3-replica × 31-window campaign to the last step, provenance refusal, a watch drop and
// 410 recovery, an evicted pod, and the crashed script whose Job still says "Complete".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project, Target } from '../../shared/domain.js';
import type { Campaign, CampaignPreview, CampaignSpec, HistogramView, WindowStatus } from '../../shared/kube.js';
import { fails, ok, openTempCore, type TempCore } from '../../electron/testing/temp-core.js';
import { seedSpec } from '../../electron/kube/umbrella/seed.js';
import { startKubeSim, type KubeSim } from './server.js';

const N_STEPS = 125_000;
let sim: KubeSim;
let t: TempCore;
let home: string;
let project: Project;
let target: Target;
const oldHome = process.env.HOME;

beforeAll(async () => {
  // A fast clock (10 simulated minutes per real second): windows of 125,000 steps run for a second or two, then
  // upload their results for 10 simulated minutes, as a real pod does, before the Job completes.
  sim = await startKubeSim({
    speed: 600,
    run: { nSteps: N_STEPS, outputFrequency: 2_500, checkpointFrequency: 25_000, saveStateFrequency: 25_000, equilibrationSteps: 0, uploadSeconds: 600 },
    bookmarkMs: 500,
  });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-home-'));
  process.env.HOME = home; // results go to ~/SimDeck/<project>/results
  const kubeconfig = path.join(home, 'kubeconfig');
  sim.writeKubeconfig(kubeconfig, { namespace: 'openforcefield', context: 'nautilus' });
  // The progress reader runs fast here; in SimDeck it reads each window about once a minute at most.
  t = openTempCore(undefined, { umbrella: { readRatePerSecond: 100, readIntervalMs: 300, urgentIntervalMs: 100, watchBackoff: { initialMs: 50, maxMs: 200 } } });
  project = await ok<Project>(t.core, 'projects.create', { name: 'GB3 umbrella' });
  target = await ok<Target>(t.core, 'targets.create', { name: 'Nautilus (sim)', kind: 'kubernetes', settings: { kubeconfigPath: kubeconfig, context: 'nautilus', namespace: 'openforcefield' } });
});

afterAll(async () => {
  await t?.dispose();
  await sim?.close();
  process.env.HOME = oldHome;
});

const windows = (n: number) => Array.from({ length: n }, (_, i) => ({ index: i, centre: Math.round((1 - (0.6 * i) / 30) * 100) / 100 }));

const spec = (over: Partial<CampaignSpec> = {}): CampaignSpec =>
  seedSpec({
    projectId: project.id,
    targetId: target.id,
    windows: windows(31),
    requiredFiles: ['{S}/setup/', '{S}/replica-{R}/{S}-equilibration-1.xml', '{S}/replica-{R}/{S}-window-{WW}.pdb', '{S}/replica-{R}/window-{WW}/'],
    ...over,
  });

/** Waits for fn to return a value; on timeout says what the windows looked like, to debug from the CI log. */
async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 50_000, campaignId?: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) {
      const seen = campaignId ? (await get(campaignId)).windows.map((w) => `${w.replica}/${w.window}:${w.phase}:${w.lastStep}:${w.message.slice(0, 60)}`).join('\n') : '';
      throw new Error(`timed out waiting for ${what}\n${seen}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

const get = (id: string) => ok<{ campaign: Campaign; windows: WindowStatus[] }>(t.core, 'umbrella.get', { campaignId: id });

describe('umbrella campaign against the Kubernetes simulator', () => {
  let campaign: Campaign;

  it('previews 93 valid manifests with warnings, then launches them with provenance written first', async () => {
    const preview = await ok<CampaignPreview>(t.core, 'umbrella.preview', spec());
    expect(preview.manifests).toHaveLength(93);
    expect(preview.manifests[0]).toMatchObject({ replica: 1, window: 0, jobName: 'pb-jm-gb3-null-003-pair-opc3-1-00' });
    expect(preview.warnings.join('\n')).toMatch(/not pinned to a digest/);
    expect(preview.commands[0]).toMatch(/^kubectl .*apply -f '.*gb3-null-0\.0\.3-pair-opc3-1-00\.yaml'$/);

    // The simulated clock stands still while 93 Jobs are created (slow on a busy machine); the next test drives it.
    sim.controller.stop();
    campaign = await ok<Campaign>(t.core, 'umbrella.launch', { spec: spec(), confirm: true });
    expect(campaign.name).toBe('gb3-null-0.0.3-pair-opc3');
    const record = path.join(campaign.resultsDir, 'gb3-null-0.0.3-pair-opc3', 'replica-2', 'gb3-null-0.0.3-pair-opc3-2-07.yaml');
    expect(fs.readFileSync(record, 'utf8')).toContain('name: pb-jm-gb3-null-003-pair-opc3-2-07');
    expect(sim.store.list('jobs', 'openforcefield')).toHaveLength(93);
  });

  it('refuses to launch the same windows again: the records exist and are never overwritten', async () => {
    const record = path.join(campaign.resultsDir, 'gb3-null-0.0.3-pair-opc3', 'replica-1', 'gb3-null-0.0.3-pair-opc3-1-00.yaml');
    const before = fs.readFileSync(record, 'utf8');
    const err = await fails(t.core, 'umbrella.launch', { spec: spec(), confirm: true });
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(/launched before.*never overwrites/);
    expect(fs.readFileSync(record, 'utf8')).toBe(before);
  });

  it('watches every window to its last step, through a watch drop and a 410', async () => {
    // Step the simulated clock by hand until SimDeck sees replica 1's pods running, then hold it, so the pods
    // stay running while SimDeck reads them (the histogram comes from inside running pods) however busy the
    // machine is.
    await until(
      'replica 1 pods running',
      async () => {
        const ws = (await get(campaign.id)).windows.filter((w) => w.replica === 1 && w.pod && (w.phase === 'production' || w.phase === 'equilibration'));
        if (ws.length >= 2) return ws;
        sim.controller.tick(20);
        return undefined;
      },
      50_000,
      campaign.id,
    );
    const running = await until(
      'progress read from the running pods',
      async () => {
        const ws = (await get(campaign.id)).windows.filter((w) => w.replica === 1 && w.phase === 'production' && (w.percent ?? 0) > 0);
        if (ws.length >= 2) return ws;
        sim.controller.tick(5); // a few simulated seconds per look: past pip install, into production, not to the end
        return undefined;
      },
      50_000,
      campaign.id,
    );
    const h = await ok<HistogramView>(t.core, 'umbrella.histogram', { campaignId: campaign.id, replica: 1 });
    expect(h.binWidth).toBeCloseTo(0.002);
    const read = h.windows.filter((w) => w.samples > 0);
    expect(read.length).toBeGreaterThanOrEqual(1);
    for (const w of read) {
      const peak = w.bins.reduce((a, b) => (b[1] > a[1] ? b : a));
      expect(Math.abs(peak[0] - w.centre)).toBeLessThan(0.05); // samples sit around the window's restraint centre
    }
    expect(h.missing.length + h.windows.length).toBe(31);
    expect(running.every((w) => w.nsPerDay !== null && w.nSteps === N_STEPS)).toBe(true);
    // Progress and GPU utilization over time (the simulator's nvidia-smi reports a busy GPU in production).
    const history = await ok<{ replica: number; window: number; percent: number | null; gpuUtil: number | null }[]>(t.core, 'umbrella.history', { campaignId: campaign.id });
    expect(history.some((h) => h.percent !== null && h.percent > 0)).toBe(true);
    expect(history.some((h) => h.gpuUtil !== null && h.gpuUtil > 40)).toBe(true);
    sim.controller.start();
    sim.faults.dropWatches();
    sim.faults.compact();
    const done = await until(
      'all 93 windows done',
      async () => {
        const g = await get(campaign.id);
        return g.windows.every((w) => w.phase === 'done') ? g : undefined;
      },
      50_000,
      campaign.id,
    );
    expect(done.windows).toHaveLength(93);
    expect(done.windows.every((w) => w.lastStep === N_STEPS && w.nSteps === N_STEPS && w.percent === 100)).toBe(true);
    expect(done.campaign.watch.state).toBe('watching');
  });

  it('saves the main log where the MBAR scripts look for it', async () => {
    const saved = await ok<{ path: string }>(t.core, 'umbrella.saveLog', { campaignId: campaign.id, replica: 1, window: 3 });
    expect(path.basename(saved.path)).toMatch(/^gb3-null-0\.0\.3-pair-opc3-1-03-pb-jm-gb3-null-003-pair-opc3-1-03-[a-z0-9]{5}\.out$/);
    expect(fs.readFileSync(saved.path, 'utf8')).toMatch(/window_center 0\.94/);
  });
});

describe('window trouble', () => {
  let campaign: Campaign;
  let evictCampaign: Campaign;

  it('an evicted pod shows as evicted, then its replacement runs to the end', async () => {
    sim.controller.start(); // the real-time clock again (no-op when it runs)
    campaign = await ok<Campaign>(t.core, 'umbrella.launch', { spec: spec({ forceField: 'evict-test', replicas: 1, windows: windows(2) }), confirm: true });
    const running = await until('a running pod', async () => (await get(campaign.id)).windows.find((w) => w.pod && (w.phase === 'production' || w.phase === 'equilibration')));
    const seen = t.events.length;
    sim.faults.evict(running.pod!);
    const end = await until('both done', async () => {
      const g = await get(campaign.id);
      return g.windows.every((w) => w.phase === 'done') ? g : undefined;
    });
    evictCampaign = campaign;
    const w = end.windows.find((x) => x.window === running.window)!;
    expect(w.pod).not.toBe(running.pod); // the Job controller's replacement pod finished the window
    // The UI was told about the eviction on the way (umbrella.changed events).
    const told = t.events.slice(seen).flatMap((e) => (e.event === 'umbrella.changed' ? (e.payload as { windows: WindowStatus[] }).windows : []));
    expect(told.some((x) => x.window === running.window && x.phase === 'evicted' && /Evicted/.test(x.message))).toBe(true);
  });

  it('a crashed script with a "Complete" Job is not done: SimDeck says where it stopped', async () => {
    campaign = await ok<Campaign>(t.core, 'umbrella.launch', { spec: spec({ forceField: 'crash-test', replicas: 1, windows: windows(1) }), confirm: true });
    const w = (await get(campaign.id)).windows[0]!;
    sim.faults.crashScript(w.jobName); // the Python script dies midway; the shell's upload line still exits 0
    const failed = await until('the trap detected', async () => (await get(campaign.id)).windows.find((x) => x.phase === 'failed'));
    expect(failed.message).toMatch(/^Job complete, but the window stopped at step [\d,]+ of 125,000: the script crashed \(openmm\.OpenMMException: Particle coordinate is NaN/);
    const k8sJob = sim.store.get('jobs', 'openforcefield', w.jobName) as { status?: { conditions?: { type: string }[] } } | undefined;
    expect(k8sJob?.status?.conditions?.some((c) => c.type === 'Complete')).toBe(true);
  });

  it('restart keeps the old record and writes a restart record; delete removes the Job', async () => {
    campaign = evictCampaign;
    const before = (await get(campaign.id)).windows[1]!;
    expect(before.phase).toBe('done');
    const results = await ok<{ ok: boolean; command: string }[]>(t.core, 'umbrella.act', { campaignId: campaign.id, action: 'restart', windows: [{ replica: 1, window: 1 }] });
    expect(results).toEqual([expect.objectContaining({ ok: true, command: expect.stringMatching(/apply -f '.*gb3-evict-test-1-01\.restart-1\.yaml'$/) })]);
    const dir = path.join(campaign.resultsDir, 'gb3-evict-test', 'replica-1');
    expect(fs.readdirSync(dir).filter((f) => f.includes('-1-01')).sort()).toEqual(['gb3-evict-test-1-01.restart-1.yaml', 'gb3-evict-test-1-01.yaml']);
    const again = await until('restarted window done', async () => {
      const w = (await get(campaign.id)).windows[1]!;
      return w.phase === 'done' && w.pod !== before.pod ? w : undefined;
    }, 40_000, campaign.id);
    expect(again.lastStep).toBe(N_STEPS);
    // The workspace keeps its own copy of both applied manifests, next to the files on disk.
    const kept = await ok<{ attempt: number; path: string; yaml: string; outcome: string }[]>(t.core, 'umbrella.manifests', { campaignId: campaign.id, replica: 1, window: 1 });
    expect(kept.map((m) => [m.attempt, path.basename(m.path), m.outcome])).toEqual([
      [1, 'gb3-evict-test-1-01.yaml', 'applied'],
      [2, 'gb3-evict-test-1-01.restart-1.yaml', 'applied'],
    ]);
    expect(kept.every((m) => m.yaml === fs.readFileSync(m.path, 'utf8'))).toBe(true);

    const del = await ok<{ ok: boolean; command: string }[]>(t.core, 'umbrella.act', { campaignId: campaign.id, action: 'delete', windows: [{ replica: 1, window: 1 }] });
    expect(del[0]).toMatchObject({ ok: true, command: expect.stringMatching(new RegExp(`kubectl .*delete job ${before.jobName}$`)) });
    expect(sim.store.get('jobs', 'openforcefield', before.jobName)).toBeUndefined();
  });
});

describe('names Kubernetes would refuse', () => {
  it('an uppercase target and a force field past 63 characters still launch: valid names, exact values in labels and annotations', async () => {
    sim.controller.start();
    const ff = 'null-0.0.3-pair-nmr-1e4-umbrella-1e3-4-aaqaa3-only-1e4-opc3';
    const campaign = await ok<Campaign>(t.core, 'umbrella.launch', { spec: spec({ target: 'hewl-4LZT', forceField: ff, replicas: 1, windows: windows(1) }), confirm: true });
    const w = (await get(campaign.id)).windows[0]!;
    expect(w.jobName.length).toBeLessThanOrEqual(63);
    expect(w.jobName).toMatch(/^pb-jm-hewl-4lzt-[a-z0-9-]*-[0-9a-f]{8}$/); // lowercased, dots gone, cut with a hash
    const job = sim.store.get('jobs', 'openforcefield', w.jobName) as { metadata: { labels: Record<string, string>; annotations: Record<string, string> } } | undefined;
    expect(job).toBeDefined(); // the API server accepted the name (the simulator refuses invalid ones with 422)
    expect(job!.metadata.annotations['simdeck.io/target']).toBe('hewl-4LZT');
    expect(job!.metadata.annotations['simdeck.io/force-field']).toBe(ff);
    expect(job!.metadata.labels['simdeck.io/replica']).toBe('1');
    // The provenance path keeps the real case and dots, as the seed's does.
    expect(fs.existsSync(path.join(campaign.resultsDir, `hewl-4LZT-${ff}`, 'replica-1', `hewl-4LZT-${ff}-1-00.yaml`))).toBe(true);
  });
});
