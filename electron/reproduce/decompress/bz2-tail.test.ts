// bz2TailText must give exactly what full decompression + "last line starting with the marker" gives. The
// reference here is `bzip2 -dc` (the real tool) followed by a plain split on "\n", independent of our code.
import { describe, expect, it } from 'vitest';
import type { ReadLimits } from '../types.js';
import type { Compressor } from './test-fixtures.js';
import { LIMITS, bzip2Reference, compress, prng, readErrorOf } from './test-fixtures.js';
import Bunzip from 'seek-bzip';
import { bz2TailText, tryBz2TailFast } from './bz2-tail.js';
import { decodeBlockAt } from './bzip2.js';

const MARKER = 'REMARK PyRosettaCluster: ';

/** JSON the way PyRosettaCluster writes it: Python's json.dumps with ", " and ": " separators, non-ASCII kept. */
function pyJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

function condaYaml(bytes: number, rand: () => number): string {
  const lines = ['name: prc', 'channels:', '  - https://conda.rosettacommons.org', '  - conda-forge', 'dependencies:'];
  let size = lines.join('\n').length;
  while (size < bytes) {
    const line = `  - pkg${Math.floor(rand() * 1e6)}=${Math.floor(rand() * 20)}.${Math.floor(rand() * 30)}.${Math.floor(rand() * 9)}=py311h${Math.floor(rand() * 1e8).toString(16)}_0`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

function recordJson(envBytes: number, seed: number, decoy = `decoy_${seed}`, extra = ''): string {
  const rand = prng(seed);
  return pyJson({
    instance: { environment: condaYaml(envBytes, rand), seeds: [seed], sha1: 'c0ffee', note: extra },
    metadata: { decoy_name: decoy, protocols: ['my_protocol'], output_file: `out/${decoy}.pdb.bz2` },
    scores: { total_score: -321.5 + rand(), fa_atr: -800.25 },
  });
}

function atomLines(count: number, rand: () => number, eol: string): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const c = (): string => (rand() * 200 - 100).toFixed(3).padStart(8);
    out.push(`ATOM  ${String((i % 99999) + 1).padStart(5)}  N   MET A${String((i % 9999) + 1).padStart(4)}    ${c()}${c()}${c()}  1.00  0.00           N`);
  }
  return out.join(eol) + eol;
}

interface DecoyOptions {
  atoms: number;
  envBytes: number;
  eol?: string;
  older?: boolean;
  seed?: number;
}

/** A decoy as PyRosettaCluster writes it: PDB body, (blank line), `REMARK PyRosettaCluster: {json}`, no final newline. */
function decoy({ atoms, envBytes, eol = '\n', older = false, seed = 1 }: DecoyOptions): string {
  const rand = prng(seed);
  let body = atomLines(atoms, rand, eol);
  if (older) {
    // An older record carried as a pose comment, inside the comments block; the last one must win.
    body += ['##Begin comments##', `${MARKER}${recordJson(3000, seed + 1, 'older')}`, '##End comments##', ''].join(eol);
    body += atomLines(50, rand, eol);
  }
  return `${body}${eol}${MARKER}${recordJson(envBytes, seed)}`;
}

/** The reference answer: full decompression by the bzip2 CLI, then the last line starting with the marker. */
function expectedTail(bz2: Buffer, marker = MARKER): string | null {
  const lines = bzip2Reference(bz2).toString('utf8').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.startsWith(marker)) return lines.slice(i).join('\n');
  return null;
}

function same(actual: string | null | undefined, expected: string | null, label: string): void {
  if (actual === expected) return;
  if (typeof actual !== 'string' || expected === null) {
    throw new Error(`${label}: got ${actual === undefined ? 'undefined' : JSON.stringify(actual?.slice(0, 80))}, expected ${JSON.stringify(expected?.slice(0, 80))}`);
  }
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  throw new Error(`${label}: lengths ${actual.length} vs ${expected.length}, first difference at ${i}`);
}

/** Checks bz2TailText against the reference and that the fast path alone answered (no full decode). */
async function check(bz2: Buffer, label: string, { fast = true, expectRecord = true, limits = LIMITS } = {}): Promise<void> {
  const expected = expectedTail(bz2);
  if (expectRecord) expect(expected, label).not.toBeNull();
  same(await bz2TailText(bz2, MARKER, limits, label), expected, label);
  const fastAnswer = await tryBz2TailFast(bz2, MARKER, limits);
  if (fast) same(fastAnswer, expected, `${label} (fast path)`);
  else expect(fastAnswer, `${label} should need the full decode`).toBeUndefined();
}

const bz = (level: Compressor, text: string | Buffer): Buffer => compress(level, Buffer.from(text));

/** Text with no runs of 4 equal bytes, so bzip2 -1's first block ends exactly after 99 981 bytes. */
function filler(length: number, rand: () => number): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let out = '';
  let previous = '';
  while (out.length < length) {
    let ch = out.length % 61 === 60 ? '\n' : letters[Math.floor(rand() * letters.length)]!;
    if (ch === previous) ch = ch === 'a' ? 'b' : 'a';
    out += ch;
    previous = ch;
  }
  return out;
}
const LEVEL1_BLOCK = 100_000 - 19;

describe('bz2TailText gives exactly the full-decompression answer', () => {
  it('for small and medium decoys at bzip2 -1 and -9', async () => {
    for (const level of ['bzip2', 'bzip2-1'] as const) {
      await check(bz(level, decoy({ atoms: 20, envBytes: 2000 })), `small ${level}`);
      await check(bz(level, decoy({ atoms: 20_000, envBytes: 50_000, seed: 2 })), `medium ${level}`);
    }
  });

  it('for a record larger than a 900k block (spanning 3-4 blocks at -9, ~26 at -1)', async () => {
    const text = decoy({ atoms: 5000, envBytes: 2_500_000, seed: 3 });
    await check(bz('bzip2', text), 'big record -9');
    await check(bz('bzip2-1', text), 'big record -1');
  });

  it('for CRLF line endings', async () => {
    await check(bz('bzip2', decoy({ atoms: 20_000, envBytes: 50_000, eol: '\r\n', seed: 4 })), 'crlf -9');
    await check(bz('bzip2-1', decoy({ atoms: 3000, envBytes: 250_000, eol: '\r\n', seed: 5 })), 'crlf -1');
  });

  it('when an older record sits in the comments block (the last one wins)', async () => {
    for (const level of ['bzip2', 'bzip2-1'] as const) {
      const text = decoy({ atoms: 2000, envBytes: 40_000, older: true, seed: 6 });
      await check(bz(level, text), `older record ${level}`);
      expect(await bz2TailText(bz(level, text), MARKER, LIMITS)).toContain('"decoy_name": "decoy_6"');
    }
    // The newest record is several blocks long and the older one is in an earlier block.
    await check(bz('bzip2-1', decoy({ atoms: 500, envBytes: 450_000, older: true, seed: 7 })), 'older + long newest');
  });

  it('when "\\n" + marker straddles a block boundary at every possible offset', async () => {
    const rand = prng(8);
    const base = filler(LEVEL1_BLOCK + 100, rand);
    for (let start = LEVEL1_BLOCK - needleLength() - 1; start <= LEVEL1_BLOCK + 1; start++) {
      const text = `${base.slice(0, start)}\n${MARKER}{"decoy": "straddle ${start}", "é": "漢字"}`;
      await check(bz('bzip2-1', text), `straddle at ${start}`);
    }
  });

  it('for multi-byte UTF-8 cut by a block boundary', async () => {
    const rand = prng(9);
    const text = `${filler(LEVEL1_BLOCK - 40, rand)}\n${MARKER}{"name": "${'é漢字🧬'.repeat(30_000)}"}`;
    await check(bz('bzip2-1', text), 'utf-8');
  });

  it('for concatenated streams (mixed levels), split anywhere around the record line', async () => {
    const text = decoy({ atoms: 3000, envBytes: 30_000, seed: 10 });
    const line = text.lastIndexOf(`\n${MARKER}`);
    for (const cut of [line - 1, line, line + 1, line + 10, line + 26, line + 27, text.length - 3]) {
      const joined = Buffer.concat([bz('bzip2-1', text.slice(0, cut)), bz('bzip2', text.slice(cut))]);
      await check(joined, `two streams cut at ${cut - line}`);
    }
    const three = Buffer.concat([
      bz('bzip2', text.slice(0, line)),
      bz('bzip2-1', text.slice(line, line + 5)),
      bz('bzip2', text.slice(line + 5)),
    ]);
    await check(three, 'three streams');
  });

  it('when the record is the whole file, so the marker starts the data', async () => {
    await check(bz('bzip2-1', `${MARKER}${recordJson(300_000, 11)}`), 'record only, many blocks');
    await check(bz('bzip2', `${MARKER}{}`), 'record only, tiny');
  });

  it('returns null when no line starts with the marker', async () => {
    const rand = prng(12);
    const body = atomLines(3000, rand, '\n');
    await check(bz('bzip2-1', body), 'no marker', { expectRecord: false });
    await check(bz('bzip2-1', `${body}HEADER ${MARKER}{}\nEND`), 'marker mid-line', { expectRecord: false });
    expect(await bz2TailText(bz('bzip2-1', body), MARKER, LIMITS)).toBeNull();
    expect(await bz2TailText(bz('bzip2', ''), MARKER, LIMITS)).toBeNull();
  });

  it('does not take a marker at the start of a block or stream for a line start unless a newline precedes it', async () => {
    const rand = prng(19);
    const head = filler(LEVEL1_BLOCK, rand); // ends mid-line, exactly where bzip2 -1 ends its first block
    expect(head.endsWith('\n')).toBe(false);
    await check(bz('bzip2-1', `${head}${MARKER}{"mid": 1}`), 'mid-line marker at a block start', { expectRecord: false });
    const older = `ATOM\n${MARKER}{"older": 1}\nxyz`;
    const joined = Buffer.concat([bz('bzip2', older), bz('bzip2-1', `${MARKER}{"mid": 1}`)]);
    await check(joined, 'mid-line marker at a stream start');
    expect(await bz2TailText(joined, MARKER, LIMITS)).toBe(`${MARKER}{"older": 1}\nxyz${MARKER}{"mid": 1}`);
  });

  it('returns everything after the record line too (the record is expected last, but nothing is dropped)', async () => {
    await check(bz('bzip2', `${decoy({ atoms: 100, envBytes: 1000 })}\nEND\n`), 'lines after the record');
  });

  it('falls back to a full decode for structures it does not recognise, with the same answer', async () => {
    const text = decoy({ atoms: 3000, envBytes: 30_000, seed: 13 });
    const line = text.lastIndexOf(`\n${MARKER}`);
    // An empty stream between two others (bzip2 of empty input, concatenated).
    const withEmpty = Buffer.concat([bz('bzip2', text.slice(0, line + 3)), bz('bzip2', ''), bz('bzip2-1', text.slice(line + 3))]);
    await check(withEmpty, 'empty stream in between', { fast: false });
    // Bytes after the end of the last stream (ignored by bzip2 and by Python).
    await check(Buffer.concat([bz('bzip2', text), Buffer.from('trailing garbage')]), 'trailing garbage', { fast: false });
  });

  it('matches on randomly generated files', async () => {
    const rand = prng(14);
    for (let round = 0; round < 16; round++) {
      const eol = rand() < 0.3 ? '\r\n' : '\n';
      const lines: string[] = [];
      const count = Math.floor(rand() * 4000);
      for (let i = 0; i < count; i++) {
        const r = rand();
        if (r < 0.01) lines.push(`${MARKER}{"n": ${i}}`);
        else if (r < 0.02) lines.push(`x${MARKER}${i}`);
        else if (r < 0.025) lines.push(`${MARKER.slice(0, 10)}`);
        else lines.push(filler(Math.floor(rand() * 120), rand).replace(/\n/g, ' '));
      }
      if (rand() < 0.7) lines.push(`${MARKER}${recordJson(Math.floor(rand() * 150_000), round)}`);
      const text = lines.join(eol) + (rand() < 0.2 ? eol : '');
      const level = rand() < 0.5 ? 'bzip2' : 'bzip2-1';
      let data = bz(level, text);
      if (rand() < 0.3 && text.length > 10) {
        const cut = Math.floor(rand() * text.length);
        data = Buffer.concat([bz('bzip2-1', text.slice(0, cut)), bz(level, text.slice(cut))]);
      }
      await check(data, `random ${round}`, { expectRecord: false });
    }
  });
});

describe('bz2TailText limits and damage', () => {
  const bigText = decoy({ atoms: 5000, envBytes: 2_500_000, seed: 15 });
  const bigRecord = (): Buffer => bz('bzip2-1', bigText);

  it('refuses a record line longer than maxLineBytes', async () => {
    const limits: ReadLimits = { ...LIMITS, maxLineBytes: 1024 ** 2 };
    const error = await readErrorOf(bz2TailText(bigRecord(), MARKER, limits, 'big.pdb.bz2'));
    expect(error.kind).toBe('too-large');
    expect(error.message).toContain('big.pdb.bz2');
    expect(error.message).toContain('maxLineBytes');
  });

  it('refuses to decode more than maxDecompressedBytes', async () => {
    const limits: ReadLimits = { ...LIMITS, maxDecompressedBytes: 1024 ** 2 };
    const error = await readErrorOf(bz2TailText(bigRecord(), MARKER, limits, 'big.pdb.bz2'));
    expect(error.kind).toBe('too-large');
    expect(error.message).toContain('Decompressing big.pdb.bz2 would produce more than 1 MB');
  });

  it('says a truncated decoy is truncated', async () => {
    const data = bz('bzip2', decoy({ atoms: 20_000, envBytes: 50_000, seed: 16 }));
    for (const keep of [data.length - 1, Math.floor(data.length / 2), 2]) {
      const error = await readErrorOf(bz2TailText(data.subarray(0, keep), MARKER, LIMITS, 'cut.pdb.bz2'));
      expect(error.kind, `cut to ${keep}`).toBe('truncated');
      expect(error.message).toBe(
        'cut.pdb.bz2 is not a complete bzip2 file (it ends early): was it still being written or cut off in a copy?',
      );
    }
  });

  it('says a decoy damaged in its last block is corrupt', async () => {
    const data = Buffer.from(bz('bzip2', decoy({ atoms: 20_000, envBytes: 50_000, seed: 17 })));
    data[data.length - 2000] = data[data.length - 2000]! ^ 0x10;
    const error = await readErrorOf(bz2TailText(data, MARKER, LIMITS, 'bad.pdb.bz2'));
    expect(error.kind).toBe('corrupt');
    expect(error.message).toMatch(/^bad\.pdb\.bz2 is not a valid bzip2 file/);
  });

  it('reads the record of a decoy damaged only before it (every block it uses is CRC-checked)', async () => {
    const text = decoy({ atoms: 20_000, envBytes: 50_000, seed: 18 });
    const data = Buffer.from(bz('bzip2-1', text));
    const intact = expectedTail(data);
    data[1000] = data[1000]! ^ 0x10;
    same(await bz2TailText(data, MARKER, LIMITS), intact, 'damaged early block');
  });

  it('says a file that is not bzip2 is corrupt', async () => {
    const error = await readErrorOf(bz2TailText(Buffer.from('ATOM      1  N   MET A   1'), MARKER, LIMITS, 'x.pdb.bz2'));
    expect(error.kind).toBe('corrupt');
    expect(error.message).toContain('does not start with the bzip2 signature');
  });
});

describe('decodeBlockAt', () => {
  it('decodes a real block, reports where it ends, and rejects positions that are not a block', () => {
    const data = bz('bzip2-1', decoy({ atoms: 5000, envBytes: 1000, seed: 20 }));
    const starts: number[] = [];
    Bunzip.table(data, (bit: number) => starts.push(bit));
    expect(starts.length).toBeGreaterThan(2);
    for (let i = 0; i + 1 < starts.length; i++) {
      expect(decodeBlockAt(data, starts[i]!)?.endBit).toBe(starts[i + 1]);
      expect(decodeBlockAt(data, starts[i]! + 1)).toBeNull();
    }
    // A block magic followed by nonsense: found by the scan, rejected by the decoder.
    const fake = Buffer.concat([Buffer.from('BZh9'), Buffer.from('314159265359', 'hex'), Buffer.alloc(64, 0xa5)]);
    expect(decodeBlockAt(fake, 32)).toBeNull();
  });
});

function needleLength(): number {
  return MARKER.length + 1;
}
