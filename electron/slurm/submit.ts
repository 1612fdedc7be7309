// Submission: render the cluster's template, write the INTENT (a `submitting` job row with everything needed to
// redo the submission) before anything reaches sbatch, create the job's folder, upload the script, then ONE
// exec `cd DIR && sbatch --parsable --comment=simdeck:<jobId> ...` with every argument quoted. After a crash,
// reconcile() finds out whether a `submitting` job reached SLURM (by its tag) before submitting it again.
import type { Job, Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { SubmitRequest } from '../../shared/slurm.js';
import type { AdapterContext } from '../core/adapter.js';
import { commandLine, quote } from '../core/shell-quote.js';
import type { SshRunner } from '../ssh/runner.js';
import { expandArraySpec, parseSacct, parseSqueue, pollCommand, splitPollOutput } from './parse.js';
import { TAG_PREFIX } from './poller.js';
import type { SlurmRepo } from './repo.js';
import { renderTemplate, targetDefaults, templateFor } from './templates.js';

export interface SubmitDeps {
  repo: SlurmRepo;
  runner: SshRunner;
  ctx: AdapterContext;
  getTarget: (id: string) => Target;
  projectName: (id: string) => string;
  onChanged?: (jobIds: string[]) => void;
}

/** A project name as a folder name: letters, digits, . _ - kept; anything else becomes _. */
export function sanitizeFolder(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+|_+$/g, '');
  return s.slice(0, 80) || 'project';
}

export const display = (runner: SshRunner, target: Target, remote: string) => `${runner.displayPrefix(target)} ${quote(remote)}`;

/** The cluster's SimDeck folder: settings.workDir (absolute or ~/…), default ~/simdeck. */
export async function baseDir(runner: SshRunner, target: Target): Promise<string> {
  const raw = typeof target.settings.workDir === 'string' && target.settings.workDir.trim() ? target.settings.workDir.trim() : '~/simdeck';
  if (raw.startsWith('/')) return raw.replace(/\/+$/, '');
  const home = (await runner.home(target)).replace(/\/+$/, '');
  return `${home}/${raw.replace(/^~\/?/, '')}`.replace(/\/+$/, '');
}

export interface PlannedSubmission {
  target: Target;
  dir: string;
  scriptText: string;
  /** Filled in once the job row exists: DIR/<name>-<jobId8>.sbatch */
  scriptName: (jobId: string) => string;
  sbatchArgs: (jobId: string) => string[];
  dependencyRemoteIds: string[];
}

export function scriptFileName(name: string, jobId: string): string {
  return `${sanitizeFolder(name).slice(0, 40)}-${jobId.slice(0, 8)}.sbatch`;
}

export function sbatchCommand(dir: string, args: string[]): string {
  return `cd ${quote(dir)} && ${commandLine(args)}`;
}

/** Plans (and validates) one submission per target; throws INVALID_INPUT before anything is written. */
export async function plan(deps: SubmitDeps, req: SubmitRequest): Promise<PlannedSubmission[]> {
  const out: PlannedSubmission[] = [];
  const project = sanitizeFolder(deps.projectName(req.projectId));
  for (const targetId of req.targetIds) {
    const target = deps.getTarget(targetId);
    if (target.kind !== 'slurm') throw new ApiError('INVALID_INPUT', `Target "${target.name}" is not a SLURM cluster.`);
    const dir = [await baseDir(deps.runner, target), project, ...(req.folder ?? [])].join('/');
    const scriptText = renderTemplate(templateFor(target, req.template), req.values ?? {}, {
      targetDefaults: targetDefaults(target),
      fixed: { name: req.name, workdir: dir },
      where: target.name,
    });
    const dependencyRemoteIds: string[] = [];
    for (const depId of req.dependency?.jobIds ?? []) {
      const dep = deps.repo.get(depId);
      if (!dep || dep.targetId !== targetId || !dep.remoteId) {
        throw new ApiError('INVALID_INPUT', `Dependency ${depId} is not a submitted job on "${target.name}"; a dependency must run on the same cluster.`, {
          field: 'dependency',
        });
      }
      dependencyRemoteIds.push(dep.remoteId);
    }
    out.push({
      target,
      dir,
      scriptText,
      scriptName: (jobId) => `${dir}/${scriptFileName(req.name, jobId)}`,
      sbatchArgs: (jobId) => {
        const args = ['sbatch', '--parsable', `--comment=${TAG_PREFIX}${jobId}`, `--job-name=${req.name}`];
        if (req.array) args.push(`--array=${req.array}`);
        if (req.dependency && dependencyRemoteIds.length) args.push(`--dependency=${req.dependency.type}:${dependencyRemoteIds.join(':')}`);
        args.push(`${dir}/${scriptFileName(req.name, jobId)}`);
        return args;
      },
      dependencyRemoteIds,
    });
  }
  return out;
}

/** `sbatch --parsable` prints "ID" or "ID;cluster". */
export function parseSbatchId(stdout: string): string | null {
  const first = stdout.trim().split('\n').pop()?.trim() ?? '';
  const id = first.split(';')[0] ?? '';
  return /^\d+$/.test(id) ? id : null;
}

/**
 * Uploads the job's script and runs sbatch for an intent row. Success: pending with the remote id (an array's
 * parent id). Failure: failed with the error text. Returns the job as it is now.
 */
export async function runSubmission(deps: SubmitDeps, job: Job): Promise<Job> {
  const { repo, runner, ctx } = deps;
  const target = deps.getTarget(job.targetId!);
  const d = job.details as { dir: string; scriptPath: string; scriptText: string; sbatchArgs: string[] };
  try {
    await ctx.activity.run(
      {
        action: 'slurm.upload',
        command: display(runner, target, `mkdir -p ${quote(d.dir)} && cat > ${quote(d.scriptPath)}`),
        targetId: target.id,
        projectId: job.projectId,
      },
      async () => {
        await runner.mkdirp(target, d.dir);
        await runner.writeFile(target, d.scriptPath, d.scriptText, 0o750);
      },
    );
    const command = sbatchCommand(d.dir, d.sbatchArgs);
    const remoteId = await ctx.activity.run(
      { action: 'slurm.submit', command: display(runner, target, command), targetId: target.id, projectId: job.projectId },
      async () => {
        const r = await runner.exec(target, command, { timeoutMs: 60_000 });
        const id = r.code === 0 ? parseSbatchId(r.stdout) : null;
        if (!id) {
          const why = r.stderr.trim().split('\n').slice(-3).join(' ') || r.stdout.trim() || `exit ${r.code}`;
          throw new ApiError('REMOTE_FAILED', `sbatch failed on ${target.name}: ${why}`, { command });
        }
        return id;
      },
    );
    repo.markSubmitted(job.id, remoteId);
    repo.jobs.setState(job.id, 'pending', remoteId, null);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'UNAVAILABLE') {
      // Nobody knows whether sbatch ran: the intent stays `submitting` and reconcile() settles it.
      repo.patchDetails(job.id, { submitError: err.message });
    } else {
      repo.jobs.setState(job.id, 'failed', null, err instanceof Error ? err.message : String(err));
    }
  }
  deps.onChanged?.([job.id]);
  return repo.get(job.id)!;
}

/** Writes the intent row for a planned submission (state `submitting`). */
export function writeIntent(
  deps: SubmitDeps,
  p: PlannedSubmission,
  req: Pick<SubmitRequest, 'projectId' | 'name' | 'template' | 'values' | 'folder' | 'array'>,
  extra: { groupId: string | null; attempts?: number; previousJobId?: string; scriptText?: string },
): Job {
  const { repo } = deps;
  const job = repo.createJob({
    projectId: req.projectId,
    targetId: p.target.id,
    name: req.name,
    state: 'submitting',
    groupId: extra.groupId,
    attempts: extra.attempts ?? 1,
    details: {},
  });
  const arr = req.array ? expandArraySpec(req.array, 1_000_000) : null;
  const sbatchArgs = p.sbatchArgs(job.id);
  const scriptPath = p.scriptName(job.id);
  repo.patchDetails(job.id, {
    dir: p.dir,
    scriptPath,
    scriptText: extra.scriptText ?? p.scriptText,
    template: req.template,
    values: req.values ?? {},
    folder: req.folder ?? [],
    sbatchArgs,
    tag: `${TAG_PREFIX}${job.id}`,
    ...(req.array ? { array: req.array, arrayTaskCount: arr?.tasks.length ?? 0 } : {}),
    ...(p.dependencyRemoteIds.length ? { dependsOn: p.dependencyRemoteIds } : {}),
    ...(extra.previousJobId ? { previousJobId: extra.previousJobId } : {}),
  });
  return repo.get(job.id)!;
}

/**
 * After a crash: every `submitting` job of the cluster is looked up by its tag (squeue comment; sacct by work dir
 * and name where the cluster does not store comments) in ONE round trip. Found → its remote id is recorded.
 * Not found → submitted again, once, with the reason in the activity log. Returns the jobs it settled.
 */
export async function reconcile(deps: SubmitDeps, target: Target): Promise<Job[]> {
  const { repo, runner, ctx } = deps;
  const open = repo.inState(target.id, 'submitting');
  if (!open.length) return [];
  const oldest = Math.min(...open.map((j) => Date.parse(j.createdAt)));
  const since = `now-${Math.max(3600, Math.ceil((Date.now() - oldest) / 1000) + 3600)}`;
  const r = await runner.exec(target, pollCommand(since), { timeoutMs: 60_000 });
  const parts = splitPollOutput(r.stdout);
  if (parts.squeueRc !== 0) throw new ApiError('REMOTE_FAILED', `squeue failed on ${target.name}: ${r.stderr.trim() || 'no output'}`);
  const rows = [...parseSqueue(parts.squeue).rows, ...(parts.sacctRc === 0 ? parseSacct(parts.sacct).rows : [])];
  const out: Job[] = [];
  for (const job of open) {
    const tag = `${TAG_PREFIX}${job.id}`;
    const created = Date.parse(job.createdAt) - 120_000;
    const hit =
      rows.find((row) => row.comment === tag) ??
      rows.find(
        (row) =>
          !row.comment &&
          row.name === job.name &&
          row.workDir === job.details.dir &&
          (!row.submitTime || Date.parse(`${row.submitTime}Z`) >= created - 86_400_000),
      );
    if (hit) {
      const remoteId = hit.arrayJobId ?? hit.jobId;
      repo.markSubmitted(job.id, remoteId);
      repo.jobs.setState(job.id, 'pending', remoteId, 'found on the cluster after a restart');
      deps.onChanged?.([job.id]);
      out.push(repo.get(job.id)!);
      continue;
    }
    if (job.details.reconcileResubmitted) {
      repo.jobs.setState(job.id, 'failed', null, 'submission could not be confirmed after a restart and was already retried once');
      deps.onChanged?.([job.id]);
      out.push(repo.get(job.id)!);
      continue;
    }
    repo.patchDetails(job.id, { reconcileResubmitted: true });
    const d = job.details as { dir?: string; sbatchArgs?: string[] };
    await ctx.activity.run(
      {
        action: 'slurm.reconcile',
        command: display(runner, target, sbatchCommand(d.dir ?? '~', d.sbatchArgs ?? [])),
        targetId: target.id,
        projectId: job.projectId,
      },
      async () => {
        ctx.log.info('slurm reconcile: resubmitting', { jobId: job.id, reason: `no job tagged ${tag} on ${target.name} after a restart` });
      },
    );
    out.push(await runSubmission(deps, repo.get(job.id)!));
  }
  return out;
}

/** The intent row of a resubmission: same folder and sbatch options, a new tag and script file, attempts + 1. */
export function writeResubmitIntent(deps: SubmitDeps, old: Job, scriptText?: string): Job {
  const { repo } = deps;
  const d = old.details as { dir: string; scriptText?: string; sbatchArgs: string[] };
  const job = repo.createJob({
    projectId: old.projectId,
    targetId: old.targetId!,
    name: old.name,
    state: 'submitting',
    groupId: old.groupId,
    attempts: old.attempts + 1,
    details: {},
  });
  const scriptPath = `${d.dir}/${scriptFileName(old.name, job.id)}`;
  const args = d.sbatchArgs.map((a) => (a.startsWith(`--comment=${TAG_PREFIX}`) ? `--comment=${TAG_PREFIX}${job.id}` : a));
  args[args.length - 1] = scriptPath;
  const keep = ['template', 'values', 'folder', 'array', 'arrayTaskCount', 'dependsOn'];
  const copied = Object.fromEntries(Object.entries(old.details).filter(([k]) => keep.includes(k)));
  repo.patchDetails(job.id, {
    ...copied,
    dir: d.dir,
    scriptPath,
    scriptText: scriptText ?? d.scriptText ?? '',
    sbatchArgs: args,
    tag: `${TAG_PREFIX}${job.id}`,
    previousJobId: old.id,
    ...(scriptText !== undefined ? { scriptEdited: true } : {}),
  });
  repo.patchDetails(old.id, { retriedBy: job.id });
  return repo.get(job.id)!;
}
