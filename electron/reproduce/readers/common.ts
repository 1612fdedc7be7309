// What every reader shares: the REMARK marker, turning JSON text into a checked RawRecord, and the advice
// messages (score-only scorefiles, the official helper for poses).
import { isUtf8 } from 'node:buffer';
import type { RawRecord } from '../types.js';
import { ReadError } from '../types.js';
import { excerpt, jsonError } from './json-scan.js';

/** PyRosettaCluster's `IO.REMARK_FORMAT` (with its trailing space). */
export const REMARK_MARKER = 'REMARK PyRosettaCluster: ';
/** The pose-comment key (`REMARK_FORMAT.rstrip()`), as stored inside a pickled Pose. */
export const COMMENT_KEY = 'REMARK PyRosettaCluster:';

export const DUMP_ENV_URL = 'https://github.com/RosettaCommons/pyrosetta-extras/tree/main/pyrosettacluster';

export const fmt = (n: number) => n.toLocaleString('en-US');

export function baseName(fileName: string): string {
  const parts = fileName.split(/[\\/]/);
  return parts[parts.length - 1] || fileName;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const REQUIRED = ['instance', 'metadata', 'scores'] as const;

/**
 * A parsed value as a full record, or a ReadError('corrupt') naming what is missing. `what` names the record in
 * messages, e.g. `The PyRosettaCluster REMARK line in x.pdb`.
 */
export function checkRecord(value: unknown, what: string): RawRecord {
  if (!isPlainObject(value))
    throw new ReadError('corrupt', `${what} is not a JSON object but ${Array.isArray(value) ? 'an array' : typeof value}: it cannot be a PyRosettaCluster record.`);
  const missing = REQUIRED.filter((k) => !Object.hasOwn(value, k));
  if (missing.length) {
    const found = Object.keys(value).slice(0, 8);
    throw new ReadError(
      'corrupt',
      `${what} lacks ${list(missing.map((k) => `"${k}"`))}: a PyRosettaCluster record has "instance", "metadata" and "scores"` +
        ` (this one has ${found.length ? list(found.map((k) => `"${k}"`)) : 'no keys'}). The file may have been edited, or written by another tool.`,
    );
  }
  const notObjects = REQUIRED.filter((k) => !isPlainObject(value[k]));
  if (notObjects.length)
    throw new ReadError('corrupt', `${what} has ${list(notObjects.map((k) => `"${k}"`))} that ${notObjects.length > 1 ? 'are' : 'is'} not a JSON object, so it is not a PyRosettaCluster record.`);
  return { instance: value.instance as Record<string, unknown>, metadata: value.metadata as Record<string, unknown>, scores: value.scores as Record<string, unknown> };
}

/** JSON.parse with a useful message: `${what} is not valid JSON (at character N): reason, near "…"`. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const err = jsonError(text) ?? { at: 0, reason: 'JSON.parse refused it' };
    throw new ReadError('corrupt', `${what} is not valid JSON (at character ${err.at + 1}): ${err.reason}, near "${excerpt(text, err.at)}".`);
  }
}

/** The record's decoy name: metadata.decoy_name, else a name derived from the file. */
export function decoyNameOf(record: RawRecord, fallback: string, notes: string[]): string {
  const name = record.metadata.decoy_name;
  if (typeof name === 'string' && name) return name;
  notes.push(`The record has no metadata.decoy_name; SimDeck calls it "${fallback}".`);
  return fallback;
}

/** Index of the first byte that is not valid UTF-8, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  if (isUtf8(b)) return -1;
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i] as number;
    let need = 0;
    let min = 0;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= n) return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** `a`, `a and b`, `a, b and c`. */
export function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Where PyRosettaCluster put the environment file for a simulation whose decoys include `outputFile`:
 * `<output_path>/<decoy_dir_name>/<NNNN>/<simulation>_<uuid hex>.<ext>`, the env file being
 * `<output_path>/<project>_<simulation>_environment.yml|pixi.lock|uv.lock`.
 */
function environmentFileHint(outputFile: string | undefined): string {
  const generic = '<output_path>/<project_name>_<simulation_name>_environment.yml (or _pixi.lock, or _uv.lock, with the pixi.toml/pyproject.toml beside it)';
  if (!outputFile) return generic;
  const parts = outputFile.split('/');
  const file = parts[parts.length - 1] ?? '';
  const m = /^(.+)_[0-9a-f]{32}\./.exec(file);
  if (parts.length < 4 || !/^\d{4}$/.test(parts[parts.length - 2] ?? '') || !m) return generic;
  const outputPath = parts.slice(0, -3).join('/') || '/';
  return `${outputPath}/<project_name>_${m[1]}_environment.yml (or _pixi.lock, or _uv.lock, with the pixi.toml/pyproject.toml beside it)`;
}

/** The no-record error for a scorefile that holds scores only. */
export function scoresOnlyError(label: string, outputFiles: string[], extra = ''): ReadError {
  const shown = outputFiles.slice(0, 3);
  const decoys = shown.length ? `, e.g. ${list(shown)}` : '';
  return new ReadError(
    'no-record',
    `${label} has scores only, no reproducibility record: PyRosettaCluster writes scorefiles like this with ` +
      `simulation_records_in_scorefile=False, its default. Open a decoy file named in it instead (it carries the full record)${decoys}, ` +
      `or the environment file PyRosettaCluster wrote next to the decoys: ${environmentFileHint(outputFiles[0])}.${extra}`,
  );
}

/** The advice when a pose's record cannot be read without PyRosetta. */
export function helperReason(fileName: string, why: string): string {
  return (
    `SimDeck could not find the record inside this pose without PyRosetta (${why}). Run the official dump_env_file.py helper ` +
    `with a Python that has PyRosetta: python dump_env_file.py --input_file ${baseName(fileName)} (from ${DUMP_ENV_URL}); ` +
    'it writes the environment files and prints the record\'s SHA1.'
  );
}

export function isUtf8Text(b: Uint8Array): boolean {
  return isUtf8(b);
}
