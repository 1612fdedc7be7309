// Where a SLURM job's work folder, stdout and stderr are. While SLURM still knows the job it is asked (one
// `scontrol show job -o ID`, quoted); afterwards the answer comes from the job's stored script and folder, with
// SLURM's filename patterns filled in. The answer is remembered in the job's details so the drawer can show it.
import type { Job, Target } from '../../shared/domain.js';
import type { JobFiles } from '../../shared/files.js';
import { ApiError } from '../../shared/errors.js';
import { commandLine } from '../core/shell-quote.js';
import type { RemoteResult } from '../ssh/runner.js';
import { expandSlurmPattern, filesFromScript, parseScontrolOutput, userName } from './slurm-paths.js';
import type { PatternContext } from './slurm-paths.js';

export interface JobFilesDeps {
  job: Job;
  /** The array job a task belongs to (holds the script), if any. */
  parent?: Job;
  target: Target;
  /** Runs one quoted command on the cluster. */
  exec(command: string): Promise<RemoteResult>;
}

export const scontrolCommand = (remoteId: string): string => commandLine(['scontrol', 'show', 'job', '-o', remoteId]);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : v === undefined || v === null ? undefined : String(v));

/** A node list like "node[01-04]" or "a,b" → its first node when that is a plain name. */
const firstNode = (nodes: string | undefined): string | undefined => {
  const first = nodes?.split(',')[0];
  return first && /^[A-Za-z0-9._-]+$/.test(first) ? first : undefined;
};

/** SLURM's own answer, or null when it no longer knows the job (or gave nothing usable). */
export async function askScontrol(d: JobFilesDeps): Promise<Omit<JobFiles, 'jobId' | 'targetId'> | null> {
  const remoteId = d.job.remoteId;
  if (!remoteId) return null;
  let r: RemoteResult;
  try {
    r = await d.exec(scontrolCommand(remoteId));
  } catch (err) {
    if (err instanceof ApiError && err.code === 'UNAVAILABLE') return null; // the script still answers
    throw err;
  }
  if (r.code !== 0) return null; // "Invalid job id specified": SLURM has forgotten it
  const records = parseScontrolOutput(r.stdout);
  const rec = records.find((x) => x.JobId === remoteId || `${x.ArrayJobId}_${x.ArrayTaskId}` === remoteId) ?? records[0];
  if (!rec?.StdOut) return null;
  const ctx: PatternContext = {
    jobId: rec.JobId,
    arrayJobId: rec.ArrayJobId,
    arrayTaskId: rec.ArrayTaskId && /^\d+$/.test(rec.ArrayTaskId) ? rec.ArrayTaskId : undefined,
    jobName: rec.JobName,
    user: userName(rec.UserId),
    node: firstNode(rec.BatchHost ?? rec.NodeList),
  };
  const fill = (p: string | undefined) => (p ? expandSlurmPattern(p, ctx) : null);
  return {
    workDir: rec.WorkDir || null,
    stdoutPath: fill(rec.StdOut),
    stderrPath: fill(rec.StdErr) ?? fill(rec.StdOut),
    source: 'scontrol',
  };
}

/** The answer from the stored script, or from what an earlier answer remembered, or 'unknown'. */
export function fromStored(d: Omit<JobFilesDeps, 'exec'>): Omit<JobFiles, 'jobId' | 'targetId'> {
  const { job, parent, target } = d;
  const det = job.details;
  const script = str(det.scriptText) ?? str(parent?.details.scriptText);
  const submitDir = str(det.dir) ?? str(parent?.details.dir) ?? str(det.workDir);
  if (det.filesSource === 'scontrol' && str(det.stdoutPath)) {
    return { workDir: str(det.workDir) ?? null, stdoutPath: str(det.stdoutPath) ?? null, stderrPath: str(det.stderrPath) ?? null, source: 'scontrol' };
  }
  if (script && submitDir) {
    const arrayTaskId = str(det.arrayTaskId);
    const isTask = arrayTaskId !== undefined;
    const remote = job.remoteId ?? undefined;
    const ctx = {
      jobId: isTask ? undefined : remote, // a task's own numeric id is only known to SLURM
      arrayJobId: str(det.arrayJobId) ?? (det.array ? remote : undefined),
      arrayTaskId,
      jobName: parent?.name ?? job.name,
      user: str(target.settings.username),
      node: firstNode(str(det.nodes)),
      isArray: det.array !== undefined || isTask,
    };
    return { ...filesFromScript(script, submitDir, ctx), source: 'script' };
  }
  return { workDir: submitDir ?? null, stdoutPath: null, stderrPath: null, source: 'unknown' };
}

export async function resolveJobFiles(d: JobFilesDeps): Promise<JobFiles> {
  const answer = (await askScontrol(d)) ?? fromStored(d);
  return { jobId: d.job.id, targetId: d.target.id, ...answer };
}
