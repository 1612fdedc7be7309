// Pickled pandas.DataFrame scorefiles (scores.gz, scores.xz, scores.tar.bz2, scores.pkl ...): index = output
// files, columns instance/metadata/scores holding dicts (full-record mode) or one column per score (curtailed
// mode). Read by the safe unpickler: nothing in the file is ever run. notes/pyrosettacluster.md §3.2.
import v8 from 'node:v8';
import type { RawRecord, ReadLimits, ReadResult } from '../types.js';
import { ReadError } from '../types.js';
import type { DataFrameColumn, PyDict, PyValue } from '../pickle/index.js';
import { DEFAULT_UNPICKLE_LIMITS, asDict, dangerousGlobals, describe, plainConverter, readDataFrame, unpickleDetailed } from '../pickle/index.js';
import { fmt, list, scoresOnlyError } from './common.js';

/** Reject pickles that would run code if a Python process loaded them (SimDeck never does). */
export function refuseDangerous(globals: string[], label: string): void {
  const bad = dangerousGlobals(globals);
  if (bad.length)
    throw new ReadError(
      'hostile',
      `${label} holds a pickle that would call ${list(bad.slice(0, 4))} if Python loaded it (pandas.read_pickle, pickle.load, PyRosetta). ` +
        'SimDeck reads pickles as inert data and ran nothing, but do not open this file with Python: no PyRosettaCluster output names these.',
    );
}

/** Containers the row conversion may visit, for a pickle of `bytes` bytes (each costs at least a byte or two). */
export function plainBudget(bytes: number): { left: number } {
  return { left: 1_000_000 + 4 * bytes };
}

const INSTANCE_HINTS = ['environment', 'sha1', 'seeds', 'decoy_ids', 'pyrosetta_build', 'tasks'];
const METADATA_HINTS = ['decoy_name', 'output_file', 'protocols'];

/** JS heap needed per byte of pickle while reading it (measured: ~1.3 retained, more at the peak). */
const HEAP_PER_PICKLE_BYTE = 2.5;

/** Refuse a pickle that would not fit in this process's JS heap, rather than letting V8 abort the process. */
export function checkHeapRoom(bytes: number, label: string): void {
  const { heap_size_limit: limit, used_heap_size: used } = v8.getHeapStatistics();
  const need = bytes * HEAP_PER_PICKLE_BYTE;
  if (need > limit - used)
    throw new ReadError(
      'too-large',
      `${label} holds a ${Math.round(bytes / 1024 ** 2)} MB pickle; reading it needs about ${Math.round(need / 1024 ** 2)} MB of memory, ` +
        `more than SimDeck has free (${Math.round((limit - used) / 1024 ** 2)} MB). Split the scorefile, or read it where more memory is available.`,
    );
}

export function readPickleScorefile(inner: Buffer, label: string, _limits: ReadLimits, layers: string[]): ReadResult {
  checkHeapRoom(inner.length, label);
  const { value, globals } = unpickleDetailed(inner, { label });
  refuseDangerous(globals, label);
  const df = readDataFrame(value, label);
  const named = (n: string) => df.columns.find((c) => c.name === n);
  const byContent = (hints: string[], except: (DataFrameColumn | undefined)[]) =>
    df.columns.find((c) => c.name === undefined && !except.includes(c) && looksLike(c, hints));
  const instanceCol = named('instance') ?? byContent(INSTANCE_HINTS, []);
  const metadataCol = named('metadata') ?? byContent(METADATA_HINTS, [instanceCol]);
  const scoresCol = named('scores') ?? df.columns.find((c) => c.name === undefined && c !== instanceCol && c !== metadataCol && c.cells?.some((x) => asDict(x)));
  const outputFiles = (df.index ?? []).filter((x): x is string => typeof x === 'string');

  if (!instanceCol || !metadataCol) {
    const names = df.columns.map((c) => (typeof c.name === 'string' ? c.name : describe(c.name)));
    throw scoresOnlyError(
      label,
      outputFiles,
      names.length ? ` (Its ${fmt(df.nrows)} rows have the columns ${list(names.slice(0, 6).map((n) => `"${n}"`))}${names.length > 6 ? ' ...' : ''}.)` : '',
    );
  }
  if (!instanceCol.cells || !metadataCol.cells)
    throw new ReadError('unsupported', `${label} stores its instance/metadata columns in a form SimDeck cannot read (not a numpy object array).`);

  const notes: string[] = [];
  const records: { decoyName: string; record: RawRecord }[] = [];
  const convert = plainConverter({ budget: plainBudget(inner.length), maxDepth: DEFAULT_UNPICKLE_LIMITS.maxDepth, label, inPlace: true });
  const plain = (d: PyDict) => convert(d) as Record<string, unknown>;
  let skipped = 0;
  let mismatched = 0;
  let firstMismatch = '';
  let unnamed = 0;
  const seen = new Set<string>();
  let duplicates = 0;
  for (let i = 0; i < df.nrows; i++) {
    const inst = asDict(instanceCol.cells[i]);
    const meta = asDict(metadataCol.cells[i]);
    if (!inst || !meta) {
      skipped++;
      continue;
    }
    const scoresCell: PyValue | undefined = scoresCol?.cells?.[i];
    const scoresDict = asDict(scoresCell);
    const record: RawRecord = { instance: plain(inst), metadata: plain(meta), scores: scoresDict ? plain(scoresDict) : {} };
    let decoyName = record.metadata.decoy_name;
    if (typeof decoyName !== 'string' || !decoyName) {
      unnamed++;
      decoyName = `row ${i + 1}`;
    }
    const rowLabel = df.index?.[i];
    const outputFile = record.metadata.output_file;
    if (typeof rowLabel === 'string' && typeof outputFile === 'string' && rowLabel !== outputFile) {
      if (!mismatched++) firstMismatch = `row ${fmt(i + 1)} is labelled ${rowLabel} but its metadata.output_file is ${outputFile}`;
    }
    if (seen.has(decoyName as string)) duplicates++;
    else seen.add(decoyName as string);
    records.push({ decoyName: decoyName as string, record });
  }
  if (records.length === 0) {
    if (df.nrows === 0) throw new ReadError('no-record', `${label} is an empty scorefile: its DataFrame has no rows.`);
    throw scoresOnlyError(label, outputFiles);
  }
  if (skipped)
    notes.push(
      `${fmt(skipped)} of the ${fmt(df.nrows)} rows of ${label} hold scores only, without a record (written with simulation_records_in_scorefile=False); ` +
        'open those decoy files to reproduce them.',
    );
  if (!scoresCol) notes.push(`${label} has no "scores" column; the records were read with empty scores.`);
  if (mismatched)
    notes.push(`${fmt(mismatched)} row${mismatched > 1 ? 's' : ''} of ${label} disagree with their own metadata about the decoy file (${firstMismatch}); the records were listed by row order.`);
  if (unnamed) notes.push(`${fmt(unnamed)} record${unnamed > 1 ? 's have' : ' has'} no metadata.decoy_name; SimDeck names them by row.`);
  if (duplicates) notes.push(`${fmt(duplicates)} decoy name${duplicates > 1 ? 's appear' : ' appears'} more than once in ${label} (the simulation was probably run twice into the same output path); every row is listed.`);
  return { format: 'pickle-scorefile', layers, records, notes };
}

function looksLike(c: DataFrameColumn, hints: string[]): boolean {
  const first = c.cells?.map((x) => asDict(x)).find((d) => d !== undefined);
  return first !== undefined && hints.some((h) => Object.hasOwn(first, h));
}
