// The Monitor's SLURM sampler end to end on the real test bed (sshd + SLURM): a job runs, SimDeck samples its GPUs
// with `srun --overlap` inside the job's allocation, stores the readings, and the dashboard shows the job's GPU as
// under-used. There is no GPU here, so the nodes run a STUB nvidia-smi (e2e/stubs/nvidia-smi-stub.sh: prints
// nvidia-smi's CSV for two GPUs with the utilization the test sets); the target's `nvidiaSmi` setting points at it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Job, Project, Target } from '../../shared/domain.js';
import type { TargetSummary } from '../../shared/monitor.js';
import type { AlertEvent } from '../../shared/alerts.js';
import { ok, openTempCore, type TempCore } from '../../electron/testing/temp-core.js';
import { loadTestbed, slurmTargetSettings } from './testbed.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DIR = `/tmp/simdeck-monitor-${process.pid}`;
const STUB = `${DIR}/nvidia-smi-stub`;
let t: TempCore;
let target: Target;
let job: Job | undefined;

async function until<T>(what: string, probe: () => Promise<T>, good: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last = await probe();
  while (!good(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last).slice(0, 1500)}`);
    await new Promise((r) => setTimeout(r, 1000));
    last = await probe();
  }
  return last;
}

beforeAll(async () => {
  const tb = loadTestbed();
  fs.mkdirSync(DIR, { recursive: true });
  fs.copyFileSync(path.join(here, '..', 'stubs', 'nvidia-smi-stub.sh'), STUB);
  fs.chmodSync(STUB, 0o755);
  fs.writeFileSync(`${DIR}/util`, '12\n');
  execFileSync('chown', ['-R', 'slurmuser:slurmuser', DIR]);
  t = openTempCore(undefined, { monitor: { intervalMs: 3_600_000, underuseMinutes: 15 } });
  const project = await ok<Project>(t.core, 'projects.create', { name: 'Monitor IT' });
  target = await ok<Target>(t.core, 'targets.create', {
    name: 'test bed',
    kind: 'slurm',
    settings: slurmTargetSettings(tb, { workDir: `${DIR}/work`, nvidiaSmi: STUB }),
  });
  [job] = await ok<Job[]>(t.core, 'slurm.submit', { projectId: project.id, targetIds: [target.id], name: `monitor-it-${process.pid}`, template: 'cpu', values: { command: 'sleep 300' } });
});

afterAll(async () => {
  if (job) await t.core.call('slurm.act', { jobIds: [job.id], action: 'cancel' });
  await t.dispose();
  fs.rmSync(DIR, { recursive: true, force: true });
});

it('samples a running job’s GPUs inside its allocation and shows them under-used on the dashboard', async () => {
  await until('the job running', async () => (await ok<Job[]>(t.core, 'jobs.list', {})).find((j) => j.id === job!.id)!, (j) => j.state === 'running', 90_000);
  const r = await ok<{ jobs: number; samples: number; problems: string[] }>(t.core, 'monitor.sample', { targetId: target.id });
  expect(r.problems).toEqual([]);
  expect(r.jobs).toBe(1);
  expect(r.samples).toBeGreaterThanOrEqual(14); // 7 GPU metrics × 2 GPUs (+ sstat when the step reports)

  const board = await ok<TargetSummary[]>(t.core, 'monitor.dashboard', {});
  const mine = board.find((b) => b.targetId === target.id)!;
  expect(mine.counts.running).toBe(1);
  expect(mine.reachability.state).toBe('reachable');
  expect(mine.gpus.map((g) => [g.gpu, g.jobId, g.util])).toEqual([
    [0, job!.id, 12],
    [1, job!.id, 12],
  ]);
  expect(mine.gpus.every((g) => g.underused && !g.idle && g.jobName === job!.name)).toBe(true);
  expect(mine.gpus[0]!.strip.at(-1)).toBe(12);

  // Busy again: the next sample lifts the mean above 40 % only once it dominates the window; the latest reads 95.
  fs.writeFileSync(`${DIR}/util`, '95\n');
  await ok(t.core, 'monitor.sample', { targetId: target.id });
  const q = await ok<{ points: { v: number }[] }>(t.core, 'monitor.query', { series: mine.gpus[0]!.series, from: Date.now() - 3_600_000, to: Date.now() + 1000 });
  expect(q.points.map((p) => p.v)).toEqual([12, 95]);
});

it('raises one alert when a job fails on the cluster, with its history and a link to the job', async () => {
  const project = (await ok<{ id: string }[]>(t.core, 'projects.list', {}))[0]!;
  const [bad] = await ok<Job[]>(t.core, 'slurm.submit', { projectId: project.id, targetIds: [target.id], name: `fails-${process.pid}`, template: 'cpu', values: { command: 'exit 3' } });
  const alerts = await until(
    'the job-failed alert',
    () => ok<AlertEvent[]>(t.core, 'monitor.alerts', {}),
    (list) => list.some((a) => a.kind === 'job-failed' && a.link.id === bad!.id),
    120_000,
  );
  const mine = alerts.filter((a) => a.kind === 'job-failed' && a.link.id === bad!.id);
  expect(mine).toHaveLength(1);
  expect(mine[0]).toMatchObject({ severity: 'error', resolvedAt: null, link: { area: 'jobs', id: bad!.id } });
  // Delivered as an event once (the browser shell toasts it, the desktop app notifies).
  expect(t.events.filter((e) => e.event === 'monitor.alert' && (e.payload as AlertEvent).id === mine[0]!.id)).toHaveLength(1);
}, 180_000);
