// Decompression bombs: small files that expand to 2 GB of zeros. Each must stop at the cap quickly and without
// memory growing much past the cap. They are built cheaply from one compressed chunk repeated (gzip members,
// bzip2/xz streams and zstd frames may all be concatenated), so generating them costs well under a second.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadLimits } from '../types.js';
import { LIMITS, readErrorOf, run, tempDir } from './test-fixtures.js';
import { unpack } from './index.js';

const MB = 1024 ** 2;
const CAP = 64 * MB;
const limits: ReadLimits = { ...LIMITS, maxDecompressedBytes: CAP };
let dir = '';

/** `head -c <chunkMb>M /dev/zero | <compressor>`, repeated until it stands for 2 GB. */
function bomb(compressor: string[], chunkMb: number): Buffer {
  const chunk = run('sh', ['-c', `head -c ${chunkMb}M /dev/zero | ${compressor.join(' ')}`]);
  return Buffer.concat(Array.from({ length: 2048 / chunkMb }, () => chunk));
}

/** Runs `work`, sampling resident memory every 10 ms; returns the peak and the time taken. */
async function measure(work: () => Promise<unknown>): Promise<{ ms: number; peakRss: number }> {
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  const t0 = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return { ms: performance.now() - t0, peakRss };
}

beforeAll(() => {
  dir = tempDir('bomb');
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('decompression bombs stop at the cap, fast and within memory', () => {
  const cases: [string, () => Buffer][] = [
    ['zeros.gz', () => bomb(['gzip', '-9'], 16)],
    ['zeros.bz2', () => bomb(['bzip2', '-9'], 64)],
    ['zeros.xz', () => bomb(['xz', '-0', '-T1'], 64)],
    ['zeros.zst', () => bomb(['zstd', '-1', '-q'], 64)],
    ['zeros.tar.gz', () => bomb(['gzip', '-9'], 16)],
  ];
  for (const [name, make] of cases) {
    it(name, async () => {
      const data = make();
      expect(data.length).toBeLessThan(3 * MB);
      let error: unknown;
      const { ms, peakRss } = await measure(async () => (error = await readErrorOf(unpack(data, name, limits))));
      expect(error).toMatchObject({ kind: 'too-large' });
      expect((error as Error).message).toContain(`Decompressing ${name} would produce more than 64 MB`);
      expect(ms).toBeLessThan(5000);
      expect(peakRss).toBeLessThan(CAP + 300 * MB);
    });
  }

  it('a zstd frame declaring 2 GB is refused before anything is allocated', async () => {
    // Frame header: single segment, 8-byte content size = 2 GB; then one empty raw block marked last.
    const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0x01, 0, 0]);
    const { ms } = await measure(async () => {
      const error = await readErrorOf(unpack(header, 'declared.zst', limits));
      expect(error.kind).toBe('too-large');
    });
    expect(ms).toBeLessThan(100);
  });

  it('a zip member declaring more than the cap is refused before inflating; one lying about it is caught', async () => {
    run('sh', ['-c', 'head -c 80M /dev/zero > zeros.bin && zip -q -X -9 zeros.zip zeros.bin'], undefined, dir);
    const zip = fs.readFileSync(path.join(dir, 'zeros.zip'));
    expect((await readErrorOf(unpack(zip, 'zeros.zip', limits))).kind).toBe('too-large');
    // Claim 60 MB (under the cap): inflating must stop at 60 MB, not run to 80 MB or 2 GB.
    const lying = Buffer.from(zip);
    const central = lying.lastIndexOf(Buffer.from('PK\x01\x02', 'latin1'));
    lying.writeUInt32LE(60 * MB, central + 24);
    const { ms, peakRss } = await measure(async () => {
      const error = await readErrorOf(unpack(lying, 'zeros.zip', limits));
      expect(error.kind).toBe('corrupt');
      expect(error.message).toContain('inflates to more than');
    });
    expect(ms).toBeLessThan(5000);
    expect(peakRss).toBeLessThan(CAP + 300 * MB);
  });
});
