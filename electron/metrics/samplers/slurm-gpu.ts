// GPU use of running SLURM jobs, sampled in ONE SSH round trip per cluster: for each job, `srun --overlap` runs
// nvidia-smi inside the job's own allocation (one task per node, output labelled by srun) so it sees exactly the
// job's GPUs, then `sstat` reports CPU and memory of the running steps. A job whose step cannot be started (the
// cluster forbids --overlap, the node is busy) is reported as a problem for that job, never as "0 % GPU".
import { quote } from '../../core/shell-quote.js';
import { nvidiaSmiQueryArgs, parseNvidiaSmiQuery, type GpuSample } from '../nvidia-smi.js';

export interface SampledJob {
  /** SimDeck's job id (for attribution) and SLURM's (for srun/sstat), e.g. "1234" or "1234_5". */
  jobId: string;
  remoteId: string;
}

export interface JobGpuReading {
  jobId: string;
  /** node → its GPUs as the job sees them */
  nodes: Map<string, GpuSample[]>;
  problems: string[];
}

export interface JobStepUsage {
  /** Average CPU time per task, seconds (sstat AveCPU). */
  aveCpuSeconds: number | null;
  /** Largest resident set of the step, bytes (sstat MaxRSS). */
  maxRssBytes: number | null;
}

/** Node and GPU lines from one task: srun --label prefixes every line with "<task>: ". */
const TASK_LINE = /^(\d+): ?(.*)$/;

/** The remote script: markers around each job's srun output, then one sstat for all jobs. */
export function slurmGpuCommand(jobs: readonly SampledJob[], opts: { nvidiaSmi?: string; timeoutSeconds?: number } = {}): string {
  const timeoutSeconds = opts.timeoutSeconds ?? 20;
  // The path comes from the target's settings (clusters where nvidia-smi is not on the compute nodes' PATH).
  const smi = [opts.nvidiaSmi?.trim() || 'nvidia-smi', ...nvidiaSmiQueryArgs()].map(quote).join(' ');
  // Each task names its node first, so the GPUs of multi-node jobs are told apart.
  const perTask = quote(`printf '@@node %s\\n' "$(hostname -s)"; ${smi}`);
  const lines: string[] = [];
  for (const j of jobs) {
    lines.push(`printf '@@job %s\\n' ${quote(j.remoteId)}`);
    lines.push(`timeout ${timeoutSeconds} srun --overlap --jobid=${quote(j.remoteId)} --ntasks-per-node=1 --label --quiet sh -c ${perTask} 2>&1; printf '@@rc %s\\n' "$?"`);
  }
  lines.push(`printf '@@sstat\\n'`);
  if (jobs.length > 0) lines.push(`sstat -a -n -P --format=JobID,AveCPU,MaxRSS -j ${quote(jobs.map((j) => j.remoteId).join(','))} 2>&1`);
  return lines.join('\n');
}

/** Splits the script's output back into per-job GPU readings and per-job step usage. */
export function parseSlurmGpuOutput(stdout: string, jobs: readonly SampledJob[]): { readings: JobGpuReading[]; usage: Map<string, JobStepUsage> } {
  const byRemote = new Map(jobs.map((j) => [j.remoteId, j]));
  const readings: JobGpuReading[] = [];
  const [gpuPart = '', sstatPart = ''] = stdout.replace(/\r\n/g, '\n').split(/^@@sstat$/m);
  for (const block of gpuPart.split(/^@@job /m).slice(1)) {
    const nl = block.indexOf('\n');
    const remoteId = (nl < 0 ? block : block.slice(0, nl)).trim();
    const job = byRemote.get(remoteId);
    if (!job) continue;
    readings.push(readJob(job, nl < 0 ? '' : block.slice(nl + 1)));
  }
  return { readings, usage: parseSstat(sstatPart, byRemote) };
}

function readJob(job: SampledJob, body: string): JobGpuReading {
  const rc = /^@@rc (\d+)$/m.exec(body)?.[1];
  const text = body.replace(/^@@rc \d+$/m, '');
  const tasks = new Map<string, string[]>();
  const loose: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const m = TASK_LINE.exec(line);
    if (m) tasks.set(m[1]!, [...(tasks.get(m[1]!) ?? []), m[2]!]);
    else loose.push(line.trim());
  }
  const nodes = new Map<string, GpuSample[]>();
  const problems: string[] = [];
  for (const [task, lines] of tasks) {
    const node = /^@@node (\S+)/.exec(lines[0] ?? '')?.[1] ?? `task ${task}`;
    const parsed = parseNvidiaSmiQuery(lines.filter((l) => !l.startsWith('@@node ')).join('\n'));
    nodes.set(node, parsed.gpus);
    problems.push(...parsed.problems.map((p) => `${node}: ${p}`));
  }
  if (rc !== undefined && rc !== '0' && nodes.size === 0) {
    const why = loose.join(' ').slice(0, 300) || `exit ${rc}`;
    problems.push(rc === '124' ? 'srun did not start within the time limit (node busy or --overlap not allowed)' : `srun --overlap failed: ${why}`);
  }
  return { jobId: job.jobId, nodes, problems };
}

/** "1-02:03:04", "02:03:04", "03:04.5" → seconds. */
export function slurmDuration(v: string): number | null {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(v.trim());
  if (!m) return null;
  return Number(m[1] ?? 0) * 86_400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/** "1234K", "2.5G", "512" (KiB by default in sstat) → bytes. */
export function slurmBytes(v: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([KMGTP]?)$/i.exec(v.trim());
  if (!m) return null;
  const unit = { '': 1024, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5 }[m[2]!.toUpperCase() as '' | 'K'] ?? 1024;
  return Math.round(Number(m[1]) * unit);
}

/** sstat rows (JobID like 1234.batch or 1234_5.0) → the largest step per job. */
function parseSstat(text: string, byRemote: Map<string, SampledJob>): Map<string, JobStepUsage> {
  const out = new Map<string, JobStepUsage>();
  for (const line of text.split('\n')) {
    const [id = '', cpu = '', rss = ''] = line.trim().split('|');
    const job = byRemote.get(id.split('.')[0] ?? '');
    if (!job) continue;
    const prev = out.get(job.jobId) ?? { aveCpuSeconds: null, maxRssBytes: null };
    const c = slurmDuration(cpu);
    const r = slurmBytes(rss);
    out.set(job.jobId, {
      aveCpuSeconds: c === null ? prev.aveCpuSeconds : Math.max(prev.aveCpuSeconds ?? 0, c),
      maxRssBytes: r === null ? prev.maxRssBytes : Math.max(prev.maxRssBytes ?? 0, r),
    });
  }
  return out;
}
