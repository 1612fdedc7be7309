// .pkl_pose / .b64_pose (+ .bz2): a pickled pyrosetta.rosetta.core.pose.Pose whose state holds the cereal
// archive of the pose (blosc-compressed, or raw); PyRosettaCluster stored the record in it as the pose comment
// "REMARK PyRosettaCluster:" → u64le length + JSON. Best effort (the archive layout is inferred, not documented):
// when a step fails the result says so and points to the official helper instead of throwing.
// notes/pyrosettacluster.md §4.
import type { RawRecord, ReadLimits, ReadResult } from '../types.js';
import { ReadError } from '../types.js';
import type { PyValue } from '../pickle/index.js';
import { PyByteArray, PyCall, asDict, className, describe, dictGet, unpickleDetailed } from '../pickle/index.js';
import { BloscError, bloscDecompress } from './blosc.js';
import { COMMENT_KEY, checkRecord, decoyNameOf, helperReason, isPlainObject } from './common.js';
import { refuseDangerous } from './pickle-scorefile.js';
import { scanJsonValue } from './json-scan.js';

const KEY = Buffer.from(COMMENT_KEY, 'latin1');

export type PoseRecord = { record: RawRecord } | { why: string };

/** The record inside a pickled Pose (the bytes of a .pkl_pose). Throws ReadError only for hostile pickles. */
export function recordFromPosePickle(pickle: Buffer, label: string, limits: ReadLimits): PoseRecord {
  let root: PyValue;
  let globals: string[];
  try {
    ({ value: root, globals } = unpickleDetailed(pickle, { label }));
  } catch (e) {
    if (e instanceof ReadError && e.kind === 'hostile') throw e;
    return { why: `its pickle does not read: ${e instanceof Error ? e.message : String(e)}` };
  }
  refuseDangerous(globals, label);
  const cls = className(root);
  if (!(root instanceof PyCall) || !cls || !/(^|\.)Pose$/.test(cls))
    return { why: `the pickle holds ${describe(root)}, not a pyrosetta.rosetta.core.pose.Pose` };
  const state = asDict(root.state);
  const blosc = bytesOf(dictGet(state, 'blosc_cereal_binary_archive'));
  const raw = bytesOf(dictGet(state, 'cereal_binary_archive'));
  let archive: Buffer;
  if (blosc) {
    try {
      archive = bloscDecompress(blosc, limits.maxDecompressedBytes);
    } catch (e) {
      if (e instanceof BloscError) return { why: `its blosc-compressed archive does not decode: ${e.message}` };
      throw e;
    }
  } else if (raw) archive = raw;
  else return { why: 'the Pose\'s pickled state has neither "blosc_cereal_binary_archive" nor "cereal_binary_archive"' };
  return recordFromArchive(archive, limits);
}

function bytesOf(v: PyValue | undefined): Buffer | undefined {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof PyByteArray) return v.data;
  return undefined;
}

/** Find the pose comment in a cereal binary archive: the last "REMARK PyRosettaCluster:" + u64le length + JSON. */
export function recordFromArchive(archive: Buffer, limits: ReadLimits): PoseRecord {
  let at = archive.lastIndexOf(KEY);
  if (at < 0) return { why: 'the pose carries no "REMARK PyRosettaCluster:" comment' };
  let lastWhy = '';
  for (; at >= 0; at = at > 0 ? archive.lastIndexOf(KEY, at - 1) : -1) {
    const after = at + KEY.length;
    // 1. cereal's std::string: u64le length, then the bytes.
    if (after + 8 <= archive.length) {
      const n = Number(archive.readBigUInt64LE(after));
      if (n > 1 && n <= archive.length - after - 8 && n <= limits.maxLineBytes) {
        const r = tryRecord(archive.subarray(after + 8, after + 8 + n).toString('utf8'));
        if ('record' in r) return r;
        lastWhy = r.why;
      }
    }
    // 2. Fallback: the first "{" after the key, read as one JSON value.
    const brace = archive.indexOf(0x7b, after);
    if (brace >= 0 && brace - after <= 64) {
      const text = archive.subarray(brace, Math.min(archive.length, brace + limits.maxLineBytes)).toString('utf8');
      const scan = scanJsonValue(text, 0);
      if (scan.ok) {
        const r = tryRecord(text.slice(0, scan.end));
        if ('record' in r) return r;
        lastWhy = r.why;
      } else lastWhy = `the comment's value is not valid JSON (${scan.reason})`;
    }
  }
  return { why: lastWhy || 'the "REMARK PyRosettaCluster:" comment has no readable value' };
}

function tryRecord(text: string): PoseRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { why: 'the comment\'s value is not valid JSON' };
  }
  if (!isPlainObject(value)) return { why: 'the comment\'s value is not a JSON object' };
  try {
    return { record: checkRecord(value, 'The record in the pose comment') };
  } catch (e) {
    return { why: e instanceof Error ? e.message.replace(/\.$/, '') : String(e) };
  }
}

/** Standard base64 text (whitespace allowed) → bytes, or undefined when it is not base64. */
export function decodeBase64Text(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

export function readPoseFile(inner: Buffer, label: string, fileName: string, limits: ReadLimits, layers: string[], format: 'pkl_pose' | 'b64_pose'): ReadResult {
  let pickle: Buffer | undefined = inner;
  if (format === 'b64_pose') {
    pickle = decodeBase64Text(inner.toString('latin1'));
    if (!pickle) return helper(format, layers, fileName, 'the file is not valid base64 text');
  }
  const found = recordFromPosePickle(pickle, label, limits);
  if ('why' in found) return helper(format, layers, fileName, found.why);
  const notes: string[] = [];
  const decoyName = decoyNameOf(found.record, label.replace(/\.(pkl|b64)_pose(\.bz2)?$/i, ''), notes);
  return { format, layers, records: [{ decoyName, record: found.record }], notes };
}

function helper(format: 'pkl_pose' | 'b64_pose', layers: string[], fileName: string, why: string): ReadResult {
  return { format, layers, records: [], notes: [], needsHelper: { reason: helperReason(fileName, why) } };
}
