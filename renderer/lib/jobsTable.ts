// The Jobs table's data work, kept out of render: an index built once per job list (lower-cased search text,
// natural sort keys, group keys), then filter → sort → group over integer indices only. Rows come back as an
// Int32Array: a value ≥ 0 is a job index, −(g+1) is the header of group g.
import { JobState, type Job } from '../../shared/domain.js';
import type { SortDir } from './sort.js';

export type JobSortKey = 'name' | 'cluster' | 'remote' | 'state' | 'partition' | 'attempts' | 'updated';
export type JobGroupBy = 'none' | 'cluster' | 'array' | 'folder' | 'state';

export const GROUP_BY_LABELS: Record<JobGroupBy, string> = {
  none: 'No grouping',
  cluster: 'Cluster',
  array: 'Array',
  folder: 'Model (folder)',
  state: 'State',
};

const STATE_ORDER = new Map<string, number>(JobState.options.map((s, i) => [s, i]));

export interface JobIndex {
  jobs: readonly Job[];
  ids: string[];
  search: string[];
  cluster: string[];
  remote: string[];
  partition: string[];
  array: string[];
  folder: string[];
  /** Natural sort keys (digit runs zero-padded), computed on first use per column. */
  keys: Partial<Record<JobSortKey, string[] | Float64Array>>;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** Array task ids read "123_4", like squeue. */
export function displayRemoteId(job: Pick<Job, 'remoteId' | 'details'>): string {
  const parent = str(job.details.arrayJobId);
  const task = str(job.details.arrayTaskId);
  if (parent && task) return `${parent}_${task}`;
  return job.remoteId ?? '';
}

/** details.folder may be "a/b/c" or ["a","b","c"]. */
export function folderOf(job: Pick<Job, 'details'>): string {
  const f = job.details.folder;
  if (Array.isArray(f)) return f.map(str).filter(Boolean).join('/');
  return str(f);
}

export function indexJobs(jobs: readonly Job[], clusterNames: ReadonlyMap<string, string>): JobIndex {
  const n = jobs.length;
  const ix: JobIndex = {
    jobs,
    ids: new Array<string>(n),
    search: new Array<string>(n),
    cluster: new Array<string>(n),
    remote: new Array<string>(n),
    partition: new Array<string>(n),
    array: new Array<string>(n),
    folder: new Array<string>(n),
    keys: {},
  };
  for (let i = 0; i < n; i++) {
    const j = jobs[i]!;
    const remote = displayRemoteId(j);
    ix.ids[i] = j.id;
    ix.cluster[i] = j.targetId ? (clusterNames.get(j.targetId) ?? j.targetId) : '—';
    ix.remote[i] = remote;
    ix.partition[i] = str(j.details.partition);
    ix.array[i] = str(j.details.arrayJobId);
    ix.folder[i] = folderOf(j);
    ix.search[i] = `${j.name}\n${remote}\n${j.remoteId ?? ''}\n${j.reason ?? ''}`.toLowerCase();
  }
  return ix;
}

export interface JobFilter {
  text: string;
  /** Empty = every state. */
  states: ReadonlySet<string>;
  /** targetId, or '' for every cluster. */
  cluster: string;
}

export function filterJobs(ix: JobIndex, f: JobFilter): Int32Array {
  const text = f.text.trim().toLowerCase();
  const terms = text ? text.split(/\s+/) : [];
  const useStates = f.states.size > 0;
  const out = new Int32Array(ix.jobs.length);
  let k = 0;
  for (let i = 0; i < ix.jobs.length; i++) {
    const j = ix.jobs[i]!;
    if (f.cluster && j.targetId !== f.cluster) continue;
    if (useStates && !f.states.has(j.state)) continue;
    if (terms.length) {
      const s = ix.search[i]!;
      let ok = true;
      for (const t of terms) {
        if (!s.includes(t)) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
    }
    out[k++] = i;
  }
  return out.slice(0, k);
}

const naturalKey = (s: string) => s.toLowerCase().replace(/\d+/g, (d) => d.padStart(12, '0'));

function sortKeys(ix: JobIndex, key: JobSortKey): string[] | Float64Array {
  const cached = ix.keys[key];
  if (cached) return cached;
  const n = ix.jobs.length;
  let keys: string[] | Float64Array;
  if (key === 'attempts' || key === 'state') {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = key === 'attempts' ? ix.jobs[i]!.attempts : (STATE_ORDER.get(ix.jobs[i]!.state) ?? 99);
    keys = a;
  } else {
    const a = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const j = ix.jobs[i]!;
      a[i] =
        key === 'name' ? naturalKey(j.name)
        : key === 'cluster' ? naturalKey(ix.cluster[i]!)
        : key === 'remote' ? naturalKey(ix.remote[i]!)
        : key === 'partition' ? naturalKey(ix.partition[i]!)
        : j.updatedAt;
    }
    keys = a;
  }
  ix.keys[key] = keys;
  return keys;
}

/** Stable sort of indices; empty strings go last in both directions. */
export function sortJobs(ix: JobIndex, indices: Int32Array, key: JobSortKey | null, dir: SortDir): Int32Array {
  const out = Int32Array.from(indices);
  if (!key) return out;
  const keys = sortKeys(ix, key);
  const sign = dir === 'asc' ? 1 : -1;
  if (keys instanceof Float64Array) {
    out.sort((a, b) => (keys[a]! - keys[b]!) * sign || a - b);
  } else {
    out.sort((a, b) => {
      const x = keys[a]!;
      const y = keys[b]!;
      if (x === y) return a - b;
      if (!x) return 1;
      if (!y) return -1;
      return (x < y ? -1 : 1) * sign;
    });
  }
  return out;
}

export interface JobGroup {
  key: string;
  label: string;
  count: number;
  /** Job indices of the group, in display order. */
  members: Int32Array;
}

export interface JobRows {
  rows: Int32Array;
  groups: JobGroup[];
}

export function groupKeyOf(ix: JobIndex, i: number, by: JobGroupBy): string {
  switch (by) {
    case 'cluster':
      return ix.cluster[i]!;
    case 'array':
      return ix.array[i]!;
    case 'folder':
      return ix.folder[i]!;
    case 'state':
      return ix.jobs[i]!.state;
    default:
      return '';
  }
}

function groupLabel(by: JobGroupBy, key: string): string {
  if (key) return by === 'array' ? `array ${key}` : key;
  return by === 'array' ? 'not an array' : by === 'folder' ? 'no folder' : '—';
}

/** Sorted indices → display rows; groups keep first-appearance order (so they follow the sort), collapsed ones show only their header. */
export function groupJobs(ix: JobIndex, sorted: Int32Array, by: JobGroupBy, collapsed: ReadonlySet<string>): JobRows {
  if (by === 'none') return { rows: sorted, groups: [] };
  const order: string[] = [];
  const buckets = new Map<string, number[]>();
  for (let k = 0; k < sorted.length; k++) {
    const i = sorted[k]!;
    const key = groupKeyOf(ix, i, by);
    let b = buckets.get(key);
    if (!b) {
      b = [];
      buckets.set(key, b);
      order.push(key);
    }
    b.push(i);
  }
  if (by === 'state') order.sort((a, b) => (STATE_ORDER.get(a) ?? 99) - (STATE_ORDER.get(b) ?? 99));
  let size = order.length;
  for (const key of order) if (!collapsed.has(key)) size += buckets.get(key)!.length;
  const rows = new Int32Array(size);
  const groups: JobGroup[] = [];
  let r = 0;
  order.forEach((key, g) => {
    const members = Int32Array.from(buckets.get(key)!);
    groups.push({ key, label: groupLabel(by, key), count: members.length, members });
    rows[r++] = -(g + 1);
    if (!collapsed.has(key)) {
      rows.set(members, r);
      r += members.length;
    }
  });
  return { rows, groups };
}

/** Job ids of the rows (headers skipped), for selection ranges and "select all filtered". */
export function idsOf(ix: JobIndex, indices: Int32Array): string[] {
  const out: string[] = [];
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (i >= 0) out.push(ix.ids[i]!);
  }
  return out;
}
