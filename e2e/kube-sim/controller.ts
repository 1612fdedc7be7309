// The kubelet, kube-scheduler and job-controller of the simulator, on a simulated clock. Jobs get one pod each
// (`{job}-{5 random}`); pods are scheduled by affinity and GPU capacity, run init-git then init-rclone, then the
// main container runs the umbrella window (pod-files.ts). Faults (eviction, OOM kill, a crashed script that still
// exits 0, unschedulable pods) are injected here. Time only moves in tick(), driven by a timer or by tests.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IJobCondition } from 'kubernetes-models/batch/v1/JobCondition';
import type { IContainerStatus } from 'kubernetes-models/v1/ContainerStatus';
import type { INode } from 'kubernetes-models/v1/Node';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IPodCondition } from 'kubernetes-models/v1/PodCondition';
import { EventRecorder } from './events.js';
import { buildNode, DEFAULT_NODES, type NodeSpec } from './nodes.js';
import { DEFAULT_RUN, PodFs, WindowRun, windowDir, windowFromEnv, type RunParams, type WindowIdentity } from './pod-files.js';
import { downloadLocation, SimRclone, uploadLocation, type SimS3Options } from './rclone-s3.js';
import { schedule } from './scheduling.js';
import type { Store } from './store.js';
import { clone, isoNow, Rng } from './util.js';

export interface ControllerOptions {
  nodes?: NodeSpec[];
  run?: Partial<RunParams>;
  /** Simulated seconds per real second when the clock runs by itself (default 600: 1 min per 100 ms). */
  speed?: number;
  /** Real milliseconds between automatic ticks (default 50). */
  tickMs?: number;
  /** Start the clock at once (default true). Tests that want full determinism pass false and call tick(). */
  autoRun?: boolean;
  /**
   * A real S3 endpoint (e.g. moto_server): the pods' rclone lines then really transfer /results files with
   * SimDeck's S3 client (path style). The remote name in the commands is ignored; bucket and prefix are used.
   * Without it, rclone copies to and from the in-memory `controller.bucket`.
   */
  s3?: SimS3Options;
}

// 'stopping': an eviction waits for its preStop upload (S3 mode) before the pod fails.
type Stage = 'pending' | 'init-git' | 'init-rclone' | 'creating' | 'main' | 'backoff' | 'stopping' | 'terminating' | 'done';

interface LogLine {
  t: number;
  line: string;
}

/** A process that is not an umbrella window (a Job without PROTBENCH_* env): runs a minute, exits 0. */
class GenericRun {
  exitCode: number | undefined;
  private left = 60;
  get running(): boolean {
    return this.exitCode === undefined;
  }
  advance(s: number): void {
    this.left -= s;
    if (this.left <= 0 && this.exitCode === undefined) this.exitCode = 0;
  }
  kill(code: number): void {
    this.exitCode = code;
  }
}

export interface PodRuntime {
  ns: string;
  name: string;
  uid: string;
  jobName?: string;
  node?: string;
  stage: Stage;
  left: number;
  fs: PodFs;
  window?: WindowIdentity;
  run?: WindowRun | GenericRun;
  init: IContainerStatus[];
  main: IContainerStatus;
  mainImage: string;
  logs: Map<string, LogLine[][]>;
  schedMessage?: string;
  phase?: 'Succeeded' | 'Failed';
  reason?: string;
  message?: string;
  startTime?: string;
  initializedAt?: string;
  readyAt?: string;
  podIP?: string;
  /** An S3 transfer of this pod is under way: init-rclone and termination do not finish before it has. */
  busy?: boolean;
  /** S3 mode: file contents as last downloaded or uploaded (rclone copy --update skips unchanged files). */
  synced: Map<string, string>;
}

interface JobState {
  deletedPods: number;
}

/** One DCGM_FI_DEV_GPU_UTIL sample as dcgm-exporter would export it (gpuMetrics()). */
export interface GpuMetricSample {
  gpu: number;
  uuid: string;
  node: string;
  namespace: string;
  pod: string;
  container: string;
  util: number;
}

const INIT_GIT_SECONDS = 8;
const INIT_RCLONE_SECONDS = 25;
const FIRST_PULL_SECONDS = 90;

export class Controller extends EventEmitter {
  readonly params: RunParams;
  speed: number;
  readonly tickMs: number;
  /** Simulated seconds since start. */
  simTime = 0;
  /** The simulated S3 bucket (`nrp-internal:…/results`): path under /results → lines. */
  readonly bucket = new Map<string, string[]>();
  private readonly pods = new Map<string, PodRuntime>();
  private readonly jobs = new Map<string, JobState>();
  private readonly pulled = new Set<string>();
  private readonly nodeSpecs = new Map<string, NodeSpec>();
  private readonly events: EventRecorder;
  private forcedSchedulingFailure: string | undefined;
  /** crashScript() targets by job name (optionally namespace/name): the step where the script dies. */
  private readonly crashes = new Map<string, number | 'midway'>();
  private timer: NodeJS.Timeout | undefined;
  private ipCounter = 10;
  /** S3 mode (opts.s3): the rclone transfers against a real endpoint. */
  readonly rclone: SimRclone | undefined;
  /** GPU index on its node per running pod (namespace/name), for gpuMetrics(). */
  private readonly gpuSlots = new Map<string, { node: string; gpu: number }>();
  /** gpuMetrics()'s own random source, so that scrapes do not shift the seeded pod names and samples. */
  private readonly metricsRng = new Rng(0x9e3779b9);

  constructor(
    private readonly store: Store,
    private readonly rng: Rng,
    opts: ControllerOptions = {},
  ) {
    super();
    this.params = { ...DEFAULT_RUN, ...opts.run };
    this.speed = opts.speed ?? 600;
    this.tickMs = opts.tickMs ?? 50;
    this.events = new EventRecorder(store, rng);
    this.rclone = opts.s3 ? new SimRclone(opts.s3) : undefined;
    (opts.nodes ?? DEFAULT_NODES).forEach((spec, i) => this.addNode(spec, i));
    if (opts.autoRun !== false) this.start();
  }

  addNode(spec: NodeSpec, index = this.nodeSpecs.size): void {
    this.nodeSpecs.set(spec.name, spec);
    this.store.create('nodes', buildNode(spec, index));
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick((this.tickMs / 1000) * this.speed), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Advance the simulated clock by `seconds`, in slices so that phases hand over in order. */
  tick(seconds = 1): void {
    const slice = 30;
    let left = seconds;
    while (left > 0) {
      const dt = Math.min(slice, left);
      this.reconcileJobs();
      for (const rt of [...this.pods.values()]) this.advancePod(rt, dt);
      this.reconcileJobs();
      this.simTime += dt;
      left -= dt;
    }
  }

  /** Resolves when no S3 transfer is queued or running (S3 mode); at once otherwise. */
  async idle(): Promise<void> {
    await this.rclone?.idle();
  }

  /** Stops the clock and releases the S3 client's sockets. */
  async dispose(timeoutMs = 5000): Promise<void> {
    this.stop();
    if (!this.rclone) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.rclone.idle(), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    this.rclone.close();
  }

  runtime(ns: string, name: string): PodRuntime | undefined {
    return this.pods.get(`${ns}/${name}`);
  }

  // ---- faults ------------------------------------------------------------------------------------------------

  /** Node-pressure eviction: the pod fails (reason Evicted), the Job controller replaces it. */
  evict(podName: string, opts: { namespace?: string; upload?: boolean; message?: string } = {}): void {
    const rt = this.findPod(podName, opts.namespace);
    if (rt.stage === 'done' || rt.stage === 'terminating' || rt.stage === 'stopping') throw new Error(`pod ${podName} is not running`);
    const message =
      opts.message ??
      'The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 8523444Ki. Container main was using 21474836Ki, request is 20Gi, has larger consumption of ephemeral-storage. ';
    // Kubelet-initiated termination runs the preStop hook (rclone copy --update) unless told otherwise.
    if (opts.upload !== false && rt.stage === 'main' && this.rclone) {
      // S3 mode: the pod fails only once the hook's upload has finished (the process stops writing now).
      const done = this.preStopUpload(rt);
      rt.run?.kill(137);
      rt.stage = 'stopping';
      void done.then(() => {
        if (rt.stage === 'stopping') this.finishEviction(rt, message);
      });
      return;
    }
    if (opts.upload !== false && rt.stage === 'main') this.upload(rt);
    rt.run?.kill(137);
    this.finishEviction(rt, message);
  }

  private finishEviction(rt: PodRuntime, message: string): void {
    const now = isoNow();
    for (const c of [rt.main, ...rt.init]) {
      if (c.state?.running) c.state = { terminated: { exitCode: 137, reason: 'Error', startedAt: c.state.running.startedAt, finishedAt: now, containerID: c.containerID } };
      else if (c.state?.waiting) c.state = { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' } };
      c.ready = false;
      c.started = false;
    }
    rt.stage = 'done';
    rt.phase = 'Failed';
    rt.reason = 'Evicted';
    rt.message = message;
    this.writePod(rt);
    this.podEvent(rt, 'Warning', 'Evicted', message);
    this.podEvent(rt, 'Normal', 'Killing', 'Stopping container main', 'spec.containers{main}');
    this.reconcileJobs();
  }

  /** The Python script dies midway; the shell's last line (rclone) succeeds, so the container exits 0. */
  crashScript(jobName: string, opts: { namespace?: string; atStep?: number } = {}): void {
    this.crashes.set(opts.namespace ? `${opts.namespace}/${jobName}` : jobName, opts.atStep ?? 'midway');
    for (const rt of this.pods.values()) {
      if (rt.jobName === jobName && (!opts.namespace || rt.ns === opts.namespace) && rt.run instanceof WindowRun) {
        rt.run.crashAtStep = this.crashStep(rt, rt.run.currentStep);
      }
    }
  }

  /** The main container is OOM-killed and restarted in the same pod (emptyDir kept, restartCount + 1). */
  oomKill(podName: string, opts: { namespace?: string } = {}): void {
    const rt = this.findPod(podName, opts.namespace);
    if (rt.stage !== 'main') throw new Error(`pod ${podName}: main container is not running`);
    rt.run?.kill(137);
    const started = rt.main.state?.running?.startedAt;
    rt.main.lastState = { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: started, finishedAt: isoNow(), containerID: rt.main.containerID } };
    rt.main.restartCount += 1;
    const backoff = Math.min(300, 10 * 2 ** (rt.main.restartCount - 1));
    rt.main.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${backoff}s restarting failed container=main pod=${rt.name}_${rt.ns}(${rt.uid})` } };
    rt.main.ready = false;
    rt.main.started = false;
    rt.readyAt = undefined;
    rt.stage = 'backoff';
    rt.left = backoff;
    this.writePod(rt);
    const node = rt.node ? this.store.get<INode>('nodes', undefined, rt.node) : undefined;
    if (node) {
      this.events.record({ kind: 'Node', apiVersion: 'v1', obj: node }, 'Warning', 'OOMKilling', `Memory cgroup out of memory: Killed process ${1000 + Math.floor(this.rng.next() * 30000)} (python) total-vm:31254016kB, anon-rss:5242880kB, file-rss:0kB, shmem-rss:0kB, UID:57439 pgtables:10728kB oom_score_adj:-997`, { component: 'kernel-monitor', host: rt.node });
    }
    this.podEvent(rt, 'Warning', 'BackOff', 'Back-off restarting failed container main in pod ' + `${rt.name}_${rt.ns}(${rt.uid})`, 'spec.containers{main}');
    this.reconcileJobs();
  }

  /** Every pending pod stays Pending with this FailedScheduling message; null restores normal scheduling. */
  failScheduling(message: string | null): void {
    this.forcedSchedulingFailure = message ?? undefined;
  }

  // ---- API-initiated deletion ---------------------------------------------------------------------------------

  /** DELETE pod: graceful (deletionTimestamp, preStop upload, gone after the grace period) unless grace is 0. */
  deletePod(ns: string, name: string, graceSeconds?: number): IPod {
    const rt = this.runtime(ns, name);
    const pod = this.store.mustGet<IPod>('pods', ns, name);
    const grace = graceSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    if (!rt) return this.store.delete<IPod>('pods', ns, name);
    if (rt.jobName && rt.stage !== 'done') this.jobState(`${ns}/${rt.jobName}`).deletedPods += 1;
    if (grace <= 0 || rt.stage === 'done' || rt.stage === 'pending') {
      this.pods.delete(`${ns}/${name}`);
      rt.run?.kill(143);
      return this.store.delete<IPod>('pods', ns, name);
    }
    if (rt.stage === 'main') {
      // preStop: rclone copy --update; in S3 mode the pod is gone only after the upload has finished.
      if (this.rclone) void this.preStopUpload(rt);
      else this.upload(rt);
    }
    rt.run?.kill(143);
    rt.stage = 'terminating';
    rt.left = Math.min(grace, 2);
    pod.metadata = { ...pod.metadata, deletionTimestamp: isoNow(Date.now() + grace * 1000), deletionGracePeriodSeconds: grace };
    this.podEvent(rt, 'Normal', 'Killing', 'Stopping container main', 'spec.containers{main}');
    return this.store.update('pods', pod);
  }

  /** DELETE job. batch/v1 defaults to orphaning its pods (kubectl asks for Background explicitly). */
  deleteJob(ns: string, name: string, policy: 'Orphan' | 'Background' | 'Foreground' = 'Orphan'): IJob {
    const job = this.store.mustGet<IJob>('jobs', ns, name);
    const uid = job.metadata?.uid;
    const owned = this.store.list<IPod>('pods', ns).filter((p) => p.metadata?.ownerReferences?.some((o) => o.uid === uid));
    if (policy === 'Orphan') {
      for (const p of owned) {
        p.metadata = { ...p.metadata, ownerReferences: undefined };
        this.store.update('pods', p);
        const rt = this.runtime(ns, p.metadata.name ?? '');
        if (rt) rt.jobName = undefined;
      }
      this.jobs.delete(`${ns}/${name}`);
      return this.store.delete<IJob>('jobs', ns, name);
    }
    const gone = policy === 'Background' ? this.store.delete<IJob>('jobs', ns, name) : undefined;
    this.jobs.delete(`${ns}/${name}`);
    for (const p of owned) {
      const rt = this.runtime(ns, p.metadata?.name ?? '');
      if (rt) rt.jobName = undefined;
      this.deletePod(ns, p.metadata?.name ?? '', 0);
    }
    return gone ?? this.store.delete<IJob>('jobs', ns, name);
  }

  // ---- logs and stats for the API -----------------------------------------------------------------------------

  logs(ns: string, pod: string, container: string, previous: boolean): LogLine[] | string {
    const rt = this.runtime(ns, pod);
    if (!rt) return `pods "${pod}" not found`;
    const valid = ['main', 'init-git', 'init-rclone'];
    if (!valid.includes(container)) return `container ${container} is not valid for pod ${pod}`;
    const instances = rt.logs.get(container) ?? [];
    // Instance i is the container's run with restartCount i. During CrashLoopBackOff the newest instance does not
    // exist yet: "previous" and the plain log both show the run that just died, as from the kubelet.
    const idx = container === 'main' ? rt.main.restartCount : 0;
    if (previous) {
      const prev = instances[idx - 1];
      if (!prev) return `previous terminated container "${container}" in pod "${pod}" not found`;
      return prev;
    }
    const cur = instances[idx] ?? instances[idx - 1];
    if (!cur) {
      const st = container === 'main' ? rt.main : rt.init.find((c) => c.name === container);
      const reason = st?.state?.waiting?.reason ?? 'PodInitializing';
      return `container "${container}" in pod "${pod}" is waiting to start: ${reason}`;
    }
    return cur;
  }

  /** Simulated nvidia-smi numbers: utilisation, memory used, memory total (MiB). */
  gpuStats(rt: PodRuntime, rng: Rng = this.rng): [number, number, number] {
    const spec = rt.node ? this.nodeSpecs.get(rt.node) : undefined;
    const total = spec?.gpuMemoryMiB ?? 24576;
    const busy = rt.stage === 'main' && rt.run instanceof WindowRun && rt.run.running && rt.run.currentStep > 0;
    if (!busy) return [0, 1, total];
    return [93 + Math.floor(rng.next() * 7), 1490 + Math.floor(rng.next() * 120), total];
  }

  /**
   * What dcgm-exporter (Kubernetes mode) exports as DCGM_FI_DEV_GPU_UTIL: one sample per pod whose main container
   * runs, with gpuStats()' utilisation (the simulated nvidia-smi's numbers: 93–99 % in production, 0 before). Each
   * pod holds one GPU of its node; the index stays while the pod runs, and the UUID is derived from node and index.
   */
  gpuMetrics(): GpuMetricSample[] {
    const out: GpuMetricSample[] = [];
    const running = new Set<string>();
    for (const [key, rt] of this.pods) if (rt.stage === 'main' && rt.node) running.add(key);
    for (const key of [...this.gpuSlots.keys()]) if (!running.has(key)) this.gpuSlots.delete(key);
    for (const key of running) {
      const rt = this.pods.get(key);
      if (!rt?.node) continue;
      let slot = this.gpuSlots.get(key);
      if (!slot) {
        const taken = new Set([...this.gpuSlots.values()].filter((s) => s.node === rt.node).map((s) => s.gpu));
        let gpu = 0;
        while (taken.has(gpu)) gpu += 1;
        slot = { node: rt.node, gpu };
        this.gpuSlots.set(key, slot);
      }
      const h = createHash('sha1').update(`${slot.node}/${slot.gpu}`).digest('hex');
      const uuid = `GPU-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
      out.push({ gpu: slot.gpu, uuid, node: slot.node, namespace: rt.ns, pod: rt.name, container: rt.main.name, util: this.gpuStats(rt, this.metricsRng)[0] });
    }
    return out;
  }

  // ---- internals ------------------------------------------------------------------------------------------------

  private findPod(name: string, ns?: string): PodRuntime {
    for (const rt of this.pods.values()) if (rt.name === name && (!ns || rt.ns === ns)) return rt;
    throw new Error(`no pod ${name}`);
  }

  /** Keyed by namespace/name. */
  private jobState(key: string): JobState {
    let st = this.jobs.get(key);
    if (!st) this.jobs.set(key, (st = { deletedPods: 0 }));
    return st;
  }

  private crashStep(rt: PodRuntime, current: number): number | undefined {
    if (!rt.jobName) return undefined;
    const at = this.crashes.get(`${rt.ns}/${rt.jobName}`) ?? this.crashes.get(rt.jobName);
    if (at === undefined) return undefined;
    if (at === 'midway') return Math.max(current, Math.floor(this.params.nSteps / 2));
    return at;
  }

  private gpusUsed(node: string): number {
    let n = 0;
    for (const rt of this.pods.values()) if (rt.node === node && rt.stage !== 'done') n += 1;
    return n;
  }

  private log(rt: PodRuntime, container: string, line: string): void {
    const inst = rt.logs.get(container);
    const cur = inst?.[inst.length - 1];
    if (!cur) return;
    const l = { t: Date.now(), line };
    cur.push(l);
    this.emit('log', `${rt.ns}/${rt.name}/${container}`, l);
  }

  private newLogInstance(rt: PodRuntime, container: string): void {
    const inst = rt.logs.get(container) ?? [];
    inst.push([]);
    rt.logs.set(container, inst);
  }

  private podEvent(rt: PodRuntime, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    const pod = this.store.get<IPod>('pods', rt.ns, rt.name);
    if (!pod) return;
    const component = reason === 'Scheduled' || reason === 'FailedScheduling' ? 'default-scheduler' : 'kubelet';
    this.events.record({ kind: 'Pod', apiVersion: 'v1', obj: pod, fieldPath }, type, reason, message, { component, host: component === 'kubelet' ? rt.node : undefined });
  }

  private containerId(): string {
    return `containerd://${this.rng.hex(64)}`;
  }

  private startContainer(rt: PodRuntime, c: IContainerStatus, image: string, fieldPath: string): void {
    const always = image.endsWith(':latest') || !image.includes(':');
    const key = `${rt.node}|${image}`;
    if (always || !this.pulled.has(key)) {
      this.podEvent(rt, 'Normal', 'Pulling', `Pulling image "${image}"`, fieldPath);
      const secs = (0.4 + this.rng.next() * 2).toFixed(3);
      this.podEvent(rt, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${secs}s (${secs}s including waiting). Image size: ${image.includes('proteinbenchmark') ? 6342117589 : 33554432} bytes.`, fieldPath);
      this.pulled.add(key);
    } else this.podEvent(rt, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, fieldPath);
    this.podEvent(rt, 'Normal', 'Created', `Created container ${c.name}`, fieldPath);
    this.podEvent(rt, 'Normal', 'Started', `Started container ${c.name}`, fieldPath);
    c.containerID = this.containerId();
    c.imageID = `${image.split(':')[0]}@sha256:${this.rng.hex(64)}`;
    c.state = { running: { startedAt: isoNow() } };
    c.started = true;
    this.newLogInstance(rt, c.name);
  }

  private finishContainer(c: IContainerStatus, exitCode: number): void {
    c.state = {
      terminated: {
        exitCode,
        reason: exitCode === 0 ? 'Completed' : 'Error',
        startedAt: c.state?.running?.startedAt,
        finishedAt: isoNow(),
        containerID: c.containerID,
      },
    };
    c.ready = exitCode === 0 && c.name.startsWith('init');
    c.started = false;
  }

  /** Job controller: one pod per Job (completions 1), replacements for failed pods, Complete/Failed conditions. */
  private reconcileJobs(): void {
    for (const job of this.store.list<IJob>('jobs')) {
      const ns = job.metadata?.namespace ?? 'default';
      const name = job.metadata?.name ?? '';
      const key = `${ns}/${name}`;
      const st = this.jobState(key);
      const conds = job.status?.conditions ?? [];
      if (conds.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')) continue;
      if (job.metadata?.deletionTimestamp || job.spec?.suspend) continue;
      const mine = [...this.pods.values()].filter((rt) => rt.jobName === name && rt.ns === ns);
      const succeeded = mine.filter((rt) => rt.phase === 'Succeeded').length;
      const failedPods = mine.filter((rt) => rt.phase === 'Failed').length;
      const restarts = mine.reduce((n, rt) => n + rt.main.restartCount, 0);
      const active = mine.filter((rt) => rt.stage !== 'done' && rt.stage !== 'terminating');
      const ready = active.filter((rt) => rt.main.ready).length;
      const failures = failedPods + restarts + st.deletedPods;
      const status = clone(job.status ?? {});
      const now = isoNow();
      status.startTime ??= now;
      status.active = active.length || undefined;
      status.ready = ready;
      status.failed = failedPods + st.deletedPods || undefined;
      status.succeeded = succeeded || undefined;
      status.terminating = mine.filter((rt) => rt.stage === 'terminating').length;
      status.uncountedTerminatedPods = {};
      let event: [('Normal' | 'Warning'), string, string] | undefined;
      if (succeeded >= (job.spec?.completions ?? 1)) {
        status.completionTime = now;
        const c: IJobCondition = { type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now };
        status.conditions = [...(status.conditions ?? []), c];
        status.active = undefined;
        event = ['Normal', 'Completed', 'Job completed'];
      } else if (failures > (job.spec?.backoffLimit ?? 6)) {
        const c: IJobCondition = { type: 'Failed', status: 'True', lastProbeTime: now, lastTransitionTime: now, reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
        status.conditions = [...(status.conditions ?? []), c];
        for (const rt of active) this.deletePod(ns, rt.name, 0);
        status.active = undefined;
        event = ['Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'];
      } else if (active.length === 0) {
        const pod = this.createPod(job);
        status.active = 1;
        this.events.record({ kind: 'Job', apiVersion: 'batch/v1', obj: job }, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name}`, { component: 'job-controller' });
      }
      if (JSON.stringify(status) !== JSON.stringify(job.status ?? {})) {
        job.status = status;
        const saved = this.store.update('jobs', job);
        if (event) this.events.record({ kind: 'Job', apiVersion: 'batch/v1', obj: saved }, event[0], event[1], event[2], { component: 'job-controller' });
      }
    }
  }

  private createPod(job: IJob): IPod {
    const tpl = clone(job.spec?.template ?? {});
    const jobName = job.metadata?.name ?? 'job';
    const ns = job.metadata?.namespace ?? 'default';
    const pod: IPod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...tpl.metadata,
        name: `${jobName}-${this.rng.suffix()}`,
        generateName: `${jobName}-`,
        namespace: ns,
        labels: { ...tpl.metadata?.labels },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid: job.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        schedulerName: 'default-scheduler',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        serviceAccountName: 'default',
        serviceAccount: 'default',
        securityContext: {},
        enableServiceLinks: true,
        priority: 0,
        preemptionPolicy: 'PreemptLowerPriority',
        tolerations: [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
        ...tpl.spec,
        containers: (tpl.spec?.containers ?? []).map((c) => ({ terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: c.image?.endsWith(':latest') ? 'Always' : 'IfNotPresent', ...c })),
      },
      status: { phase: 'Pending', qosClass: 'Guaranteed' },
    };
    const created = this.store.create('pods', pod);
    const env: Record<string, string> = {};
    const main = created.spec?.containers[0];
    for (const e of main?.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
    const rt: PodRuntime = {
      ns,
      name: created.metadata?.name ?? '',
      uid: created.metadata?.uid ?? '',
      jobName,
      stage: 'pending',
      left: 0,
      fs: new PodFs(),
      window: windowFromEnv(env),
      init: (created.spec?.initContainers ?? []).map((c) => ({ name: c.name, image: c.image ?? '', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'PodInitializing' } } })),
      main: { name: main?.name ?? 'main', image: main?.image ?? '', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'PodInitializing' } } },
      mainImage: main?.image ?? '',
      logs: new Map(),
      synced: new Map(),
    };
    this.pods.set(`${ns}/${rt.name}`, rt);
    return created;
  }

  private advancePod(rt: PodRuntime, dt: number): void {
    let left = dt;
    while (left > 0) {
      switch (rt.stage) {
        case 'pending':
          if (!this.trySchedule(rt)) return;
          break;
        case 'init-git':
        case 'init-rclone':
        case 'creating':
        case 'backoff':
        case 'terminating': {
          const used = Math.min(left, rt.left);
          rt.left -= used;
          left -= used;
          if (rt.left <= 0) {
            if (rt.busy) return; // an S3 transfer is still running
            this.nextStage(rt);
          }
          break;
        }
        case 'stopping':
          return;
        case 'main':
          rt.run?.advance(left);
          left = 0;
          if (rt.run && !rt.run.running) this.mainExited(rt, rt.run.exitCode ?? 0);
          break;
        case 'done':
          return;
      }
    }
  }

  private trySchedule(rt: PodRuntime): boolean {
    const pod = this.store.get<IPod>('pods', rt.ns, rt.name);
    if (!pod) return false;
    const nodes = this.store.list<INode>('nodes');
    const res = this.forcedSchedulingFailure ? { message: this.forcedSchedulingFailure } : schedule(pod, nodes, (n) => this.gpusUsed(n));
    if ('message' in res) {
      if (rt.schedMessage !== res.message) {
        rt.schedMessage = res.message;
        this.writePod(rt);
        this.podEvent(rt, 'Warning', 'FailedScheduling', res.message);
      }
      return false;
    }
    rt.node = res.node.metadata?.name;
    rt.schedMessage = undefined;
    rt.podIP = `10.244.${[...this.nodeSpecs.keys()].indexOf(rt.node ?? '') + 0}.${(this.ipCounter = (this.ipCounter % 250) + 1)}`;
    rt.startTime = isoNow();
    pod.spec = { ...pod.spec, containers: pod.spec?.containers ?? [], nodeName: rt.node };
    this.store.update('pods', pod);
    this.podEvent(rt, 'Normal', 'Scheduled', `Successfully assigned ${rt.ns}/${rt.name} to ${rt.node}`);
    this.startInit(rt, 0);
    return true;
  }

  private startInit(rt: PodRuntime, i: number): void {
    const c = rt.init[i];
    if (!c) {
      rt.initializedAt = isoNow();
      rt.main.state = { waiting: { reason: 'ContainerCreating' } };
      rt.stage = 'creating';
      const first = !this.pulled.has(`${rt.node}|${rt.mainImage}`);
      rt.left = first ? FIRST_PULL_SECONDS : 3;
      this.writePod(rt);
      return;
    }
    c.state = { waiting: { reason: 'PodInitializing' } };
    this.startContainer(rt, c, c.image, `spec.initContainers{${c.name}}`);
    rt.stage = i === 0 ? 'init-git' : 'init-rclone';
    rt.left = i === 0 ? INIT_GIT_SECONDS : INIT_RCLONE_SECONDS;
    if (c.name === 'init-git') {
      this.log(rt, c.name, "Cloning into '/opt/repo'...");
      this.log(rt, c.name, `Note: switching to '${this.commit(rt)}'.`);
      this.log(rt, c.name, `HEAD is now at ${this.commit(rt).slice(0, 7)} Merge pull request #12 from openforcefield/one-job-per-window`);
    }
    if (c.name === 'init-rclone') this.download(rt, c.name);
    this.writePod(rt);
  }

  private commit(rt: PodRuntime): string {
    const pod = this.store.get<IPod>('pods', rt.ns, rt.name);
    const env = pod?.spec?.initContainers?.[0]?.env ?? [];
    return env.find((e) => e.name === 'PROTBENCH_SCRIPT_COMMIT')?.value ?? 'a84759b82298ccfdc41dabd4ce17fc401f10e49d';
  }

  private nextStage(rt: PodRuntime): void {
    switch (rt.stage) {
      case 'init-git':
      case 'init-rclone': {
        const i = rt.stage === 'init-git' ? 0 : 1;
        const c = rt.init[i];
        if (c) this.finishContainer(c, 0);
        this.startInit(rt, i + 1);
        return;
      }
      case 'creating':
      case 'backoff':
        this.startMain(rt);
        return;
      case 'terminating':
        this.pods.delete(`${rt.ns}/${rt.name}`);
        if (this.store.get('pods', rt.ns, rt.name)) this.store.delete('pods', rt.ns, rt.name);
        rt.stage = 'done';
        return;
      default:
        return;
    }
  }

  private startMain(rt: PodRuntime): void {
    this.startContainer(rt, rt.main, rt.mainImage, 'spec.containers{main}');
    rt.main.ready = true;
    rt.readyAt = isoNow();
    rt.stage = 'main';
    if (rt.window) {
      const spec = rt.node ? this.nodeSpecs.get(rt.node) : undefined;
      const run: WindowRun = new WindowRun(rt.fs, rt.window, this.params, this.rng, spec?.nsPerDay ?? 300, {
        log: (line) => this.log(rt, 'main', line),
        upload: () => (this.rclone ? this.mainUpload(rt) : this.upload(rt)),
        exited: (code) => {
          if (rt.run === run && rt.stage === 'main') this.mainExited(rt, code);
        },
      });
      run.crashAtStep = this.crashStep(rt, 0);
      rt.run = run;
    } else {
      rt.run = new GenericRun();
      this.log(rt, 'main', '(simulated container: no PROTBENCH_* environment, exits 0 after a minute)');
    }
    this.writePod(rt);
  }

  private mainExited(rt: PodRuntime, exitCode: number): void {
    const pod = this.store.get<IPod>('pods', rt.ns, rt.name);
    if (exitCode !== 0 && (pod?.spec?.restartPolicy ?? 'Always') !== 'Never') {
      this.restartFailedMain(rt, exitCode);
      return;
    }
    this.finishContainer(rt.main, exitCode);
    rt.stage = 'done';
    rt.phase = exitCode === 0 ? 'Succeeded' : 'Failed';
    this.writePod(rt);
    this.emit('exit', `${rt.ns}/${rt.name}/main`);
  }

  /** restartPolicy OnFailure: the kubelet restarts a main container that exited non-zero, after a back-off. */
  private restartFailedMain(rt: PodRuntime, exitCode: number): void {
    const started = rt.main.state?.running?.startedAt;
    rt.main.lastState = { terminated: { exitCode, reason: 'Error', startedAt: started, finishedAt: isoNow(), containerID: rt.main.containerID } };
    rt.main.restartCount += 1;
    const backoff = Math.min(300, 10 * 2 ** (rt.main.restartCount - 1));
    rt.main.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${backoff}s restarting failed container=main pod=${rt.name}_${rt.ns}(${rt.uid})` } };
    rt.main.ready = false;
    rt.main.started = false;
    rt.readyAt = undefined;
    rt.stage = 'backoff';
    rt.left = backoff;
    this.writePod(rt);
    this.podEvent(rt, 'Warning', 'BackOff', 'Back-off restarting failed container main in pod ' + `${rt.name}_${rt.ns}(${rt.uid})`, 'spec.containers{main}');
    this.emit('exit', `${rt.ns}/${rt.name}/main`);
    this.reconcileJobs();
  }

  /** rclone copy --update /results → bucket. */
  private upload(rt: PodRuntime): void {
    for (const [path, lines] of rt.fs.snapshot('/results/')) this.bucket.set(path.slice('/results/'.length), lines);
  }

  /**
   * S3 mode: `rclone copy --update /results {remote}:{bucket}/{prefix}` for real. Files unchanged since they were
   * last transferred are skipped (same mtime for --update). Resolves to rclone's exit code; never rejects.
   */
  private s3Upload(rt: PodRuntime): Promise<{ code: number; log: string[] }> {
    const rclone = this.rclone;
    const pod = this.store.get<IPod>('pods', rt.ns, rt.name);
    const loc = uploadLocation(pod?.spec?.containers[0]);
    if (!rclone || !loc) {
      this.upload(rt);
      return Promise.resolve({ code: 0, log: [] });
    }
    const files = new Map<string, string[]>();
    for (const [path, lines] of rt.fs.snapshot('/results/')) {
      const rel = path.slice('/results/'.length);
      if (rt.synced.get(rel) !== lines.join('\n')) files.set(rel, lines);
    }
    return rclone.copyUp(loc, files).then((res) => {
      for (const rel of res.uploaded) {
        const lines = files.get(rel) ?? [];
        rt.synced.set(rel, lines.join('\n'));
        this.bucket.set(rel, lines); // the in-memory mirror stays what the bucket holds
      }
      return res;
    });
  }

  /** The main shell's last line: its output goes to the container log, its exit code is the container's. */
  private mainUpload(rt: PodRuntime): Promise<number> {
    return this.s3Upload(rt).then((res) => {
      for (const l of res.log) this.log(rt, 'main', l);
      return res.code;
    });
  }

  /** The preStop hook's upload; a failure is reported like the kubelet does (rclone's stderr is the hook's). */
  private preStopUpload(rt: PodRuntime): Promise<void> {
    rt.busy = true;
    return this.s3Upload(rt).then((res) => {
      rt.busy = false;
      if (res.code !== 0) {
        const last = res.log.at(-1) ?? '';
        this.podEvent(rt, 'Warning', 'FailedPreStopHook', `PreStopHook failed: command 'rclone copy --update /results …' exited with ${res.code}: ${last}`, 'spec.containers{main}');
      }
    });
  }

  /** init-rclone: copy PROTBENCH_REQUIRED_FILES from the bucket; inputs missing from the bucket are stood in for. */
  private download(rt: PodRuntime, container: string): void {
    const pod = this.store.get<IPod>('pods', rt.ns, rt.name);
    const init = pod?.spec?.initContainers?.find((c) => c.name === container);
    const env = init?.env ?? [];
    const files = (env.find((e) => e.name === 'PROTBENCH_REQUIRED_FILES')?.value ?? '').split('\n').map((s) => s.trim()).filter(Boolean);
    this.log(rt, container, 'rclone v1.68.1');
    this.log(rt, container, 'about to clone');
    const loc = this.rclone ? downloadLocation(init, pod?.spec?.containers[0]) : undefined;
    if (this.rclone && loc) {
      // S3 mode: copy what is really in the bucket; init-rclone finishes only once the copies are done.
      rt.busy = true;
      void this.rclone.copyDown(loc, files).then((res) => {
        for (const [rel, lines] of res.files) {
          rt.fs.write(`/results/${rel}`, lines);
          rt.synced.set(rel, lines.join('\n'));
        }
        for (const l of res.log) this.log(rt, container, l);
        this.log(rt, container, 'done cloning');
        for (const c of rt.fs.children('/results')) this.log(rt, container, c.name);
        this.log(rt, container, 'done chmoding');
        rt.busy = false;
      });
      return;
    }
    for (const f of files) {
      this.log(rt, container, `cloning to /results/${f}`);
      if (f.endsWith('/')) {
        let any = false;
        for (const [k, v] of this.bucket) {
          if (k.startsWith(f)) {
            rt.fs.write(`/results/${k}`, [...v]);
            any = true;
          }
        }
        // Inputs made upstream (setup/) always exist in the bucket; a window directory may not yet.
        if (!any && f.endsWith('/setup/')) rt.fs.write(`/results/${f}${f.split('/')[0]}-umbrella-openmm-system.xml`, ['<?xml version="1.0" ?>', '<System/>']);
        if (!any) this.log(rt, container, `2024/11/22 10:00:00 ERROR : : error reading source root directory: directory not found`);
      } else {
        const v = this.bucket.get(f);
        rt.fs.write(`/results/${f}`, v ? [...v] : [`(simulated input ${f})`]);
      }
    }
    if (rt.window) rt.fs.write(`${windowDir(rt.window)}/.keep`, []);
    this.log(rt, container, 'done cloning');
    for (const c of rt.fs.children('/results')) this.log(rt, container, c.name);
    this.log(rt, container, 'done chmoding');
  }

  private writePod(rt: PodRuntime): void {
    const pod = this.store.get<IPod>('pods', rt.ns, rt.name);
    if (!pod) return;
    const now = isoNow();
    const scheduled = !!rt.node;
    const initialized = !!rt.initializedAt;
    const ready = rt.stage === 'main' && rt.main.ready;
    const conds: IPodCondition[] = [];
    if (rt.reason === 'Evicted') conds.push({ type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message: rt.message, lastTransitionTime: now });
    if (scheduled) {
      conds.push({ type: 'PodReadyToStartContainers', status: rt.stage === 'done' ? 'False' : 'True', lastTransitionTime: rt.startTime });
      conds.push({ type: 'Initialized', status: initialized ? 'True' : 'False', lastTransitionTime: rt.initializedAt ?? rt.startTime, ...(initialized ? {} : { reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${rt.init.filter((c) => !c.state?.terminated).map((c) => c.name).join(' ')}]` }) });
      const readyCond = (type: string): IPodCondition =>
        ready
          ? { type, status: 'True', lastTransitionTime: rt.readyAt }
          : { type, status: 'False', reason: rt.phase === 'Succeeded' ? 'PodCompleted' : 'ContainersNotReady', message: rt.phase ? undefined : 'containers with unready status: [main]', lastTransitionTime: now };
      conds.push(readyCond('Ready'), readyCond('ContainersReady'));
      conds.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: rt.startTime });
    } else {
      conds.push({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: rt.schedMessage, lastTransitionTime: now });
    }
    const phase = rt.phase ?? (rt.stage === 'main' || rt.stage === 'backoff' || rt.stage === 'stopping' ? 'Running' : 'Pending');
    const node = rt.node ? this.store.get<INode>('nodes', undefined, rt.node) : undefined;
    pod.status = {
      phase,
      conditions: conds,
      qosClass: 'Guaranteed',
      ...(rt.reason ? { reason: rt.reason, message: rt.message } : {}),
      ...(scheduled
        ? {
            hostIP: node?.status?.addresses?.[0]?.address,
            hostIPs: [{ ip: node?.status?.addresses?.[0]?.address ?? '' }],
            ...(rt.phase === 'Failed' && rt.reason === 'Evicted' ? {} : { podIP: rt.podIP, podIPs: [{ ip: rt.podIP ?? '' }] }),
            startTime: rt.startTime,
            initContainerStatuses: clone(rt.init),
            containerStatuses: [clone(rt.main)],
          }
        : {}),
    };
    this.store.update('pods', pod);
  }
}
