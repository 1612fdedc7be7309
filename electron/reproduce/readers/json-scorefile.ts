// JSON Lines scorefiles (scores.json). Lines with "instance" and "metadata" are full records (written with
// simulation_records_in_scorefile=True); lines `{"<output_file>": {scores}}` hold scores only (the default).
// A bad line is noted with its number, never fatal on its own. notes/pyrosettacluster.md §3.1.
import type { RawRecord, ReadLimits, ReadResult } from '../types.js';
import { ReadError } from '../types.js';
import { checkRecord, decoyNameOf, firstInvalidUtf8, fmt, isPlainObject, list, scoresOnlyError } from './common.js';
import { excerpt, jsonError } from './json-scan.js';

/** Bad lines described in detail; the rest are only counted. */
const DETAILED_BAD_LINES = 5;

export function readJsonScorefile(text: Buffer, label: string, limits: ReadLimits, layers: string[]): ReadResult {
  const records: { decoyName: string; record: RawRecord }[] = [];
  const notes: string[] = [];
  const bad: string[] = [];
  let badCount = 0;
  const scoreOnlyFiles: string[] = [];
  let scoreOnly = 0;
  let lineNo = 0;
  const seen = new Map<string, number>();
  const badLine = (why: string) => {
    badCount++;
    if (bad.length < DETAILED_BAD_LINES) bad.push(`line ${fmt(lineNo)} ${why}`);
  };
  for (let start = 0; start < text.length; ) {
    lineNo++;
    let end = text.indexOf(0x0a, start);
    if (end < 0) end = text.length;
    const next = end + 1;
    if (end > start && text[end - 1] === 0x0d) end--;
    const bytes = text.subarray(start, end);
    start = next;
    if (isBlank(bytes)) continue;
    if (bytes.length > limits.maxLineBytes) {
      badLine(`is ${fmt(bytes.length)} bytes long, beyond the ${fmt(limits.maxLineBytes)}-byte limit for one line (maxLineBytes)`);
      continue;
    }
    const badByte = firstInvalidUtf8(bytes);
    if (badByte >= 0) {
      badLine(`is not valid UTF-8 text (byte ${fmt(badByte + 1)})`);
      continue;
    }
    const s = bytes.toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(s);
    } catch {
      const err = jsonError(s) ?? { at: 0, reason: 'JSON.parse refused it' };
      badLine(`is not valid JSON (at character ${err.at + 1}): ${err.reason}, near "${excerpt(s, err.at, 20)}"`);
      continue;
    }
    if (!isPlainObject(value)) {
      badLine('is not a JSON object');
      continue;
    }
    if (Object.hasOwn(value, 'instance') && Object.hasOwn(value, 'metadata')) {
      let record: RawRecord;
      try {
        record = checkRecord(Object.hasOwn(value, 'scores') ? value : { ...value, scores: {} }, `The record on line ${lineNo}`);
      } catch (e) {
        badLine(`holds a broken record (${e instanceof Error ? e.message.replace(/\.$/, '') : String(e)})`);
        continue;
      }
      if (!Object.hasOwn(value, 'scores')) notes.push(`The record on line ${fmt(lineNo)} has no "scores"; SimDeck read it with empty scores.`);
      const decoyName = decoyNameOf(record, `line ${lineNo}`, notes);
      const first = seen.get(decoyName);
      if (first !== undefined) notes.push(`Lines ${fmt(first)} and ${fmt(lineNo)} both hold decoy ${decoyName} (the simulation was probably run twice into the same output path); both are listed.`);
      else seen.set(decoyName, lineNo);
      records.push({ decoyName, record });
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length === 1 && isPlainObject(value[keys[0] as string])) {
      scoreOnly++;
      if (scoreOnlyFiles.length < 3) scoreOnlyFiles.push(keys[0] as string);
      continue;
    }
    badLine(`is neither a full record (with "instance" and "metadata") nor a score line ({"<output file>": {scores}})`);
  }
  const badNote = badCount
    ? `${fmt(badCount)} line${badCount > 1 ? 's' : ''} of ${label} could not be read and ${badCount > 1 ? 'were' : 'was'} skipped: ${bad.join('; ')}${badCount > bad.length ? `; and ${fmt(badCount - bad.length)} more` : ''}.`
    : '';
  if (records.length === 0) {
    if (scoreOnly > 0) throw scoresOnlyError(label, scoreOnlyFiles, badNote ? ` ${badNote}` : '');
    if (badCount > 0) throw new ReadError('corrupt', `${label} has no readable PyRosettaCluster lines. ${badNote}`);
    throw new ReadError('no-record', `${label} is empty: it holds no PyRosettaCluster records or scores.`);
  }
  if (scoreOnly > 0)
    notes.push(
      `${fmt(scoreOnly)} line${scoreOnly > 1 ? 's' : ''} of ${label} hold${scoreOnly > 1 ? '' : 's'} scores only, without a record ` +
        `(written with simulation_records_in_scorefile=False); open the decoy file${scoreOnly > 1 ? 's' : ''} to reproduce ${scoreOnly > 1 ? 'them' : 'it'}, e.g. ${list(scoreOnlyFiles)}.`,
    );
  if (badNote) notes.push(badNote);
  return { format: 'json-scorefile', layers, records, notes };
}

function isBlank(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
  }
  return true;
}
