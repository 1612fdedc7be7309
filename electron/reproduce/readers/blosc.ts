// A decoder for c-blosc version-1 frames, as python-blosc's `blosc.compress()` writes them (PyRosetta pickles a
// Pose's cereal archive that way, notes/pyrosettacluster.md §4). Layout:
//   16-byte header: version, versionlz, flags, typesize, nbytes u32le, blocksize u32le, cbytes u32le
//   flags: 0x1 byte shuffle, 0x2 memcpyed (raw copy follows), 0x4 bit shuffle, 0x10 blocks not split,
//          bits 5-7 codec (0 blosclz, 1 lz4/lz4hc, 2 snappy, 3 zlib, 4 zstd)
//   then one i32le start offset per block, and per block one or `typesize` split streams, each an
//   i32le compressed length + data (a length equal to the raw split size means stored raw).
// Bit shuffle and snappy are refused with a clear reason (no PyRosetta build we know of uses them by default).
import zlib from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';

export class BloscError extends Error {}

const MAX_SPLITS = 16;
const MIN_BUFFERSIZE = 128;
const CODEC_NAMES = ['blosclz', 'lz4', 'snappy', 'zlib', 'zstd'];

export interface BloscHeader {
  version: number;
  flags: number;
  typesize: number;
  nbytes: number;
  blocksize: number;
  cbytes: number;
  codec: string;
}

export function bloscHeader(src: Uint8Array): BloscHeader {
  if (src.length < 16) throw new BloscError(`the blosc frame is ${src.length} bytes, shorter than its 16-byte header`);
  const b = Buffer.from(src.buffer, src.byteOffset, src.byteLength);
  const flags = b[2] as number;
  const code = flags >> 5;
  return {
    version: b[0] as number,
    flags,
    typesize: b[3] as number,
    nbytes: b.readUInt32LE(4),
    blocksize: b.readUInt32LE(8),
    cbytes: b.readUInt32LE(12),
    codec: CODEC_NAMES[code] ?? `codec #${code}`,
  };
}

/** Decompress one blosc1 frame. `maxBytes` bounds the output (a header can announce anything). */
export function bloscDecompress(src: Uint8Array, maxBytes: number): Buffer {
  const h = bloscHeader(src);
  const buf = Buffer.from(src.buffer, src.byteOffset, src.byteLength);
  if (h.version === 0 || h.version > 2) throw new BloscError(`blosc format version ${h.version} is not blosc 1 (c-blosc 2 frames are not supported)`);
  if (h.nbytes > maxBytes) throw new BloscError(`the blosc frame announces ${h.nbytes} bytes, beyond the ${maxBytes}-byte limit`);
  if (h.cbytes > buf.length) throw new BloscError(`the blosc frame is cut short (${buf.length} of ${h.cbytes} bytes)`);
  const out = Buffer.alloc(h.nbytes);
  if (h.nbytes === 0) return out;
  if (h.flags & 0x2) {
    // memcpyed: the original bytes follow the header, unshuffled.
    if (16 + h.nbytes > buf.length) throw new BloscError('the stored (uncompressed) blosc data is cut short');
    buf.copy(out, 0, 16, 16 + h.nbytes);
    return out;
  }
  if (h.flags & 0x4) throw new BloscError('the blosc frame uses bit shuffle, which SimDeck does not decode');
  const codec = h.flags >> 5;
  if (codec !== 0 && codec !== 1 && codec !== 3 && codec !== 4)
    throw new BloscError(`the blosc frame uses the ${CODEC_NAMES[codec] ?? `#${codec}`} codec, which SimDeck does not decode`);
  const { typesize, blocksize, nbytes } = h;
  if (blocksize === 0) throw new BloscError('the blosc frame has a zero block size');
  const nblocks = Math.ceil(nbytes / blocksize);
  if (16 + nblocks * 4 > buf.length) throw new BloscError('the blosc block table is cut short');
  const shuffle = (h.flags & 0x1) !== 0 && typesize > 1;
  const dontSplit = (h.flags & 0x10) !== 0;
  const tmp = shuffle ? Buffer.alloc(blocksize) : null;
  for (let j = 0; j < nblocks; j++) {
    const start = buf.readInt32LE(16 + j * 4);
    const leftover = j === nblocks - 1 && nbytes % blocksize !== 0;
    const bsize = leftover ? nbytes % blocksize : blocksize;
    if (start < 16 || start >= buf.length) throw new BloscError(`blosc block ${j} starts outside the frame`);
    const dest = out.subarray(j * blocksize, j * blocksize + bsize);
    const target = tmp ? tmp.subarray(0, bsize) : dest;
    const splitAllowed = !dontSplit && typesize <= MAX_SPLITS && blocksize / typesize >= MIN_BUFFERSIZE && !leftover;
    // Writers disagree on when blocks are split; the first guess is what c-blosc 1.x does, the other is tried too.
    let ok = false;
    let lastError: unknown;
    for (const nsplits of splitAllowed ? [typesize, 1] : [1, typesize]) {
      if (bsize % nsplits !== 0) continue;
      try {
        decodeBlock(buf, start, target, nsplits, codec);
        ok = true;
        break;
      } catch (e) {
        lastError = e;
      }
    }
    if (!ok) throw lastError instanceof BloscError ? lastError : new BloscError(`blosc block ${j} does not decode`);
    if (tmp) unshuffle(typesize, bsize, target, dest);
  }
  return out;
}

function decodeBlock(buf: Buffer, start: number, dest: Buffer, nsplits: number, codec: number): void {
  const neblock = dest.length / nsplits;
  let p = start;
  for (let s = 0; s < nsplits; s++) {
    if (p + 4 > buf.length) throw new BloscError('a blosc block is cut short');
    const cb = buf.readInt32LE(p);
    p += 4;
    if (cb < 0 || p + cb > buf.length) throw new BloscError('a blosc block is cut short');
    const part = dest.subarray(s * neblock, (s + 1) * neblock);
    const src = buf.subarray(p, p + cb);
    if (cb === neblock) src.copy(part);
    else {
      const n = decodeSplit(src, part, codec);
      if (n !== neblock) throw new BloscError(`a blosc block decodes to ${n} bytes instead of ${neblock}`);
    }
    p += cb;
  }
}

function decodeSplit(src: Buffer, dest: Buffer, codec: number): number {
  switch (codec) {
    case 0:
      return blosclzDecompress(src, dest);
    case 1:
      return lz4BlockDecompress(src, dest);
    case 3: {
      let out: Buffer;
      try {
        out = zlib.inflateSync(src, { maxOutputLength: dest.length + 1 });
      } catch {
        throw new BloscError('a zlib-compressed blosc block does not decode');
      }
      out.copy(dest);
      return out.length;
    }
    case 4: {
      let out: Uint8Array;
      try {
        out = zstdDecompress(src, new Uint8Array(dest.length));
      } catch {
        throw new BloscError('a zstd-compressed blosc block does not decode');
      }
      dest.set(out.subarray(0, dest.length));
      return out.length;
    }
    default:
      throw new BloscError(`blosc codec #${codec} is not supported`);
  }
}

const MAX_DISTANCE = 8191;

/** BloscLZ (a FastLZ level-2 variant), as c-blosc 1.x decodes it. Returns the bytes written. */
export function blosclzDecompress(src: Uint8Array, dest: Uint8Array): number {
  const ipLimit = src.length;
  const opLimit = dest.length;
  if (ipLimit === 0) return 0;
  let ip = 0;
  let op = 0;
  let ctrl = (src[ip++] as number) & 31;
  for (;;) {
    if (ctrl >= 32) {
      // A match: copy len bytes from `ofs` back.
      let len = (ctrl >> 5) - 1;
      let ofs = (ctrl & 31) << 8;
      let code: number;
      if (len === 7 - 1) {
        do {
          if (ip + 1 >= ipLimit) throw new BloscError('a blosclz block is cut short');
          code = src[ip++] as number;
          len += code;
        } while (code === 255);
      } else if (ip + 1 >= ipLimit) throw new BloscError('a blosclz block is cut short');
      code = src[ip++] as number;
      len += 3;
      let ref = op - ofs - code;
      if (code === 255 && ofs === 31 << 8) {
        // 16-bit distance
        if (ip + 1 >= ipLimit) throw new BloscError('a blosclz block is cut short');
        ofs = ((src[ip] as number) << 8) + (src[ip + 1] as number);
        ip += 2;
        ref = op - ofs - MAX_DISTANCE;
      }
      if (op + len > opLimit) throw new BloscError('a blosclz block writes past its end');
      ref -= 1;
      if (ref < 0) throw new BloscError('a blosclz block refers before its start');
      // Byte by byte: matches may overlap their own output (runs).
      for (let i = 0; i < len; i++) dest[op + i] = dest[ref + i] as number;
      op += len;
      if (ip >= ipLimit) break;
      ctrl = src[ip++] as number;
    } else {
      // A literal run of ctrl + 1 bytes.
      ctrl++;
      if (op + ctrl > opLimit) throw new BloscError('a blosclz block writes past its end');
      if (ip + ctrl > ipLimit) throw new BloscError('a blosclz block is cut short');
      for (let i = 0; i < ctrl; i++) dest[op + i] = src[ip + i] as number;
      op += ctrl;
      ip += ctrl;
      if (ip >= ipLimit) break;
      ctrl = src[ip++] as number;
    }
  }
  return op;
}

/** An LZ4 block (no frame), as LZ4_decompress_safe reads it. Returns the bytes written. */
export function lz4BlockDecompress(src: Uint8Array, dest: Uint8Array): number {
  const end = src.length;
  const outEnd = dest.length;
  let ip = 0;
  let op = 0;
  while (ip < end) {
    const token = src[ip++] as number;
    let lit = token >> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (ip >= end) throw new BloscError('an lz4 block is cut short');
        b = src[ip++] as number;
        lit += b;
      } while (b === 255);
    }
    if (ip + lit > end) throw new BloscError('an lz4 block is cut short');
    if (op + lit > outEnd) throw new BloscError('an lz4 block writes past its end');
    for (let i = 0; i < lit; i++) dest[op + i] = src[ip + i] as number;
    ip += lit;
    op += lit;
    if (ip >= end) break; // the last sequence has literals only
    if (ip + 2 > end) throw new BloscError('an lz4 block is cut short');
    const offset = (src[ip] as number) | ((src[ip + 1] as number) << 8);
    ip += 2;
    if (offset === 0 || offset > op) throw new BloscError('an lz4 block refers before its start');
    let len = token & 15;
    if (len === 15) {
      let b: number;
      do {
        if (ip >= end) throw new BloscError('an lz4 block is cut short');
        b = src[ip++] as number;
        len += b;
      } while (b === 255);
    }
    len += 4;
    if (op + len > outEnd) throw new BloscError('an lz4 block writes past its end');
    const ref = op - offset;
    for (let i = 0; i < len; i++) dest[op + i] = dest[ref + i] as number;
    op += len;
  }
  return op;
}

/** Undo blosc's byte shuffle: byte j of element i was stored at j * (n / typesize) + i; leftover bytes as is. */
export function unshuffle(typesize: number, n: number, src: Uint8Array, dest: Uint8Array): void {
  const elems = Math.floor(n / typesize);
  for (let j = 0; j < typesize; j++) {
    const base = j * elems;
    for (let i = 0; i < elems; i++) dest[i * typesize + j] = src[base + i] as number;
  }
  for (let k = elems * typesize; k < n; k++) dest[k] = src[k] as number;
}
