import { describe, expect, it } from 'vitest';
import { TransferCancelled, pump } from './pump.js';
import { fileStep, formatBytes } from './resume.js';

const source = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));

function io(src: Buffer, sink: Buffer[], opts: { failAt?: number } = {}) {
  let inFlight = 0;
  let maxInFlight = 0;
  let read = 0;
  return {
    stats: () => ({ maxInFlight, read }),
    read: async (pos: number, len: number) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      if (opts.failAt !== undefined && pos >= opts.failAt) throw new Error('link dropped');
      const b = src.subarray(pos, pos + len);
      read += b.length;
      return Buffer.from(b);
    },
    write: async (data: Buffer, pos: number) => {
      const have = Buffer.concat(sink).length;
      expect(pos).toBe(have); // strictly in order, no gaps
      sink.push(Buffer.from(data));
    },
  };
}

describe('pump', () => {
  it('copies in order with a bounded number of reads in flight', async () => {
    const out: Buffer[] = [];
    const x = io(source, out);
    const end = await pump(x, 0, source.length, 1000, 3);
    expect(end).toBe(source.length);
    expect(Buffer.concat(out).equals(source)).toBe(true);
    expect(x.stats().maxInFlight).toBeLessThanOrEqual(3);
  });

  it('after a failure what was written is a correct prefix, and a second run continues from it', async () => {
    const out: Buffer[] = [];
    await expect(pump(io(source, out, { failAt: 6000 }), 0, source.length, 1000, 2)).rejects.toThrow('link dropped');
    const partial = Buffer.concat(out);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.equals(source.subarray(0, partial.length))).toBe(true);
    const again = io(source, out);
    const step = fileStep(source.length, null, partial.length);
    expect(step).toEqual({ action: 'copy', from: partial.length });
    await pump(again, partial.length, source.length, 1000, 2);
    expect(Buffer.concat(out).equals(source)).toBe(true);
    expect(again.stats().read).toBe(source.length - partial.length);
  });

  it('stops when cancelled and when the source is shorter than expected', async () => {
    const ac = new AbortController();
    const out: Buffer[] = [];
    const x = io(source, out);
    await expect(pump({ ...x, signal: ac.signal, progress: (pos) => pos >= 3000 && ac.abort() }, 0, source.length, 1000, 2)).rejects.toBeInstanceOf(TransferCancelled);
    expect(Buffer.concat(out).length).toBe(3000);
    const short: Buffer[] = [];
    expect(await pump(io(source.subarray(0, 4500), short), 0, source.length, 1000, 4)).toBe(4500);
  });
});

describe('resume bookkeeping', () => {
  it('skips finished files, continues partial ones, restarts impossible partials', () => {
    expect(fileStep(100, 100, null)).toEqual({ action: 'skip', bytes: 100 });
    expect(fileStep(100, null, 40)).toEqual({ action: 'copy', from: 40 });
    expect(fileStep(100, null, null)).toEqual({ action: 'copy', from: 0 });
    expect(fileStep(100, null, 150)).toEqual({ action: 'copy', from: 0 });
  });
  it('formats sizes', () => {
    expect(formatBytes(12)).toBe('12 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
  });
});
