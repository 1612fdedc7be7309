// GPU utilization per window from the cluster's Prometheus (dcgm-exporter's DCGM_FI_DEV_GPU_UTIL) when the target
// names one: a real Prometheus (Debian's) scrapes the simulator's /metrics; SimDeck's progress reads then stop
// running nvidia-smi in the pods, and the campaign's history carries Prometheus's numbers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Project, Target } from '../../shared/domain.js';
import type { Campaign, ProgressSample, WindowStatus } from '../../shared/kube.js';
import type { TargetSummary } from '../../shared/monitor.js';
import { seedSpec } from '../../electron/kube/umbrella/seed.js';
import { ok, openTempCore, type TempCore } from '../../electron/testing/temp-core.js';
import { startPrometheus, type PrometheusServer } from '../support/prometheus.js';
import { startKubeSim, type KubeSim } from './server.js';

let sim: KubeSim;
let prom: PrometheusServer;
let t: TempCore;
let home: string;
const oldHome = process.env.HOME;

beforeAll(async () => {
  sim = await startKubeSim({
    speed: 600,
    logRequests: true,
    run: { nSteps: 12_500_000, outputFrequency: 25_000, checkpointFrequency: 250_000, saveStateFrequency: 2_500_000, equilibrationSteps: 0 },
  });
  prom = await startPrometheus({ scrapeTargets: [new URL(sim.url).host], scrapeIntervalSeconds: 1 });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-home-'));
  process.env.HOME = home;
  t = openTempCore(undefined, { umbrella: { readRatePerSecond: 20, readIntervalMs: 500 } });
});

afterAll(async () => {
  await t?.dispose();
  await prom?.stop();
  await sim?.close();
  process.env.HOME = oldHome;
});

it('reads GPU utilization from Prometheus instead of running nvidia-smi in every pod', async () => {
  const kubeconfig = path.join(home, 'kubeconfig');
  sim.writeKubeconfig(kubeconfig, { namespace: 'openforcefield', context: 'nautilus' });
  const project = await ok<Project>(t.core, 'projects.create', { name: 'GPU use' });
  const target = await ok<Target>(t.core, 'targets.create', {
    name: 'Nautilus (sim)',
    kind: 'kubernetes',
    settings: { kubeconfigPath: kubeconfig, context: 'nautilus', namespace: 'openforcefield', prometheusUrl: prom.url },
  });
  const campaign = await ok<Campaign>(t.core, 'umbrella.launch', {
    spec: { ...seedSpec({}), projectId: project.id, targetId: target.id, replicas: 1, windows: [{ index: 0, centre: 1 }, { index: 1, centre: 0.98 }] },
    confirm: true,
  });
  const end = Date.now() + 40_000;
  let samples: ProgressSample[] = [];
  for (;;) {
    samples = await ok<ProgressSample[]>(t.core, 'umbrella.history', { campaignId: campaign.id });
    const windows = new Set(samples.filter((x) => x.gpuUtil !== null).map((x) => x.window));
    if (windows.size === 2) break;
    if (Date.now() > end) {
      const g = await ok<{ windows: WindowStatus[] }>(t.core, 'umbrella.get', { campaignId: campaign.id });
      throw new Error(`no GPU utilization for both windows; samples ${JSON.stringify(samples.slice(-4))}, windows ${JSON.stringify(g.windows.map((w) => w.phase))}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  // The simulated dcgm-exporter reports a busy GPU in production (93-99 %).
  expect(samples.filter((x) => x.gpuUtil !== null).every((x) => x.gpuUtil! >= 90 && x.gpuUtil! <= 100)).toBe(true);
  const execs = sim.requests.filter((r) => r.includes('/exec?')).map((r) => decodeURIComponent(r));
  expect(execs.length).toBeGreaterThan(0);
  expect(execs.some((r) => r.includes('nvidia-smi'))).toBe(false);

  // The Monitor reads the same Prometheus: every running window's GPU on the dashboard, owned by its window and
  // opening its campaign.
  const sampled = await ok<{ jobs: number; samples: number; problems: string[] }>(t.core, 'monitor.sample', { targetId: target.id });
  expect(sampled.problems).toEqual([]);
  expect(sampled.samples).toBeGreaterThan(0);
  const board = await ok<TargetSummary[]>(t.core, 'monitor.dashboard', {});
  const gpus = board.find((b) => b.targetId === target.id)!.gpus;
  expect(gpus.length).toBeGreaterThanOrEqual(1);
  expect(gpus.every((g) => g.owner?.kind === 'window' && g.owner.link.area === 'umbrella' && g.owner.link.id === campaign.id)).toBe(true);
  expect(gpus.every((g) => g.util !== null && g.util >= 90)).toBe(true);
});
