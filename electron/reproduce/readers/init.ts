// .init / .init.bz2: PyRosetta initialization files (JSON, indent 2, sorted keys). The summary (author, build,
// options, embedded input files) is read directly; the record sits in the output pose
// `poses[metadata.idx_poses_output]`, a base64 pickled Pose read like a .b64_pose. Embedded files are decoded
// (base64 + 'Txt'|'Obj' tag + zlib) only to list them: nothing is written to disk. notes/pyrosettacluster.md §5.
import zlib from 'node:zlib';
import type { InitSummary, RawRecord, ReadLimits, ReadResult } from '../types.js';
import { ReadError } from '../types.js';
import { checkRecord, decoyNameOf, firstInvalidUtf8, fmt, helperReason, isPlainObject, parseJson } from './common.js';
import { decodeBase64Text, recordFromPosePickle } from './pose.js';

const TEXT_PREFIX = '[PyRosettaInitTextFile]';
const BINARY_PREFIX = '[PyRosettaInitBinaryFile]';

export interface EmbeddedFile {
  option: string;
  name: string;
  kind: 'text' | 'binary';
  /** The file's content (text files: as PyRosetta would write it, sub-files shown by name). */
  content: Buffer;
}

/** Decodes embedded files against a shared output budget. */
class Decoder {
  constructor(
    private left: number,
    private readonly label: string,
  ) {}

  take(n: number): void {
    this.left -= n;
    if (this.left < 0)
      throw new ReadError('too-large', `The files embedded in ${this.label} decompress to more than SimDeck's limit (the maxDecompressedBytes read limit).`);
  }

  /** '[PyRosettaInitTextFile]<b64(Txt|Obj + zlib)>' → string (Txt) or parsed JSON (Obj). */
  text(value: string): { tag: 'Txt'; text: string } | { tag: 'Obj'; value: unknown } {
    const raw = decodeBase64Text(value.slice(TEXT_PREFIX.length));
    if (!raw || raw.length < 3) throw new Error('its base64 text does not decode');
    const tag = raw.subarray(0, 3).toString('latin1');
    if (tag !== 'Txt' && tag !== 'Obj') throw new Error(`it has the unknown tag "${tag}"`);
    let out: Buffer;
    try {
      out = zlib.inflateSync(raw.subarray(3), { maxOutputLength: Math.max(1, this.left + 1) });
    } catch (e) {
      if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') this.take(Infinity);
      throw new Error('its zlib data does not decompress');
    }
    this.take(out.length);
    if (firstInvalidUtf8(out) >= 0) throw new Error('its text is not UTF-8');
    const s = out.toString('utf8');
    if (tag === 'Txt') return { tag, text: s };
    return { tag, value: JSON.parse(s) };
  }

  binary(value: string): Buffer {
    const raw = decodeBase64Text(value.slice(BINARY_PREFIX.length));
    if (!raw) throw new Error('its base64 text does not decode');
    this.take(raw.length);
    return raw;
  }
}

/** Every file embedded in the options of a parsed .init JSON, decoded in memory. */
export function embeddedFiles(init: Record<string, unknown>, label: string, limits: ReadLimits, notes: string[] = []): { files: EmbeddedFile[]; options: Record<string, unknown> } {
  const dec = new Decoder(limits.maxDecompressedBytes, label);
  const files: EmbeddedFile[] = [];
  const options: Record<string, unknown> = {};
  const rawOptions = isPlainObject(init.options) ? init.options : {};
  const decodeOne = (option: string, name: string, data: unknown): string => {
    if (typeof data !== 'string') return String(data);
    try {
      if (data.startsWith(TEXT_PREFIX)) {
        const r = dec.text(data);
        let content: Buffer;
        if (r.tag === 'Txt') content = Buffer.from(r.text, 'utf8');
        else {
          // 'Obj': a list of text pieces and {basename: sub-file} dicts; PyRosetta writes each sub-file and
          // puts its path in the text.
          const pieces = Array.isArray(r.value) ? r.value : [];
          let text = '';
          for (const piece of pieces) {
            if (typeof piece === 'string') text += piece;
            else if (isPlainObject(piece)) {
              for (const [sub, subData] of Object.entries(piece)) {
                decodeOne(option, sub, subData);
                text += sub;
              }
            }
          }
          content = Buffer.from(text, 'utf8');
        }
        files.push({ option, name, kind: 'text', content });
        return `[embedded file ${name}, ${fmt(content.length)} bytes]`;
      }
      if (data.startsWith(BINARY_PREFIX)) {
        const content = dec.binary(data);
        files.push({ option, name, kind: 'binary', content });
        return `[embedded file ${name}, ${fmt(content.length)} bytes]`;
      }
      return data;
    } catch (e) {
      if (e instanceof ReadError) throw e;
      notes.push(`The file ${name} embedded in option -${option} could not be decoded (${e instanceof Error ? e.message : String(e)}).`);
      return `[embedded file ${name}, unreadable]`;
    }
  };
  for (const [option, values] of Object.entries(rawOptions)) {
    const list = Array.isArray(values) ? values : [values];
    const shown: unknown[] = [];
    for (const v of list) {
      if (isPlainObject(v)) for (const [name, data] of Object.entries(v)) shown.push(decodeOne(option, name, data));
      else shown.push(v);
    }
    options[option] = shown;
  }
  return { files, options };
}

export function readInitBytes(text: Buffer, label: string, fileName: string, limits: ReadLimits, layers: string[]): ReadResult {
  const bad = firstInvalidUtf8(text);
  if (bad >= 0) throw new ReadError('corrupt', `${label} is not valid UTF-8 text (bad byte at byte ${fmt(bad + 1)}): the file was damaged or re-encoded.`);
  const parsed = parseJson(text.toString('utf8'), label);
  if (!isPlainObject(parsed) || !(Object.hasOwn(parsed, 'options') || Object.hasOwn(parsed, 'pyrosetta_build') || Object.hasOwn(parsed, 'poses')))
    throw new ReadError('unsupported', `${label} is JSON but not a PyRosetta initialization (.init) file: it has no "options", "pyrosetta_build" or "poses".`);
  const notes: string[] = [];
  const { files, options } = embeddedFiles(parsed, label, limits, notes);
  const str = (k: string) => (typeof parsed[k] === 'string' ? (parsed[k] as string) : '');
  const metadata = isPlainObject(parsed.metadata) ? parsed.metadata : {};
  const poses = Array.isArray(parsed.poses) ? parsed.poses : [];
  const init: InitSummary = {
    author: str('author'),
    email: str('email'),
    license: str('license'),
    pyrosettaBuild: str('pyrosetta_build'),
    datetime: str('datetime'),
    options,
    files: files.map((f) => ({ option: f.option, name: f.name, bytes: f.content.length, kind: f.kind })),
    numPoses: poses.length,
    metadata,
  };
  const records: { decoyName: string; record: RawRecord }[] = [];
  const base: ReadResult = { format: 'init', layers, records, notes, init };
  const idx = metadata.idx_poses_output;
  if (typeof idx !== 'number') {
    notes.push(
      `${label} has no output decoy (its metadata has no idx_poses_output): it is the .init file PyRosettaCluster writes when a simulation ` +
        'starts, so it carries no record. Open a decoy, a scorefile, or an .init file exported for a decoy instead.',
    );
    return base;
  }
  const pose = poses[idx];
  if (typeof pose !== 'string') return { ...base, needsHelper: { reason: helperReason(fileName, `the output pose poses[${idx}] is missing`) } };
  const pickle = decodeBase64Text(pose);
  if (!pickle) return { ...base, needsHelper: { reason: helperReason(fileName, `the output pose poses[${idx}] is not valid base64`) } };
  const found = recordFromPosePickle(pickle, `the output pose in ${label}`, limits);
  if ('why' in found) return { ...base, needsHelper: { reason: helperReason(fileName, found.why) } };
  const record = checkRecord(found.record, `The record in ${label}`);
  records.push({ decoyName: decoyNameOf(record, label.replace(/\.init(\.bz2)?$/i, ''), notes), record });
  return base;
}
