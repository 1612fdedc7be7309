// One nvidia-smi poll → store samples: one series per metric and GPU, keyed `gpu.util/<target>/<node>/<gpu index>`,
// labelled with the target, node, GPU (index, uuid, name) and the job / umbrella window / fleet worker using it.
import type { GpuSample } from './nvidia-smi.js';
import { seriesKey, type MetricSample, type SeriesLabels } from './store.js';

/** Metric name → the GpuSample field it comes from. */
export const GPU_METRICS = {
  'gpu.util': 'utilGpu',
  'gpu.mem.util': 'utilMemory',
  'gpu.mem.used': 'memUsedMiB',
  'gpu.mem.total': 'memTotalMiB',
  'gpu.power': 'powerDrawW',
  'gpu.power.limit': 'powerLimitW',
  'gpu.temp': 'temperatureC',
} as const satisfies Record<string, keyof GpuSample>;
export type GpuMetric = keyof typeof GPU_METRICS;

/** Who uses a GPU (all optional). */
export interface GpuOwner {
  job?: string;
  window?: string;
  worker?: string;
}

export interface GpuPollContext {
  target: string;
  node: string;
  /** When the poll ran, ms. */
  t: number;
  /** Owner of every GPU of the node (e.g. an exclusive SLURM job) … */
  owner?: GpuOwner;
  /** … or per GPU index (CUDA_VISIBLE_DEVICES / allocated GPUs of each job). Wins over `owner`. */
  owners?: Record<number, GpuOwner>;
}

/** Samples for MetricsStore.append. Null fields ([N/A], [Not Supported]) give no sample. */
export function gpuMetricSamples(gpus: readonly GpuSample[], ctx: GpuPollContext): MetricSample[] {
  const out: MetricSample[] = [];
  for (const g of gpus) {
    const owner = ctx.owners?.[g.index] ?? ctx.owner ?? {};
    const labels: SeriesLabels = { target: ctx.target, node: ctx.node, gpu: g.index };
    if (g.uuid) labels.uuid = g.uuid;
    if (g.name) labels.name = g.name;
    if (owner.job) labels.job = owner.job;
    if (owner.window) labels.window = owner.window;
    if (owner.worker) labels.worker = owner.worker;
    for (const [metric, field] of Object.entries(GPU_METRICS) as [GpuMetric, (typeof GPU_METRICS)[GpuMetric]][]) {
      const v = g[field];
      if (v === null) continue;
      out.push({ series: seriesKey(metric, ctx.target, ctx.node, g.index), labels, t: ctx.t, v });
    }
  }
  return out;
}
