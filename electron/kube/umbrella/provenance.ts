// Provenance: the manifest that was actually applied, kept where the seed keeps it,
// results/{target}-{ff}/replica-{R}/{target}-{ff}-{R}-{WW}.yaml in the project's (local) results folder. With the
// repository it is "sufficient information to reproduce a run" (seed README).
//
// Like the seed's open(path, "x"), a record is never overwritten: an existing file means the window was launched
// already. Two seed traps are fixed here (notes A3): a failed `kubectl apply` left the file behind and blocked every
// retry until someone deleted it by hand — markApplyFailed moves it aside as a *.failed-{time}.yaml record; and
// relaunching a window meant deleting its history — "Restart window" writes *.restart-{n}.yaml next to it instead.
import { appendFile, link, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ApiError } from '../../../shared/errors.js';
import type { CampaignSpec, UmbrellaWindow } from '../../../shared/kube.js';
import { windowLabel } from './names.js';

const EXT = '.yaml';

/**
 * The record's path under the project's results folder. Target and force field keep their case and dots, as in
 * the seed's paths (only Job names are sanitised).
 */
export function provenancePath(
  resultsDir: string,
  spec: Pick<CampaignSpec, 'target' | 'forceField'>,
  replica: number,
  window: number | UmbrellaWindow,
): string {
  const S = `${spec.target}-${spec.forceField}`;
  const WW = windowLabel(typeof window === 'number' ? window : window.index);
  return join(resultsDir, S, `replica-${replica}`, `${S}-${replica}-${WW}${EXT}`);
}

/** "…/gb3-ff-1-00.yaml" → "…/gb3-ff-1-00" (the stem the restart and failed records share). */
function stem(path: string): string {
  return path.endsWith(EXT) ? path.slice(0, -EXT.length) : path;
}

export function restartPath(path: string, n: number): string {
  return `${stem(path)}.restart-${n}${EXT}`;
}

const errnoCode = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code;

/**
 * Writes a record with exclusive create, parents created. Never overwrites: an existing record is a CONFLICT that
 * says where it is and how to relaunch. A write that fails half-way removes its partial file so it cannot block
 * the retry.
 */
export async function writeProvenance(path: string, yamlText: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (e) {
    if (errnoCode(e) === 'EEXIST') {
      throw new ApiError(
        'CONFLICT',
        `This window was already launched: its manifest is recorded at ${path}. SimDeck never overwrites a launch ` +
          `record. To run the window again use "Restart window", which keeps this record and writes ` +
          `${basename(restartPath(path, 1))} (or the next free number) next to it.`,
        { path },
      );
    }
    throw e;
  }
  try {
    await handle.writeFile(yamlText, 'utf8');
    await handle.close();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw e;
  }
}

/** The first unused `…-{WW}.restart-{n}.yaml` beside the record (n from 1, one more than the highest present). */
export async function nextRestartPath(path: string): Promise<string> {
  const dir = dirname(path);
  const base = basename(stem(path));
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
  const prefix = `${base}.restart-`;
  let highest = 0;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(EXT)) continue;
    const n = name.slice(prefix.length, -EXT.length);
    if (/^[1-9][0-9]*$/.test(n)) highest = Math.max(highest, Number(n));
  }
  return restartPath(path, highest + 1);
}

/**
 * Writes the manifest of a restarted window as the next restart record (the original stays). Retries on the
 * rare race where another writer took the same number. Returns the path written.
 */
export async function writeRestartProvenance(path: string, yamlText: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const next = await nextRestartPath(path);
    try {
      await writeProvenance(next, yamlText);
      return next;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'CONFLICT')) throw e;
    }
  }
  throw new ApiError('CONFLICT', `Could not find a free restart record name next to ${path}.`, { path });
}

/** ISO time without ":" so the name is valid on every file system: 2026-11-21T17-27-21.123Z. */
function fileTime(at: Date): string {
  return at.toISOString().replaceAll(':', '-');
}

/** Moves `from` to `to` only if `to` does not exist (rename alone would silently replace it). */
async function moveNoClobber(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw e;
    // File systems without hard links: check, then rename (a race here only loses a failed-apply record name).
    const exists = await stat(to).then(
      () => true,
      () => false,
    );
    if (exists) return false;
    await rename(from, to);
    return true;
  }
  await unlink(from);
  return true;
}

/**
 * After a failed apply: moves the record to `…-{WW}.failed-{time}.yaml`, appends the error as YAML comments (the
 * file stays a loadable manifest), and so frees the main name for the retry. Returns the failed record's path.
 */
export async function markApplyFailed(path: string, error: unknown, at: Date = new Date()): Promise<string> {
  const message = error instanceof Error ? error.message : String(error);
  const base = `${stem(path)}.failed-${fileTime(at)}`;
  for (let n = 1; n < 100; n++) {
    const target = n === 1 ? `${base}${EXT}` : `${base}-${n}${EXT}`;
    if (await moveNoClobber(path, target)) {
      const comment = message
        .split(/\r?\n/)
        .map((line) => `# ${line}`)
        .join('\n');
      await appendFile(target, `\n# kubectl apply failed at ${at.toISOString()}:\n${comment}\n`, 'utf8');
      return target;
    }
  }
  throw new ApiError('CONFLICT', `Could not find a free name to keep the failed launch record ${path}.`, { path });
}

/** Whether the window's record exists (launched, or being launched). */
export async function provenanceExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return false;
    throw e;
  }
}
