// The resumable watch against a scripted API: resume from the last resourceVersion after a drop (no re-list),
// re-list after 410 Gone, back off on errors, bookmarks move the version without events.
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { ResourceWatch, type KubeObject } from './watch.js';

type Cb = (type: string, obj: unknown) => void;
interface Call {
  query: Record<string, unknown>;
  cb: Cb;
  done: (err: unknown) => void;
  aborted: boolean;
}

class ScriptedWatcher {
  calls: Call[] = [];
  async watch(_path: string, query: Record<string, unknown>, cb: Cb, done: (err: unknown) => void): Promise<AbortController> {
    const c = new AbortController();
    const call: Call = { query, cb, done, aborted: false };
    c.signal.addEventListener('abort', () => (call.aborted = true));
    this.calls.push(call);
    return c;
  }
  get last(): Call {
    return this.calls[this.calls.length - 1]!;
  }
}

const obj = (name: string, rv: string): KubeObject => ({ metadata: { name, resourceVersion: rv } });
const tick = () => new Promise((r) => setTimeout(r, 5));

let w: ResourceWatch<KubeObject> | null = null;
afterEach(() => w?.stop());

function setup(lists: { items: KubeObject[]; rv: string }[]) {
  const watcher = new ScriptedWatcher();
  const synced: string[][] = [];
  const events: string[] = [];
  const states: string[] = [];
  let n = 0;
  w = new ResourceWatch<KubeObject>({
    kc: new KubeConfig(),
    path: '/apis/batch/v1/namespaces/ns/jobs',
    labelSelector: 'app.kubernetes.io/managed-by=simdeck',
    list: async () => {
      const l = lists[Math.min(n++, lists.length - 1)]!;
      return { items: l.items, metadata: { resourceVersion: l.rv } };
    },
    onSync: (items) => synced.push(items.map((i) => i.metadata!.name!)),
    onEvent: (type, o) => events.push(`${type} ${o.metadata!.name} @${o.metadata!.resourceVersion}`),
    onState: (s) => states.push(s.state),
    backoff: { initialMs: 10, maxMs: 20 },
    watcher,
  });
  return { watcher, synced, events, states };
}

describe('ResourceWatch', () => {
  it('lists once, watches from the list version, and resumes from the last event after a drop', async () => {
    const { watcher, synced, events } = setup([{ items: [obj('a', '5')], rv: '10' }]);
    w!.start();
    await tick();
    expect(synced).toEqual([['a']]);
    expect(watcher.last.query).toMatchObject({ resourceVersion: '10', allowWatchBookmarks: true, labelSelector: 'app.kubernetes.io/managed-by=simdeck' });
    watcher.last.cb('ADDED', obj('b', '11'));
    watcher.last.cb('MODIFIED', obj('a', '12'));
    watcher.last.cb('BOOKMARK', { metadata: { resourceVersion: '15' } });
    watcher.last.done(null); // the stream ended (timeout, proxy)
    await tick();
    expect(events).toEqual(['ADDED b @11', 'MODIFIED a @12']);
    expect(watcher.calls).toHaveLength(2);
    expect(watcher.last.query.resourceVersion).toBe('15'); // the bookmark's version, not the list's
    expect(w!.counters).toMatchObject({ lists: 1, watches: 2, resumes: 1, relistsAfterGone: 0 });
  });

  it('re-lists after 410 Gone (ERROR event) and replaces what it knew', async () => {
    const { watcher, synced } = setup([
      { items: [obj('a', '5'), obj('b', '6')], rv: '10' },
      { items: [obj('b', '30')], rv: '40' },
    ]);
    w!.start();
    await tick();
    watcher.last.cb('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 10 (35)' });
    watcher.last.done(null);
    await tick();
    expect(synced).toEqual([['a', 'b'], ['b']]);
    expect(watcher.last.query.resourceVersion).toBe('40');
    expect(w!.counters).toMatchObject({ lists: 2, relistsAfterGone: 1 });
  });

  it('backs off on errors and resumes from the same version, without re-listing', async () => {
    const { watcher, states } = setup([{ items: [], rv: '10' }]);
    w!.start();
    await tick();
    watcher.last.cb('ADDED', obj('x', '12'));
    watcher.last.done(new Error('connect ECONNREFUSED 127.0.0.1:6443'));
    expect(w!.state.state).toBe('reconnecting');
    expect(w!.state.detail).toMatch(/ECONNREFUSED.*Next try at/);
    await new Promise((r) => setTimeout(r, 40));
    expect(watcher.calls).toHaveLength(2);
    expect(watcher.last.query.resourceVersion).toBe('12');
    expect(w!.counters.lists).toBe(1);
    expect(states).toContain('watching');
  });

  it('stop() aborts the open watch and ignores late callbacks', async () => {
    const { watcher, events } = setup([{ items: [], rv: '1' }]);
    w!.start();
    await tick();
    const open = watcher.last;
    w!.stop();
    expect(open.aborted).toBe(true);
    open.cb('ADDED', obj('late', '2'));
    open.done(null);
    await tick();
    expect(events).toEqual([]);
    expect(watcher.calls).toHaveLength(1);
    expect(w!.state.state).toBe('stopped');
  });
});
