// .tar as pandas writes and reads it (`compression="tar"`, also under .tar.gz/.tar.xz/.tar.bz2): exactly one
// member. Reads ustar, GNU (long names 'L'/'K', base-256 sizes) and pax ('x' per-file records, 'g' global ones)
// headers, the way Python's tarfile does, so those meta entries are not counted as members. Members are slices
// of the input: nothing is written to disk, so hostile names (`../../etc/x`, absolute paths) are just labels.
import type { LayerContext } from './errors.js';
import { corruptError, truncatedError, unsupportedError } from './errors.js';

const BLOCK = 512;

interface Member {
  name: string;
  type: string;
  data: Buffer;
}

const TYPE_NAMES: Record<string, string> = {
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a character device',
  '4': 'a block device',
  '5': 'a folder',
  '6': 'a FIFO',
  S: 'a sparse file',
};

function cString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return Buffer.from(nul < 0 ? bytes : bytes.subarray(0, nul)).toString('utf8');
}

/** A numeric header field: octal text, or GNU base-256 when the top bit of the first byte is set. NaN if invalid. */
function numeric(field: Uint8Array): number {
  if (field[0]! & 0x80) {
    if (field[0]! & 0x40) return NaN; // negative
    let value = field[0]! & 0x3f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return value <= Number.MAX_SAFE_INTEGER ? value : NaN;
  }
  const text = Buffer.from(field).toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : NaN;
}

function checksumMatches(header: Uint8Array): boolean {
  const stored = numeric(header.subarray(148, 156));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : header[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  // Some old tars summed signed bytes; Python's tarfile accepts either.
  return stored === unsigned || stored === signed;
}

function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** pax records: "<length> <key>=<value>\n", length counting the whole record. */
function paxRecords(body: Buffer, ctx: LayerContext): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const length = space < 0 ? NaN : Number(body.subarray(at, space).toString('latin1'));
    if (!Number.isInteger(length) || length <= 0 || at + length > body.length) {
      if (isZeroBlock(body.subarray(at))) break;
      throw corruptError(ctx, 'a pax extended header is malformed');
    }
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

export function untarSingle(data: Buffer, ctx: LayerContext): { data: Buffer; name: string } {
  if (data.length === 0) throw truncatedError(ctx);
  const members: Member[] = [];
  let nextName: string | null = null; // from a GNU 'L' or pax 'path' record, for the next member
  let nextSize: number | null = null; // from a pax 'size' record
  let off = 0;
  for (;;) {
    if (off >= data.length) break; // no end-of-archive blocks: Python's tarfile accepts that too
    if (off + BLOCK > data.length) {
      if (isZeroBlock(data.subarray(off))) break;
      throw truncatedError(ctx);
    }
    const header = data.subarray(off, off + BLOCK);
    if (isZeroBlock(header)) break; // end of archive
    if (!checksumMatches(header)) {
      throw corruptError(ctx, off === 0 ? 'it does not start with a tar header' : `the tar header at byte ${off} is damaged`);
    }
    const type = String.fromCharCode(header[156]!);
    let size = numeric(header.subarray(124, 136));
    if (nextSize !== null && type !== 'x' && type !== 'g' && type !== 'L' && type !== 'K') size = nextSize;
    if (Number.isNaN(size)) throw corruptError(ctx, `the tar header at byte ${off} has an invalid size`);
    const bodyStart = off + BLOCK;
    // Links, folders and devices carry no data whatever their size field says (GNU tar, tarfile).
    const dataSize = type === '1' || type === '2' || type === '5' || type === '3' || type === '4' || type === '6' ? 0 : size;
    if (bodyStart + dataSize > data.length) throw truncatedError(ctx);
    const body = data.subarray(bodyStart, bodyStart + dataSize);
    off = bodyStart + Math.ceil(dataSize / BLOCK) * BLOCK;

    if (type === 'x') {
      const records = paxRecords(body, ctx);
      const path = records.get('path');
      if (path !== undefined) nextName = path;
      const paxSize = records.get('size');
      if (paxSize !== undefined) {
        nextSize = /^\d+$/.test(paxSize) ? Number(paxSize) : NaN;
        if (!Number.isSafeInteger(nextSize)) throw corruptError(ctx, 'a pax extended header has an invalid size');
      }
      continue;
    }
    if (type === 'g' || type === 'K') continue; // global pax defaults, GNU long link target: nothing we need
    if (type === 'L') {
      nextName = cString(body);
      continue;
    }
    let name = nextName;
    if (name === null) {
      name = cString(header.subarray(0, 100));
      const magic = Buffer.from(header.subarray(257, 263)).toString('latin1');
      const prefix = magic === 'ustar\0' ? cString(header.subarray(345, 500)) : '';
      if (prefix) name = `${prefix}/${name}`;
    }
    // Pre-POSIX tars mark folders only by a trailing slash (tarfile reads them the same way).
    const kind = (type === '\0' || type === '0') && name.endsWith('/') ? '5' : type;
    members.push({ name, type: kind, data: body });
    nextName = null;
    nextSize = null;
  }

  const names = members.map((m) => m.name);
  if (members.length === 0) throw unsupportedError(ctx, 'the tar archive holds no files; pandas writes exactly one.');
  if (members.length > 1) {
    const shown = names.slice(0, 10).map((n) => `"${n}"`).join(', ') + (names.length > 10 ? ` and ${names.length - 10} more` : '');
    throw unsupportedError(
      ctx,
      `the tar archive holds ${members.length} entries (${shown}); SimDeck reads a tar holding exactly one file, as ` +
        'pandas writes it. Extract it and open the file you need.',
    );
  }
  const member = members[0]!;
  // '0', NUL (pre-POSIX regular file) and '7' (contiguous file) are regular files.
  if (member.type !== '0' && member.type !== '\0' && member.type !== '7') {
    const what = TYPE_NAMES[member.type] ?? `an entry of type "${member.type}"`;
    throw unsupportedError(ctx, `the only entry in the tar archive, "${member.name}", is ${what}, not a file.`);
  }
  return { data: member.data, name: member.name };
}
