// Entry point of the readers: sniff what a PyRosettaCluster result file is (by content where possible, by name
// otherwise), peel its compression layers and hand it to the reader for its format. Nothing read is executed.
import type { ReadLimits, ReadResult } from '../types.js';
import { DEFAULT_LIMITS, ReadError } from '../types.js';
import { bz2TailText, unpack } from '../decompress/index.js';
import { REMARK_MARKER, baseName } from './common.js';
import { readInitBytes } from './init.js';
import { readJsonScorefile } from './json-scorefile.js';
import { noRecordError, readPdbBytes, readPdbRecordLine } from './pdb.js';
import { readPickleScorefile } from './pickle-scorefile.js';
import { readPoseFile } from './pose.js';
import { className, unpickleDetailed } from '../pickle/index.js';

export { embeddedFiles } from './init.js';
export type { EmbeddedFile } from './init.js';
export { bloscDecompress, BloscError } from './blosc.js';
export { recordFromArchive, recordFromPosePickle } from './pose.js';
export { REMARK_MARKER, COMMENT_KEY } from './common.js';

export type SniffedFormat = 'pdb' | 'json-scorefile' | 'pickle' | 'init' | 'pkl_pose' | 'b64_pose' | 'unknown';

const PDB_NAME = /\.(pdb|ent|pdb\d*)$/i;
const POSE_PKL_NAME = /\.pkl_pose$/i;
const POSE_B64_NAME = /\.b64_pose$/i;
const INIT_NAME = /\.init$/i;
const PICKLE_NAME = /\.(pkl|pickle|pck|p)$/i;
/** First lines of a PDB file (Rosetta writes ATOM/HETATM, pose energies, comments, REMARKs). */
const PDB_START = /^(ATOM |HETATM|HEADER|REMARK|MODEL |CRYST1|TITLE |COMPND|SEQRES|##Begin|# All scores|label |EXPDTA|AUTHOR|KEYWDS|SOURCE|END)/;

/**
 * Read one PyRosettaCluster result file: a decoy (.pdb[.bz2]), a JSON Lines or pickled-DataFrame scorefile
 * (any compression pandas writes), an .init[.bz2] file, or a .pkl_pose/.b64_pose[.bz2]. Throws ReadError with
 * a message for the researcher; a pose whose record needs PyRosetta comes back with `needsHelper`.
 */
export async function readResultFile(data: Buffer, fileName: string, limits: ReadLimits = DEFAULT_LIMITS): Promise<ReadResult> {
  const label = baseName(fileName);
  if (data.length > limits.maxFileBytes)
    throw new ReadError('too-large', `${label} is ${Math.round(data.length / 1024 ** 2)} MB, more than SimDeck reads (the maxFileBytes read limit).`);
  if (data.length === 0) throw new ReadError('no-record', `${label} is empty (0 bytes).`);

  // Fast path for decoys: the record is the last line, and bzip2 lets us decode only the last block(s).
  const isBz2 = data[0] === 0x42 && data[1] === 0x5a && data[2] === 0x68;
  if (isBz2 && PDB_NAME.test(label.replace(/\.bz2$/i, ''))) {
    let tail: string | null | undefined;
    try {
      tail = await bz2TailText(data, REMARK_MARKER, limits, label);
    } catch (e) {
      if (e instanceof ReadError && (e.kind === 'too-large' || e.kind === 'hostile')) throw e;
      tail = undefined; // let the full decode report damage its own way
    }
    if (tail === null) throw noRecordError(label);
    // Text with U+FFFD may hide invalid UTF-8: the byte-level path tells the two apart.
    if (tail !== undefined && !tail.includes('\uFFFD')) return readPdbRecordLine(tail, label, limits, ['bzip2']);
  }

  const { data: inner, layers, innerName } = await unpack(data, label, limits);
  const where = label;
  const format = sniff(inner, baseName(innerName), label);
  switch (format) {
    case 'pdb':
      return readPdbBytes(inner, where, limits, layers);
    case 'json-scorefile':
      return readJsonScorefile(inner, where, limits, layers);
    case 'init':
      return readInitBytes(inner, where, label, limits, layers);
    case 'pkl_pose':
    case 'b64_pose':
      return readPoseFile(inner, where, label, limits, layers, format);
    case 'pickle': {
      // A pickle is a DataFrame scorefile unless it holds a Pose (a .pkl_pose renamed, say).
      if (!POSE_PKL_NAME.test(innerName) && !POSE_PKL_NAME.test(label) && holdsPose(inner)) return readPoseFile(inner, where, label, limits, layers, 'pkl_pose');
      return readPickleScorefile(inner, where, limits, layers);
    }
    default:
      throw new ReadError(
        'unsupported',
        `${where} is not a PyRosettaCluster result file SimDeck knows: expected a decoy (.pdb, .pdb.bz2), a scorefile (JSON Lines, or a pickled ` +
          'pandas DataFrame in any compression), an .init file, or a .pkl_pose/.b64_pose file.',
      );
  }
}

/** What the (decompressed) bytes are, from their content first and the name second. */
export function sniff(inner: Buffer, innerName: string, outerName = innerName): SniffedFormat {
  const name = innerName.toLowerCase();
  const outer = outerName.toLowerCase().replace(/\.(bz2|gz|xz|zst|zip|tar)$/g, '');
  const named = (re: RegExp) => re.test(name) || re.test(outer);
  const b0 = inner[0];
  const isPickle =
    (b0 === 0x80 && inner.length > 1 && (inner[1] as number) >= 2 && (inner[1] as number) <= 5) ||
    (b0 !== undefined && '(c]})NKJ'.includes(String.fromCharCode(b0)) && (named(PICKLE_NAME) || looksLikeOldPickle(inner)));
  if (isPickle) return named(POSE_PKL_NAME) ? 'pkl_pose' : 'pickle';
  if (named(POSE_PKL_NAME)) return 'pkl_pose';
  const head = inner.subarray(0, 4096).toString('latin1');
  const trimmed = head.replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  if (named(POSE_B64_NAME)) return 'b64_pose';
  // Base64 of a protocol 2-5 pickle starts "gA" + one of I..X (0x80, then the protocol byte).
  if (/^gA[I-X][A-Za-z0-9+/]/.test(trimmed) && /^[A-Za-z0-9+/=\s]*$/.test(head)) return 'b64_pose';
  if (named(INIT_NAME)) return 'init';
  if (trimmed.startsWith('{')) {
    const nl = inner.indexOf(0x0a);
    const first = (nl < 0 ? inner : inner.subarray(0, nl)).toString('utf8').trim();
    if (first.length > 1 && first.endsWith('}')) {
      try {
        JSON.parse(first);
        return 'json-scorefile';
      } catch {
        // not a complete first line: an .init file (pretty-printed) or a broken scorefile line
      }
    }
    if (/^\{\s*"(author|datetime|email|license|md5|metadata|num_files|num_poses|options|poses|pyrosetta_build)"\s*:/.test(trimmed)) return 'init';
    return 'json-scorefile';
  }
  if (PDB_START.test(trimmed) || inner.includes(REMARK_MARKER) || named(PDB_NAME)) return 'pdb';
  if (name.endsWith('.json') || outer.endsWith('.json')) return 'json-scorefile';
  return 'unknown';
}

/** A protocol 0/1 pickle (no PROTO opcode): ends with STOP, and starts like one (`c<module>\n<name>\n`, `(`, ...). */
function looksLikeOldPickle(inner: Buffer): boolean {
  let end = inner.length;
  while (end > 0 && (inner[end - 1] === 0x0a || inner[end - 1] === 0x0d)) end--;
  if (end < 2 || inner[end - 1] !== 0x2e) return false;
  const head = inner.subarray(0, 256).toString('latin1');
  return inner[0] === 0x63 ? /^c[\w.]+\n[\w.]+\n/.test(head) : /^[(\]})]/.test(head);
}

/** Whether a pickle's root object is a PyRosetta Pose (cheap: the VM runs anyway for either reader). */
function holdsPose(inner: Buffer): boolean {
  // A Pose pickle names the Pose class before anything else; a DataFrame names pandas first.
  const head = inner.subarray(0, 256).toString('latin1');
  if (!head.includes('pyrosetta')) return false;
  try {
    return /(^|\.)Pose$/.test(className(unpickleDetailed(inner, { label: 'pose' }).value) ?? '');
  } catch {
    return false;
  }
}
