// Live tails of a growing file (a job's stdout): the last maxBytes, or what was appended since an offset. Pure
// planning and UTF-8 handling here, so the byte arithmetic is tested without a cluster; one stat and one bounded
// read over SFTP per call.
import type { SFTPWrapper } from 'ssh2';
import type { TailChunk } from '../../shared/files.js';
import { ApiError } from '../../shared/errors.js';
import { sftpClose, sftpError, sftpOpen, sftpReadAt, sftpStat } from '../ssh/sftp-ops.js';

export interface TailPlan {
  start: number;
  end: number;
  /** The range starts in the middle of the file: drop the partial first line. */
  cut: boolean;
  reset: boolean;
}

/** Which bytes to read from a file of `size` bytes. */
export function planTail(size: number, from: number | undefined, maxBytes: number): TailPlan {
  const max = Math.max(1, Math.floor(maxBytes));
  if (from === undefined || from > size) {
    const start = Math.max(0, size - max);
    return { start, end: size, cut: start > 0, reset: from !== undefined };
  }
  return { start: from, end: Math.min(size, from + max), cut: false, reset: false };
}

/** Bytes at the end of `buf` that start a UTF-8 character whose remaining bytes are not in `buf` yet. */
export function incompleteUtf8Tail(buf: Uint8Array): number {
  const n = buf.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = buf[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 && b <= 0xf7 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Where the text of a cut range should begin: after the first newline, or else after stray continuation bytes. */
export function lineStartOffset(buf: Uint8Array): number {
  const nl = buf.indexOf(0x0a);
  if (nl >= 0 && nl < buf.length - 1) return nl + 1;
  let i = 0;
  while (i < buf.length && i < 3 && (buf[i]! & 0xc0) === 0x80) i++;
  return i;
}

/** Turns the bytes read for `plan` into a chunk: line-aligned start when cut, never half a character at the end. */
export function chunkFrom(path: string, size: number, plan: TailPlan, bytes: Buffer): TailChunk {
  const skip = plan.cut ? lineStartOffset(bytes) : 0;
  let body = bytes.subarray(skip);
  const drop = incompleteUtf8Tail(body);
  body = body.subarray(0, body.length - drop);
  const start = plan.start + skip;
  return { path, exists: true, size, start, end: start + body.length, text: body.toString('utf8'), reset: plan.reset };
}

/** Reads a tail chunk of `path` (absolute). A missing file is not an error: a pending job has no output yet. */
export async function tailFile(sftp: SFTPWrapper, path: string, from: number | undefined, maxBytes: number, where: string): Promise<TailChunk> {
  const st = await sftpStat(sftp, path);
  if (!st) return { path, exists: false, size: 0, start: 0, end: 0, text: '', reset: (from ?? 0) > 0 };
  if (st.isDirectory()) throw new ApiError('INVALID_INPUT', `${path} on ${where} is a folder; a tail needs a file (open the folder instead).`, { path });
  const size = Math.max(0, Number(st.size ?? 0));
  const plan = planTail(size, from, maxBytes);
  if (plan.end <= plan.start) return chunkFrom(path, size, plan, Buffer.alloc(0));
  const handle = await sftpOpen(sftp, path, 'r');
  try {
    const bytes = await sftpReadAt(sftp, handle, plan.start, plan.end - plan.start).catch((err: unknown) => {
      throw sftpError('read', path, err);
    });
    return chunkFrom(path, size, { ...plan, end: plan.start + bytes.length }, bytes);
  } finally {
    await sftpClose(sftp, handle);
  }
}
