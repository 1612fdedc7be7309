// GPU utilisation through a real Prometheus (Debian's /usr/bin/prometheus 2.42) scraping the simulator's /metrics
// (dcgm-exporter's DCGM_FI_DEV_GPU_UTIL), read with SimDeck's client (electron/kube/campaigns/prometheus.ts) and
// compared with the simulated nvidia-smi run through exec. A second simulator is scraped with target labels
// namespace/pod, as behind a ServiceMonitor, so its samples carry exported_namespace/exported_pod instead.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Exec, KubeConfig, type V1Status } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpuUtilByPod, gpuUtilHistory } from '../../electron/kube/campaigns/prometheus.js';
import { startPrometheus, type PrometheusServer } from '../support/prometheus.js';
import { umbrellaJob, windowJobName } from './fixtures.js';
import type { KubeSim } from './server.js';
import { createJob, podsOf, runUntil, startFast } from './test-helpers.js';

const NS = 'openforcefield';
const NS_EXPORTED = 'protbench-exported';

let sim: KubeSim;
let simExported: KubeSim;
let prom: PrometheusServer | undefined;
let podName = '';
let exportedPod = '';

/** Creates a window Job and runs the clock until its production is under way; the clock then stays put. */
async function runningWindow(s: KubeSim, ns: string, replica: number, window: number): Promise<string> {
  await createJob(s, ns, umbrellaJob(replica, window));
  s.controller.tick(1);
  const name = podsOf(s, ns, windowJobName(replica, window))[0]?.metadata?.name ?? '';
  runUntil(s, () => s.controller.gpuMetrics().some((m) => m.pod === name && m.util > 0), 20_000, 5);
  return name;
}

async function nvidiaSmi(s: KubeSim, ns: string, pod: string): Promise<number> {
  const kc = new KubeConfig();
  kc.loadFromFile(s.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'kube-sim-')), 'config'), { namespace: ns }));
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  const status = await new Promise<V1Status>((resolve, reject) => {
    new Exec(kc).exec(ns, pod, 'main', ['nvidia-smi', '--query-gpu=utilization.gpu', '--format=csv,noheader,nounits'], stdout, new PassThrough(), null, false, resolve).catch(reject);
  });
  expect(status.status).toBe('Success');
  return Number(out.trim());
}

async function until<T>(what: string, f: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms; last ${JSON.stringify(v instanceof Map ? [...v] : v)}\n${prom?.output().slice(-1500) ?? ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  sim = await startFast();
  simExported = await startFast({ seed: 11 });
  podName = await runningWindow(sim, NS, 1, 0);
  exportedPod = await runningWindow(simExported, NS_EXPORTED, 2, 3);
  prom = await startPrometheus({
    scrapeTargets: [
      new URL(sim.url).host,
      { target: new URL(simExported.url).host, labels: { namespace: 'gpu-operator', pod: 'nvidia-dcgm-exporter-x7k2p' } },
    ],
    scrapeIntervalSeconds: 1,
  });
});

afterAll(async () => {
  await prom?.stop();
  await sim?.close();
  await simExported?.close();
});

describe('GPU utilisation from a real Prometheus scraping the simulator', () => {
  it('serves DCGM_FI_DEV_GPU_UTIL at /metrics without a token', async () => {
    const r = await fetch(`${sim.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    expect(text).toContain('# TYPE DCGM_FI_DEV_GPU_UTIL gauge');
    const sample = new RegExp(`^DCGM_FI_DEV_GPU_UTIL\\{gpu="0",UUID="GPU-[0-9a-f-]{36}",device="nvidia0",Hostname="[^"]+",container="main",namespace="${NS}",pod="${podName}"\\} (\\d+)$`, 'm');
    expect(Number(sample.exec(text)?.[1])).toBeGreaterThanOrEqual(93);
  });

  it('gpuUtilByPod returns the running pod, close to what nvidia-smi says, and nothing for a regex without pods', async () => {
    const m = await until('series for the window pod', () => gpuUtilByPod(prom?.url ?? '', NS, 'pb-jm-.*'), (v) => v.has(podName));
    expect([...m.keys()]).toEqual([podName]);
    const fromProm = m.get(podName) ?? NaN;
    const fromSmi = await nvidiaSmi(sim, NS, podName);
    // Both are samples of the same simulated GPU (93–99 % in production), taken at different moments.
    for (const v of [fromProm, fromSmi]) {
      expect(v).toBeGreaterThanOrEqual(93);
      expect(v).toBeLessThanOrEqual(99);
    }
    expect(Math.abs(fromProm - fromSmi)).toBeLessThanOrEqual(6);
    expect((await gpuUtilByPod(prom?.url ?? '', NS, 'no-such-window-.*')).size).toBe(0);
    expect((await gpuUtilByPod(prom?.url ?? '', 'other-namespace', '.+')).size).toBe(0);
    // A label value with a double quote and backslashes is escaped, not a broken query.
    expect((await gpuUtilByPod(prom?.url ?? '', 'we"ird\\ns', '.*"\\\\.*')).size).toBe(0);
  });

  it('falls back to exported_namespace/exported_pod when the scrape target owns namespace/pod', async () => {
    const m = await until('series for the exported pod', () => gpuUtilByPod(prom?.url ?? '', NS_EXPORTED, 'pb-jm-.*'), (v) => v.has(exportedPod));
    expect([...m.keys()]).toEqual([exportedPod]);
    expect(m.get(exportedPod)).toBeGreaterThanOrEqual(93);
    // The series really carry only the exported_* forms: the target's labels took namespace and pod.
    const raw = (await fetch(`${prom?.url}/api/v1/query?query=${encodeURIComponent(`DCGM_FI_DEV_GPU_UTIL{exported_namespace="${NS_EXPORTED}"}`)}`).then((r) => r.json())) as {
      data: { result: { metric: Record<string, string> }[] };
    };
    expect(raw.data.result[0]?.metric).toMatchObject({ namespace: 'gpu-operator', pod: 'nvidia-dcgm-exporter-x7k2p', exported_namespace: NS_EXPORTED, exported_pod: exportedPod });
  });

  it('gpuUtilHistory returns a series from query_range', async () => {
    const end = Date.now() / 1000;
    const h = await until(
      'a series with two points',
      () => gpuUtilHistory(prom?.url ?? '', NS, 'pb-jm-.*', end - 60, end + 1, 1),
      (v) => (v.get(podName)?.length ?? 0) >= 2,
    );
    expect([...h.keys()]).toEqual([podName]);
    const points = h.get(podName) ?? [];
    for (const p of points) {
      expect(p.util).toBeGreaterThanOrEqual(93);
      expect(p.util).toBeLessThanOrEqual(99);
      expect(p.t).toBeGreaterThan((end - 61) * 1000);
    }
    expect(points.map((p) => p.t)).toEqual([...points.map((p) => p.t)].sort((a, b) => a - b));
  });

  it('maps a broken query to REMOTE_FAILED with the text of Prometheus', async () => {
    // An invalid RE2 regex: the escaping keeps the query parseable, Prometheus rejects the regex itself.
    await expect(gpuUtilByPod(prom?.url ?? '', NS, '(unclosed')).rejects.toMatchObject({ code: 'REMOTE_FAILED', message: expect.stringContaining('error parsing regexp') });
  });
});
