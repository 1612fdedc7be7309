// The SLURM backend as the core sees it: one SlurmService per workspace behind the `slurm.*` calls (preview,
// submit, act, job, foreign, adopt, poll) and one ClusterPoller per cluster. Every remote action goes through
// ctx.activity.run with the equivalent `ssh … '<command>'` line.
import type { ActivityEntry, Job, JobTransition, Target } from '../../shared/domain.js';
import { isTerminal } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import { SubmitPolicy } from '../../shared/slurm.js';
import type { ActionResult, ForeignJob, JobAction, SubmitRequest } from '../../shared/slurm.js';
import type { AdapterContext } from '../core/adapter.js';
import { commandLine } from '../core/shell-quote.js';
import type { SshRunner } from '../ssh/runner.js';
import type { Db } from '../workspace/db.js';
import { decide } from './policy.js';
import type { PolicyDecision } from './policy.js';
import { ClusterPoller } from './poller.js';
import type { PollResult } from './poller.js';
import { SlurmRepo } from './repo.js';
import { baseDir, display, plan, reconcile, runSubmission, sanitizeFolder, sbatchCommand, scriptFileName, writeIntent, writeResubmitIntent } from './submit.js';
import type { PlannedSubmission, SubmitDeps } from './submit.js';
import { TAG_PREFIX } from './poller.js';

export interface SlurmServiceOptions {
  db: Db;
  runner: SshRunner;
  ctx: AdapterContext;
  getTarget: (id: string) => Target;
  projectName: (id: string) => string;
  /** The core emits `jobs.changed` with these ids. */
  onChanged?: (jobIds: string[]) => void;
  now?: () => Date;
  graceMs?: number;
}

const ACTION_COMMAND: Record<Exclude<JobAction, 'resubmit'>, string[]> = {
  cancel: ['scancel'],
  hold: ['scontrol', 'hold'],
  release: ['scontrol', 'release'],
};

export class SlurmService {
  readonly repo: SlurmRepo;
  private readonly pollers = new Map<string, ClusterPoller>();
  private readonly deps: SubmitDeps;

  constructor(private readonly opts: SlurmServiceOptions) {
    this.repo = new SlurmRepo(opts.db);
    this.deps = {
      repo: this.repo,
      runner: opts.runner,
      ctx: opts.ctx,
      getTarget: opts.getTarget,
      projectName: opts.projectName,
      onChanged: (ids) => opts.onChanged?.(ids),
    };
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  // ---- pollers ---------------------------------------------------------------------------------------------

  /** The poller of a cluster (created on first use, not started). */
  poller(targetId: string): ClusterPoller {
    let p = this.pollers.get(targetId);
    if (!p) {
      p = new ClusterPoller(this.opts.getTarget(targetId), {
        repo: this.repo,
        runner: this.opts.runner,
        ctx: this.opts.ctx,
        onChanged: (ids) => this.opts.onChanged?.(ids),
        afterPoll: async (t, r) => {
          await this.applyPolicy(t, r);
        },
        now: this.opts.now,
        graceMs: this.opts.graceMs,
      });
      this.pollers.set(targetId, p);
    }
    return p;
  }

  /**
   * Starts polling these clusters (reconciling unfinished submissions first, for those `shouldReconcile` accepts:
   * after start-up there is nothing left to reconcile); stops pollers of others.
   */
  async startPolling(targets: Target[], shouldReconcile: (t: Target) => boolean = () => true): Promise<void> {
    const ids = new Set(targets.map((t) => t.id));
    for (const [id, p] of this.pollers) if (!ids.has(id)) p.stop();
    for (const t of targets) {
      try {
        if (shouldReconcile(t)) await this.reconcile(t);
      } catch (err) {
        this.opts.ctx.log.warn('slurm reconcile failed', { targetId: t.id, error: err instanceof Error ? err.message : String(err) });
      }
      const p = this.poller(t.id);
      p.setTarget(t);
      p.start();
    }
  }

  stopPolling(): void {
    for (const p of this.pollers.values()) p.stop();
  }

  /** The researcher just acted on these clusters: poll them quickly for a few minutes. */
  follow(targetIds: Iterable<string>): void {
    for (const id of new Set(targetIds)) this.poller(id).follow();
  }

  /** `slurm.poll`: one cycle now on one cluster or on every cluster with a poller. */
  async poll(targetId?: string): Promise<PollResult[]> {
    const ids = targetId ? [targetId] : [...this.pollers.keys()];
    return Promise.all(ids.map((id) => this.poller(id).pollNow()));
  }

  reconcile(target: Target): Promise<Job[]> {
    return reconcile(this.deps, target);
  }

  // ---- submit ----------------------------------------------------------------------------------------------

  /** `slurm.preview`: scripts and commands per cluster, nothing sent. */
  async preview(req: SubmitRequest): Promise<{ scripts: { targetId: string; path: string; text: string }[]; commands: string[] }> {
    const planned = await plan(this.deps, req);
    const placeholder = 'JOBID';
    return {
      scripts: planned.map((p) => ({ targetId: p.target.id, path: p.scriptName(placeholder), text: p.scriptText })),
      commands: planned.map((p) => display(this.opts.runner, p.target, sbatchCommand(p.dir, p.sbatchArgs(placeholder)))),
    };
  }

  /** `slurm.submit`: one job per cluster; several clusters share a job group with the request's policy. */
  async submit(req: SubmitRequest): Promise<Job[]> {
    const planned = await plan(this.deps, req);
    const group = req.targetIds.length > 1 || req.policy ? this.repo.createGroup(req.projectId, req.name, SubmitPolicy.parse(req.policy ?? {})) : null;
    // All intents first: a crash from here on leaves rows that reconcile() settles.
    const intents = planned.map((p) => writeIntent(this.deps, p, req, { groupId: group?.id ?? null }));
    this.opts.onChanged?.(intents.map((j) => j.id));
    this.follow(req.targetIds);
    return Promise.all(intents.map((j) => runSubmission(this.deps, j)));
  }

  /**
   * Submits a ready-made batch script (e.g. a worker fleet's array) in the project's folder on one cluster, through
   * the same intent → sbatch → reconcile path as submit(). `script` gets the job's folder (for its log paths) and
   * returns the text plus sbatch options; `array` is what SimDeck tracks the tasks by.
   */
  async submitScript(req: {
    projectId: string;
    targetId: string;
    name: string;
    folder: string[];
    array: string;
    script: (dir: string) => { text: string; sbatchArgs: string[] };
  }): Promise<Job> {
    const target = this.opts.getTarget(req.targetId);
    const dir = await this.folderFor(req.projectId, req.targetId, req.folder);
    const { text, sbatchArgs } = req.script(dir);
    const scriptName = (jobId: string) => `${dir}/${scriptFileName(req.name, jobId)}`;
    const planned: PlannedSubmission = {
      target,
      dir,
      scriptText: text,
      scriptName,
      sbatchArgs: (jobId) => ['sbatch', '--parsable', `--comment=${TAG_PREFIX}${jobId}`, ...sbatchArgs, scriptName(jobId)],
      dependencyRemoteIds: [],
    };
    // "template" only labels the row: the script text is saved as given and used for resubmissions.
    const intent = writeIntent(this.deps, planned, { projectId: req.projectId, name: req.name, template: 'cpu', values: {}, folder: req.folder, array: req.array }, { groupId: null });
    this.opts.onChanged?.([intent.id]);
    this.follow([target.id]);
    return runSubmission(this.deps, intent);
  }

  /** A job folder on the cluster: <SimDeck folder>/<project>/<folder…> (asks the cluster for $HOME if needed). */
  async folderFor(projectId: string, targetId: string, folder: string[]): Promise<string> {
    const target = this.opts.getTarget(targetId);
    if (target.kind !== 'slurm') throw new ApiError('INVALID_INPUT', `Target "${target.name}" is not a SLURM cluster.`);
    return [await baseDir(this.opts.runner, target), sanitizeFolder(this.opts.projectName(projectId)), ...folder].join('/');
  }

  /** The tasks of an array job SimDeck has seen so far (one row per task, by task index). */
  arrayTasks(jobId: string): Job[] {
    const job = this.repo.get(jobId);
    if (!job?.targetId) return [];
    return (this.repo.childrenByParent(job.targetId).get(jobId) ?? []).sort((a, b) => Number(a.details.arrayTaskId) - Number(b.details.arrayTaskId));
  }

  // ---- act -------------------------------------------------------------------------------------------------

  /** `slurm.act`: cancel / hold / release as one command per cluster for the selection; resubmit per job. */
  async act(jobIds: string[], action: JobAction, script?: string): Promise<ActionResult[]> {
    const jobs = jobIds.map((id) => {
      const j = this.repo.get(id);
      if (!j || j.kind !== 'slurm') throw new ApiError('NOT_FOUND', `No SLURM job with id ${id}.`);
      return j;
    });
    this.follow(jobs.map((j) => j.targetId).filter((t): t is string => t !== null));
    if (action === 'resubmit') {
      const out: ActionResult[] = [];
      for (const j of jobs) out.push(await this.resubmit(j, script, 'slurm.resubmit'));
      return out;
    }
    const results: ActionResult[] = [];
    const byTarget = new Map<string, Job[]>();
    for (const j of jobs) {
      if (!j.remoteId || !j.targetId) {
        results.push({ jobId: j.id, ok: false, command: '', message: `${j.name} has no SLURM job id yet (state ${j.state}).` });
        continue;
      }
      if (isTerminal(j.state)) {
        results.push({ jobId: j.id, ok: false, command: '', message: `${j.name} has already ended (${j.state}).` });
        continue;
      }
      const list = byTarget.get(j.targetId) ?? [];
      list.push(j);
      byTarget.set(j.targetId, list);
    }
    for (const [targetId, list] of byTarget) {
      const target = this.opts.getTarget(targetId);
      results.push(...(await this.runAction(target, list, action, `slurm.${action}`)));
    }
    return jobIds.map((id) => results.find((r) => r.jobId === id)!).filter(Boolean);
  }

  private async runAction(target: Target, jobs: Job[], action: Exclude<JobAction, 'resubmit'>, activityAction: string, why?: string): Promise<ActionResult[]> {
    const command = commandLine([...ACTION_COMMAND[action], ...jobs.map((j) => j.remoteId!)]);
    const shown = display(this.opts.runner, target, command) + (why ? ` # ${why.replace(/[\r\n]+/g, ' ')}` : '');
    try {
      await this.opts.ctx.activity.run({ action: activityAction, command: shown, targetId: target.id, projectId: jobs[0]?.projectId ?? null }, async () => {
        const r = await this.opts.runner.exec(target, command, { timeoutMs: 60_000 });
        const err = r.stderr.trim();
        if (r.code !== 0 || /error/i.test(err)) {
          throw new ApiError('REMOTE_FAILED', `${ACTION_COMMAND[action].join(' ')} failed on ${target.name}: ${err || `exit ${r.code}`}`, { command });
        }
      });
      return jobs.map((j) => ({ jobId: j.id, ok: true, command: shown, message: `${action} sent for ${j.remoteId}` }));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return jobs.map((j) => ({ jobId: j.id, ok: false, command: shown, message }));
    }
  }

  private async resubmit(old: Job, script: string | undefined, activityAction: string, why?: string): Promise<ActionResult> {
    if (!old.targetId || !old.details.sbatchArgs) {
      return { jobId: old.id, ok: false, command: '', message: `${old.name} was not submitted by SimDeck; there is no script to resubmit.` };
    }
    if (!isTerminal(old.state) && old.state !== 'unknown') {
      return { jobId: old.id, ok: false, command: '', message: `${old.name} is still ${old.state}; cancel it first.` };
    }
    const target = this.opts.getTarget(old.targetId);
    const intent = writeResubmitIntent(this.deps, old, script);
    const command = display(this.opts.runner, target, sbatchCommand(String(intent.details.dir), intent.details.sbatchArgs as string[]));
    if (why) {
      await this.opts.ctx.activity.run({ action: activityAction, command: `${command} # ${why.replace(/[\r\n]+/g, ' ')}`, targetId: target.id, projectId: old.projectId }, async () => {});
    }
    const job = await runSubmission(this.deps, intent);
    const ok = job.state !== 'failed';
    return { jobId: old.id, ok, command, message: ok ? `resubmitted as ${job.id} (SLURM ${job.remoteId ?? '?'})` : (job.reason ?? 'resubmission failed') };
  }

  // ---- policy ----------------------------------------------------------------------------------------------

  /** After each poll: decisions for the groups with copies still open or just changed. */
  async applyPolicy(_target: Target, result: PollResult): Promise<PolicyDecision[]> {
    const groups = new Set(this.repo.openGroups());
    for (const id of result.changed) {
      const g = this.repo.get(id)?.groupId;
      if (g) groups.add(g);
    }
    const all: PolicyDecision[] = [];
    for (const gid of groups) {
      const group = this.repo.group(gid);
      if (!group) continue;
      const jobs = this.repo.groupJobs(gid);
      const names: Record<string, string> = {};
      for (const j of jobs) {
        if (j.targetId && !names[j.targetId]) {
          try {
            names[j.targetId] = this.opts.getTarget(j.targetId).name;
          } catch {
            names[j.targetId] = j.targetId;
          }
        }
      }
      const decisions = decide(group.policy, jobs, this.now(), names);
      for (const d of decisions) await this.carryOut(d, group.projectId);
      all.push(...decisions);
    }
    return all;
  }

  private async carryOut(d: PolicyDecision, projectId: string): Promise<void> {
    const job = this.repo.get(d.jobId);
    if (!job?.targetId) return;
    const target = this.opts.getTarget(job.targetId);
    this.opts.ctx.log.info('slurm policy', { decision: d.kind, jobId: d.jobId, reason: d.reason });
    if (d.kind === 'cancel') {
      this.repo.patchDetails(job.id, { policyCancelled: d.reason });
      const [r] = await this.runAction(target, [job], 'cancel', 'slurm.policy', d.reason);
      if (r?.ok) {
        this.repo.jobs.setState(job.id, 'cancelled', null, d.reason);
        this.opts.onChanged?.([job.id]);
      }
      return;
    }
    if (d.kind === 'resubmit') {
      await this.resubmit(job, undefined, 'slurm.policy', d.reason);
      return;
    }
    const note = `# ${d.reason.replace(/[\r\n]+/g, ' ')}`;
    if (d.kind === 'schedule-retry') this.repo.patchDetails(job.id, { retryAt: d.at });
    if (d.kind === 'give-up') this.repo.patchDetails(job.id, { policyGaveUp: true });
    await this.opts.ctx.activity.run({ action: 'slurm.policy', command: note, targetId: target.id, projectId }, async () => {});
  }

  // ---- job detail, foreign jobs, adoption ------------------------------------------------------------------

  /** `slurm.job`: the job, its transitions, its script (read back from the cluster) and the commands run for it. */
  async job(jobId: string): Promise<{ job: Job; transitions: JobTransition[]; script: string | null; activity: ActivityEntry[] }> {
    const job = this.repo.get(jobId);
    if (!job) throw new ApiError('NOT_FOUND', `No job with id ${jobId}.`);
    const transitions = this.repo.jobs.transitions(jobId);
    let script: string | null = typeof job.details.scriptText === 'string' ? job.details.scriptText : null;
    const path = typeof job.details.scriptPath === 'string' ? job.details.scriptPath : null;
    if (path && job.targetId) {
      try {
        script = (await this.opts.runner.readFile(this.opts.getTarget(job.targetId), path, { maxBytes: 1_000_000 })).toString('utf8');
      } catch (err) {
        this.opts.ctx.log.warn('slurm job script not readable', { jobId, path, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return { job, transitions, script, activity: this.activityFor(job) };
  }

  private activityFor(job: Job): ActivityEntry[] {
    const rows = this.opts.db
      .prepare('SELECT * FROM activity WHERE target_id IS ? AND (command LIKE ? OR command LIKE ?) ORDER BY id DESC LIMIT 200')
      .all(job.targetId, `%simdeck:${job.id}%`, job.remoteId ? `%${job.remoteId}%` : '%simdeck:%never%') as {
      id: number;
      at: string;
      target_id: string | null;
      project_id: string | null;
      action: string;
      command: string;
      outcome: ActivityEntry['outcome'];
      detail: string;
    }[];
    const idRe = job.remoteId ? new RegExp(`(^|[^0-9_])${job.remoteId}([^0-9]|$)`) : null;
    return rows
      .filter((r) => r.command.includes(`simdeck:${job.id}`) || (idRe?.test(r.command) ?? false))
      .map((r) => ({ id: r.id, at: r.at, targetId: r.target_id, projectId: r.project_id, action: r.action, command: r.command, outcome: r.outcome, detail: r.detail }));
  }

  /** `slurm.foreign`: jobs on the cluster without a SimDeck tag and not adopted (polls when nothing is known yet). */
  async foreign(targetId: string): Promise<ForeignJob[]> {
    const p = this.poller(targetId);
    const last = p.last?.ok ? p.last : await p.pollNow();
    if (!last.ok) throw new ApiError('UNAVAILABLE', last.error ?? `No contact with ${this.opts.getTarget(targetId).name}.`);
    const known = this.repo.knownRemoteIds(targetId);
    return last.foreign.filter((f) => !known.has(f.remoteId));
  }

  /** `slurm.adopt`: foreign jobs become SimDeck jobs in a project; the next poll keeps them up to date. */
  async adopt(targetId: string, projectId: string, remoteIds: string[]): Promise<Job[]> {
    const target = this.opts.getTarget(targetId);
    const p = this.poller(targetId);
    this.follow([targetId]);
    const last = p.last?.ok ? p.last : await p.pollNow();
    const known = this.repo.knownRemoteIds(targetId);
    const out: Job[] = [];
    for (const remoteId of remoteIds) {
      if (known.has(remoteId)) throw new ApiError('CONFLICT', `SLURM job ${remoteId} on ${target.name} is already watched by SimDeck.`);
      const f = last.foreign.find((x) => x.remoteId === remoteId);
      const row = last.rows.get(remoteId) ?? [...last.rows.values()].find((r) => r.arrayJobId === remoteId);
      if (!f && !row) throw new ApiError('NOT_FOUND', `SLURM job ${remoteId} is not listed on ${target.name}.`);
      const isArray = !!row?.arrayJobId;
      const job = this.repo.createJob({
        projectId,
        targetId,
        name: f?.name ?? row?.name ?? remoteId,
        state: 'pending',
        remoteId,
        reason: 'adopted',
        details: { adopted: true, ...(isArray ? { array: row?.arrayTaskId ?? 'adopted' } : {}), partition: row?.partition ?? f?.partition ?? '' },
      });
      out.push(job);
    }
    this.opts.onChanged?.(out.map((j) => j.id));
    await p.pollNow();
    return out.map((j) => this.repo.get(j.id)!);
  }
}
