// bzip2 through seek-bzip (pure JS, so no native module has to match Electron's ABI). seek-bzip is driven one
// block at a time rather than through Bunzip.decode because:
//  - its own input reader returns `undefined` past the end, which reads as endless zero bits: a truncated file
//    would decode garbage or spin instead of failing, so ByteSource throws InputEnded instead;
//  - its growable output buffer doubles without bound: ByteSink counts and stops at the cap;
//  - the tail fast path (bz2-tail.ts) needs one block at an arbitrary bit offset plus the bit where it ends;
//  - between blocks the event loop gets a turn, so a 300 MB decoy does not freeze the core.
import Bunzip from 'seek-bzip';
import type { LayerContext } from './errors.js';
import {
  InputEnded,
  OutputLimitReached,
  corruptError,
  tooLargeError,
  truncatedError,
  unsupportedError,
  yieldToEventLoop,
} from './errors.js';
import { ReadError } from '../types.js';

/**
 * Most bytes one block can expand to: a level-9 block holds 900 000 symbols after the initial run-length step,
 * and every 5 of them (4 equal bytes + a repeat count up to 255) can stand for 259 output bytes.
 */
export const MAX_BLOCK_OUTPUT = (900_000 / 5) * 259;

/** Input for seek-bzip that fails loudly at the end; can serve a made-up stream header before seeking. */
class ByteSource {
  pos = 0;
  private header: Uint8Array | null;

  constructor(
    private readonly data: Uint8Array,
    header: Uint8Array | null = null,
  ) {
    this.header = header;
  }

  readByte(): number {
    const header = this.header;
    if (header) {
      const byte = header[this.pos++]!;
      if (this.pos === header.length) {
        this.header = null;
        this.pos = 0;
      }
      return byte;
    }
    if (this.pos >= this.data.length) throw new InputEnded();
    return this.data[this.pos++]!;
  }

  read(buffer: Uint8Array, offset: number, length: number): number {
    for (let i = 0; i < length; i++) buffer[offset + i] = this.readByte();
    return length;
  }

  seek(bytePosition: number): void {
    this.header = null;
    this.pos = bytePosition;
  }
}

const SINK_CHUNK = 1 << 20;

/** Output for seek-bzip: 1 MB chunks (no doubling copies) and a hard cap checked on every byte. */
export class ByteSink {
  total = 0;
  private chunks: Buffer[] = [];
  private current: Buffer;
  private pos = 0;

  constructor(private readonly cap: number) {
    this.current = Buffer.allocUnsafe(Math.min(SINK_CHUNK, Math.max(1, cap)));
  }

  writeByte(byte: number): void {
    if (this.total >= this.cap) throw new OutputLimitReached();
    if (this.pos === this.current.length) {
      this.chunks.push(this.current);
      this.current = Buffer.allocUnsafe(SINK_CHUNK);
      this.pos = 0;
    }
    this.current[this.pos++] = byte;
    this.total++;
  }

  take(): Buffer {
    const last = this.current.subarray(0, this.pos);
    const all = this.chunks.length === 0 ? last : Buffer.concat([...this.chunks, last], this.total);
    this.chunks = [];
    return all;
  }
}

/** True when the bytes at `pos` are, or could be the start of, a `BZh1`..`BZh9` stream header. */
export function mayStartStream(data: Uint8Array, pos: number): boolean {
  const expected = [0x42, 0x5a, 0x68]; // 'BZh'
  for (let i = 0; i < 4 && pos + i < data.length; i++) {
    const byte = data[pos + i]!;
    if (i < 3 ? byte !== expected[i] : byte < 0x31 || byte > 0x39) return false;
  }
  return true;
}

/**
 * Decompresses a whole .bz2, including concatenated streams (`cat a.bz2 b.bz2`, parallel compressors). Like
 * Python's bz2 module (which wrote the file, and which pandas reads it with), bytes after a stream that cannot
 * start another one are ignored; a following stream that is cut short is an error.
 */
export async function bunzip2(data: Buffer, ctx: LayerContext): Promise<Buffer> {
  const source = new ByteSource(data);
  const sink = new ByteSink(ctx.cap);
  try {
    const bz = new Bunzip(source, sink);
    let blocks = 0;
    for (;;) {
      if (bz._init_block()) {
        bz._read_bunzip(); // writes the block and checks its CRC
        if (++blocks % 4 === 0) await yieldToEventLoop();
        continue;
      }
      const storedCrc = bz.reader.read(32) >>> 0;
      if (storedCrc !== bz.streamCRC) throw corruptError(ctx, 'its combined checksum does not match its blocks');
      // The reader has consumed whole bytes up to here; a new stream starts on the next byte.
      if (source.pos >= data.length || !mayStartStream(data, source.pos)) break;
      bz._start_bunzip(source, sink);
    }
  } catch (error) {
    throw bzip2Error(error, ctx);
  }
  return sink.take();
}

export function bzip2Error(error: unknown, ctx: LayerContext): Error {
  if (error instanceof ReadError) return error;
  if (error instanceof InputEnded) return truncatedError(ctx);
  if (error instanceof OutputLimitReached) return tooLargeError(ctx);
  const code = (error as { errorCode?: number }).errorCode;
  if (code === Bunzip.Err.OBSOLETE_INPUT) {
    return unsupportedError(
      ctx,
      'it uses "randomised" bzip2 blocks, which only bzip2 versions before 0.9.5 (1999) wrote and SimDeck does not ' +
        'read. Recompress it with a current bzip2 (bzip2 -dc old.bz2 | bzip2 > new.bz2).',
    );
  }
  if (code === Bunzip.Err.NOT_BZIP_DATA) return corruptError(ctx, 'its bytes do not have the bzip2 structure');
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('Bad block CRC')) return corruptError(ctx, "a block's checksum does not match its contents");
  return corruptError(ctx, `the decoder reports "${message}"`);
}

/** The stream header served before seeking to a block: level 9 allows any block size, so any stream's block fits. */
const ANY_LEVEL_HEADER = Uint8Array.from([0x42, 0x5a, 0x68, 0x39]);

export interface DecodedBlock {
  bytes: Buffer;
  /** Bit offset just past the block's last Huffman symbol: where the next block or end-of-stream marker starts. */
  endBit: number;
}

/**
 * Decodes the one block whose 48-bit magic starts at `bit`, verifying its CRC. Returns null when there is no
 * valid block there (a look-alike magic inside compressed data fails here), never throws.
 */
export function decodeBlockAt(data: Buffer, bit: number): DecodedBlock | null {
  const source = new ByteSource(data, ANY_LEVEL_HEADER);
  const sink = new ByteSink(MAX_BLOCK_OUTPUT);
  try {
    const bz = new Bunzip(source, sink);
    bz.reader.seek(bit);
    if (!bz._init_block()) return null; // the end-of-stream marker, not a block
    const reader = bz.reader;
    // The reader holds the partly consumed byte (if any) already taken from the source.
    const endBit = (reader.hasByte ? reader.stream.pos - 1 : reader.stream.pos) * 8 + reader.bitOffset;
    bz._read_bunzip();
    return { bytes: sink.take(), endBit };
  } catch {
    return null;
  }
}
