// seek-bzip 2.0.0 ships no types. Only what bzip2.ts uses is declared, including the underscore internals it
// drives directly (block-at-a-time decoding and the bit position after a block); they are stable in 2.0.0,
// which package.json pins, and bzip2.test.ts exercises every one of them.
declare module 'seek-bzip' {
  interface BunzipInput {
    readByte(): number;
    read(buffer: Uint8Array, offset: number, length: number): number;
    seek(bytePosition: number): void;
  }
  interface BunzipOutput {
    writeByte(byte: number): void;
  }
  interface BitReader {
    stream: { pos: number };
    bitOffset: number;
    hasByte: boolean;
    read(bits: number): number;
    seek(bitPosition: number): void;
  }
  class Bunzip {
    constructor(input: BunzipInput, output: BunzipOutput);
    reader: BitReader;
    /** Combined CRC of the blocks read so far in the current stream. */
    streamCRC: number;
    /** Reads the next block header and its Huffman data; false at the end-of-stream marker. */
    _init_block(): boolean;
    /** Undoes the BWT of the block read by _init_block, writes it out, and checks its CRC (throws if wrong). */
    _read_bunzip(): number;
    /** Reads a `BZh1`-`BZh9` stream header from `input` (used for the next stream of a multi-stream file). */
    _start_bunzip(input: BunzipInput, output: BunzipOutput): void;
    static Err: Record<string, number>;
    /** Calls back with each block's start (in bits) and decoded size; used by tests to check block positions. */
    static table(input: Uint8Array, callback: (bitPosition: number, size: number) => void, multistream?: boolean): void;
  }
  export = Bunzip;
}
