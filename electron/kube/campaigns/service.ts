// Umbrella campaigns on Kubernetes, end to end: preview → launch (provenance written exclusively BEFORE each apply;
// a failed apply moves its record aside so a retry is possible) → one NamespaceWatch per target namespace → phases
// per window → progress read from inside the pods on a budget → actions (delete, restart, extend), logs, charts.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { V1Job } from '@kubernetes/client-node';
import type { Target } from '../../../shared/domain.js';
import { ApiError } from '../../../shared/errors.js';
import type { ResultsDownload, Campaign, CampaignPreview, CampaignSpec, HistogramView, ProgressSample, UmbrellaWindow, WindowRef, WindowStatus } from '../../../shared/kube.js';
import type { Services } from '../../core/services.js';
import { quote } from '../../core/shell-quote.js';
import { call, kubeClients, type KubeClients } from '../client.js';
import { execCapture } from '../exec.js';
import { overlapChartFromDat } from '../umbrella/histogram.js';
import { DEFAULT_REQUIRED_FILES, expandRequiredFiles, systemName } from '../umbrella/manifest.js';
import { downloadNewer, missingInputsByWindow, joinKey, uploadInputs } from '../bucket/sync.js';
import { BucketCancelled } from '../bucket/s3-client.js';
import { bucketClient, importBucketRemote, type BucketSource } from './bucket-access.js';
import { windowLabel } from '../umbrella/names.js';
import { computeProgress, parseRunLog, parseStateData } from '../umbrella/progress.js';
import { markApplyFailed, provenanceExists, writeProvenance, writeRestartProvenance } from '../umbrella/provenance.js';
import type { UmbrellaBackend, WindowActionResult } from './backend.js';
import { NamespaceWatch } from './namespace-watch.js';
import { gpuUtilByPod } from './prometheus.js';
import { crashedMessage, crashInLog, derivePhase } from './phase.js';
import { campaignWarnings, planCampaign, planWindow, range, resultsDirFor, type PlannedWindow } from './plan.js';
import { ProgressReader } from './progress-reader.js';
import { CampaignRepo, type CampaignRow, type WindowRow } from './repo.js';

export interface UmbrellaServiceOptions {
  /** Exec calls per second across all windows (progress and GPU sampling). Default 0.5. */
  readRatePerSecond?: number;
  /** A window's progress is read at most this often. Default 60 s. */
  readIntervalMs?: number;
  /** A window past its expected end is read this often, to catch the last step before the pod ends. Default 15 s. */
  urgentIntervalMs?: number;
  watchBackoff?: { initialMs?: number; maxMs?: number };
  /** Apply this many Jobs at once. Default 8. */
  applyConcurrency?: number;
}

interface ReadItem {
  key: string;
  urgent: boolean;
  campaignId: string;
  replica: number;
  window: number;
}

const windowKey = (campaignId: string, r: number, w: number) => `${campaignId}:${r}:${w}`;

export class UmbrellaService implements UmbrellaBackend {
  private readonly repo: CampaignRepo;
  private readonly watches = new Map<string, NamespaceWatch>();
  /** n_steps and timestep per campaign, read from the first pod log that prints them. */
  private readonly runParams = new Map<string, { nSteps: number | null; timestepFs: number | null }>();
  private readonly reader: ProgressReader<ReadItem>;
  private pending = new Map<string, WindowStatus[]>();
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly s: Services,
    private readonly o: UmbrellaServiceOptions = {},
  ) {
    this.repo = new CampaignRepo(s.db);
    this.reader = new ProgressReader<ReadItem>({
      candidates: () => this.readable(),
      read: (t) => this.readProgress(t.campaignId, t.replica, t.window),
      ratePerSecond: o.readRatePerSecond,
      minIntervalMs: o.readIntervalMs,
      urgentIntervalMs: o.urgentIntervalMs,
    });
  }

  // ---- preview and launch ------------------------------------------------------------------------------------

  private kubeTarget(id: string): Target {
    const t = this.s.targets.get(id);
    if (t.kind !== 'kubernetes') throw new ApiError('INVALID_INPUT', `${t.name} is a ${t.kind} target; umbrella windows run on a Kubernetes target.`, { field: 'targetId' });
    return t;
  }

  async preview(spec: CampaignSpec): Promise<CampaignPreview> {
    const k = kubeClients(this.kubeTarget(spec.targetId));
    const resultsDir = resultsDirFor(spec, this.s.projects.get(spec.projectId).name);
    const planned = planCampaign(spec, 'preview', k.namespace, resultsDir);
    const existing = await this.existingRecords(planned);
    const warnings = campaignWarnings(spec, planned);
    if (existing.length) warnings.unshift(`${existing.length} windows were launched before: their records exist (e.g. ${existing[0]}). Launching is refused; restart those windows instead.`);
    const missing = await this.missingInputs(spec).catch((err: unknown) => {
      warnings.push(`SimDeck could not check the inputs in the bucket: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    if (missing === null) warnings.push(`No results bucket is set up for this cluster, so SimDeck cannot check that every window's inputs exist before launch. Import the rclone remote on the cluster's page.`);
    else if (missing?.length) warnings.unshift(`${missing.length} windows miss inputs in ${spec.bucket}/${spec.prefix} (e.g. replica ${missing[0]!.replica} window ${String(missing[0]!.window).padStart(2, '0')}: ${missing[0]!.paths.join(', ')}). Launching is refused until they are uploaded.`);
    return {
      name: systemName(spec.target, spec.forceField),
      resultsDir,
      manifests: planned.map(({ replica, window, jobName, provenancePath, yaml }) => ({ replica, window, jobName, provenancePath, yaml })),
      warnings,
      commands: planned.map((p) => k.kubectl(['apply', '-f', p.provenancePath])),
    };
  }

  /**
   * Required inputs missing from the results bucket, per window. A window's own folder (`…/window-{WW}/`) is where
   * a continuation would come from: absent before the first run, so not required. Null: no bucket imported.
   */
  async missingInputs(spec: CampaignSpec, replicas: number[] = range(1, spec.replicas), windows = spec.windows): Promise<{ replica: number; window: number; paths: string[] }[] | null> {
    const b = await bucketClient(this.s, this.kubeTarget(spec.targetId));
    if (!b) return null;
    const patterns = requiredInputPatterns(spec);
    const per: Record<string, string[]> = {};
    for (const r of replicas) for (const w of windows) per[`${r}:${w.index}`] = expandRequiredFiles(patterns, spec.target, spec.forceField, r, w.index);
    try {
      const missing = await missingInputsByWindow(b.client, spec.bucket, spec.prefix, per);
      return Object.entries(missing)
        .filter(([, paths]) => paths.length)
        .map(([key, paths]) => {
          const [r, w] = key.split(':').map(Number) as [number, number];
          return { replica: r, window: w, paths };
        });
    } finally {
      b.client.close();
    }
  }

  private async refuseMissingInputs(spec: CampaignSpec, replicas?: number[], windows?: UmbrellaWindow[]): Promise<void> {
    const missing = await this.missingInputs(spec, replicas, windows);
    if (!missing?.length) return;
    const first = missing[0]!;
    throw new ApiError(
      'INVALID_INPUT',
      `${missing.length} windows would start without their inputs in ${spec.bucket}/${spec.prefix}: e.g. replica ${first.replica} window ${String(first.window).padStart(2, '0')} misses ${first.paths.join(', ')}. Upload them (rclone copy --update results ${'<remote>'}:${spec.bucket}/${spec.prefix}) and launch again.`,
      { field: 'requiredFiles' },
    );
  }

  private async requireBucket(target: Target) {
    const b = await bucketClient(this.s, target);
    if (!b) throw new ApiError('INVALID_INPUT', `No results bucket is set up for ${target.name}: import its rclone remote first.`);
    return b;
  }

  async importBucket(targetId: string, remote: string, from: BucketSource) {
    return importBucketRemote(this.s, this.kubeTarget(targetId), remote, from);
  }

  private async existingRecords(planned: PlannedWindow[]): Promise<string[]> {
    const out: string[] = [];
    for (const p of planned) if (await provenanceExists(p.provenancePath)) out.push(p.provenancePath);
    return out;
  }

  async launch(spec: CampaignSpec): Promise<Campaign> {
    const target = this.kubeTarget(spec.targetId);
    const k = kubeClients(target);
    const project = this.s.projects.get(spec.projectId);
    const resultsDir = resultsDirFor(spec, project.name);
    // Render and validate everything before touching the disk or the cluster.
    planCampaign(spec, 'check', k.namespace, resultsDir);
    const existing = await this.existingRecords(planCampaign(spec, 'check', k.namespace, resultsDir));
    if (existing.length) {
      throw new ApiError(
        'CONFLICT',
        `${existing.length} of these windows were launched before (their provenance records exist, e.g. ${existing[0]}). SimDeck never overwrites a launch record: restart those windows from their campaign instead.`,
        { path: existing[0]! },
      );
    }
    await this.refuseMissingInputs(spec);
    const c = this.repo.create({ projectId: spec.projectId, targetId: target.id, name: systemName(spec.target, spec.forceField), spec, resultsDir });
    const planned = planCampaign(spec, c.id, k.namespace, resultsDir);
    for (const p of planned) this.repo.addWindow({ campaignId: c.id, replica: p.replica, window: p.window, centre: p.centre, jobName: p.jobName, provenancePath: p.provenancePath });
    this.watch(k);
    await this.applyAll(c, k, planned);
    return this.campaign(c.id);
  }

  private async applyAll(c: CampaignRow, k: KubeClients, planned: PlannedWindow[], restart = false): Promise<WindowActionResult[]> {
    const results: WindowActionResult[] = [];
    const queue = [...planned];
    const worker = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) results.push(await this.applyOne(c, k, p, restart));
    };
    await Promise.all(range(1, this.o.applyConcurrency ?? 8).map(worker));
    this.s.emit('umbrella.changed', { campaignId: c.id, windows: this.repo.windows(c.id).map(toStatus), campaign: this.campaign(c.id) });
    return results.sort((a, b) => a.replica - b.replica || a.window - b.window);
  }

  /** Provenance first (exclusive), then the apply; a failed apply keeps its record as *.failed-<time>.yaml. */
  private async applyOne(c: CampaignRow, k: KubeClients, p: PlannedWindow, restart: boolean): Promise<WindowActionResult> {
    let record = p.provenancePath;
    try {
      if (restart) record = await writeRestartProvenance(p.provenancePath, p.yaml);
      else await writeProvenance(record, p.yaml);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.repo.patch(c.id, p.replica, p.window, { phase: 'failed', message });
      return { replica: p.replica, window: p.window, ok: false, command: '', message };
    }
    const command = k.kubectl(['apply', '-f', record]);
    try {
      await call(k, `create Job ${p.jobName}`, () => k.batch.createNamespacedJob({ namespace: k.namespace, body: p.job as V1Job }), {
        ctx: this.s.adapterContext,
        action: 'umbrella.apply',
        kubectlArgs: ['apply', '-f', record],
        projectId: c.projectId,
      });
      this.repo.markApplied(c.id, p.replica, p.window, record, p.jobName);
      this.repo.recordManifest({ campaignId: c.id, replica: p.replica, window: p.window, path: record, yaml: p.yaml, outcome: 'applied' });
      return { replica: p.replica, window: p.window, ok: true, command, message: `Job ${p.jobName} created.` };
    } catch (err) {
      const kept = await markApplyFailed(record, err).catch(() => record);
      const message = `${err instanceof Error ? err.message : String(err)} The manifest is kept as ${path.basename(kept)}; launching this window again is allowed.`;
      this.repo.recordManifest({ campaignId: c.id, replica: p.replica, window: p.window, path: kept, yaml: p.yaml, outcome: 'failed', detail: message });
      this.repo.patch(c.id, p.replica, p.window, { phase: 'failed', message });
      return { replica: p.replica, window: p.window, ok: false, command, message };
    }
  }

  // ---- reading ------------------------------------------------------------------------------------------------

  async list(projectId?: string): Promise<Campaign[]> {
    return this.repo.list(projectId).map((c) => this.campaign(c.id));
  }

  async get(campaignId: string): Promise<{ campaign: Campaign; windows: WindowStatus[] }> {
    return { campaign: this.campaign(campaignId), windows: this.repo.windows(campaignId).map(toStatus) };
  }

  private campaign(id: string): Campaign {
    const c = this.repo.get(id);
    const w = this.watches.get(this.watchKey(c.targetId));
    return {
      id: c.id,
      projectId: c.projectId,
      targetId: c.targetId,
      name: c.name,
      spec: c.spec,
      resultsDir: c.resultsDir,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      summary: this.repo.summary(c.id),
      watch: w ? { state: w.state.state, detail: w.state.detail } : { state: 'stopped', detail: 'Not watched (nothing left running).' },
    };
  }

  async history(campaignId: string): Promise<ProgressSample[]> {
    this.repo.get(campaignId);
    return this.repo.samples(campaignId);
  }

  // ---- watching -----------------------------------------------------------------------------------------------

  private watchKey(targetId: string): string {
    const t = this.s.targets.get(targetId);
    return `${t.id}/${String(t.settings.namespace ?? '')}`;
  }

  private watch(k: KubeClients): NamespaceWatch {
    const key = this.watchKey(k.target.id);
    let w = this.watches.get(key);
    if (w) return w;
    w = new NamespaceWatch(k, {
      onTouched: (jobs) => jobs.forEach((j) => this.refresh(j)),
      onState: () => undefined,
      backoff: this.o.watchBackoff,
    });
    this.watches.set(key, w);
    w.start();
    this.reader.start();
    return w;
  }

  async resume(): Promise<void> {
    for (const c of this.repo.unfinished()) {
      try {
        this.watch(kubeClients(this.s.targets.get(c.targetId)));
      } catch (err) {
        this.s.log.warn('umbrella: cannot watch campaign', { campaign: c.id, error: String(err) });
      }
    }
  }

  /** Recomputes one window from the watch's picture and what SimDeck read of its progress. */
  private refresh(jobName: string): void {
    const row = this.repo.byJobName(jobName);
    if (!row || !row.appliedAt) return;
    const c = this.repo.get(row.campaignId);
    const w = this.watches.get(this.watchKey(c.targetId));
    if (!w) return;
    const job = w.jobs.get(jobName) ?? null;
    const pods = w.podsOf(jobName);
    const view = derivePhase(job, pods, { lastStep: row.lastStep, nSteps: row.nSteps, inProduction: row.lastStep !== null });
    // A pod that waits says why in its Warning events (FailedScheduling: no node with a matching free GPU, …).
    const event = view.phase === 'queued' || view.phase === 'init-git' || view.phase === 'init-rclone' ? w.eventFor(view.pod) : '';
    const changed = this.repo.patch(c.id, row.replica, row.window, {
      phase: view.phase,
      message: view.message || event,
      pod: view.pod,
      node: view.node,
      restarts: view.restarts,
    });
    if (view.pod && view.pod !== row.pod) this.reader.soon(windowKey(c.id, row.replica, row.window));
    if (changed) this.queueEmit(changed);
    if (view.needsConfirmation && view.pod) void this.confirmCompletion(c, row, view.pod);
  }

  private readonly confirmed = new Set<string>();

  /** "Complete" short of n_steps: a traceback in the main log means the script crashed (the seed's trap). */
  private async confirmCompletion(c: CampaignRow, row: WindowRow, pod: string): Promise<void> {
    if (this.confirmed.has(pod)) return;
    this.confirmed.add(pod);
    try {
      const k = kubeClients(this.s.targets.get(c.targetId));
      const log = await call(k, `read the log of ${pod}`, () => k.core.readNamespacedPodLog({ name: pod, namespace: k.namespace, container: 'main', tailLines: 200 }));
      const crash = crashInLog(log);
      if (!crash) {
        await this.learnRunParams(k, c.id, row, pod);
        await this.confirmFromBucket(c, row);
        return;
      }
      const now = this.repo.window(c.id, row.replica, row.window);
      const changed = this.repo.patch(c.id, row.replica, row.window, { phase: 'failed', message: crashedMessage({ lastStep: now.lastStep, nSteps: now.nSteps, inProduction: true }, crash) });
      if (changed) this.queueEmit(changed);
    } catch (err) {
      this.confirmed.delete(pod);
      this.s.log.warn('umbrella: could not read the log of a completed window', { pod, error: String(err) });
    }
  }

  private queueEmit(row: WindowRow): void {
    const list = this.pending.get(row.campaignId) ?? [];
    list.push(toStatus(row));
    this.pending.set(row.campaignId, list);
    // Batch: a watch relist can touch a thousand windows at once; the UI gets one event per 250 ms per campaign.
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      const batches = this.pending;
      this.pending = new Map();
      for (const [campaignId, windows] of batches) this.s.emit('umbrella.changed', { campaignId, windows });
    }, 250);
  }

  private readable(): ReadItem[] {
    const out: ReadItem[] = [];
    for (const c of this.repo.unfinished()) {
      for (const w of this.repo.windows(c.id)) {
        if (!w.pod || (w.phase !== 'equilibration' && w.phase !== 'production')) continue;
        // Past its expected end the window may be uploading: read it often, to see the last step before the pod ends.
        const due = w.etaSeconds !== null ? Date.parse(w.updatedAt) + w.etaSeconds * 1000 : null;
        const urgent = due !== null && Date.now() >= due;
        out.push({ key: windowKey(c.id, w.replica, w.window), urgent, campaignId: c.id, replica: w.replica, window: w.window });
      }
    }
    return out;
  }

  /** One window's progress: the last line of production.out (header cached), n_steps from the pod log once. */
  async readProgress(campaignId: string, replica: number, window: number): Promise<void> {
    const c = this.repo.get(campaignId);
    const row = this.repo.window(campaignId, replica, window);
    if (!row.pod) return;
    const k = kubeClients(this.s.targets.get(c.targetId));
    const S = systemName(c.spec.target, c.spec.forceField);
    const file = `/results/${S}/replica-${replica}/window-${windowLabel(window)}/${S}-production.out`;
    const params = await this.runParamsFor(k, campaignId, row.pod, (p) => !p?.nSteps || !p.timestepFs);
    // One exec per read: the last row of production.out and, unless the cluster's Prometheus has DCGM's numbers,
    // the GPU's utilization from nvidia-smi in the same exec (no second request).
    const fromPrometheus = await this.prometheusGpu(c.targetId, k.namespace);
    const script = fromPrometheus
      ? `tail -n 1 ${quote(file)} || echo ${NO_FILE}`
      : `tail -n 1 ${quote(file)} || echo ${NO_FILE}; echo ${GPU_MARK}; nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits || true`;
    const r = await execCapture(k.kc, k.namespace, row.pod, 'main', ['sh', '-c', script]);
    const [progressPart = '', gpuPart = ''] = r.stdout.split(GPU_MARK);
    const gpuUtil = fromPrometheus ? (fromPrometheus.get(row.pod) ?? null) : parseGpuUtil(gpuPart);
    if (progressPart.includes(NO_FILE)) {
      // No production rows yet: still equilibrating. The GPU sample still counts.
      this.repo.addSample({ campaignId, replica, window, percent: null, nsPerDay: null, gpuUtil });
      return;
    }
    const summary = parseStateData(`${STATE_HEADER}\n${progressPart}`);
    // A resumed run that is already at its last step returns before printing its parameters: keep what an earlier
    // pod of this window said.
    const nSteps = params.nSteps ?? row.nSteps;
    const p = computeProgress({ lastStep: summary.lastStep, nsPerDay: summary.nsPerDay }, { nSteps, timestepFs: params.timestepFs });
    this.repo.addSample({ campaignId, replica, window, percent: p.percent, nsPerDay: p.nsPerDay, gpuUtil });
    const changed = this.repo.patch(campaignId, replica, window, {
      lastStep: p.lastStep,
      nSteps: p.nSteps,
      percent: p.percent,
      nsPerDay: p.nsPerDay,
      etaSeconds: p.etaSeconds,
    });
    if (changed) this.queueEmit(changed);
    this.refresh(row.jobName); // production vs equilibration, done vs "complete but short"
  }

  private readonly promCache = new Map<string, { at: number; util: Map<string, number> | null }>();

  /**
   * GPU utilization of every SimDeck pod in the namespace from the cluster's Prometheus (dcgm-exporter's
   * DCGM_FI_DEV_GPU_UTIL), when the target names one (settings.prometheusUrl): ONE query per read interval for all
   * windows. Null: no Prometheus configured, or it failed (then nvidia-smi is used; the failure is logged once).
   */
  private async prometheusGpu(targetId: string, namespace: string): Promise<Map<string, number> | null> {
    const url = this.s.targets.get(targetId).settings.prometheusUrl;
    if (typeof url !== 'string' || !url.trim()) return null;
    const key = `${targetId}/${namespace}`;
    const cached = this.promCache.get(key);
    const every = this.o.readIntervalMs ?? 60_000;
    if (cached && Date.now() - cached.at < every) return cached.util;
    this.promCache.set(key, { at: Date.now(), util: cached?.util ?? null }); // one query in flight per interval
    try {
      const util = await gpuUtilByPod(url.trim(), namespace, 'pb-.*');
      this.promCache.set(key, { at: Date.now(), util });
      return util;
    } catch (err) {
      this.s.log.warn('umbrella: Prometheus query failed; sampling nvidia-smi instead', { url, error: String(err) });
      this.promCache.set(key, { at: Date.now(), util: null });
      return null;
    }
  }

  /**
   * n_steps and the timestep, from the start of a pod's main log, once per campaign (every window of it runs the same
   * protocol); the log is read again only while `missing` says what is known is not enough. A value a later log
   * does not print is kept from an earlier one.
   */
  private async runParamsFor(
    k: KubeClients,
    campaignId: string,
    pod: string,
    missing: (p: { nSteps: number | null; timestepFs: number | null } | undefined) => boolean,
  ): Promise<{ nSteps: number | null; timestepFs: number | null }> {
    const known = this.runParams.get(campaignId);
    if (known && !missing(known)) return known;
    const log = await call(k, `read the log of ${pod}`, () => k.core.readNamespacedPodLog({ name: pod, namespace: k.namespace, container: 'main', limitBytes: 256 * 1024 }));
    const run = parseRunLog(log);
    const params = { nSteps: run.nSteps ?? known?.nSteps ?? null, timestepFs: run.timestepFs ?? known?.timestepFs ?? null };
    this.runParams.set(campaignId, params);
    return params;
  }

  /** n_steps from a (finished) pod's log, when SimDeck never learned it while the window ran. */
  private async learnRunParams(k: KubeClients, campaignId: string, row: WindowRow, pod: string): Promise<void> {
    if (this.repo.window(campaignId, row.replica, row.window).nSteps !== null) return;
    const params = await this.runParamsFor(k, campaignId, pod, (p) => !p?.nSteps);
    if (params.nSteps) this.repo.patch(campaignId, row.replica, row.window, { nSteps: params.nSteps });
  }

  /**
   * The pod has finished, so the last step can only come from what it uploaded: the end of production.out in the
   * results bucket (a ranged read of its last 4 KiB). Without a bucket the window stays "unknown" with its reason.
   */
  private async confirmFromBucket(c: CampaignRow, row: WindowRow): Promise<void> {
    const b = await bucketClient(this.s, this.s.targets.get(c.targetId));
    if (!b) return;
    const S = systemName(c.spec.target, c.spec.forceField);
    const key = joinKey(c.spec.prefix, `${S}/replica-${row.replica}/window-${windowLabel(row.window)}/${S}-production.out`);
    try {
      const head = await b.client.head(c.spec.bucket, key);
      if (!head) return;
      const start = Math.max(0, head.size - 4096);
      const got = await b.client.getObject(c.spec.bucket, key, { range: { start } });
      const chunks: Buffer[] = [];
      for await (const chunk of got.body) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const summary = parseStateData(`${STATE_HEADER}\n${start > 0 ? text.slice(text.indexOf('\n') + 1) : text}`);
      const now = this.repo.window(c.id, row.replica, row.window);
      const p = computeProgress({ lastStep: summary.lastStep, nsPerDay: summary.nsPerDay ?? now.nsPerDay }, { nSteps: now.nSteps, timestepFs: null });
      const changed = this.repo.patch(c.id, row.replica, row.window, { lastStep: p.lastStep, percent: p.percent, etaSeconds: p.done ? 0 : p.etaSeconds });
      if (changed) this.queueEmit(changed);
      this.refresh(row.jobName);
    } finally {
      b.client.close();
    }
  }

  // ---- results download ---------------------------------------------------------------------------------------

  private readonly downloads = new Map<string, { status: ResultsDownload; abort: AbortController }>();

  /**
   * `rclone copy --update <remote>:<bucket>/<prefix>/{S}[/replica-R] <results>/{S}[/replica-R]` in the background:
   * only files newer than the local copy, partial files continued (see bucket/sync.ts). Progress as events.
   */
  async downloadResults(campaignId: string, replica?: number): Promise<ResultsDownload> {
    const c = this.repo.get(campaignId);
    const running = this.downloads.get(campaignId);
    if (running?.status.state === 'running') return running.status;
    const target = this.s.targets.get(c.targetId);
    const b = await this.requireBucket(target);
    const S = systemName(c.spec.target, c.spec.forceField);
    const rel = replica ? `${S}/replica-${replica}` : S;
    const localDir = path.join(c.resultsDir, rel);
    const prefix = joinKey(c.spec.prefix, rel);
    const abort = new AbortController();
    const status: ResultsDownload = { campaignId, state: 'running', filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, message: `Downloading ${c.spec.bucket}/${prefix} to ${localDir}…` };
    this.downloads.set(campaignId, { status, abort });
    const emit = () => this.s.emit('umbrella.download', { ...status });
    const command = `rclone copy --update ${quote(`${b.remote.name}:${c.spec.bucket}/${prefix}`)} ${quote(localDir)}`;
    void this.s.adapterContext.activity
      .run({ action: 'umbrella.download', command, targetId: c.targetId, projectId: c.projectId }, () =>
        downloadNewer(b.client, c.spec.bucket, prefix, localDir, {
          signal: abort.signal,
          onProgress: (p) => {
            Object.assign(status, { filesDone: p.filesDone, filesTotal: p.filesTotal, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal });
            emit();
          },
        }),
      )
      .then(
        (sum) => {
          status.state = 'done';
          status.message = `${sum.downloaded.length} files downloaded (${sum.resumed.length} continued), ${sum.upToDate} already up to date, into ${localDir}.`;
        },
        (err: unknown) => {
          status.state = err instanceof BucketCancelled ? 'cancelled' : 'failed';
          status.message =
            status.state === 'cancelled'
              ? 'Stopped; the partial files stay and the next download continues them.'
              : `${err instanceof Error ? err.message : String(err)} Download again to continue from where it stopped.`;
        },
      )
      .finally(() => {
        b.client.close();
        emit();
      });
    emit();
    return { ...status };
  }

  async manifests(campaignId: string, replica: number, window: number) {
    this.repo.window(campaignId, replica, window); // NOT_FOUND for a window the campaign does not have
    return this.repo.manifests(campaignId, replica, window).map((m) => ({ ...m, outcome: m.outcome as 'applied' | 'failed' }));
  }

  /** The seed's A10 step for the inputs only: `rclone copy --update results <remote>:<bucket>/<prefix>`, per path. */
  async uploadInputs(spec: CampaignSpec) {
    const target = this.kubeTarget(spec.targetId);
    const b = await this.requireBucket(target);
    const from = resultsDirFor(spec, this.s.projects.get(spec.projectId).name);
    const patterns = requiredInputPatterns(spec);
    const paths = new Set<string>();
    for (const r of range(1, spec.replicas)) for (const w of spec.windows) for (const p of expandRequiredFiles(patterns, spec.target, spec.forceField, r, w.index)) paths.add(p);
    const command = `rclone copy --update ${quote(from)} ${quote(`${b.remote.name}:${spec.bucket}/${spec.prefix}`)}`;
    try {
      const sum = await this.s.adapterContext.activity.run({ action: 'umbrella.uploadInputs', command, targetId: target.id, projectId: spec.projectId }, () =>
        uploadInputs(b.client, from, spec.bucket, spec.prefix, [...paths]),
      );
      return { uploaded: sum.uploaded, upToDate: sum.upToDate.length, missingLocal: sum.missingLocal, bytes: sum.bytesTransferred, from };
    } finally {
      b.client.close();
    }
  }

  async bucketList(campaignId: string, replica?: number) {
    const c = this.repo.get(campaignId);
    const target = this.s.targets.get(c.targetId);
    const b = await this.requireBucket(target);
    const S = systemName(c.spec.target, c.spec.forceField);
    const prefix = joinKey(c.spec.prefix, replica ? `${S}/replica-${replica}/` : `${S}/`);
    try {
      const all = await b.client.listObjects(c.spec.bucket, prefix);
      return {
        prefix,
        objects: all.slice(0, 5000).map((o) => ({ key: o.key, size: o.size, lastModified: new Date(o.lastModified).toISOString() })),
        truncated: all.length > 5000,
      };
    } finally {
      b.client.close();
    }
  }

  async cancelDownload(campaignId: string): Promise<ResultsDownload> {
    const d = this.downloads.get(campaignId);
    if (!d) throw new ApiError('NOT_FOUND', 'This campaign has no results download to stop.');
    d.abort.abort();
    return { ...d.status };
  }

  // ---- actions ------------------------------------------------------------------------------------------------

  async act(campaignId: string, action: 'delete' | 'restart', windows: WindowRef[]): Promise<WindowActionResult[]> {
    const c = this.repo.get(campaignId);
    const k = kubeClients(this.kubeTarget(c.targetId));
    const out: WindowActionResult[] = [];
    const toRestart: PlannedWindow[] = [];
    for (const ref of windows) {
      const row = this.repo.window(campaignId, ref.replica, ref.window);
      const command = k.kubectl(['delete', 'job', row.jobName]);
      try {
        await this.deleteJob(k, c, row.jobName);
        if (action === 'delete') {
          this.repo.patch(campaignId, ref.replica, ref.window, { phase: 'unknown', message: 'Deleted by the researcher.' });
          out.push({ ...ref, ok: true, command, message: `Job ${row.jobName} and its pods deleted.` });
        } else {
          this.repo.restart(campaignId, ref.replica, ref.window);
          toRestart.push(planWindow(c.spec, c.id, k.namespace, c.resultsDir, ref.replica, { index: ref.window, centre: row.centre }));
        }
      } catch (err) {
        out.push({ ...ref, ok: false, command, message: err instanceof Error ? err.message : String(err) });
      }
    }
    if (toRestart.length) {
      this.watch(k);
      out.push(...(await this.applyAll(c, k, toRestart, true)));
    }
    return out;
  }

  /** Deletes a Job (its pods go in the background, like kubectl's default) and waits until the name is free again. */
  private async deleteJob(k: KubeClients, c: CampaignRow, name: string): Promise<void> {
    await call(
      k,
      `delete Job ${name}`,
      () => k.batch.deleteNamespacedJob({ name, namespace: k.namespace, propagationPolicy: 'Background' }).catch((err: unknown) => {
        if ((err as { code?: number }).code === 404) return null; // already gone
        throw err;
      }),
      { ctx: this.s.adapterContext, action: 'umbrella.delete', kubectlArgs: ['delete', 'job', name], projectId: c.projectId },
    );
    for (let i = 0; i < 120; i++) {
      const still = await k.batch.readNamespacedJob({ name, namespace: k.namespace }).then(
        () => true,
        () => false,
      );
      if (!still) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new ApiError('REMOTE_FAILED', `Job ${name} is still being deleted after 60 s; try again in a moment.`);
  }

  async extend(campaignId: string, add: { replicas?: number; windows?: UmbrellaWindow[] }): Promise<Campaign> {
    const c = this.repo.get(campaignId);
    const k = kubeClients(this.kubeTarget(c.targetId));
    const oldReplicas = c.spec.replicas;
    const newReplicas = add.replicas ?? oldReplicas;
    if (newReplicas < oldReplicas) throw new ApiError('INVALID_INPUT', `The campaign has ${oldReplicas} replicas; extending cannot remove any (delete windows instead).`, { field: 'replicas' });
    const known = new Set(c.spec.windows.map((w) => w.index));
    const extra = (add.windows ?? []).filter((w) => !known.has(w.index));
    const spec: CampaignSpec = { ...c.spec, replicas: newReplicas, windows: [...c.spec.windows, ...extra].sort((a, b) => a.index - b.index) };
    const planned: PlannedWindow[] = [];
    for (let r = 1; r <= newReplicas; r++) {
      for (const w of spec.windows) {
        if (r <= oldReplicas && known.has(w.index)) continue;
        planned.push(planWindow(spec, c.id, k.namespace, c.resultsDir, r, w));
      }
    }
    if (!planned.length) throw new ApiError('INVALID_INPUT', 'Nothing to add: give more replicas than the campaign has, or new window indices.');
    await this.refuseMissingInputs(spec, range(1, newReplicas), spec.windows);
    this.repo.setSpec(c.id, spec);
    for (const p of planned) this.repo.addWindow({ campaignId: c.id, replica: p.replica, window: p.window, centre: p.centre, jobName: p.jobName, provenancePath: p.provenancePath });
    this.watch(k);
    await this.applyAll(this.repo.get(c.id), k, planned);
    return this.campaign(c.id);
  }

  // ---- logs and charts ----------------------------------------------------------------------------------------

  private podOf(c: CampaignRow, ref: WindowRef): { k: KubeClients; row: WindowRow; pod: string } {
    const row = this.repo.window(c.id, ref.replica, ref.window);
    if (!row.pod) throw new ApiError('NOT_FOUND', `Replica ${ref.replica} window ${windowLabel(ref.window)} has no pod (yet, or any more).`);
    return { k: kubeClients(this.s.targets.get(c.targetId)), row, pod: row.pod };
  }

  async logs(campaignId: string, ref: WindowRef, o: { container?: string; previous: boolean; timestamps: boolean; tailLines?: number }) {
    const c = this.repo.get(campaignId);
    const { k, pod } = this.podOf(c, ref);
    const container = o.container ?? 'main';
    const text = await call(k, `read the log of ${pod}`, () =>
      k.core.readNamespacedPodLog({ name: pod, namespace: k.namespace, container, previous: o.previous, timestamps: o.timestamps, tailLines: o.tailLines }),
    );
    return { pod, container, text };
  }

  /** {S}-{R}-{WW}-{pod}.out next to the replica's results: the file the MBAR analysis reads k and Q0 from. */
  async saveLog(campaignId: string, ref: WindowRef): Promise<{ path: string }> {
    const c = this.repo.get(campaignId);
    const { text, pod } = await this.logs(campaignId, ref, { previous: false, timestamps: false });
    const S = systemName(c.spec.target, c.spec.forceField);
    const file = path.join(c.resultsDir, S, `replica-${ref.replica}`, `${S}-${ref.replica}-${windowLabel(ref.window)}-${pod}.out`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
    return { path: file };
  }

  async histogram(campaignId: string, replica: number): Promise<HistogramView> {
    const c = this.repo.get(campaignId);
    const S = systemName(c.spec.target, c.spec.forceField);
    const rows = this.repo.windows(campaignId).filter((w) => w.replica === replica);
    if (!rows.length) throw new ApiError('NOT_FOUND', `The campaign has no replica ${replica}.`);
    const k = kubeClients(this.s.targets.get(c.targetId));
    const texts: { window: UmbrellaWindow; text: string }[] = [];
    for (const w of rows) {
      if (!w.pod) continue;
      const file = `/results/${S}/replica-${replica}/window-${windowLabel(w.window)}/${S}-production-fraction-native-contacts.dat`;
      const r = await execCapture(k.kc, k.namespace, w.pod, 'main', ['cat', file]).catch(() => null);
      if (r && r.exitCode === 0) texts.push({ window: { index: w.window, centre: w.centre }, text: r.stdout });
    }
    const chart = overlapChartFromDat(texts);
    const read = new Set(texts.map((t) => t.window.index));
    return {
      replica,
      binWidth: chart.binWidth,
      windows: chart.windows.map((w) => ({
        window: w.index,
        centre: w.centre,
        samples: w.samples,
        bins: w.fractions.flatMap((f, i) => (f > 0 ? [[chart.binCentres[i]!, f] as [number, number]] : [])),
      })),
      neighbours: chart.neighbours,
      missing: rows.filter((w) => !read.has(w.window)).map((w) => w.window),
    };
  }

  async close(): Promise<void> {
    for (const d of this.downloads.values()) d.abort.abort();
    this.reader.stop();
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }

  /** For the benchmark and tests: API requests made by the watches and the progress reader. */
  requestCounts(): { lists: number; watches: number; execs: number } {
    let lists = 0;
    let watches = 0;
    for (const w of this.watches.values()) {
      lists += w.counters.lists;
      watches += w.counters.watches;
    }
    return { lists, watches, execs: this.reader.reads };
  }
}

/**
 * The required-file patterns a window must find in the bucket before it starts. Its own `…/window-{WW}/` folder is
 * where a continuation would come from: absent before the first run, so not required.
 */
function requiredInputPatterns(spec: CampaignSpec): string[] {
  return (spec.requiredFiles.length ? spec.requiredFiles : DEFAULT_REQUIRED_FILES).filter((p) => !/window-\{WW\}\/$/.test(p.trim()));
}

const NO_FILE = '__SIMDECK_NO_PRODUCTION_OUT__';
const GPU_MARK = '__SIMDECK_GPU__';

/** nvidia-smi's utilization.gpu lines (one per GPU, "93"), averaged; null when absent or unreadable. */
export function parseGpuUtil(text: string): number | null {
  const values = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^\d+(\.\d+)?$/.test(l))
    .map(Number)
    .filter((v) => v >= 0 && v <= 100);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/** StateDataReporter's header, as the window script writes it (tail -n 1 gives only the last row). */
const STATE_HEADER = '#"Step" "Time (ps)" "Potential Energy (kJ/mole)" "Kinetic Energy (kJ/mole)" "Total Energy (kJ/mole)" "Temperature (K)" "Box Volume (nm^3)" "Speed (ns/day)"';

function toStatus(w: WindowRow): WindowStatus {
  return {
    campaignId: w.campaignId,
    replica: w.replica,
    window: w.window,
    jobName: w.jobName,
    phase: w.phase,
    percent: w.percent,
    lastStep: w.lastStep,
    nSteps: w.nSteps,
    nsPerDay: w.nsPerDay,
    etaSeconds: w.etaSeconds,
    pod: w.pod,
    node: w.node,
    restarts: w.restarts,
    message: w.message,
    updatedAt: w.updatedAt,
  };
}
