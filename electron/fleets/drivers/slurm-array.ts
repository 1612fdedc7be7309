// Fleets as SLURM job arrays: one array task per Celery worker, submitted through SimDeck's SLURM backend (so the
// intent/reconcile path, polling and the jobs table apply), with broker and backend already on the head node.
// The array tasks are the fleet's members; scaling up submits another array, scaling down cancels the last tasks.
import type { Job } from '../../../shared/domain.js';
import { isTerminal } from '../../../shared/domain.js';
import type { FleetMember, FleetPlan } from '../../../shared/fleet.js';
import { ApiError } from '../../../shared/errors.js';
import type { FleetRow } from '../repo.js';
import { renderWorkerArray } from '../slurm-array.js';
import { BIGCHEM_WORKER_COMMAND } from '../plan-docker.js';
import type { FleetDriver } from './driver.js';
import { commandLine, quote } from '../../core/shell-quote.js';

/** What the fleet needs of the SLURM backend; the core wires it to its SlurmService and files backend. */
export interface SlurmFleetPort {
  submitScript(req: { projectId: string; targetId: string; name: string; folder: string[]; array: string; script: (dir: string) => { text: string; sbatchArgs: string[] } }): Promise<Job>;
  /** The job folder on the cluster for a project and subfolder (where the script and task logs go). */
  folderFor(projectId: string, targetId: string, folder: string[]): Promise<string>;
  job(jobId: string): Job | undefined;
  arrayTasks(jobId: string): Job[];
  cancel(jobIds: string[]): Promise<{ jobId: string; ok: boolean; command: string; message: string }[]>;
  /** The end of a file on the cluster (a task's output). */
  tail(targetId: string, path: string, maxBytes: number): Promise<string>;
}

/** Fleet jobs live in <project folder>/fleets/<fleet>/ on the cluster, with one .out file per task. */
const folderOf = (f: FleetRow) => ['fleets', f.name];

function arrayOptions(f: FleetRow, workers: number, logDir: string) {
  const spec = f.spec;
  if (!spec?.slurm) throw new ApiError('INVALID_INPUT', 'A SLURM fleet needs its array options: setup lines, resources, and the broker and backend URLs the workers connect to.', { field: 'slurm' });
  const w = spec.workers;
  return renderWorkerArray({
    name: f.name,
    workers,
    concurrency: w.concurrency,
    queues: w.queues,
    brokerUrl: spec.slurm.brokerUrl,
    backendUrl: spec.slurm.backendUrl,
    command: w.command.length > 0 ? w.command : [...BIGCHEM_WORKER_COMMAND],
    setup: spec.slurm.setup,
    logDir,
    cpusPerTask: spec.slurm.cpusPerTask,
    mem: spec.slurm.mem,
    time: spec.slurm.time,
    partition: spec.slurm.partition,
    gpusPerTask: spec.slurm.gpusPerTask,
  });
}

export class SlurmArrayDriver implements FleetDriver {
  constructor(private readonly port: SlurmFleetPort) {}

  async plan(f: FleetRow): Promise<FleetPlan> {
    const dir = await this.port.folderFor(f.projectId, f.targetId, folderOf(f));
    const workers = Math.max(1, f.spec?.workers.replicas ?? 1);
    const a = arrayOptions(f, workers, dir);
    return {
      target: 'slurm',
      resources: [{ kind: 'slurm-array', name: f.name, body: a.script, command: `cd ${quote(dir)} && sbatch ${commandLine(a.sbatchArgs)} ${quote(`${f.name}.sbatch`)}` }],
      labels: {},
      warnings: (f.spec?.workers.replicas ?? 1) < 1 ? ['A SLURM array needs at least one task: one worker is submitted.'] : [],
    };
  }

  private async submit(f: FleetRow, workers: number): Promise<Job> {
    const job = await this.port.submitScript({
      projectId: f.projectId,
      targetId: f.targetId,
      name: f.name,
      folder: folderOf(f),
      array: `1-${workers}`,
      script: (dir) => {
        const a = arrayOptions(f, workers, dir);
        return { text: a.script, sbatchArgs: a.sbatchArgs };
      },
    });
    if (job.state === 'failed') throw new ApiError('REMOTE_FAILED', `sbatch refused the worker array: ${job.reason ?? 'no reason given'}`);
    return job;
  }

  async deploy(f: FleetRow) {
    const job = await this.submit(f, Math.max(1, f.spec?.workers.replicas ?? 1));
    return { jobId: job.id, jobIds: [job.id], logDir: String(job.details.dir ?? '') };
  }

  private jobs(f: FleetRow): Job[] {
    return (f.details.jobIds ?? (f.details.jobId ? [f.details.jobId] : [])).map((id) => this.port.job(id)).filter((j): j is Job => j !== undefined);
  }

  async members(f: FleetRow): Promise<FleetMember[]> {
    const out: FleetMember[] = [];
    for (const job of this.jobs(f)) {
      const tasks = this.port.arrayTasks(job.id);
      for (const t of tasks) {
        out.push({
          name: t.remoteId ?? `${job.remoteId ?? '?'}_${String(t.details.arrayTaskId)}`,
          role: 'worker',
          state: t.state,
          node: typeof t.details.nodes === 'string' && t.details.nodes !== '' ? t.details.nodes : null,
          slot: Number(t.details.arrayTaskId) || null,
          restarts: Math.max(0, t.attempts - 1),
          cpuPercent: null,
          memBytes: null,
          message: t.reason ?? '',
          since: t.stateSince ?? t.submittedAt ?? null,
        });
      }
      // Before the first poll sees its tasks, the array is one pending member so the view is not empty.
      if (tasks.length === 0) {
        out.push({ name: job.remoteId ?? job.id.slice(0, 8), role: 'worker', state: job.state, node: null, slot: null, restarts: 0, cpuPercent: null, memBytes: null, message: job.reason ?? '', since: job.submittedAt ?? null });
      }
    }
    return out;
  }

  async scale(f: FleetRow, workers: number): Promise<void> {
    const live = (await this.members(f)).filter((m) => m.slot !== null && !isTerminal(m.state as Job['state']));
    if (workers > live.length) {
      await this.submit(f, workers - live.length);
      return;
    }
    // Scale down: cancel the newest tasks first (pending ones before running ones would be kinder, but the
    // researcher asked for a number, and the last ones are the ones they added last).
    const extra = live.slice(workers).map((m) => m.name);
    const ids = this.taskJobIds(f, extra);
    if (ids.length > 0) await this.port.cancel(ids);
  }

  private taskJobIds(f: FleetRow, members: string[]): string[] {
    const ids: string[] = [];
    for (const job of this.jobs(f)) for (const t of this.port.arrayTasks(job.id)) if (members.includes(t.remoteId ?? '')) ids.push(t.id);
    return ids;
  }

  async act(f: FleetRow, member: string, action: 'restart' | 'stop' | 'remove') {
    if (action === 'restart') throw new ApiError('INVALID_INPUT', `An array task cannot be restarted in place: cancel ${member} and scale the fleet up again.`);
    const ids = this.taskJobIds(f, [member]);
    if (ids.length === 0) throw new ApiError('NOT_FOUND', `Fleet ${f.name} has no array task ${member}.`);
    const [r] = await this.port.cancel(ids);
    if (!r?.ok) throw new ApiError('REMOTE_FAILED', r?.message ?? `scancel ${member} failed`);
    return { command: r.command, message: `cancelled ${member}` };
  }

  async logs(f: FleetRow, member: string, tail: number): Promise<string> {
    const m = /^(\d+)_(\d+)$/.exec(member);
    if (!m) throw new ApiError('INVALID_INPUT', `${member} is not an array task (expected JOBID_TASK, e.g. 1234_5).`);
    if (this.taskJobIds(f, [member]).length === 0) throw new ApiError('NOT_FOUND', `Fleet ${f.name} has no array task ${member}.`);
    // renderWorkerArray writes --output=<dir>/%x_%A_%a.out: job name, array job id, task index.
    const path = `${f.details.logDir}/${f.name}_${m[1]}_${m[2]}.out`;
    const text = await this.port.tail(f.targetId, path, Math.min(4 * 1024 * 1024, tail * 400));
    return text.split('\n').slice(-tail - 1).join('\n');
  }

  async teardown(f: FleetRow, onStep: (msg: string) => void): Promise<void> {
    const open = this.jobs(f).filter((j) => !isTerminal(j.state));
    if (open.length === 0) return;
    onStep(`scancel ${open.map((j) => j.remoteId ?? j.id).join(' ')}`);
    const results = await this.port.cancel(open.map((j) => j.id));
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) throw new ApiError('REMOTE_FAILED', `Cancelling the worker array failed: ${failed.map((r) => r.message).join('; ')}`);
  }

  async nodes() {
    return [];
  }
}
