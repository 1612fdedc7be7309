// XXH64, streaming. fzstd skips the content checksum at the end of a zstd frame, so without this a damaged
// .zst could decode to silently wrong bytes. 64-bit arithmetic runs on (high, low) uint32 pairs: BigInt would be
// about ten times slower on a large scorefile.

// Results of the 64-bit helpers; module scratch instead of returned pairs keeps the hot loop allocation-free.
let rh = 0;
let rl = 0;

function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  rl = lo >>> 0;
  rh = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** Low 64 bits of a 64x64 product, in 16-bit limbs so every partial product stays exact in a double. */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a48 = ah >>> 16;
  const a32 = ah & 0xffff;
  const a16 = al >>> 16;
  const a00 = al & 0xffff;
  const b48 = bh >>> 16;
  const b32 = bh & 0xffff;
  const b16 = bl >>> 16;
  const b00 = bl & 0xffff;
  let c00 = a00 * b00;
  let c16 = c00 >>> 16;
  c00 &= 0xffff;
  c16 += a16 * b00;
  let c32 = c16 >>> 16;
  c16 &= 0xffff;
  c16 += a00 * b16;
  c32 += c16 >>> 16;
  c16 &= 0xffff;
  c32 += a32 * b00;
  let c48 = c32 >>> 16;
  c32 &= 0xffff;
  c32 += a16 * b16;
  c48 += c32 >>> 16;
  c32 &= 0xffff;
  c32 += a00 * b32;
  c48 += c32 >>> 16;
  c32 &= 0xffff;
  c48 += a48 * b00 + a32 * b16 + a16 * b32 + a00 * b48;
  c48 &= 0xffff;
  rl = ((c16 << 16) | c00) >>> 0;
  rh = ((c48 << 16) | c32) >>> 0;
}

/** Rotate left by 0 < r < 32. */
function rotl(h: number, l: number, r: number): void {
  rh = ((h << r) | (l >>> (32 - r))) >>> 0;
  rl = ((l << r) | (h >>> (32 - r))) >>> 0;
}

const P1H = 0x9e3779b1;
const P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d;
const P2L = 0x27d4eb4f;
const P3H = 0x165667b1;
const P3L = 0x9e3779f9;
const P4H = 0x85ebca77;
const P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f;
const P5L = 0x165667c5;

/** acc = rotl(acc + input * P2, 31) * P1 */
function round(acch: number, accl: number, inh: number, inl: number): void {
  mul(inh, inl, P2H, P2L);
  add(acch, accl, rh, rl);
  rotl(rh, rl, 31);
  mul(rh, rl, P1H, P1L);
}

function readU32(data: Uint8Array, at: number): number {
  return (data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24)) >>> 0;
}

export class Xxh64 {
  /** v1..v4 as (high, low) pairs. */
  private readonly acc = new Uint32Array(8);
  private readonly pending = new Uint8Array(32);
  private pendingLength = 0;
  private total = 0;

  constructor() {
    // seed 0: v1 = P1 + P2, v2 = P2, v3 = 0, v4 = -P1
    add(P1H, P1L, P2H, P2L);
    this.acc[0] = rh;
    this.acc[1] = rl;
    this.acc[2] = P2H;
    this.acc[3] = P2L;
    add(~P1H >>> 0, ~P1L >>> 0, 0, 1); // two's complement of P1
    this.acc[6] = rh;
    this.acc[7] = rl;
  }

  update(data: Uint8Array): void {
    this.total += data.length;
    let i = 0;
    if (this.pendingLength > 0) {
      const take = Math.min(32 - this.pendingLength, data.length);
      this.pending.set(data.subarray(0, take), this.pendingLength);
      this.pendingLength += take;
      i = take;
      if (this.pendingLength < 32) return;
      this.stripe(this.pending, 0);
      this.pendingLength = 0;
    }
    for (; i + 32 <= data.length; i += 32) this.stripe(data, i);
    if (i < data.length) {
      this.pending.set(data.subarray(i), 0);
      this.pendingLength = data.length - i;
    }
  }

  private stripe(data: Uint8Array, at: number): void {
    const acc = this.acc;
    for (let lane = 0; lane < 4; lane++) {
      const o = at + lane * 8;
      round(acc[lane * 2]!, acc[lane * 2 + 1]!, readU32(data, o + 4), readU32(data, o));
      acc[lane * 2] = rh;
      acc[lane * 2 + 1] = rl;
    }
  }

  /** The low 32 bits of the digest: what a zstd frame stores. */
  digestLow32(): number {
    return this.digest()[1];
  }

  /** [high, low] 32-bit halves of the 64-bit digest. */
  digest(): [number, number] {
    const acc = this.acc;
    let hh: number;
    let hl: number;
    if (this.total >= 32) {
      rotl(acc[0]!, acc[1]!, 1);
      let sh = rh;
      let sl = rl;
      for (const [lane, r] of [
        [1, 7],
        [2, 12],
        [3, 18],
      ] as const) {
        const lh = sh;
        const ll = sl;
        rotl(acc[lane * 2]!, acc[lane * 2 + 1]!, r);
        add(lh, ll, rh, rl);
        sh = rh;
        sl = rl;
      }
      for (let lane = 0; lane < 4; lane++) {
        // merge: h = (h ^ round(0, v)) * P1 + P4
        round(0, 0, acc[lane * 2]!, acc[lane * 2 + 1]!);
        mul((sh ^ rh) >>> 0, (sl ^ rl) >>> 0, P1H, P1L);
        add(rh, rl, P4H, P4L);
        sh = rh;
        sl = rl;
      }
      hh = sh;
      hl = sl;
    } else {
      hh = P5H;
      hl = P5L;
    }
    add(hh, hl, Math.floor(this.total / 2 ** 32) >>> 0, this.total >>> 0);
    hh = rh;
    hl = rl;

    const tail = this.pending;
    let i = 0;
    const n = this.pendingLength;
    for (; i + 8 <= n; i += 8) {
      round(0, 0, readU32(tail, i + 4), readU32(tail, i));
      rotl((hh ^ rh) >>> 0, (hl ^ rl) >>> 0, 27);
      mul(rh, rl, P1H, P1L);
      add(rh, rl, P4H, P4L);
      hh = rh;
      hl = rl;
    }
    if (i + 4 <= n) {
      mul(0, readU32(tail, i), P1H, P1L);
      rotl((hh ^ rh) >>> 0, (hl ^ rl) >>> 0, 23);
      mul(rh, rl, P2H, P2L);
      add(rh, rl, P3H, P3L);
      hh = rh;
      hl = rl;
      i += 4;
    }
    for (; i < n; i++) {
      mul(0, tail[i]!, P5H, P5L);
      rotl((hh ^ rh) >>> 0, (hl ^ rl) >>> 0, 11);
      mul(rh, rl, P1H, P1L);
      hh = rh;
      hl = rl;
    }
    // avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32
    hl = (hl ^ (hh >>> 1)) >>> 0;
    mul(hh, hl, P2H, P2L);
    hh = rh;
    hl = rl;
    hl = (hl ^ ((hl >>> 29) | (hh << 3))) >>> 0;
    hh = (hh ^ (hh >>> 29)) >>> 0;
    mul(hh, hl, P3H, P3L);
    hh = rh;
    hl = rl;
    hl = (hl ^ hh) >>> 0;
    return [hh, hl];
  }
}
