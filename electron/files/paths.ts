// Paths on a cluster as a researcher types them ("~", "~/runs", "runs/a", "/scratch/x") made absolute against the
// SFTP home, and names for files being written (".simdeck-part") and for destinations that already exist.
import { posix } from 'node:path';
import { ApiError } from '../../shared/errors.js';

/** Suffix of a file still being written by a transfer; renamed to its real name once complete. */
export const PART_SUFFIX = '.simdeck-part';

/** "~" / "~/x" / "x" are relative to `home`; absolute paths are normalized. "~user" is refused. */
export function resolveRemotePath(home: string, input: string): string {
  const p = input.trim() === '' ? '~' : input;
  if (p.startsWith('/')) return stripTrailing(posix.normalize(p));
  if (p === '~') return stripTrailing(home);
  if (p.startsWith('~/')) return stripTrailing(posix.join(home, p.slice(2)));
  if (p.startsWith('~')) {
    throw new ApiError('INVALID_INPUT', `"${p}": other users' home folders (~name) are not supported; give an absolute path instead.`, { field: 'path' });
  }
  return stripTrailing(posix.join(home, p));
}

function stripTrailing(p: string): string {
  const n = p.replace(/\/+$/, '');
  return n === '' ? '/' : n;
}

/** The last path component ("/" for the root). */
export function baseName(p: string): string {
  const b = posix.basename(stripTrailing(p));
  return b === '' ? '/' : b;
}

/**
 * The n-th alternative name for a destination that exists: "data (1)", "result (2).tar.gz" (the counter goes before
 * the extension of files; folders and dotfiles keep their whole name).
 */
export function numberedName(name: string, n: number, isFile: boolean): string {
  if (n === 0) return name;
  const m = isFile ? /^(.+?)((?:\.[A-Za-z0-9]{1,8}){1,2})$/.exec(name) : null;
  return m?.[1] && !m[1].startsWith('.') ? `${m[1]} (${n})${m[2]}` : `${name} (${n})`;
}

/** The first of name, "name (1)", "name (2)", … for which `taken` (the name or its partial file exists) is false. */
export async function freeName(name: string, isFile: boolean, taken: (candidate: string) => Promise<boolean>): Promise<string> {
  for (let n = 0; n < 10_000; n++) {
    const c = numberedName(name, n, isFile);
    if (!(await taken(c))) return c;
  }
  throw new ApiError('CONFLICT', `Too many copies of "${name}" in the destination folder; clean it up or choose another folder.`);
}
