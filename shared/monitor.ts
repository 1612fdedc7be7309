// The Monitor: GPU use per target, GPU and job, and what the dashboard shows. Samples live in the workspace's
// time-series store (electron/metrics/store.ts).
import { z } from 'zod';
import { AlertLink } from './alerts.js';

export const GpuRow = z.object({
  series: z.string(),
  target: z.string(),
  node: z.string(),
  gpu: z.number().int(),
  name: z.string().nullable(),
  jobId: z.string().nullable(),
  jobName: z.string().nullable(),
  /** Who uses the GPU (a SLURM job, an umbrella window, a fleet worker) and where it opens; null: nobody seen. */
  owner: z.object({ kind: z.enum(['job', 'window', 'worker']), name: z.string(), link: AlertLink }).nullable(),
  util: z.number().nullable(),
  /** Mean utilization over the under-use window (default 15 minutes). */
  meanUtil: z.number().nullable(),
  /** The last hour, one value per minute (null: no sample), oldest first. */
  strip: z.array(z.number().nullable()),
  underused: z.boolean(),
  idle: z.boolean(),
});
export type GpuRow = z.infer<typeof GpuRow>;

export const TargetSummary = z.object({
  targetId: z.string(),
  name: z.string(),
  kind: z.string(),
  counts: z.object({ running: z.number().int(), pending: z.number().int(), failed: z.number().int() }),
  gpus: z.array(GpuRow),
  problem: z.string().nullable(),
  sampledAt: z.string().nullable(),
  /** reachable / unreachable / unknown, with why (SSH clusters: the connection pool's view; others: the last sample). */
  reachability: z.object({ state: z.enum(['reachable', 'unreachable', 'unknown']), detail: z.string() }),
});
export type TargetSummary = z.infer<typeof TargetSummary>;

export const SeriesQuery = z.object({
  series: z.string().min(1),
  resolution: z.enum(['raw', '1m', '10m']),
  sourcePoints: z.number().int(),
  downsampled: z.boolean(),
  points: z.array(z.object({ t: z.number(), v: z.number(), min: z.number().nullable(), max: z.number().nullable() })),
});
export type SeriesQuery = z.infer<typeof SeriesQuery>;
