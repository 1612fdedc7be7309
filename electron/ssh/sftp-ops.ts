// File operations over one SFTP session: mkdir -p, atomic-enough writes (temporary name, then rename), bounded
// reads and the home folder. Plain functions over ssh2's SFTPWrapper; the pool supplies the session.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { OpenMode, SFTPWrapper, Stats } from 'ssh2';
import { ApiError } from '../../shared/errors.js';

const NO_SUCH_FILE = 2; // SSH_FX_NO_SUCH_FILE
const DEFAULT_MAX_READ = 16 * 1024 * 1024;

function call<T>(fn: (cb: (err: Error | null | undefined, v: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));
}

const sftpCode = (err: unknown): number | undefined => (err as { code?: number }).code;

function remoteError(what: string, path: string, err: unknown): ApiError {
  const msg = err instanceof Error ? err.message : String(err);
  return new ApiError('REMOTE_FAILED', `Could not ${what} ${path} on the cluster: ${msg}.`, { path, cause: msg });
}

export async function sftpHome(sftp: SFTPWrapper): Promise<string> {
  return call<string>((cb) => sftp.realpath('.', cb));
}

export async function sftpMkdirp(sftp: SFTPWrapper, path: string): Promise<void> {
  const abs = path.startsWith('/') ? path : posix.join(await sftpHome(sftp), path);
  const parts = posix.normalize(abs).split('/').filter(Boolean);
  let cur = '';
  for (const part of parts) {
    cur += `/${part}`;
    try {
      const st = await call<Stats>((cb) => sftp.stat(cur, cb));
      if (!st.isDirectory()) throw new ApiError('REMOTE_FAILED', `${cur} exists on the cluster and is not a folder.`, { path: cur });
    } catch (err) {
      if (err instanceof ApiError) throw err;
      if (sftpCode(err) !== NO_SUCH_FILE) throw remoteError('inspect', cur, err);
      try {
        await call<void>((cb) => sftp.mkdir(cur, (e) => cb(e, undefined)));
      } catch (mkErr) {
        // Lost a race with another writer: fine if it is a folder now.
        const st = await call<Stats>((cb) => sftp.stat(cur, cb)).catch(() => null);
        if (!st?.isDirectory()) throw remoteError('create the folder', cur, mkErr);
      }
    }
  }
}

/** Writes to "<path>.simdeck-<random>" first and renames over the target, so readers never see half a file. */
export async function sftpWriteFile(sftp: SFTPWrapper, path: string, data: string | Buffer, mode = 0o644): Promise<void> {
  const tmp = `${path}.simdeck-${randomBytes(6).toString('hex')}`;
  try {
    await call<void>((cb) => sftp.writeFile(tmp, data, { mode }, (e) => cb(e, undefined)));
    await call<void>((cb) => sftp.chmod(tmp, mode, (e) => cb(e, undefined))); // the umask may have narrowed it
    try {
      // posix-rename@openssh.com replaces an existing file atomically; plain SFTP rename refuses to.
      await call<void>((cb) => sftp.ext_openssh_rename(tmp, path, (e) => cb(e, undefined)));
    } catch {
      await call<void>((cb) => sftp.unlink(path, () => cb(null, undefined)));
      await call<void>((cb) => sftp.rename(tmp, path, (e) => cb(e, undefined)));
    }
  } catch (err) {
    await call<void>((cb) => sftp.unlink(tmp, () => cb(null, undefined)));
    throw remoteError('write', path, err);
  }
}

export async function sftpReadFile(sftp: SFTPWrapper, path: string, opts: { maxBytes?: number; offset?: number } = {}): Promise<Buffer> {
  const max = opts.maxBytes ?? DEFAULT_MAX_READ;
  let position = opts.offset ?? 0;
  let handle: Buffer;
  try {
    handle = await call<Buffer>((cb) => sftp.open(path, 'r', cb));
  } catch (err) {
    if (sftpCode(err) === NO_SUCH_FILE) throw new ApiError('NOT_FOUND', `${path} does not exist on the cluster.`, { path });
    throw remoteError('open', path, err);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    while (total < max) {
      const want = Math.min(32 * 1024, max - total);
      const buf = Buffer.alloc(want);
      const n = await new Promise<number>((resolve, reject) =>
        sftp.read(handle, buf, 0, want, position, (err, bytesRead) => (err ? reject(err) : resolve(bytesRead))),
      ).catch((err: unknown) => {
        if ((err as { code?: number }).code === 1) return 0; // SSH_FX_EOF
        throw err;
      });
      if (n <= 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      position += n;
    }
  } catch (err) {
    throw remoteError('read', path, err);
  } finally {
    sftp.close(handle, () => undefined);
  }
  return Buffer.concat(chunks);
}

// ---- listing, stat and streaming (files browser, tails, transfers) ----

const PERMISSION_DENIED = 3; // SSH_FX_PERMISSION_DENIED
const EOF_CODE = 1; // SSH_FX_EOF

/** True for SFTP's "no such file" status. */
export const isNoSuchFile = (err: unknown): boolean => sftpCode(err) === NO_SUCH_FILE;

/** An SFTP failure on `path` as an ApiError a researcher can act on (missing, not allowed, or other). */
export function sftpError(what: string, path: string, err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (sftpCode(err) === NO_SUCH_FILE) return new ApiError('NOT_FOUND', `${path} does not exist on the cluster.`, { path });
  if (sftpCode(err) === PERMISSION_DENIED) {
    return new ApiError('FORBIDDEN', `Permission denied: could not ${what} ${path} on the cluster. Check its permissions there.`, { path });
  }
  return remoteError(what, path, err);
}

/** stat (follows links); null when the path does not exist. */
export async function sftpStat(sftp: SFTPWrapper, path: string): Promise<Stats | null> {
  try {
    return await call<Stats>((cb) => sftp.stat(path, cb));
  } catch (err) {
    if (isNoSuchFile(err)) return null;
    throw sftpError('inspect', path, err);
  }
}

/** lstat (does not follow links); null when the path does not exist. */
export async function sftpLstat(sftp: SFTPWrapper, path: string): Promise<Stats | null> {
  try {
    return await call<Stats>((cb) => sftp.lstat(path, cb));
  } catch (err) {
    if (isNoSuchFile(err)) return null;
    throw sftpError('inspect', path, err);
  }
}

export interface SftpDirEntry {
  filename: string;
  attrs: Stats;
}

/**
 * Reads a folder's entries (without "." and ".."), batch by batch, stopping once more than `cap` were read so a
 * folder of a million files costs no more than a folder of `cap`. `truncated` says the folder has more.
 */
export async function sftpReaddir(sftp: SFTPWrapper, path: string, cap: number): Promise<{ entries: SftpDirEntry[]; truncated: boolean }> {
  let handle: Buffer;
  try {
    handle = await call<Buffer>((cb) => sftp.opendir(path, cb));
  } catch (err) {
    throw sftpError('open the folder', path, err);
  }
  const entries: SftpDirEntry[] = [];
  try {
    for (;;) {
      const batch = await new Promise<SftpDirEntry[] | false>((resolve, reject) =>
        sftp.readdir(handle, (err, list) => {
          if (err) {
            if (sftpCode(err) === EOF_CODE) resolve(false);
            else reject(err);
          } else resolve(list as SftpDirEntry[] | false);
        }),
      );
      if (!batch) break;
      for (const e of batch) if (e.filename !== '.' && e.filename !== '..') entries.push({ filename: e.filename, attrs: e.attrs });
      if (entries.length > cap) return { entries: entries.slice(0, cap), truncated: true };
    }
  } catch (err) {
    throw sftpError('read the folder', path, err);
  } finally {
    sftp.close(handle, () => undefined);
  }
  return { entries, truncated: false };
}

/** Opens a file ('r' to read, 'r+' / 'w' / 'a' to write); errors say which path and why. */
export async function sftpOpen(sftp: SFTPWrapper, path: string, flags: OpenMode, mode?: number): Promise<Buffer> {
  try {
    return await call<Buffer>((cb) => (mode === undefined ? sftp.open(path, flags, cb) : sftp.open(path, flags, { mode }, cb)));
  } catch (err) {
    throw sftpError(flags === 'r' ? 'open' : 'write', path, err);
  }
}

/** Closes a handle; never waits forever (on a session that is gone, the close is never answered). */
export function sftpClose(sftp: SFTPWrapper, handle: Buffer, timeoutMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    try {
      sftp.close(handle, done);
    } catch {
      done();
    }
  });
}

/** Reads up to `len` bytes at `position` (fewer only at the end of the file). Short reads are continued. */
export async function sftpReadAt(sftp: SFTPWrapper, handle: Buffer, position: number, len: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const n = await new Promise<number>((resolve, reject) =>
      sftp.read(handle, buf, got, len - got, position + got, (err, bytesRead) => {
        if (err) {
          if (sftpCode(err) === EOF_CODE) resolve(0);
          else reject(err);
        } else resolve(bytesRead);
      }),
    );
    if (n <= 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** Writes all of `data` at `position`. */
export function sftpWriteAt(sftp: SFTPWrapper, handle: Buffer, data: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => sftp.write(handle, data, 0, data.length, position, (err) => (err ? reject(err) : resolve())));
}

/** Renames, replacing `to` if it exists where the server allows it (posix-rename@openssh.com). */
export async function sftpRename(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  try {
    await call<void>((cb) => sftp.ext_openssh_rename(from, to, (e) => cb(e, undefined)));
  } catch {
    try {
      await call<void>((cb) => sftp.rename(from, to, (e) => cb(e, undefined)));
    } catch (err) {
      throw sftpError('rename', `${from} to ${to}`, err);
    }
  }
}
