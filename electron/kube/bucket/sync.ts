// Campaign files between the laptop and the results bucket: which inputs a window lacks in the bucket,
// uploading inputs, and downloading results like `rclone copy --update` (newer only), with progress, cancel
// and resume from "<file>.simdeck-part".
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../../shared/errors.js';
import { BucketCancelled, isNetworkError, networkErrorToApiError } from './s3-client.js';
import type { ListedObject, S3Client } from './s3-client.js';

export const PART_SUFFIX = '.simdeck-part';
/** Sidecar next to a partial file: which object version the partial holds (so a resume never splices two). */
export const PART_META_SUFFIX = '.simdeck-part.json';

export interface TransferProgress {
  filesDone: number;
  filesTotal: number;
  /** Bytes of the files to transfer that are in place (a resumed partial counts from where it was). */
  bytesDone: number;
  bytesTotal: number;
  /** Bytes actually moved over the network in this run. */
  bytesTransferred: number;
  /** Key being transferred, when one is. */
  currentKey?: string;
}

export interface DownloadSummary {
  /** Keys downloaded (completely) in this run. */
  downloaded: string[];
  /** Keys that continued from a partial file. */
  resumed: string[];
  /** Objects already up to date locally. */
  upToDate: number;
  /** Keys that cannot be a local file safely ("..", "." or empty segments, backslashes); not downloaded. */
  unsafeKeys: string[];
  bytesTransferred: number;
}

export interface UploadSummary {
  uploaded: string[];
  /** Relative paths already in the bucket, same size and not older. */
  upToDate: string[];
  /** Relative paths (as given) that are not on this computer. */
  missingLocal: string[];
  bytesTransferred: number;
}

/** `prefix` + '/' + `rel`, without doubled or leading slashes. */
export function joinKey(prefix: string, rel: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, '');
  const r = rel.replace(/^\/+/, '');
  return p ? `${p}/${r}` : r;
}

/**
 * `rclone copy --update`'s decision as SimDeck applies it: download unless the local file exists, has the
 * same size and is not older than the object (compared at whole seconds, S3's precision).
 */
export function needsDownload(local: { size: number; mtimeMs: number } | null, remote: { size: number; lastModified: Date }): boolean {
  if (!local) return true;
  if (local.size !== remote.size) return true;
  return Math.floor(local.mtimeMs / 1000) < Math.floor(remote.lastModified.getTime() / 1000);
}

/** Upload side of the same rule: upload unless the object has the same size and is not older than the file. */
export function needsUpload(local: { size: number; mtimeMs: number }, remote: { size: number; mtimeMs: number } | null): boolean {
  if (!remote) return true;
  if (local.size !== remote.size) return true;
  return Math.floor(remote.mtimeMs / 1000) < Math.floor(local.mtimeMs / 1000);
}

export interface PartMeta {
  etag: string;
  size: number;
  lastModified: string;
}

/**
 * Where a download continues: from the partial's size when the partial belongs to this very object version
 * (same ETag and size) and is not longer than it; otherwise the partial is discarded and it starts again.
 */
export function resumePlan(part: { size: number } | null, meta: PartMeta | null, remote: Pick<ListedObject, 'etag' | 'size'>): { offset: number; discard: boolean } {
  if (!part) return { offset: 0, discard: false };
  if (!meta || meta.etag !== remote.etag || meta.size !== remote.size || part.size > remote.size) return { offset: 0, discard: true };
  return { offset: part.size, discard: false };
}

/** A bucket key below `prefix` as a relative local path, or null when it cannot safely be one. */
export function localRelPath(key: string, prefix: string): string | null {
  const p = prefix.replace(/^\/+|\/+$/g, '');
  const rel = p ? (key.startsWith(`${p}/`) ? key.slice(p.length + 1) : null) : key;
  if (rel === null || rel === '' || rel.includes('\\') || rel.includes('\0')) return null;
  const segs = rel.split('/');
  if (segs.some((s) => s === '' || s === '.' || s === '..')) return null;
  if (/^[A-Za-z]:/.test(rel)) return null;
  return segs.join(path.sep);
}

/** rclone's X-Amz-Meta-Mtime format: seconds with nine decimals. */
export function rcloneMtime(mtimeMs: number): string {
  const sec = Math.floor(mtimeMs / 1000);
  const ns = Math.round((mtimeMs - sec * 1000) * 1e6);
  return `${sec}.${String(Math.min(ns, 999_999_999)).padStart(9, '0')}`;
}

async function statOrNull(p: string): Promise<{ size: number; mtimeMs: number; isFile: boolean } | null> {
  try {
    const s = await fs.stat(p);
    return { size: s.size, mtimeMs: s.mtimeMs, isFile: s.isFile() };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw err;
  }
}

async function readPartMeta(p: string): Promise<PartMeta | null> {
  try {
    const v = JSON.parse(await fs.readFile(p, 'utf8')) as Partial<PartMeta>;
    return typeof v.etag === 'string' && typeof v.size === 'number' && typeof v.lastModified === 'string' ? (v as PartMeta) : null;
  } catch {
    return null;
  }
}

/** Runs `fn` over `items`, `n` at a time; the first failure stops new work and is rethrown. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        if (failed === null) failed = err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  if (failed !== null) throw failed;
}

class ProgressReporter {
  readonly p: TransferProgress;
  private last = 0;
  constructor(
    filesTotal: number,
    bytesTotal: number,
    private readonly cb: ((p: TransferProgress) => void) | undefined,
    private readonly intervalMs: number,
  ) {
    this.p = { filesDone: 0, filesTotal, bytesDone: 0, bytesTotal, bytesTransferred: 0 };
  }
  emit(force = false, currentKey?: string): void {
    if (!this.cb) return;
    const now = Date.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    const { currentKey: _drop, ...rest } = this.p;
    this.cb({ ...rest, ...(currentKey ? { currentKey } : {}) });
  }
}

async function inputExists(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<boolean> {
  if (key.endsWith('/')) {
    const page = await client.listObjectsPage(bucket, key, { maxKeys: 1, signal });
    return page.objects.length > 0;
  }
  return (await client.head(bucket, key, { signal })) !== null;
}

/**
 * The entries of `requiredPaths` (relative to `prefix`; a trailing "/" is a folder, present when any object is
 * under it) that are not in the bucket, in the order given.
 */
export async function missingInputs(
  client: S3Client,
  bucket: string,
  prefix: string,
  requiredPaths: string[],
  opts: { signal?: AbortSignal; concurrency?: number } = {},
): Promise<string[]> {
  const byWindow = await missingInputsByWindow(client, bucket, prefix, { all: requiredPaths }, opts);
  return byWindow.all ?? [];
}

/** The same per window (`window id → expanded required paths`); every window is in the answer. */
export async function missingInputsByWindow(
  client: S3Client,
  bucket: string,
  prefix: string,
  perWindow: Record<string, string[]>,
  opts: { signal?: AbortSignal; concurrency?: number } = {},
): Promise<Record<string, string[]>> {
  const unique = [...new Set(Object.values(perWindow).flat())];
  const exists = new Map<string, boolean>();
  await pool(unique, opts.concurrency ?? 8, async (rel) => {
    exists.set(rel, await inputExists(client, bucket, joinKey(prefix, rel), opts.signal));
  });
  const out: Record<string, string[]> = {};
  for (const [w, paths] of Object.entries(perWindow)) out[w] = paths.filter((p) => !exists.get(p));
  return out;
}

async function walkFiles(root: string, rel: string, out: string[]): Promise<void> {
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) await walkFiles(root, r, out);
    else if (e.isFile() && !e.name.endsWith(PART_SUFFIX) && !e.name.endsWith(PART_META_SUFFIX)) out.push(r);
  }
}

/**
 * Uploads `relPaths` (relative to `localDir` and to `prefix`; a trailing "/" uploads a folder's files) unless
 * the bucket already has them at the same size and not older (rclone's --update). Uploads record the file's
 * mtime as rclone does (x-amz-meta-mtime), so rclone in the pods sees the right times.
 */
export async function uploadInputs(
  client: S3Client,
  localDir: string,
  bucket: string,
  prefix: string,
  relPaths: string[],
  onProgress?: (p: TransferProgress) => void,
  opts: { signal?: AbortSignal; concurrency?: number; progressIntervalMs?: number } = {},
): Promise<UploadSummary> {
  const summary: UploadSummary = { uploaded: [], upToDate: [], missingLocal: [], bytesTransferred: 0 };
  const files: { rel: string; size: number; mtimeMs: number }[] = [];
  const seen = new Set<string>();
  for (const entry of relPaths) {
    const clean = entry.replace(/^\/+/, '');
    if (clean.split('/').some((s) => s === '..')) {
      throw new ApiError('INVALID_INPUT', `The input path "${entry}" leaves the campaign folder ("..").`);
    }
    const rels: string[] = [];
    if (clean.endsWith('/')) {
      const dir = await statOrNull(path.join(localDir, clean));
      if (!dir || dir.isFile) {
        summary.missingLocal.push(entry);
        continue;
      }
      await walkFiles(localDir, clean.replace(/\/+$/, ''), rels);
    } else {
      rels.push(clean);
    }
    for (const rel of rels) {
      if (seen.has(rel)) continue;
      seen.add(rel);
      const st = await statOrNull(path.join(localDir, ...rel.split('/')));
      if (!st || !st.isFile) summary.missingLocal.push(rel);
      else files.push({ rel, size: st.size, mtimeMs: st.mtimeMs });
    }
  }
  const todo: typeof files = [];
  await pool(files, opts.concurrency ?? 8, async (f) => {
    const head = await client.head(bucket, joinKey(prefix, f.rel), { signal: opts.signal });
    const metaMtime = head ? Number(head.metadata.mtime) : NaN;
    const remote = head ? { size: head.size, mtimeMs: Number.isFinite(metaMtime) ? metaMtime * 1000 : head.lastModified.getTime() } : null;
    if (needsUpload(f, remote)) todo.push(f);
    else summary.upToDate.push(f.rel);
  });
  const rep = new ProgressReporter(todo.length, todo.reduce((a, f) => a + f.size, 0), onProgress, opts.progressIntervalMs ?? 200);
  rep.emit(true);
  await pool(todo, opts.concurrency ?? 4, async (f) => {
    const key = joinKey(prefix, f.rel);
    let last = 0;
    await client.putObject(bucket, key, createReadStream(path.join(localDir, ...f.rel.split('/'))), f.size, {
      signal: opts.signal,
      metadata: { mtime: rcloneMtime(f.mtimeMs) },
      onProgress: (sent) => {
        rep.p.bytesDone += sent - last;
        rep.p.bytesTransferred += sent - last;
        summary.bytesTransferred += sent - last;
        last = sent;
        rep.emit(false, key);
      },
    });
    rep.p.filesDone += 1;
    summary.uploaded.push(f.rel);
    rep.emit(true);
  });
  return summary;
}

export interface DownloadOptions {
  onProgress?: (p: TransferProgress) => void;
  signal?: AbortSignal;
  /** Files downloaded at once (default 4). */
  concurrency?: number;
  /** Minimum time between progress callbacks (default 200 ms; 0: every chunk). File completions always report. */
  progressIntervalMs?: number;
  /** Only keys (relative to the prefix) this accepts. */
  filter?: (relKey: string) => boolean;
  /** Listing page size (tests force pagination with small values). */
  maxKeys?: number;
}

/**
 * `rclone copy --update bucket/prefix localDir`: every object under `prefix` that is missing locally, differs in
 * size or is newer than the local file goes to "<file>.simdeck-part" (continuing a partial of the same object
 * version with a Range request), is renamed into place when complete and gets the object's LastModified as its
 * mtime. Cancelling (signal) keeps the partial for the next run and rejects with BucketCancelled.
 */
export async function downloadNewer(
  client: S3Client,
  bucket: string,
  prefix: string,
  localDir: string,
  opts: DownloadOptions = {},
): Promise<DownloadSummary> {
  const { signal } = opts;
  const listPrefix = prefix.replace(/^\/+|\/+$/g, '');
  const objects = await client.listObjects(bucket, listPrefix ? `${listPrefix}/` : '', { signal, maxKeys: opts.maxKeys });
  const summary: DownloadSummary = { downloaded: [], resumed: [], upToDate: 0, unsafeKeys: [], bytesTransferred: 0 };
  const todo: { obj: ListedObject; local: string }[] = [];
  for (const obj of objects) {
    if (obj.key.endsWith('/') && obj.size === 0) continue; // folder marker
    const rel = localRelPath(obj.key, listPrefix);
    if (rel === null) {
      summary.unsafeKeys.push(obj.key);
      continue;
    }
    if (opts.filter && !opts.filter(rel.split(path.sep).join('/'))) continue;
    const local = path.join(localDir, rel);
    const st = await statOrNull(local);
    if (st && !st.isFile) {
      throw new ApiError('CONFLICT', `${local} is a folder, but the bucket has a file s3://${bucket}/${obj.key}; move the folder away and download again.`);
    }
    if (needsDownload(st, obj)) todo.push({ obj, local });
    else summary.upToDate += 1;
  }
  const rep = new ProgressReporter(todo.length, todo.reduce((a, t) => a + t.obj.size, 0), opts.onProgress, opts.progressIntervalMs ?? 200);
  rep.emit(true);
  try {
    await pool(todo, opts.concurrency ?? 4, async ({ obj, local }) => {
      if (signal?.aborted) throw new BucketCancelled();
      const resumed = await downloadOne(client, bucket, obj, local, rep, summary, signal);
      summary.downloaded.push(obj.key);
      if (resumed) summary.resumed.push(obj.key);
      rep.p.filesDone += 1;
      rep.emit(true);
    });
  } catch (err) {
    if (signal?.aborted || err instanceof BucketCancelled || (err as Error | null)?.name === 'AbortError') throw new BucketCancelled();
    throw err;
  }
  return summary;
}

/** One object into `local` via its partial file; true when it continued a partial. */
async function downloadOne(
  client: S3Client,
  bucket: string,
  obj: ListedObject,
  local: string,
  rep: ProgressReporter,
  summary: DownloadSummary,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  await fs.mkdir(path.dirname(local), { recursive: true });
  const part = local + PART_SUFFIX;
  const metaPath = local + PART_META_SUFFIX;
  const partStat = await statOrNull(part);
  const plan = resumePlan(partStat, partStat ? await readPartMeta(metaPath) : null, obj);
  if (!partStat || plan.discard) {
    const meta: PartMeta = { etag: obj.etag, size: obj.size, lastModified: obj.lastModified.toISOString() };
    await fs.writeFile(metaPath, JSON.stringify(meta));
    await fs.writeFile(part, '');
  }
  let offset = plan.offset;
  rep.p.bytesDone += offset;
  if (offset < obj.size) {
    const res = await client.getObject(bucket, obj.key, {
      range: offset > 0 ? { start: offset } : undefined,
      signal,
      ...(obj.etag ? { ifMatch: obj.etag } : {}),
    });
    if (offset > 0 && res.status !== 206) {
      // The server sent the whole object: start the partial again.
      rep.p.bytesDone -= offset;
      offset = 0;
    }
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        rep.p.bytesDone += chunk.length;
        rep.p.bytesTransferred += chunk.length;
        summary.bytesTransferred += chunk.length;
        rep.emit(false, obj.key);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(res.body, counter, createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' }), { signal });
    } catch (err) {
      if (signal?.aborted) throw new BucketCancelled();
      if (isNetworkError(err)) {
        const e = networkErrorToApiError(err, client.remote);
        throw new ApiError(e.code, `${e.message} What arrived of s3://${bucket}/${obj.key} is kept; download again to continue from there.`, e.details);
      }
      throw err;
    }
  }
  const done = await fs.stat(part);
  if (done.size !== obj.size) {
    throw new ApiError(
      'UNAVAILABLE',
      `s3://${bucket}/${obj.key} arrived short (${done.size} of ${obj.size} bytes); download again to continue from there.`,
      { bucket, key: obj.key },
    );
  }
  await fs.rename(part, local);
  await fs.rm(metaPath, { force: true });
  await fs.utimes(local, new Date(), obj.lastModified);
  return offset > 0;
}
