// zstd through fzstd (pure JS). Before decoding, the frame structure is walked here (frame header, block
// headers, checksum) because fzstd alone would:
//  - allocate a frame's whole declared window/content size up front (a bomb declares 2 GB in a few bytes),
//  - not verify the XXH64 content checksum (damage could decode to wrong bytes silently),
//  - report a cut-off file no differently from a damaged one.
// Walking first gives exact "truncated" answers and lets us refuse oversized frames before allocating anything.
import { Decompress } from 'fzstd';
import type { LayerContext } from './errors.js';
import { LIMIT_HINT, OutputLimitReached, corruptError, megabytes, tooLargeError, truncatedError, unsupportedError, yieldToEventLoop } from './errors.js';
import { ReadError } from '../types.js';
import { Xxh64 } from './xxh64.js';

const FRAME_MAGIC = 0xfd2fb528;
/** fzstd refuses windows above this (its own limit, just under 2 GB). */
const FZSTD_MAX_WINDOW = 2145386496;
/** The largest window the zstd CLI decodes without --memory (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27). */
const ZSTD_DEFAULT_WINDOW_LIMIT = 2 ** 27;
/** Compressed bytes handed to fzstd per step; the event loop gets a turn in between. */
const PUSH_BYTES = 1 << 20;

interface Frame {
  start: number;
  /** End of the last block (the checksum, if any, follows). */
  blocksEnd: number;
  checksum: number | null;
  contentSize: number | null;
  window: number;
}

function u32(data: Uint8Array, at: number): number {
  return (data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24)) >>> 0;
}

function uintLE(data: Uint8Array, at: number, bytes: number): number {
  let value = 0;
  for (let i = bytes - 1; i >= 0; i--) value = value * 256 + data[at + i]!;
  return value;
}

/** Splits the file into frames, checking only structure. Skippable frames are left out. */
function walkFrames(data: Uint8Array, ctx: LayerContext): Frame[] {
  const frames: Frame[] = [];
  let off = 0;
  const need = (n: number): void => {
    if (off + n > data.length) throw truncatedError(ctx);
  };
  while (off < data.length) {
    need(4);
    const magic = u32(data, off);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      need(8);
      off += 8 + u32(data, off + 4);
      need(0);
      continue;
    }
    if (magic !== FRAME_MAGIC) {
      throw corruptError(ctx, off === 0 ? 'it does not start with the zstd signature' : `unexpected bytes after frame ending at byte ${off}`);
    }
    const start = off;
    off += 4;
    need(1);
    const descriptor = data[off++]!;
    const fcsFlag = descriptor >> 6;
    const singleSegment = (descriptor >> 5) & 1;
    const hasChecksum = (descriptor >> 2) & 1;
    const dictFlag = descriptor & 3;
    if (descriptor & 8) throw corruptError(ctx, 'a frame header sets a reserved bit');
    let window = 0;
    if (!singleSegment) {
      need(1);
      const wd = data[off++]!;
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    const dictBytes = [0, 1, 2, 4][dictFlag]!;
    need(dictBytes);
    const dictId = uintLE(data, off, dictBytes);
    off += dictBytes;
    if (dictId !== 0) {
      throw unsupportedError(ctx, 'it was compressed with a zstd dictionary, which SimDeck does not have. Recompress it without one.');
    }
    const fcsBytes = fcsFlag === 0 ? singleSegment : [0, 2, 4, 8][fcsFlag]!;
    need(fcsBytes);
    let contentSize: number | null = null;
    if (fcsBytes > 0) contentSize = uintLE(data, off, fcsBytes) + (fcsBytes === 2 ? 256 : 0);
    off += fcsBytes;
    if (singleSegment) window = contentSize ?? 0;
    for (;;) {
      need(3);
      const header = data[off]! | (data[off + 1]! << 8) | (data[off + 2]! << 16);
      off += 3;
      const type = (header >> 1) & 3;
      if (type === 3) throw corruptError(ctx, `a block at byte ${off - 3} has the reserved type`);
      off += type === 1 ? 1 : header >>> 3; // an RLE block stores one byte
      need(0);
      if (header & 1) break;
    }
    const blocksEnd = off;
    let checksum: number | null = null;
    if (hasChecksum) {
      need(4);
      checksum = u32(data, off);
      off += 4;
    }
    frames.push({ start, blocksEnd, checksum, contentSize, window });
  }
  if (frames.length === 0) throw truncatedError(ctx);
  return frames;
}

export async function unzstd(data: Buffer, ctx: LayerContext): Promise<Buffer> {
  const frames = walkFrames(data, ctx);
  // Refuse what would not fit before allocating anything (fzstd allocates the window at the frame header).
  let declared = 0;
  for (const frame of frames) {
    declared += frame.contentSize ?? 0;
    if (declared > ctx.cap) throw tooLargeError(ctx);
    // fzstd allocates the whole window. zstd itself refuses windows over 128 MB unless told otherwise; a larger
    // cap (raised for a genuine `zstd --long` file) allows more.
    const windowLimit = Math.min(FZSTD_MAX_WINDOW, Math.max(ctx.cap, ZSTD_DEFAULT_WINDOW_LIMIT));
    if (frame.window > windowLimit) {
      throw new ReadError(
        'too-large',
        `${ctx.where} needs a ${megabytes(frame.window)} MB zstd decoding window, more than the ` +
          `${megabytes(windowLimit)} MB SimDeck allows (it was compressed with --long or a custom window). If this ` +
          `is a genuine file, raise ${LIMIT_HINT} above ${megabytes(frame.window)} MB, or recompress it without --long.`,
      );
    }
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (const frame of frames) {
    const hash = frame.checksum === null ? null : new Xxh64();
    let frameTotal = 0;
    const decoder = new Decompress((chunk) => {
      total += chunk.length;
      frameTotal += chunk.length;
      if (total > ctx.cap) throw new OutputLimitReached();
      if (chunk.length > 0) chunks.push(chunk);
      hash?.update(chunk);
    });
    const end = frame.blocksEnd + (frame.checksum === null ? 0 : 4);
    try {
      for (let at = frame.start; at < end; at += PUSH_BYTES) {
        const stop = Math.min(at + PUSH_BYTES, end);
        decoder.push(data.subarray(at, stop), stop === end);
        if (stop < end) await yieldToEventLoop();
      }
    } catch (error) {
      if (error instanceof OutputLimitReached) throw tooLargeError(ctx);
      if (error instanceof ReadError) throw error;
      // The structure was complete, so a decoder error (even "unexpected EOF") means damaged contents.
      throw corruptError(ctx, `the decoder reports "${error instanceof Error ? error.message : String(error)}"`);
    }
    if (frame.contentSize !== null && frameTotal !== frame.contentSize) {
      throw corruptError(ctx, `a frame decodes to ${frameTotal} bytes but says it holds ${frame.contentSize}`);
    }
    if (hash && frame.checksum !== hash.digestLow32()) {
      throw corruptError(ctx, 'its checksum does not match its contents');
    }
  }
  return Buffer.concat(chunks, total);
}
