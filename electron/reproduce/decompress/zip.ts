// .zip as pandas writes and reads it (`compression="zip"`): exactly one member, stored or deflated. The central
// directory is parsed here rather than trusting local headers, because writers that stream (Python's zipfile
// among them) may leave sizes out of the local header and put them in a data descriptor. Nothing is ever
// written to disk, so member names (even `../../x`) are only labels.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { LayerContext } from './errors.js';
import { corruptError, tooLargeError, truncatedError, unsupportedError } from './errors.js';

const inflateRawAsync = promisify(zlib.inflateRaw);

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;

const METHOD_NAMES: Record<number, string> = {
  1: 'Shrink',
  6: 'Implode',
  9: 'Deflate64',
  12: 'bzip2',
  14: 'LZMA',
  93: 'Zstandard',
  95: 'xz',
  99: 'AES encryption',
};

function u16(data: Uint8Array, at: number): number {
  return data[at]! | (data[at + 1]! << 8);
}

function u32(data: Uint8Array, at: number): number {
  return (data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24)) >>> 0;
}

/** The end-of-central-directory record: last 22 bytes, or earlier if the archive has a comment (< 64 KB). */
function findEndOfDirectory(data: Uint8Array): number {
  for (let at = data.length - 22; at >= 0 && at >= data.length - 22 - 0xffff; at--) {
    if (u32(data, at) === END_OF_DIRECTORY && at + 22 + u16(data, at + 20) <= data.length) return at;
  }
  return -1;
}

interface Entry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function quoteList(names: string[]): string {
  const shown = names.slice(0, 10).map((n) => `"${n}"`);
  return shown.join(', ') + (names.length > 10 ? ` and ${names.length - 10} more` : '');
}

export async function unzipSingle(data: Buffer, ctx: LayerContext): Promise<{ data: Buffer; name: string }> {
  const end = findEndOfDirectory(data);
  if (end < 0) {
    // Every zip ends with this record, so a file that starts like a zip but lacks it was cut off.
    if (data.length === 0 || u32(data, 0) === LOCAL_HEADER || data.length < 4) throw truncatedError(ctx);
    throw corruptError(ctx, 'it has no zip directory');
  }
  const disk = u16(data, end + 4);
  const directoryDisk = u16(data, end + 6);
  const entriesHere = u16(data, end + 8);
  const entries = u16(data, end + 10);
  const directorySize = u32(data, end + 12);
  const directoryOffset = u32(data, end + 16);
  const zip64 =
    (end >= 20 && u32(data, end - 20) === ZIP64_LOCATOR) ||
    entries === 0xffff ||
    directorySize === 0xffffffff ||
    directoryOffset === 0xffffffff;
  if (zip64) {
    throw unsupportedError(
      ctx,
      'it is a ZIP64 archive (the format used above 4 GB or 65 535 members, or forced by some tools), which SimDeck ' +
        'does not read. Unzip it and open the file inside, or re-create it with pandas / `zip -fz-`.',
    );
  }
  if (disk !== 0 || directoryDisk !== 0 || entriesHere !== entries) {
    throw unsupportedError(ctx, 'it is one part of a zip split across several files; join the parts first.');
  }
  if (directoryOffset + directorySize > end) throw corruptError(ctx, 'its directory points past its end');

  const list: Entry[] = [];
  let at = directoryOffset;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > end || u32(data, at) !== CENTRAL_HEADER) throw corruptError(ctx, 'its directory is damaged');
    const flags = u16(data, at + 8);
    const nameLength = u16(data, at + 28);
    const extraLength = u16(data, at + 30);
    const commentLength = u16(data, at + 32);
    if (at + 46 + nameLength > end) throw corruptError(ctx, 'its directory is damaged');
    const rawName = data.subarray(at + 46, at + 46 + nameLength);
    // Bit 11: UTF-8 names; otherwise IBM code page 437, which matches latin1 for the ASCII names seen in practice.
    const name = Buffer.from(rawName).toString(flags & 0x800 ? 'utf8' : 'latin1');
    list.push({
      name,
      flags,
      method: u16(data, at + 10),
      crc: u32(data, at + 16),
      compressedSize: u32(data, at + 20),
      size: u32(data, at + 24),
      localOffset: u32(data, at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }

  // pandas refuses anything but exactly one member (directory entries count), so a second one is not guessed at.
  if (list.length === 0) throw unsupportedError(ctx, 'the zip archive is empty; pandas writes exactly one file into it.');
  if (list.length > 1) {
    throw unsupportedError(
      ctx,
      `the zip archive holds ${list.length} entries (${quoteList(list.map((e) => e.name))}); SimDeck reads a zip ` +
        'holding exactly one file, as pandas writes it. Unzip it and open the file you need.',
    );
  }
  const entry = list[0]!;
  if (entry.name.endsWith('/') || entry.name.endsWith('\\')) {
    throw unsupportedError(ctx, `the zip archive holds only the folder "${entry.name}", not a file.`);
  }
  if (entry.flags & 1) throw unsupportedError(ctx, `"${entry.name}" in the archive is encrypted; unzip it with its password first.`);
  if (entry.method !== 0 && entry.method !== 8) {
    const method = METHOD_NAMES[entry.method] ?? `method ${entry.method}`;
    throw unsupportedError(
      ctx,
      `"${entry.name}" is compressed with ${method}, which SimDeck does not read (only stored and Deflate, what pandas ` +
        'writes). Unzip it and open the file inside.',
    );
  }
  if (entry.size > ctx.cap) throw tooLargeError(ctx);

  const local = entry.localOffset;
  if (local + 30 > directoryOffset || u32(data, local) !== LOCAL_HEADER) {
    throw corruptError(ctx, `the entry for "${entry.name}" points to the wrong place`);
  }
  const start = local + 30 + u16(data, local + 26) + u16(data, local + 28);
  const stop = start + entry.compressedSize;
  if (stop > directoryOffset) throw corruptError(ctx, `the data of "${entry.name}" runs into the directory`);
  const packed = data.subarray(start, stop);

  let out: Buffer;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw corruptError(ctx, `"${entry.name}" has inconsistent sizes`);
    out = packed;
  } else {
    try {
      // The directory's size is the cap: a member that inflates past what it declares is damaged or hostile.
      out = await inflateRawAsync(packed, { maxOutputLength: Math.max(1, entry.size) });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') {
        throw corruptError(ctx, `"${entry.name}" inflates to more than the ${entry.size} bytes its directory entry says`);
      }
      // The archive itself is complete, so even "unexpected end" means its member is damaged.
      if (code === 'Z_BUF_ERROR') throw corruptError(ctx, `the compressed data of "${entry.name}" ends early`);
      const message = error instanceof Error ? error.message : String(error);
      throw corruptError(ctx, `the compressed data of "${entry.name}" does not inflate ("${message}")`);
    }
  }
  if (out.length !== entry.size) {
    throw corruptError(ctx, `"${entry.name}" holds ${out.length} bytes but its directory entry says ${entry.size}`);
  }
  if (zlib.crc32(out) !== entry.crc) throw corruptError(ctx, `the checksum of "${entry.name}" does not match its contents`);
  return { data: out, name: entry.name };
}
