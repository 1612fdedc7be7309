import { describe, expect, it } from 'vitest';
import { prng } from './test-fixtures.js';
import { Xxh64 } from './xxh64.js';

// Straightforward BigInt XXH64 (seed 0) from the specification, to check the fast 32-bit-pair version.
const M = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;
const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M;
const round = (acc: bigint, input: bigint): bigint => (rotl((acc + input * P2) & M, 31n) * P1) & M;
const merge = (acc: bigint, v: bigint): bigint => ((((acc ^ round(0n, v)) * P1) & M) + P4) & M;

function reference(data: Uint8Array): bigint {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let i = 0;
  let h: bigint;
  if (data.length >= 32) {
    let v1 = (P1 + P2) & M;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (0n - P1) & M;
    for (; i + 32 <= data.length; i += 32) {
      v1 = round(v1, view.getBigUint64(i, true));
      v2 = round(v2, view.getBigUint64(i + 8, true));
      v3 = round(v3, view.getBigUint64(i + 16, true));
      v4 = round(v4, view.getBigUint64(i + 24, true));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    h = merge(merge(merge(merge(h, v1), v2), v3), v4);
  } else {
    h = P5;
  }
  h = (h + BigInt(data.length)) & M;
  for (; i + 8 <= data.length; i += 8) h = (((rotl(h ^ round(0n, view.getBigUint64(i, true)), 27n) * P1) & M) + P4) & M;
  if (i + 4 <= data.length) {
    h = (((rotl(h ^ ((BigInt(view.getUint32(i, true)) * P1) & M), 23n) * P2) & M) + P3) & M;
    i += 4;
  }
  for (; i < data.length; i++) h = (rotl(h ^ ((BigInt(data[i]!) * P5) & M), 11n) * P1) & M;
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  h ^= h >> 32n;
  return h;
}

const hex = ([hi, lo]: [number, number]): bigint => (BigInt(hi) << 32n) | BigInt(lo);

describe('Xxh64', () => {
  it('matches the published value for empty input', () => {
    expect(hex(new Xxh64().digest())).toBe(0xef46db3751d8e999n);
    expect(reference(new Uint8Array(0))).toBe(0xef46db3751d8e999n);
  });

  it('matches the BigInt reference for every length up to 200 and any chunking', () => {
    const rand = prng(7);
    for (let length = 0; length <= 200; length++) {
      const data = Uint8Array.from({ length }, () => Math.floor(rand() * 256));
      const whole = new Xxh64();
      whole.update(data);
      expect(hex(whole.digest())).toBe(reference(data));
      const chunked = new Xxh64();
      for (let at = 0; at < length; ) {
        const step = 1 + Math.floor(rand() * 40);
        chunked.update(data.subarray(at, at + step));
        at += step;
      }
      expect(hex(chunked.digest())).toBe(reference(data));
    }
  });
});
