// One long-lived watch of one resource type in one namespace (Jobs, Pods, Events), label-selected, instead of polling
// every window. The protocol, as the API server defines it:
//   list → remember metadata.resourceVersion → watch from there; every event (and BOOKMARK) moves the version on.
//   The stream drops (timeout, proxy, network) → watch again FROM THE LAST VERSION: no re-list, nothing missed.
//   The server no longer has that version (410 Gone / "Expired", as an ERROR event or an HTTP 410) → list again.
// Reconnects back off exponentially (1 s doubling to 60 s, jitter); the state says "watching", "reconnecting" (why,
// when) or "stopped". Counters of list and watch requests feed the umbrella-watch benchmark.
import { Watch, type KubeConfig } from '@kubernetes/client-node';

export interface KubeObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string; labels?: Record<string, string> };
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ResourceWatchOptions<T extends KubeObject> {
  kc: KubeConfig;
  /** e.g. /apis/batch/v1/namespaces/ns/jobs */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** The matching list call (same selectors): items and the list's resourceVersion. */
  list(): Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>;
  /** Replaces everything known (after each list): items missing here were deleted while SimDeck was away. */
  onSync(items: T[]): void;
  onEvent(type: WatchEventType, obj: T): void;
  onState?(state: WatchState): void;
  backoff?: { initialMs?: number; maxMs?: number };
  /** Server-side timeout of one watch request (the server closes it; SimDeck resumes). Default 300 s. */
  timeoutSeconds?: number;
  /** For tests and the benchmark: replaces the client-node Watch. */
  watcher?: Pick<Watch, 'watch'>;
}

export interface WatchState {
  state: 'listing' | 'watching' | 'reconnecting' | 'stopped';
  detail: string;
  resourceVersion: string | null;
  since: string;
}

export interface WatchCounters {
  lists: number;
  watches: number;
  events: number;
  relistsAfterGone: number;
  resumes: number;
}

const isGone = (obj: unknown): boolean => {
  const s = obj as { code?: number; reason?: string } | null;
  return s?.code === 410 || s?.reason === 'Expired' || s?.reason === 'Gone';
};

export class ResourceWatch<T extends KubeObject> {
  private rv: string | null = null;
  private abort: AbortController | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = true;
  private needList = true;
  private current: WatchState = { state: 'stopped', detail: '', resourceVersion: null, since: new Date().toISOString() };
  readonly counters: WatchCounters = { lists: 0, watches: 0, events: 0, relistsAfterGone: 0, resumes: 0 };
  private readonly watcher: Pick<Watch, 'watch'>;

  constructor(private readonly o: ResourceWatchOptions<T>) {
    this.watcher = o.watcher ?? new Watch(o.kc);
  }

  get state(): WatchState {
    return this.current;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.needList = true;
    void this.cycle();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort?.abort();
    this.abort = null;
    this.setState('stopped', '');
  }

  private async cycle(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.needList) {
        this.setState('listing', '');
        this.counters.lists++;
        const res = await this.o.list();
        if (this.stopped) return;
        this.rv = res.metadata?.resourceVersion ?? null;
        this.needList = false;
        this.o.onSync(res.items);
      }
      await this.watchFrom();
    } catch (err) {
      this.retry(err instanceof Error ? err.message : String(err), isGone(err) || (err as { statusCode?: number }).statusCode === 410);
    }
  }

  private async watchFrom(): Promise<void> {
    let gone = false;
    let sawEvent = false;
    this.counters.watches++;
    const query: Record<string, string | number | boolean | undefined> = {
      resourceVersion: this.rv ?? undefined,
      allowWatchBookmarks: true,
      timeoutSeconds: this.o.timeoutSeconds ?? 300,
      labelSelector: this.o.labelSelector,
      fieldSelector: this.o.fieldSelector,
    };
    const controller = await this.watcher.watch(
      this.o.path,
      query,
      (type, obj: T & { code?: number; reason?: string; message?: string }) => {
        if (this.stopped) return;
        if (type === 'ERROR') {
          if (isGone(obj)) gone = true;
          return;
        }
        const rv = obj?.metadata?.resourceVersion;
        if (rv) this.rv = rv;
        if (type === 'BOOKMARK') return;
        sawEvent = true;
        this.counters.events++;
        this.o.onEvent(type as WatchEventType, obj);
      },
      (err: unknown) => {
        if (this.stopped) return;
        this.abort = null;
        const status = (err as { statusCode?: number } | null)?.statusCode;
        if (gone || status === 410) {
          this.retry('the server no longer has that resource version (410 Gone); listing again', true);
          return;
        }
        if (err) {
          this.retry(err instanceof Error ? err.message : String(err), false);
          return;
        }
        // A normal end (server timeout or a dropped stream): resume from the last version at once.
        if (sawEvent) this.failures = 0;
        this.counters.resumes++;
        void this.cycle();
      },
    );
    if (this.stopped) controller.abort();
    else {
      this.abort = controller;
      this.failures = 0;
      this.setState('watching', '');
    }
  }

  private retry(reason: string, relist: boolean): void {
    if (this.stopped) return;
    if (relist) {
      this.needList = true;
      this.rv = null;
      this.counters.relistsAfterGone++;
      // A 410 is routine (history compacted): list again at once, no backoff.
      void this.cycle();
      return;
    }
    this.failures++;
    const initial = this.o.backoff?.initialMs ?? 1000;
    const max = this.o.backoff?.maxMs ?? 60_000;
    const wait = Math.round(Math.min(max, initial * 2 ** (this.failures - 1)) * (0.8 + Math.random() * 0.4));
    const at = new Date(Date.now() + wait).toISOString();
    this.setState('reconnecting', `${reason}. Next try at ${at}.`);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.cycle();
    }, wait);
    this.timer.unref?.();
  }

  private setState(state: WatchState['state'], detail: string): void {
    if (state === this.current.state && detail === this.current.detail) return;
    this.current = { state, detail, resourceVersion: this.rv, since: new Date().toISOString() };
    this.o.onState?.(this.current);
  }
}
