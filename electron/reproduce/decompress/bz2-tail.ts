// The fast path for `.pdb.bz2` decoys. PyRosettaCluster writes the record as the LAST line of the file
// (notes/pyrosettacluster.md §1), and bzip2 compresses in independent blocks, so only the last block or two need
// decoding instead of the whole (often 100+ MB) structure.
//
// A bzip2 stream is `BZh` + level digit, then blocks that each start with the 48-bit magic 0x314159265359 at
// any bit offset (blocks are not byte aligned), then the end-of-stream magic 0x177245385090, a 32-bit combined
// CRC and zero padding to a byte. Files may hold several streams back to back. We find the final end-of-stream
// marker, search backwards bit by bit for block magics, and accept a candidate only when it decodes with a
// matching block CRC AND ends exactly where the block after it starts (or, for the last block of an earlier
// stream, where that stream's end-of-stream marker starts). A look-alike magic inside compressed data fails one
// of those checks. Anything we do not recognise falls back to decoding the whole file, so the answer is always
// the one full decompression gives.
import type { ReadLimits } from '../types.js';
import { ReadError } from '../types.js';
import { bunzip2, decodeBlockAt, mayStartStream } from './bzip2.js';
import type { LayerContext } from './errors.js';
import { corruptError, megabytes, tooLargeError, truncatedError, yieldToEventLoop } from './errors.js';

/** A 48-bit magic as it appears when it starts at bit `shift` of a byte: 7 bytes and which bits of each count. */
interface ShiftedMagic {
  bytes: Uint8Array;
  masks: Uint8Array;
}

function shiftedMagics(magic: bigint): ShiftedMagic[] {
  const out: ShiftedMagic[] = [];
  for (let shift = 0; shift < 8; shift++) {
    // A 56-bit window over 7 bytes, most significant bit first; the magic occupies window bits shift..shift+47.
    const window = magic << BigInt(8 - shift);
    const bytes = new Uint8Array(7);
    const masks = new Uint8Array(7);
    for (let k = 0; k < 7; k++) {
      bytes[k] = Number((window >> BigInt(8 * (6 - k))) & 0xffn);
      masks[k] = k === 0 ? 0xff >> shift : k === 6 ? (0xff << (8 - shift)) & 0xff : 0xff;
    }
    out.push({ bytes, masks });
  }
  return out;
}

const BLOCK_MAGIC = shiftedMagics(0x314159265359n);
const END_MAGIC = shiftedMagics(0x177245385090n);

/**
 * For every byte value, the shifts at which it equals the second byte of a shifted block magic. The second byte
 * is a whole magic byte at every shift, so this one table lookup rejects almost every position.
 */
const SECOND_BYTE_SHIFTS = (() => {
  const table = new Uint8Array(256);
  BLOCK_MAGIC.forEach((m, shift) => {
    const second = m.bytes[1]!;
    table[second] = table[second]! | (1 << shift);
  });
  return table;
})();

function matchesAt(data: Uint8Array, bytePos: number, magic: ShiftedMagic): boolean {
  for (let k = 0; k < 7; k++) {
    const mask = magic.masks[k]!;
    if (mask === 0) continue;
    const byte = data[bytePos + k];
    if (byte === undefined || (byte & mask) !== magic.bytes[k]) return false;
  }
  return true;
}

function magicAtBit(data: Uint8Array, bit: number, magic: ShiftedMagic[]): boolean {
  return bit >= 0 && matchesAt(data, bit >> 3, magic[bit & 7]!);
}

/** Bit positions of block-magic look-alikes in [minBit, beforeBit), last first. */
function* blockMagicsBackwards(data: Uint8Array, beforeBit: number, minBit: number): Generator<number> {
  for (let p = Math.floor((beforeBit - 1) / 8); p >= 0 && p * 8 + 7 >= minBit; p--) {
    const second = data[p + 1];
    if (second === undefined) continue;
    const shifts = SECOND_BYTE_SHIFTS[second]!;
    if (shifts === 0) continue;
    for (let shift = 7; shift >= 0; shift--) {
      const bit = p * 8 + shift;
      if ((shifts & (1 << shift)) !== 0 && bit < beforeBit && bit >= minBit && matchesAt(data, p, BLOCK_MAGIC[shift]!)) {
        yield bit;
      }
    }
  }
}

/** The final end-of-stream marker: 48 bits magic + 32 bits CRC + 0..7 bits padding end the file. -1 if absent. */
function finalEndOfStream(data: Uint8Array): number {
  const totalBits = data.length * 8;
  for (let pad = 0; pad < 8; pad++) {
    const bit = totalBits - 80 - pad;
    if (bit < 32) break;
    if (magicAtBit(data, bit, END_MAGIC)) return bit;
  }
  return -1;
}

/** The first block of every stream sits right after its byte-aligned `BZh1`..`BZh9` header. */
function isStreamFirstBlock(data: Uint8Array, bit: number): boolean {
  return bit % 8 === 0 && bit >= 32 && mayStartStream(data, bit / 8 - 4) && bit / 8 <= data.length;
}

/** Does a block ending at `endBit` sit right before `nextBit` (same stream, or end of the stream before)? */
function chainsTo(data: Uint8Array, endBit: number, nextBit: number, nextIsEnd: boolean): boolean {
  if (endBit === nextBit) return true;
  if (nextIsEnd || !isStreamFirstBlock(data, nextBit)) return false;
  // Last block of the previous stream: end-of-stream magic, 32-bit CRC, padding, then the next stream's header.
  return magicAtBit(data, endBit, END_MAGIC) && Math.ceil((endBit + 80) / 8) * 8 === nextBit - 32;
}

const NEWLINE = Buffer.from('\n');

/** Start offset of the last line of `text` starting with `marker` (lines split on \n, so \r\n works too), or -1. */
function lastMarkerLineStart(text: Buffer, marker: Buffer, textIsWholeFile: boolean): number {
  const hit = text.lastIndexOf(Buffer.concat([NEWLINE, marker]));
  if (hit >= 0) return hit + 1;
  if (textIsWholeFile && text.subarray(0, marker.length).equals(marker)) return 0;
  return -1;
}

function lineTooLong(where: string, marker: string, limit: number): ReadError {
  return new ReadError(
    'too-large',
    `The last line of ${where} starting with "${marker.trim()}" is longer than ${megabytes(limit)} MB, which SimDeck ` +
      `refuses to load. If this is a genuine file, raise the maxLineBytes read limit (now ${megabytes(limit)} MB) ` +
      'and open it again.',
  );
}

/**
 * Same answer as `lastLineFrom(fullDecompression)`, decoding only the last blocks. Returns undefined when the
 * block structure is not the plain one bzip2 writes (trailing bytes, empty streams, damage), for the caller to
 * fall back to full decompression.
 */
async function tailFromLastBlocks(
  data: Buffer,
  marker: Buffer,
  markerText: string,
  limits: ReadLimits,
  ctx: LayerContext,
): Promise<string | null | undefined> {
  const end = finalEndOfStream(data);
  if (end < 0) return undefined;
  const needleLength = marker.length + 1;
  const parts: Buffer[] = []; // decoded blocks in file order
  let total = 0;
  let next = end; // where the block we look for must end
  let nextIsEnd = true;
  for (;;) {
    let found: { bit: number; bytes: Buffer } | null = null;
    for (const bit of blockMagicsBackwards(data, next, 32)) {
      const block = decodeBlockAt(data, bit);
      if (block && chainsTo(data, block.endBit, next, nextIsEnd)) {
        found = { bit, bytes: block.bytes };
        break;
      }
    }
    if (!found) return undefined;
    parts.unshift(found.bytes);
    total += found.bytes.length;
    if (total > limits.maxDecompressedBytes) throw tooLargeError(ctx);

    // A line start found now must begin in the new block (the text after it was searched already), but the
    // "\n" + marker it starts with may run on into the following blocks: search the new block plus that much.
    const window = [found.bytes];
    for (let i = 1, want = needleLength - 1; i < parts.length && want > 0; i++) {
      const piece = parts[i]!.subarray(0, want);
      window.push(piece);
      want -= piece.length;
    }
    const atFileStart = found.bit === 32;
    const start = lastMarkerLineStart(Buffer.concat(window), marker, atFileStart);
    if (start >= 0) {
      if (total - start > limits.maxLineBytes) throw lineTooLong(ctx.where, markerText, limits.maxLineBytes);
      return Buffer.concat(parts, total).subarray(start).toString('utf8');
    }
    if (atFileStart) return null;
    if (total > limits.maxLineBytes) {
      throw new ReadError(
        'too-large',
        `SimDeck decompressed the last ${megabytes(total)} MB of ${ctx.where} without reaching the start of a line ` +
          `beginning with "${markerText.trim()}": either that line is longer than the ${megabytes(limits.maxLineBytes)} MB ` +
          'SimDeck accepts (raise the maxLineBytes read limit to read it) or the file has no such line.',
      );
    }
    next = found.bit;
    nextIsEnd = false;
    await yieldToEventLoop();
  }
}

/**
 * The text from the start of the last line beginning with `marker` to the end of the data, in a complete
 * decompression of the `.bz2` bytes `data`, or null when no line begins with `marker`. Decodes only the final
 * block(s) when it can; see the file comment.
 */
export async function bz2TailText(
  data: Buffer,
  marker: string,
  limits: ReadLimits,
  fileName = 'the .bz2 file',
): Promise<string | null> {
  const ctx: LayerContext = { where: fileName, layer: 'bzip2', cap: limits.maxDecompressedBytes };
  if (data.length > limits.maxFileBytes) {
    throw new ReadError(
      'too-large',
      `${fileName} is ${megabytes(data.length)} MB, more than the ${megabytes(limits.maxFileBytes)} MB SimDeck reads. ` +
        'If this is a genuine file, raise the maxFileBytes read limit and open it again.',
    );
  }
  if (data.length < 4 || !mayStartStream(data, 0)) {
    if (mayStartStream(data, 0)) throw truncatedError(ctx);
    throw corruptError(ctx, 'it does not start with the bzip2 signature "BZh"');
  }
  const fast = await tryBz2TailFast(data, marker, limits, fileName);
  if (fast !== undefined) return fast;
  // Not the plain structure bzip2 writes: decode everything, which also gives the right error for a damaged file.
  return lastLineFrom(await bunzip2(data, ctx), marker, limits, ctx.where);
}

/**
 * Only the fast path of bz2TailText: the same answer, or undefined when the file's structure needs a full
 * decode (trailing bytes, empty streams, damage near the end). Exported for tests and for callers that would
 * rather report "slow file" than decode everything.
 */
export async function tryBz2TailFast(
  data: Buffer,
  marker: string,
  limits: ReadLimits,
  fileName = 'the .bz2 file',
): Promise<string | null | undefined> {
  const ctx: LayerContext = { where: fileName, layer: 'bzip2', cap: limits.maxDecompressedBytes };
  if (data.length < 4 || !mayStartStream(data, 0)) return undefined;
  return tailFromLastBlocks(data, Buffer.from(marker, 'utf8'), marker, limits, ctx);
}

/** The text from the start of the last line beginning with `marker` to the end of `text`, or null. */
export function lastLineFrom(text: Buffer, marker: string, limits: ReadLimits, where = 'the file'): string | null {
  const start = lastMarkerLineStart(text, Buffer.from(marker, 'utf8'), true);
  if (start < 0) return null;
  if (text.length - start > limits.maxLineBytes) throw lineTooLong(where, marker, limits.maxLineBytes);
  return text.subarray(start).toString('utf8');
}
