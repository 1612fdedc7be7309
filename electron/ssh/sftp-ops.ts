// File operations over one SFTP session: mkdir -p, atomic-enough writes (temporary name, then rename), bounded
// reads and the home folder. Plain functions over ssh2's SFTPWrapper; the pool supplies the session.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { SFTPWrapper, Stats } from 'ssh2';
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
