// What a transfer has to move: one file, or a folder's files and sub-folders (walked over SFTP). Links to files
// are copied as files; links to folders are skipped (they can loop), and said so.
import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { ApiError } from '../../shared/errors.js';
import { sftpReaddir, sftpStat } from '../ssh/sftp-ops.js';
import { entryType } from './listing.js';

export const MAX_FILES = 200_000;

export interface TransferItem {
  /** Path relative to the transfer's root ('' when the transfer is one file). */
  rel: string;
  size: number;
}

export interface TransferPlan {
  isDir: boolean;
  /** Sub-folders to create (relative), parents before children. */
  dirs: string[];
  files: TransferItem[];
  totalBytes: number;
  skippedLinks: string[];
}

export async function scanSource(sftp: SFTPWrapper, root: string, where: string): Promise<TransferPlan> {
  const st = await sftpStat(sftp, root);
  if (!st) throw new ApiError('NOT_FOUND', `${root} does not exist on ${where}. Check the path; it may have been moved or deleted.`, { path: root });
  if (!st.isDirectory() && !st.isFile()) throw new ApiError('INVALID_INPUT', `${root} on ${where} is neither a file nor a folder; SimDeck copies files and folders.`, { path: root });
  if (st.isFile()) return { isDir: false, dirs: [], files: [{ rel: '', size: Number(st.size ?? 0) }], totalBytes: Number(st.size ?? 0), skippedLinks: [] };
  const plan: TransferPlan = { isDir: true, dirs: [], files: [], totalBytes: 0, skippedLinks: [] };
  const walk = async (rel: string): Promise<void> => {
    const abs = rel ? posix.join(root, rel) : root;
    const { entries } = await sftpReaddir(sftp, abs, Number.MAX_SAFE_INTEGER);
    entries.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.filename}` : e.filename;
      let type = entryType(e.attrs.mode);
      let size = Number(e.attrs.size ?? 0);
      if (type === 'link') {
        const t = await sftpStat(sftp, posix.join(root, childRel)).catch(() => null);
        if (t?.isFile()) {
          type = 'file';
          size = Number(t.size ?? 0);
        } else {
          plan.skippedLinks.push(childRel);
          continue;
        }
      }
      if (type === 'dir') {
        plan.dirs.push(childRel);
        await walk(childRel);
      } else if (type === 'file') {
        if (plan.files.length >= MAX_FILES) {
          throw new ApiError('INVALID_INPUT', `${root} on ${where} holds more than ${MAX_FILES} files; pack it first (tar) or transfer sub-folders.`, { path: root });
        }
        plan.files.push({ rel: childRel, size });
        plan.totalBytes += size;
      }
    }
  };
  await walk('');
  return plan;
}
