// The Monitor behind the `monitor.*` calls: samplers write GPU readings into the workspace's time-series store
// (one series per GPU and metric, labelled with the job using it), the dashboard reads counts, the last hour of
// every GPU and who is under-using them, and charts query any range at ≤2,000 points per series.
// Sampling is bounded per target (one round trip in flight, at most every intervalMs) and pauses by itself when a
// target has nothing running.
import type { Job, Target } from '../../shared/domain.js';
import type { Services } from '../core/services.js';
import type { SshRunner } from '../ssh/runner.js';
import type { AlertEvent, AlertRule, AlertRuleInput } from '../../shared/alerts.js';
import type { ClusterStatus } from '../../shared/slurm.js';
import type { Fleet } from '../../shared/fleet.js';
import type { FahCertInfo } from '../../shared/fah.js';
import type { Campaign, WindowStatus } from '../../shared/kube.js';
import type { GpuRow, TargetSummary } from '../../shared/monitor.js';
import { AlertKeeper } from './alerts/keeper.js';
import type { Observation } from './alerts/engine.js';
import { gpuMetricSamples } from './gpu-series.js';
import { parseSlurmGpuOutput, slurmGpuCommand } from './samplers/slurm-gpu.js';
import { gpuWorkloads, type GpuWorkload } from './workloads.js';
import { MetricsStore, seriesKey, type MetricSample, type QueryResult } from './store.js';

export interface MonitorServiceOptions {
  /** Time between samples of one target. Default 60 s. */
  intervalMs?: number;
  /** Under-use threshold (% GPU utilization) and the window it is judged over. Defaults: 40 %, 15 minutes. */
  underusePercent?: number;
  underuseMinutes?: number;
}

export type MonitorServices = Pick<Services, 'db' | 'targets' | 'jobs' | 'log' | 'emit' | 'adapterContext'>;

const MINUTE = 60_000;

/** Omit over each member of a union (so the observation kinds stay distinct). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class MonitorService {
  readonly store: MetricsStore;
  private readonly opts: Required<MonitorServiceOptions>;
  private readonly busy = new Set<string>();
  private readonly problems = new Map<string, { problem: string | null; at: number }>();
  private timer: NodeJS.Timeout | null = null;
  private alertTimer: NodeJS.Timeout | null = null;
  private prunedAt = 0;
  readonly alerts: AlertKeeper;
  /** fleet id → members last seen crash-looping (to tell the engine when a loop ended). */
  private readonly looping = new Map<string, Set<string>>();
  /** campaign/replica/window → restarts and phase last seen (a restart or an eviction is a change of these). */
  private readonly windows = new Map<string, { restarts: number; phase: string }>();

  constructor(
    private readonly s: MonitorServices,
    private readonly ssh: Pick<SshRunner, 'exec'> & { status?: (targetId: string) => ClusterStatus },
    opts: MonitorServiceOptions = {},
  ) {
    this.store = new MetricsStore(s.db);
    this.alerts = new AlertKeeper(s.db, (e) => s.emit('monitor.alert', e));
    this.opts = { intervalMs: opts.intervalMs ?? 60_000, underusePercent: opts.underusePercent ?? 40, underuseMinutes: opts.underuseMinutes ?? 15 };
  }

  /** Running SLURM jobs of a target that SLURM can attach a step to (array parents are sampled through their tasks). */
  private runningJobs(targetId: string): Job[] {
    return this.s.jobs
      .list({ targetId, states: ['running'], limit: 10_000 })
      .filter((j) => j.kind === 'slurm' && j.remoteId !== null && !(j.details.array && !j.details.parentJobId));
  }

  /** One sample of every running job's GPUs on a SLURM target: one SSH round trip. */
  async sampleSlurm(target: Target, now = Date.now()): Promise<{ jobs: number; samples: number; problems: string[] }> {
    const jobs = this.runningJobs(target.id);
    if (jobs.length === 0 || this.busy.has(target.id)) return { jobs: 0, samples: 0, problems: [] };
    this.busy.add(target.id);
    try {
      const sampled = jobs.map((j) => ({ jobId: j.id, remoteId: j.remoteId! }));
      const nvidiaSmi = typeof target.settings.nvidiaSmi === 'string' ? target.settings.nvidiaSmi : undefined;
      const r = await this.ssh.exec(target, slurmGpuCommand(sampled, { nvidiaSmi }), { timeoutMs: 120_000 });
      const { readings, usage } = parseSlurmGpuOutput(r.stdout, sampled);
      const samples: MetricSample[] = [];
      const problems: string[] = [];
      for (const reading of readings) {
        for (const [node, gpus] of reading.nodes) samples.push(...gpuMetricSamples(gpus, { target: target.id, node, t: now, owner: { job: reading.jobId } }));
        problems.push(...reading.problems.map((p) => `${jobs.find((j) => j.id === reading.jobId)?.name ?? reading.jobId}: ${p}`));
      }
      for (const [jobId, u] of usage) {
        if (u.maxRssBytes !== null) samples.push({ series: seriesKey('job.mem.maxrss', target.id, jobId), labels: { target: target.id, job: jobId }, t: now, v: u.maxRssBytes });
        if (u.aveCpuSeconds !== null) samples.push({ series: seriesKey('job.cpu.seconds', target.id, jobId), labels: { target: target.id, job: jobId }, t: now, v: u.aveCpuSeconds });
      }
      this.store.append(samples);
      this.alerts.observe(
        readings.flatMap((reading) => {
          const name = jobs.find((j) => j.id === reading.jobId)?.name ?? reading.jobId;
          return [...reading.nodes].flatMap(([node, gpus]) =>
            gpus.map((g): Observation => ({ type: 'gpu', targetId: target.id, node, gpu: g.index, util: g.utilGpu, at: now, owner: { kind: 'job', id: reading.jobId, name } })),
          );
        }),
      );
      this.problems.set(target.id, { problem: problems[0] ?? null, at: now });
      this.s.emit('monitor.sampled', { targetId: target.id, at: new Date(now).toISOString() });
      return { jobs: jobs.length, samples: samples.length, problems };
    } catch (err) {
      const problem = err instanceof Error ? err.message : String(err);
      this.problems.set(target.id, { problem, at: now });
      return { jobs: jobs.length, samples: 0, problems: [problem] };
    } finally {
      this.busy.delete(target.id);
    }
  }

  /** Samples every target that has something running (the others are not contacted at all). */
  async sampleAll(now = Date.now()): Promise<void> {
    for (const t of this.s.targets.list()) await this.sampleTarget(t, now).catch(() => undefined);
  }

  /** One sample of a target, whatever its kind; nothing running there: nothing sent. */
  async sampleTarget(target: Target, now = Date.now()): Promise<{ jobs: number; samples: number; problems: string[] }> {
    if (target.kind === 'slurm') return this.sampleSlurm(target, now);
    const work = gpuWorkloads(this.s.db, target);
    if (work.length === 0 || this.busy.has(target.id)) return { jobs: 0, samples: 0, problems: [] };
    this.busy.add(target.id);
    try {
      const r = await (target.kind === 'kubernetes' ? this.readPrometheus(target, work) : this.readContainers(target, work)).catch((err: unknown) => {
        const problem = err instanceof Error ? err.message : String(err);
        return { samples: [] as MetricSample[], observations: [], problems: [problem] };
      });
      this.store.append(r.samples);
      this.problems.set(target.id, { problem: r.problems[0] ?? null, at: now });
      // Docker engines and Prometheus have no connection pool telling the rules about reachability: the sample does.
      const reach = this.reachability(target);
      const reachObs: Observation[] =
        reach.state === 'unknown' ? [] : [{ type: 'target-reachability', targetId: target.id, name: target.name, reachable: reach.state === 'reachable', at: now, error: reach.detail }];
      this.alerts.observe([...r.observations.map((o) => ({ ...o, at: now }) as Observation), ...reachObs]);
      this.s.emit('monitor.sampled', { targetId: target.id, at: new Date(now).toISOString() });
      return { jobs: work.length, samples: r.samples.length, problems: r.problems };
    } finally {
      this.busy.delete(target.id);
    }
  }

  /** Kubernetes: the cluster's Prometheus (dcgm-exporter by pod), GPUs attributed to umbrella windows by pod name. */
  private async readPrometheus(target: Target, work: GpuWorkload[]) {
    const { samplePrometheusGpus } = await import('./samplers/prometheus-gpu.js');
    const baseUrl = String(target.settings.prometheusUrl ?? '');
    const namespace = typeof target.settings.namespace === 'string' && target.settings.namespace ? target.settings.namespace : undefined;
    const r = await samplePrometheusGpus({ baseUrl, namespace, timeoutMs: 15_000 });
    const byPod = new Map(work.map((w) => [w.key, w]));
    const t = Date.now();
    const samples: MetricSample[] = [];
    const observations: DistributiveOmit<Observation, 'at'>[] = [];
    for (const reading of r.readings) {
      const w = reading.pod ? byPod.get(reading.pod) : undefined;
      samples.push(...gpuMetricSamples([reading.sample], { target: target.id, node: reading.node, t, owner: w ? { window: w.ownerId } : {} }));
      if (w) observations.push({ type: 'gpu', targetId: target.id, node: reading.node, gpu: reading.gpu, util: reading.sample.utilGpu, owner: { kind: 'window', id: w.linkId, name: w.name } });
    }
    return { samples, observations, problems: r.problems };
  }

  /** Docker and Swarm: nvidia-smi inside each GPU fleet's worker containers on this engine. */
  private async readContainers(target: Target, work: GpuWorkload[]) {
    const [{ sampleDockerGpus }, { Engine }, { containerUsage }] = await Promise.all([
      import('./samplers/docker-gpu.js'),
      import('../fleets/drivers/engine.js'),
      import('../fleets/drivers/stats.js'),
    ]);
    const engine = new Engine(target);
    const containers = await engine.call(() => engine.docker.listContainers({ filters: { label: ['io.simdeck.fleet', 'com.docker.compose.service=worker'], status: ['running'] } }));
    const fleets = new Map(work.map((w) => [w.key, w]));
    const sampled = containers
      .map((c) => ({ c, w: fleets.get(c.Labels?.['io.simdeck.fleet'] ?? '') }))
      .filter((x): x is { c: (typeof containers)[number]; w: GpuWorkload } => x.w !== undefined)
      .map(({ c, w }) => ({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ''), owner: { worker: `${w.name}/${(c.Names[0] ?? c.Id).replace(/^\//, '')}` }, w }));
    const nvidiaSmi = typeof target.settings.nvidiaSmi === 'string' ? target.settings.nvidiaSmi : undefined;
    const r = await sampleDockerGpus(engine.docker, sampled, { timeoutMs: 15_000, nvidiaSmi });
    const t = Date.now();
    const samples: MetricSample[] = [];
    const observations: DistributiveOmit<Observation, 'at'>[] = [];
    for (const reading of r.readings) {
      const s = sampled.find((x) => x.name === reading.container);
      samples.push(...gpuMetricSamples(reading.gpus, { target: target.id, node: reading.container, t, owner: s?.owner }));
      for (const g of reading.gpus) {
        if (s) observations.push({ type: 'gpu', targetId: target.id, node: reading.container, gpu: g.index, util: g.utilGpu, owner: { kind: 'worker', id: s.w.linkId, name: reading.container } });
      }
    }
    // Container CPU and memory (as `docker stats` computes them), one series per worker.
    const usage = await Promise.all(sampled.map(async (x) => ({ x, u: await containerUsage(engine.docker, x.id) })));
    for (const { x, u } of usage) {
      const labels = { target: target.id, worker: x.owner.worker };
      if (u.cpuPercent !== null) samples.push({ series: seriesKey('container.cpu', target.id, x.name), labels, t, v: u.cpuPercent });
      if (u.memBytes !== null) samples.push({ series: seriesKey('container.mem', target.id, x.name), labels, t, v: u.memBytes });
    }
    return { samples, observations, problems: r.problems };
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sampleAll(), this.opts.intervalMs);
    this.timer.unref?.();
    // Time alone can open an alert (a cluster unreachable for 5 minutes, a certificate getting close to expiry).
    this.alertTimer = setInterval(() => {
      this.alerts.observe([]);
      // Retention (raw 48 h, 1-minute 14 days, 10-minute a year by default), about once an hour.
      if (Date.now() - this.prunedAt > 60 * MINUTE) {
        this.prunedAt = Date.now();
        this.store.prune(this.prunedAt);
      }
    }, MINUTE);
    this.alertTimer.unref?.();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.alertTimer) clearInterval(this.alertTimer);
    this.timer = null;
    this.alertTimer = null;
  }

  // ---- alerts ----------------------------------------------------------------------------------------------

  /** What the core emits, turned into observations for the alert rules. */
  onEvent(event: string, payload: unknown): AlertEvent[] {
    return this.alerts.observe(this.observationsOf(event, payload));
  }

  private observationsOf(event: string, payload: unknown): Observation[] {
    const at = Date.now();
    if (event === 'jobs.changed') {
      return (payload as { jobIds: string[] }).jobIds
        .map((id) => this.s.jobs.get(id))
        .filter((j): j is Job => j !== undefined && !j.details.parentJobId)
        .map((j) => ({ type: 'job-state', jobId: j.id, name: j.name, targetId: j.targetId, state: j.state, at: j.stateSince ?? j.updatedAt }));
    }
    if (event === 'fleets.changed') {
      const f = payload as Fleet;
      const now = new Set(f.crashLooping);
      const before = this.looping.get(f.id) ?? new Set<string>();
      this.looping.set(f.id, now);
      const members = new Set([...now, ...before]);
      return [...members].map((member) => ({ type: 'fleet-crashloop', fleetId: f.id, member, looping: now.has(member), at, targetId: f.targetId, fleetName: f.name }));
    }
    if (event === 'umbrella.changed') {
      const { windows, campaign } = payload as { campaignId: string; windows: WindowStatus[]; campaign?: Campaign };
      const out: Observation[] = [];
      for (const w of windows) {
        const key = `${w.campaignId}/${w.replica}/${w.window}`;
        const before = this.windows.get(key);
        this.windows.set(key, { restarts: w.restarts, phase: w.phase });
        // The first sighting only sets the baseline: restarts that happened before SimDeck looked are old news.
        if (!before) continue;
        const base = { type: 'window' as const, campaignId: w.campaignId, replica: w.replica, window: w.window, at: w.updatedAt, detail: w.message, targetId: campaign?.targetId, campaignName: campaign?.name };
        if (w.phase === 'evicted' && before.phase !== 'evicted') out.push({ ...base, event: 'evicted' });
        else if (w.restarts > before.restarts) out.push({ ...base, event: 'restarted' });
      }
      return out;
    }
    if (event === 'clusters.status') {
      const c = payload as ClusterStatus;
      if (c.state !== 'unreachable' && c.state !== 'connected') return [];
      const name = this.targetName(c.targetId);
      return name === null ? [] : [{ type: 'target-reachability', targetId: c.targetId, name, reachable: c.state === 'connected', at, error: c.detail }];
    }
    if (event === 'fah.cert') {
      const { targetId, cert } = payload as { targetId: string; cert: FahCertInfo };
      const name = this.targetName(targetId);
      return name === null ? [] : [{ type: 'cert', targetId, name, notAfter: cert.notAfter, at, area: 'fah' }];
    }
    return [];
  }

  private targetName(id: string): string | null {
    try {
      return this.s.targets.get(id).name;
    } catch {
      return null;
    }
  }

  alertHistory(limit: number): AlertEvent[] {
    return this.alerts.history(limit);
  }

  rules(): AlertRule[] {
    return this.alerts.rules();
  }

  setRules(rules: readonly AlertRuleInput[]): AlertRule[] {
    return this.alerts.setRules(rules);
  }

  // ---- dashboard -------------------------------------------------------------------------------------------

  dashboard(now = Date.now(), thresholdPercent = this.opts.underusePercent): TargetSummary[] {
    const jobs = this.s.jobs.list({ limit: 100_000 });
    const names = new Map(jobs.map((j) => [j.id, j.name]));
    return this.s.targets.list().map((t) => {
      const mine = jobs.filter((j) => j.targetId === t.id && !j.details.parentJobId);
      const count = (states: string[]) => mine.filter((j) => states.includes(j.state)).length;
      const gpus = this.store.series({ metric: 'gpu.util', labels: { target: t.id } }).map((info) => this.gpuRow(info.key, info.labels, now, thresholdPercent, names));
      const p = this.problems.get(t.id);
      return {
        targetId: t.id,
        name: t.name,
        kind: t.kind,
        counts: { running: count(['running', 'completing']), pending: count(['pending', 'submitting']), failed: count(['failed', 'timeout', 'out-of-memory', 'node-fail']) },
        gpus: gpus.filter((g) => g.strip.some((v) => v !== null)),
        problem: p?.problem ?? null,
        sampledAt: p ? new Date(p.at).toISOString() : null,
        reachability: this.reachability(t),
      };
    });
  }

  private reachability(t: Target): TargetSummary['reachability'] {
    if (t.kind === 'slurm' && this.ssh.status) {
      const st = this.ssh.status(t.id);
      if (st.state === 'connected') return { state: 'reachable', detail: `connected since ${st.since}` };
      if (st.state === 'unreachable' || st.state === 'paused') return { state: 'unreachable', detail: st.detail };
      return { state: 'unknown', detail: st.detail || 'not connected yet' };
    }
    const p = this.problems.get(t.id);
    if (!p) return { state: 'unknown', detail: 'not sampled yet' };
    if (p.problem && /unreachable|refused|ENOENT|ECONN|timed out|not answer|UNAVAILABLE|No Docker engine/i.test(p.problem)) return { state: 'unreachable', detail: p.problem };
    return { state: 'reachable', detail: `last sampled ${new Date(p.at).toISOString()}` };
  }

  private gpuRow(key: string, labels: Record<string, unknown>, now: number, threshold: number, names: Map<string, string>): GpuRow {
    const hour = this.store.query(key, now - 60 * MINUTE, now, { resolution: '1m', maxPoints: 60 });
    const strip: (number | null)[] = Array.from({ length: 60 }, () => null);
    for (const p of hour.points) {
      const slot = Math.floor((p.t - (now - 60 * MINUTE)) / MINUTE);
      if (slot >= 0 && slot < 60) strip[slot] = p.v;
    }
    const windowStart = now - this.opts.underuseMinutes * MINUTE;
    const recent = this.store.query(key, windowStart, now, { resolution: 'raw', maxPoints: 100_000 }).points.map((p) => p.v);
    const meanUtil = recent.length > 0 ? recent.reduce((a, b) => a + b, 0) / recent.length : null;
    const latest = this.store.latest([key]).get(key);
    const jobId = typeof labels.job === 'string' ? labels.job : null;
    const owner = this.ownerOf(labels, names);
    // Judged only while someone owns the GPU and it was seen recently: a free GPU is not "under-used".
    const active = owner !== null && latest !== undefined && now - latest.t < 3 * this.opts.intervalMs + MINUTE;
    return {
      series: key,
      target: String(labels.target ?? ''),
      node: String(labels.node ?? ''),
      gpu: Number(labels.gpu ?? 0),
      name: typeof labels.name === 'string' ? labels.name : null,
      jobId,
      jobName: jobId ? (names.get(jobId) ?? null) : null,
      owner,
      util: latest?.v ?? null,
      meanUtil: meanUtil === null ? null : Math.round(meanUtil * 10) / 10,
      strip,
      underused: active && meanUtil !== null && meanUtil < threshold,
      idle: active && meanUtil !== null && meanUtil < 5,
    };
  }

  /** The job, umbrella window or fleet worker a GPU's samples are labelled with, and where it opens. */
  private ownerOf(labels: Record<string, unknown>, names: Map<string, string>): GpuRow['owner'] {
    if (typeof labels.job === 'string') return { kind: 'job', name: names.get(labels.job) ?? labels.job, link: { area: 'jobs', id: labels.job } };
    if (typeof labels.window === 'string') {
      const [campaign = '', replica, window] = labels.window.split('/');
      return { kind: 'window', name: `replica ${replica} window ${window}`, link: { area: 'umbrella', id: campaign, sub: `${replica}/${window}` } };
    }
    if (typeof labels.worker === 'string') {
      const [fleet = ''] = labels.worker.split('/');
      const row = this.s.db.prepare("SELECT id FROM fleets WHERE name = ? AND target_id = ? AND state <> 'removed' ORDER BY created_at DESC LIMIT 1").get(fleet, labels.target) as { id: string } | undefined;
      return { kind: 'worker', name: labels.worker, link: { area: 'fleets', id: row?.id ?? '', sub: labels.worker } };
    }
    return null;
  }

  query(series: string, from: number, to: number, maxPoints = 2000): QueryResult {
    return this.store.query(series, from, to, { maxPoints });
  }
}
