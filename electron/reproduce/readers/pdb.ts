// Decoys (.pdb, .pdb.bz2): the record is the LAST line that starts with "REMARK PyRosettaCluster: " (an older
// record may sit earlier, inside a ##Begin comments## block, and must lose). notes/pyrosettacluster.md §1.
import type { ReadLimits, ReadResult } from '../types.js';
import { ReadError } from '../types.js';
import { REMARK_MARKER, checkRecord, decoyNameOf, firstInvalidUtf8, fmt, isUtf8Text, parseJson } from './common.js';

const MARKER_BYTES = Buffer.from(REMARK_MARKER, 'latin1');

const mb = (n: number) => (n / 1024 ** 2).toFixed(n >= 10 * 1024 ** 2 ? 0 : 1);

/** Start of the last line beginning with the marker, or -1. */
export function lastMarkerLine(text: Buffer): number {
  let from = text.length;
  for (;;) {
    const i = text.lastIndexOf(MARKER_BYTES, from);
    if (i < 0) return -1;
    if (i === 0 || text[i - 1] === 0x0a) return i;
    from = i - 1;
  }
}

export function noRecordError(label: string): ReadError {
  return new ReadError(
    'no-record',
    `${label} has no PyRosettaCluster record: it was not written by PyRosettaCluster, or it was edited or converted afterwards ` +
      `(PyRosettaCluster ends every decoy with a line starting "${REMARK_MARKER.trim()}"). If it came from a PyRosettaCluster run, ` +
      'open the scorefile or the .init file of that run instead.',
  );
}

/** The record from a decompressed decoy's bytes. */
export function readPdbBytes(text: Buffer, label: string, limits: ReadLimits, layers: string[]): ReadResult {
  const start = lastMarkerLine(text);
  if (start < 0) throw noRecordError(label);
  let end = text.indexOf(0x0a, start);
  if (end < 0) end = text.length;
  let lineEnd = end;
  if (lineEnd > start && text[lineEnd - 1] === 0x0d) lineEnd--;
  const what = `The PyRosettaCluster REMARK line in ${label}`;
  if (lineEnd - start > limits.maxLineBytes)
    throw new ReadError(
      'too-large',
      `${what} is ${mb(lineEnd - start)} MB long, more than the ${mb(limits.maxLineBytes)} MB SimDeck reads in one line (the maxLineBytes read limit). If the file is genuine, raise that limit and open it again.`,
    );
  const line = text.subarray(start + MARKER_BYTES.length, lineEnd);
  const bad = firstInvalidUtf8(line);
  if (bad >= 0)
    throw new ReadError(
      'corrupt',
      `${what} is not valid UTF-8 text (byte 0x${(line[bad] as number).toString(16).padStart(2, '0')} at byte ${fmt(bad + 1)} of the record): ` +
        'the file was damaged, or re-saved in another text encoding. Use an original copy of the decoy.',
    );
  const notes: string[] = [];
  if (!isUtf8Text(text.subarray(0, start)) || !isUtf8Text(text.subarray(end)))
    notes.push(`${label} holds bytes that are not UTF-8 outside the record; they were ignored (they are not part of the record).`);
  const record = checkRecord(parseJson(line.toString('utf8'), what), what);
  return result(record, label, layers, notes);
}

/** The record from the text of the record line (as the bzip2 fast path returns it). */
export function readPdbRecordLine(tail: string, label: string, limits: ReadLimits, layers: string[]): ReadResult {
  let nl = tail.indexOf('\n');
  if (nl < 0) nl = tail.length;
  let line = tail.slice(0, nl);
  if (line.endsWith('\r')) line = line.slice(0, -1);
  const what = `The PyRosettaCluster REMARK line in ${label}`;
  if (Buffer.byteLength(line) > limits.maxLineBytes)
    throw new ReadError('too-large', `${what} is longer than the ${mb(limits.maxLineBytes)} MB SimDeck reads in one line (the maxLineBytes read limit).`);
  const record = checkRecord(parseJson(line.slice(REMARK_MARKER.length), what), what);
  return result(record, label, layers, []);
}

function result(record: ReturnType<typeof checkRecord>, label: string, layers: string[], notes: string[]): ReadResult {
  const fallback = label.replace(/\.bz2$/i, '').replace(/\.pdb$/i, '');
  const decoyName = decoyNameOf(record, fallback, notes);
  return { format: 'pdb', layers, records: [{ decoyName, record }], notes };
}
