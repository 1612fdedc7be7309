// The simulator's etcd: every object of every kind, one global resourceVersion counter and a bounded history of
// changes. Watches replay from the history; a resourceVersion older than the history gets 410 Expired, exactly
// the situation a real client meets after etcd compaction or a long disconnect.
import type { IIoK8sApimachineryPkgApisMetaV1ObjectMeta as ObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import { ApiError, clone, isoNow, notFound, type Rng } from './util.js';

export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** The resources the simulator stores. Names are the REST plurals. */
export type Resource = 'pods' | 'jobs' | 'events' | 'nodes' | 'secrets' | 'namespaces';

export const RESOURCE_INFO: Record<Resource, { kind: string; apiVersion: string; group: string; namespaced: boolean }> = {
  pods: { kind: 'Pod', apiVersion: 'v1', group: '', namespaced: true },
  jobs: { kind: 'Job', apiVersion: 'batch/v1', group: 'batch', namespaced: true },
  events: { kind: 'Event', apiVersion: 'v1', group: '', namespaced: true },
  nodes: { kind: 'Node', apiVersion: 'v1', group: '', namespaced: false },
  secrets: { kind: 'Secret', apiVersion: 'v1', group: '', namespaced: true },
  namespaces: { kind: 'Namespace', apiVersion: 'v1', group: '', namespaced: false },
};

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  rv: number;
  resource: Resource;
  type: WatchType;
  object: KObject;
}

export class Store {
  private rv = 1;
  private readonly objects = new Map<Resource, Map<string, KObject>>();
  private history: Change[] = [];
  /** Changes at or before this resourceVersion are forgotten: watching from an older one is 410 Expired. */
  private compactedRv = 0;
  private readonly listeners = new Set<(c: Change) => void>();

  constructor(
    private readonly rng: Rng,
    /** How many changes watches can replay (the apiserver's watch cache is also bounded). */
    readonly historyLimit = 20_000,
  ) {}

  get resourceVersion(): number {
    return this.rv;
  }

  get oldestReplayableRv(): number {
    return this.compactedRv;
  }

  private bucket(resource: Resource): Map<string, KObject> {
    let m = this.objects.get(resource);
    if (!m) this.objects.set(resource, (m = new Map()));
    return m;
  }

  private static key(ns: string | undefined, name: string): string {
    return `${ns ?? ''}/${name}`;
  }

  // Reads are unconstrained so callers can name just the fields they read.
  get<T = KObject>(resource: Resource, ns: string | undefined, name: string): T | undefined {
    const o = this.bucket(resource).get(Store.key(ns, name));
    return o ? (clone(o) as T) : undefined;
  }

  mustGet<T = KObject>(resource: Resource, ns: string | undefined, name: string): T {
    const o = this.get<T>(resource, ns, name);
    if (!o) throw notFound(resource, RESOURCE_INFO[resource].group, name);
    return o;
  }

  /** Copies of every object of a kind (in one namespace if given); write back through update(). */
  list<T = KObject>(resource: Resource, ns?: string): T[] {
    const out: T[] = [];
    for (const o of this.bucket(resource).values()) {
      if (ns === undefined || o.metadata?.namespace === ns) out.push(clone(o) as T);
    }
    return out;
  }

  create<T extends KObject>(resource: Resource, obj: T): T {
    const info = RESOURCE_INFO[resource];
    const meta = (obj.metadata ??= {});
    if (!meta.name && meta.generateName) meta.name = meta.generateName + this.rng.suffix();
    if (!meta.name) throw new ApiError(422, 'Invalid', `${info.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
    if (!info.namespaced) delete meta.namespace;
    const key = Store.key(meta.namespace, meta.name);
    if (this.bucket(resource).has(key)) {
      throw new ApiError(409, 'AlreadyExists', `${info.group ? `${resource}.${info.group}` : resource} "${meta.name}" already exists`, {
        name: meta.name,
        group: info.group,
        kind: resource,
      });
    }
    obj.apiVersion = info.apiVersion;
    obj.kind = info.kind;
    meta.uid ??= this.rng.uid();
    meta.creationTimestamp ??= isoNow();
    meta.generation ??= 1;
    return this.commit(resource, 'ADDED', obj);
  }

  /** Replace an object (controller and PATCH paths). Bumps the resourceVersion like any write. */
  update<T extends KObject>(resource: Resource, obj: T): T {
    const meta = obj.metadata;
    if (!meta?.name) throw new Error('update without a name');
    if (!this.bucket(resource).has(Store.key(meta.namespace, meta.name))) {
      throw notFound(resource, RESOURCE_INFO[resource].group, meta.name);
    }
    return this.commit(resource, 'MODIFIED', obj);
  }

  delete<T extends KObject>(resource: Resource, ns: string | undefined, name: string): T {
    const existing = this.mustGet<T>(resource, ns, name);
    this.bucket(resource).delete(Store.key(ns, name));
    return this.commit(resource, 'DELETED', existing, true);
  }

  private commit<T extends KObject>(resource: Resource, type: WatchType, obj: T, removed = false): T {
    this.rv += 1;
    const stored = clone(obj);
    stored.metadata = { ...stored.metadata, resourceVersion: String(this.rv) };
    if (!removed) this.bucket(resource).set(Store.key(stored.metadata.namespace, stored.metadata.name ?? ''), stored);
    const change: Change = { rv: this.rv, resource, type, object: stored };
    this.history.push(change);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedRv = dropped[dropped.length - 1]?.rv ?? this.compactedRv;
    }
    for (const l of this.listeners) l(change);
    return clone(stored);
  }

  /**
   * Changes after `rv`, or 'expired' when some of them are no longer kept. Watching from exactly the compaction
   * point is still fine (nothing is missing).
   */
  since(rv: number): Change[] | 'expired' {
    if (rv < this.compactedRv) return 'expired';
    return this.history.filter((c) => c.rv > rv);
  }

  /** Forget all history (etcd compaction): every resourceVersion before now becomes 410 Expired for watches. */
  compact(): void {
    this.history = [];
    this.compactedRv = this.rv;
  }

  subscribe(l: (c: Change) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
