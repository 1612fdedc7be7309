// Pure helpers for cluster files: the kept text of a live output tail (capped), byte sizes, path parts, transfer
// progress.
import type { TailChunk, Transfer } from '../../shared/files.js';

/** What an output tail keeps on screen: about the last 1 MB of text. */
export const TAIL_KEEP_CHARS = 1024 * 1024;

export interface TailText {
  text: string;
  /** Byte offset to continue from (the previous chunk's end), or null before the first read. */
  end: number | null;
  /** Text was dropped at the start to stay under the cap. */
  clipped: boolean;
}

export const EMPTY_TAIL: TailText = { text: '', end: null, clipped: false };

/** Adds a chunk: replaces on reset (or the first read), appends otherwise; keeps at most `keep` characters, from a line start. */
export function applyChunk(prev: TailText, chunk: TailChunk, keep = TAIL_KEEP_CHARS): TailText {
  if (!chunk.exists) return { text: '', end: null, clipped: false };
  const replace = chunk.reset || prev.end === null;
  let text = replace ? chunk.text : prev.text + chunk.text;
  let clipped = replace ? chunk.start > 0 : prev.clipped;
  if (text.length > keep) {
    let cut = text.length - keep;
    const nl = text.indexOf('\n', cut);
    if (nl !== -1 && nl - cut < 4096) cut = nl + 1;
    text = text.slice(cut);
    clipped = true;
  }
  return { text, end: chunk.end, clipped };
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** "512 B", "1.5 KB", "23 MB" (powers of 1024). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${UNITS[u]}`;
}

/** Parent folder of an absolute remote path ("/a/b" → "/a", "/a" → "/"). */
export function parentPath(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const i = trimmed.lastIndexOf('/');
  if (i <= 0) return trimmed.startsWith('/') ? '/' : trimmed;
  return trimmed.slice(0, i);
}

/** Breadcrumb parts of an absolute path: [{ name: "/", path: "/" }, { name: "a", path: "/a" }, …]. */
export function pathCrumbs(path: string): { name: string; path: string }[] {
  if (!path.startsWith('/')) return [{ name: path, path }];
  const parts = path.split('/').filter(Boolean);
  const out = [{ name: '/', path: '/' }];
  let acc = '';
  for (const p of parts) {
    acc += `/${p}`;
    out.push({ name: p, path: acc });
  }
  return out;
}

/** 0…1, or null while the size is unknown. */
export function transferFraction(t: Pick<Transfer, 'bytesDone' | 'bytesTotal'>): number | null {
  if (t.bytesTotal === null) return null;
  if (t.bytesTotal === 0) return 1;
  return Math.max(0, Math.min(1, t.bytesDone / t.bytesTotal));
}

/** Newest first by creation time; a changed transfer replaces the one with its id. */
export function upsertTransfer(list: readonly Transfer[], t: Transfer): Transfer[] {
  const rest = list.filter((x) => x.id !== t.id);
  return [t, ...rest].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}
