// From an nvidia-smi fixture to stored, labelled series.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempWorkspace } from '../testing/temp-core.js';
import { openWorkspaceDb, type Db } from '../workspace/db.js';
import { GPU_METRICS, gpuMetricSamples } from './gpu-series.js';
import { parseNvidiaSmiQuery } from './nvidia-smi.js';
import { MetricsStore } from './store.js';

const fixture = (name: string) => fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', name), 'utf8');
const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));
const open = (): Db => {
  const dir = tempWorkspace();
  const db = openWorkspaceDb(dir);
  cleanup.push(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return db;
};

describe('gpuMetricSamples', () => {
  it('makes one labelled series per metric and GPU, skipping null fields', () => {
    const t = Date.UTC(2026, 10, 2, 12);
    const gpus = parseNvidiaSmiQuery(fixture('gtx-not-supported.csv')).gpus;
    const samples = gpuMetricSamples(gpus, { target: 'lab', node: 'ws-3', t, owner: { job: 'j1' } });
    expect(samples.map((s) => s.series)).toEqual(['gpu.util/lab/ws-3/0', 'gpu.mem.util/lab/ws-3/0', 'gpu.mem.used/lab/ws-3/0', 'gpu.mem.total/lab/ws-3/0', 'gpu.temp/lab/ws-3/0']);
    expect(samples[0]).toEqual({
      series: 'gpu.util/lab/ws-3/0',
      labels: { target: 'lab', node: 'ws-3', gpu: 0, uuid: 'GPU-8a2f6d1c-5e3b-0c9a-7d4e-2b1f8c6a3e90', name: 'NVIDIA GeForce GTX 1650', job: 'j1' },
      t,
      v: 23,
    });
  });

  it('attributes GPUs of an 8-GPU node to their windows and workers, and the store finds them by label', () => {
    const store = new MetricsStore(open());
    const gpus = parseNvidiaSmiQuery(fixture('dgx-a100-8gpu.csv')).gpus;
    const owners = { 0: { job: 'k8s-job-a', window: 'w017' }, 1: { job: 'k8s-job-a', window: 'w018' }, 6: { worker: 'fleet-worker-2' } };
    const t = Date.UTC(2026, 10, 2, 12);
    const r = store.append(gpuMetricSamples(gpus, { target: 'nrp', node: 'dgx-01', t, owners }));
    expect(r).toEqual({ inserted: 8 * Object.keys(GPU_METRICS).length, duplicates: 0, skipped: 0 });
    expect(store.series({ metric: 'gpu.util', labels: { job: 'k8s-job-a' } }).map((s) => [s.key, s.labels.window, s.last?.v])).toEqual([
      ['gpu.util/nrp/dgx-01/0', 'w017', 97],
      ['gpu.util/nrp/dgx-01/1', 'w018', 96],
    ]);
    expect(store.latest(['gpu.power/nrp/dgx-01/6', 'gpu.temp/nrp/dgx-01/7'])).toEqual(
      new Map([
        ['gpu.power/nrp/dgx-01/6', { t, v: 171.55 }],
        ['gpu.temp/nrp/dgx-01/7', { t, v: 71 }],
      ]),
    );
    expect(store.series({ labels: { worker: 'fleet-worker-2' } })).toHaveLength(Object.keys(GPU_METRICS).length);
  });
});
