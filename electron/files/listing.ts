// A cluster folder as the files browser shows it: folders first, then files, each by name; links marked as links
// (sorted with folders when they point at one); at most LIST_CAP entries, cut rather than sampled.
import { posix } from 'node:path';
import type { SFTPWrapper, Stats } from 'ssh2';
import type { RemoteEntry } from '../../shared/files.js';
import { ApiError } from '../../shared/errors.js';
import { sftpReaddir, sftpStat } from '../ssh/sftp-ops.js';

export const LIST_CAP = 5000;
/** Links whose target SimDeck looks up (one stat each) before it stops bothering. */
const LINK_LOOKUPS = 200;

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

export function entryType(mode: number): RemoteEntry['type'] {
  switch (mode & S_IFMT) {
    case S_IFDIR:
      return 'dir';
    case S_IFREG:
      return 'file';
    case S_IFLNK:
      return 'link';
    default:
      return 'other';
  }
}

const isoOrNull = (secs: number | undefined): string | null => (typeof secs === 'number' && secs > 0 ? new Date(secs * 1000).toISOString() : null);

export function toEntry(dir: string, name: string, attrs: Stats): RemoteEntry {
  return {
    name,
    path: posix.join(dir, name),
    type: entryType(attrs.mode),
    size: Math.max(0, Number(attrs.size ?? 0)),
    mtime: isoOrNull(attrs.mtime),
    mode: attrs.mode & 0o7777,
  };
}

/** Folders (and links to folders) first, then everything else, each group by name (natural order, case-insensitive). */
export function sortEntries(entries: RemoteEntry[], linkToDir: ReadonlySet<string> = new Set()): RemoteEntry[] {
  const folderish = (e: RemoteEntry) => e.type === 'dir' || (e.type === 'link' && linkToDir.has(e.path));
  const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  return [...entries].sort((a, b) => Number(folderish(b)) - Number(folderish(a)) || collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Lists `dir` (absolute). NOT_FOUND when it does not exist, INVALID_INPUT when it is not a folder. */
export async function listDir(sftp: SFTPWrapper, dir: string, where: string, cap = LIST_CAP): Promise<{ entries: RemoteEntry[]; truncated: boolean }> {
  const st = await sftpStat(sftp, dir);
  if (!st) throw new ApiError('NOT_FOUND', `There is no folder ${dir} on ${where}. Check the path (it may have been moved or deleted).`, { path: dir });
  if (!st.isDirectory()) {
    throw new ApiError('INVALID_INPUT', `${dir} on ${where} is a file, not a folder: list its parent folder, or tail or download the file.`, { path: dir });
  }
  const raw = await sftpReaddir(sftp, dir, cap);
  const entries = raw.entries.map((e) => toEntry(dir, e.filename, e.attrs));
  const linkToDir = new Set<string>();
  const links = entries.filter((e) => e.type === 'link').slice(0, LINK_LOOKUPS);
  await Promise.all(
    links.map(async (e) => {
      const target = await sftpStat(sftp, e.path).catch(() => null);
      if (!target) return; // dangling or unreadable: stays a plain link
      if (target.isDirectory()) linkToDir.add(e.path);
      e.size = Math.max(0, Number(target.size ?? 0));
    }),
  );
  return { entries: sortEntries(entries, linkToDir), truncated: raw.truncated };
}
