// The three watches of one namespace that follow every SimDeck window there: Jobs and Pods selected by the
// managed-by label, and pod Events (scheduling failures such as "no node with a free CUDA 12.4 GPU"). They keep an
// in-memory picture and say which Job a change touched; nothing is polled per window.
import { type KubeConfig, type CoreV1Event, type V1Job, type V1Pod } from '@kubernetes/client-node';
import type { KubeClients } from '../client.js';
import { ResourceWatch, type WatchCounters, type WatchState } from '../watch.js';
import { LABEL_MANAGED_BY, MANAGED_BY } from '../umbrella/manifest.js';

const SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;

export interface NamespaceWatchOptions {
  onTouched(jobNames: string[]): void;
  onState?(state: WatchState): void;
  backoff?: { initialMs?: number; maxMs?: number };
  timeoutSeconds?: number;
}

export class NamespaceWatch {
  readonly jobs = new Map<string, V1Job>();
  private readonly pods = new Map<string, V1Pod>();
  /** Last warning event per pod (FailedScheduling, BackOff, …). */
  private readonly podEvents = new Map<string, string>();
  private readonly watches: ResourceWatch<{ metadata?: { name?: string } }>[] = [];

  constructor(
    readonly k: KubeClients,
    private readonly o: NamespaceWatchOptions,
  ) {
    const ns = k.namespace;
    const kc: KubeConfig = k.kc;
    const common = { kc, backoff: o.backoff, timeoutSeconds: o.timeoutSeconds, onState: o.onState };
    this.watches.push(
      new ResourceWatch<V1Job>({
        ...common,
        path: `/apis/batch/v1/namespaces/${encodeURIComponent(ns)}/jobs`,
        labelSelector: SELECTOR,
        list: () => k.batch.listNamespacedJob({ namespace: ns, labelSelector: SELECTOR }),
        onSync: (items) => this.sync(this.jobs, items, (j) => j.metadata?.name),
        onEvent: (type, job) => this.apply(this.jobs, type, job, job.metadata?.name),
      }) as ResourceWatch<{ metadata?: { name?: string } }>,
      new ResourceWatch<V1Pod>({
        ...common,
        path: `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`,
        labelSelector: SELECTOR,
        list: () => k.core.listNamespacedPod({ namespace: ns, labelSelector: SELECTOR }),
        onSync: (items) => this.sync(this.pods, items, (p) => p.metadata?.name, (p) => jobOfPod(p)),
        onEvent: (type, pod) => this.apply(this.pods, type, pod, pod.metadata?.name, jobOfPod(pod)),
      }) as ResourceWatch<{ metadata?: { name?: string } }>,
      new ResourceWatch<CoreV1Event>({
        ...common,
        path: `/api/v1/namespaces/${encodeURIComponent(ns)}/events`,
        fieldSelector: 'involvedObject.kind=Pod',
        list: () => k.core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.kind=Pod' }),
        onSync: (items) => items.forEach((e) => this.event(e, false)),
        onEvent: (type, e) => type !== 'DELETED' && this.event(e, true),
      }) as ResourceWatch<{ metadata?: { name?: string } }>,
    );
  }

  start(): void {
    for (const w of this.watches) w.start();
  }

  stop(): void {
    for (const w of this.watches) w.stop();
  }

  get state(): WatchState {
    const states = this.watches.map((w) => w.state);
    return states.find((s) => s.state === 'reconnecting') ?? states.find((s) => s.state !== 'watching') ?? states[0]!;
  }

  get counters(): WatchCounters {
    const sum: WatchCounters = { lists: 0, watches: 0, events: 0, relistsAfterGone: 0, resumes: 0 };
    for (const w of this.watches) for (const k of Object.keys(sum) as (keyof WatchCounters)[]) sum[k] += w.counters[k];
    return sum;
  }

  podsOf(jobName: string): V1Pod[] {
    return [...this.pods.values()].filter((p) => jobOfPod(p) === jobName);
  }

  eventFor(pod: string | null): string {
    return pod ? (this.podEvents.get(pod) ?? '') : '';
  }

  private sync<T>(map: Map<string, T>, items: T[], nameOf: (t: T) => string | undefined, jobOf: (t: T) => string | null = (t) => nameOf(t) ?? null): void {
    const touched = new Set<string>();
    for (const [, t] of map) {
      const j = jobOf(t);
      if (j) touched.add(j);
    }
    map.clear();
    for (const t of items) {
      const n = nameOf(t);
      if (!n) continue;
      map.set(n, t);
      const j = jobOf(t);
      if (j) touched.add(j);
    }
    if (touched.size) this.o.onTouched([...touched]);
  }

  private apply<T>(map: Map<string, T>, type: string, obj: T, name: string | undefined, job: string | null = name ?? null): void {
    if (!name) return;
    if (type === 'DELETED') map.delete(name);
    else map.set(name, obj);
    if (job) this.o.onTouched([job]);
  }

  private event(e: CoreV1Event, live: boolean): void {
    const pod = e.involvedObject?.name;
    if (!pod || e.type !== 'Warning') return;
    this.podEvents.set(pod, `${e.reason ?? ''}: ${e.message ?? ''}`.trim());
    const p = this.pods.get(pod);
    const job = p ? jobOfPod(p) : null;
    if (live && job) this.o.onTouched([job]);
  }
}

export function jobOfPod(p: V1Pod): string | null {
  return p.metadata?.labels?.['job-name'] ?? p.metadata?.ownerReferences?.find((o) => o.kind === 'Job')?.name ?? null;
}
