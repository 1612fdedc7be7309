// The two ends of a transfer. The source is always a cluster (SFTP); the destination is this machine (download)
// or another cluster (copy). Each end runs work inside its session (`run`), so the pool can reconnect and repeat
// the work after a drop; the work itself works out where to continue from.
import type { FileHandle } from 'node:fs/promises';
import fs from 'node:fs/promises';
import type { SFTPWrapper } from 'ssh2';
import type { Target } from '../../shared/domain.js';
import {
  sftpClose,
  sftpError,
  sftpLstat,
  sftpMkdirp,
  sftpOpen,
  sftpReadAt,
  sftpRename,
  sftpStat,
  sftpWriteAt,
} from '../ssh/sftp-ops.js';

export type SftpRunner = <T>(target: Target, fn: (sftp: SFTPWrapper) => Promise<T>) => Promise<T>;

export interface FileWriter {
  write(data: Buffer, pos: number): Promise<void>;
  close(): Promise<void>;
}

export interface SinkOps {
  /** True when something (file, folder, link) exists at the path. */
  exists(path: string): Promise<boolean>;
  /** Size of a file, or null when it does not exist. */
  size(path: string): Promise<number | null>;
  mkdirp(path: string): Promise<void>;
  /** Opens for writing at `offset` (0: created or emptied). */
  open(path: string, offset: number): Promise<FileWriter>;
  rename(from: string, to: string): Promise<void>;
}

export interface Sink {
  targetId: string | null;
  run<T>(fn: (ops: SinkOps) => Promise<T>): Promise<T>;
}

const enoent = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

export const localOps: SinkOps = {
  async exists(path) {
    try {
      await fs.lstat(path);
      return true;
    } catch (err) {
      if (enoent(err)) return false;
      throw err;
    }
  },
  async size(path) {
    try {
      return (await fs.stat(path)).size;
    } catch (err) {
      if (enoent(err)) return null;
      throw err;
    }
  },
  async mkdirp(path) {
    await fs.mkdir(path, { recursive: true });
  },
  async open(path, offset) {
    const fh: FileHandle = await fs.open(path, offset > 0 ? 'r+' : 'w');
    if (offset > 0) await fh.truncate(offset);
    return {
      async write(data, pos) {
        let done = 0;
        while (done < data.length) {
          const { bytesWritten } = await fh.write(data, done, data.length - done, pos + done);
          done += bytesWritten;
        }
      },
      close: () => fh.close(),
    };
  },
  async rename(from, to) {
    await fs.rename(from, to);
  },
};

export const localSink: Sink = { targetId: null, run: (fn) => fn(localOps) };

export function remoteOps(sftp: SFTPWrapper): SinkOps {
  return {
    exists: async (path) => (await sftpLstat(sftp, path)) !== null,
    size: async (path) => {
      const st = await sftpStat(sftp, path);
      return st ? Number(st.size ?? 0) : null;
    },
    mkdirp: (path) => sftpMkdirp(sftp, path),
    async open(path, offset) {
      const handle = await sftpOpen(sftp, path, offset > 0 ? 'r+' : 'w');
      return {
        write: (data, pos) =>
          sftpWriteAt(sftp, handle, data, pos).catch((err: unknown) => {
            throw sftpError('write', path, err);
          }),
        close: () => sftpClose(sftp, handle),
      };
    },
    rename: (from, to) => sftpRename(sftp, from, to),
  };
}

export function remoteSink(sftpRun: SftpRunner, target: Target): Sink {
  return { targetId: target.id, run: (fn) => sftpRun(target, (sftp) => fn(remoteOps(sftp))) };
}

export interface SourceReader {
  size: number;
  read(pos: number, len: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** Opens a cluster file for reading (re-measured now: it may have changed since the scan). */
export async function openSource(sftp: SFTPWrapper, path: string): Promise<SourceReader> {
  const handle = await sftpOpen(sftp, path, 'r');
  const st = await new Promise<number>((resolve, reject) => sftp.fstat(handle, (err, s) => (err ? reject(sftpError('inspect', path, err)) : resolve(Number(s.size ?? 0)))));
  return {
    size: st,
    read: (pos, len) =>
      sftpReadAt(sftp, handle, pos, len).catch((err: unknown) => {
        throw sftpError('read', path, err);
      }),
    close: () => sftpClose(sftp, handle),
  };
}
