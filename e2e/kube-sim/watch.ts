// Watch streams: newline-delimited JSON `{type, object}` over a chunked 200 response, as the API server sends them.
// resourceVersion semantics: unset or "0" starts with synthetic ADDED events for the current state; N replays
// every change after N; N older than the kept history yields one ERROR event carrying a 410 Expired Status and
// the stream ends (clients must re-list). Bookmarks carry only metadata.resourceVersion.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchesFields, matchesLabels, type FieldRequirement, type Requirement } from './selectors.js';
import { RESOURCE_INFO, type Change, type KObject, type Resource, type Store } from './store.js';
import { statusFailure } from './util.js';

export interface WatchRequest {
  resource: Resource;
  namespace?: string;
  name?: string;
  labels: Requirement[];
  fields: FieldRequirement[];
  resourceVersion?: string;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  /** Table conversion for kubectl; identity otherwise. */
  transform: (o: KObject, first: boolean) => unknown;
}

export class WatchHub {
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly store: Store,
    /** Real milliseconds between BOOKMARK events on streams that asked for them. */
    public bookmarkMs = 3000,
  ) {}

  get openCount(): number {
    return this.open.size;
  }

  private matches(w: WatchRequest, o: KObject): boolean {
    if (w.namespace !== undefined && o.metadata?.namespace !== w.namespace) return false;
    if (w.name !== undefined && o.metadata?.name !== w.name) return false;
    return matchesLabels(w.labels, o.metadata?.labels) && matchesFields(w.fields, o);
  }

  serve(req: IncomingMessage, res: ServerResponse, w: WatchRequest): void {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    let first = true;
    const send = (type: string, object: unknown) => {
      res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const sendChange = (c: Change) => {
      if (c.resource !== w.resource || !this.matches(w, c.object)) return;
      send(c.type, w.transform(c.object, first));
      first = false;
    };

    const rvParam = w.resourceVersion;
    if (rvParam === undefined || rvParam === '' || rvParam === '0') {
      for (const o of this.store.list(w.resource)) if (this.matches(w, o)) sendChange({ rv: 0, resource: w.resource, type: 'ADDED', object: o });
    } else {
      const rv = Number(rvParam);
      const replay = Number.isFinite(rv) ? this.store.since(rv) : 'expired';
      if (replay === 'expired') {
        const oldest = this.store.oldestReplayableRv;
        send('ERROR', statusFailure(410, 'Expired', `too old resource version: ${rvParam} (${oldest})`));
        res.end();
        return;
      }
      for (const c of replay) sendChange(c);
    }

    const unsubscribe = this.store.subscribe(sendChange);
    const bookmarkTimer = w.allowBookmarks
      ? setInterval(() => {
          const info = RESOURCE_INFO[w.resource];
          send('BOOKMARK', { kind: info.kind, apiVersion: info.apiVersion, metadata: { resourceVersion: String(this.store.resourceVersion) } });
        }, this.bookmarkMs)
      : undefined;
    // Real servers end every watch after timeoutSeconds (default: a random 30–60 minutes).
    const endTimer = setTimeout(() => res.end(), (w.timeoutSeconds ?? 1800 + Math.floor(Math.random() * 1800)) * 1000);
    bookmarkTimer?.unref();
    endTimer.unref();
    this.open.add(res);
    const cleanup = () => {
      unsubscribe();
      if (bookmarkTimer) clearInterval(bookmarkTimer);
      clearTimeout(endTimer);
      this.open.delete(res);
    };
    res.on('close', cleanup);
    req.on('close', cleanup);
  }

  /** Abruptly cut every open watch (no final chunk): clients see the connection drop mid-stream. */
  dropAll(): number {
    const n = this.open.size;
    for (const res of [...this.open]) {
      res.socket?.destroy();
      res.destroy();
    }
    this.open.clear();
    return n;
  }

  /** End every open watch cleanly (server shutdown). */
  endAll(): void {
    for (const res of [...this.open]) res.end();
    this.open.clear();
  }
}
