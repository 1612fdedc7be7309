// core/v1 Events as kubelet, scheduler and job-controller write them. Repeats of the same reason and message
// for the same object are aggregated (count, lastTimestamp), as the client-go event recorder does, so
// `kubectl describe` shows "x3 over 2m" rather than a wall of duplicates.
import type { IEvent } from 'kubernetes-models/v1/Event';
import type { KObject, Store } from './store.js';
import { isoNow, type Rng } from './util.js';

export interface Involved {
  kind: string;
  apiVersion: string;
  obj: KObject;
  fieldPath?: string;
}

export class EventRecorder {
  /** involved uid|fieldPath|reason|message → event name, so aggregation does not scan every event. */
  private readonly index = new Map<string, string>();
  constructor(
    private readonly store: Store,
    private readonly rng: Rng,
  ) {}

  record(
    inv: Involved,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    source: { component: string; host?: string },
  ): void {
    const meta = inv.obj.metadata ?? {};
    const ns = meta.namespace ?? 'default';
    const key = `${meta.uid}|${inv.fieldPath ?? ''}|${reason}|${message}`;
    const known = this.index.get(key);
    const existing = known ? this.store.get<IEvent>('events', ns, known) : undefined;
    const now = isoNow();
    if (existing) {
      existing.count = (existing.count ?? 1) + 1;
      existing.lastTimestamp = now;
      this.store.update('events', existing);
      return;
    }
    const ev: IEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${meta.name ?? 'unknown'}.${this.rng.hex(16)}`, namespace: ns },
      involvedObject: {
        kind: inv.kind,
        apiVersion: inv.apiVersion,
        namespace: meta.namespace,
        name: meta.name,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
        ...(inv.fieldPath ? { fieldPath: inv.fieldPath } : {}),
      },
      reason,
      message,
      source: source.host ? { component: source.component, host: source.host } : { component: source.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    this.store.create('events', ev);
    this.index.set(key, ev.metadata.name ?? '');
  }
}
