// Hostile and broken input: every case must end fast in a ReadError (or a needsHelper result) with a message
// naming the file, never in a crash, a hang, unbounded memory, or anything being executed.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, ReadError } from '../types.js';
import { PyCall, unpickleDetailed } from '../pickle/index.js';
import type { PyValue , PyGlobal} from '../pickle/index.js';
import { bzip2, fixtureDir, hasFixturePython, recordFor, recordLine, runPython, writeDecoy, writeHostilePickles, writePandasScorefile } from '../testing/fixtures.js';
import type { HostileKind } from '../testing/fixtures.js';
import { readResultFile } from './index.js';

const dir = fixtureDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const py = hasFixturePython();

async function readError(p: Promise<unknown>): Promise<ReadError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ReadError);
    return e as ReadError;
  }
  throw new Error('expected a ReadError');
}

describe.skipIf(!py)('pickles that would run commands if Python loaded them', () => {
  const marker = path.join(dir, 'PWNED');
  let files: Record<HostileKind, string>;
  beforeAll(() => {
    files = writeHostilePickles(dir, marker);
  }, 60_000);

  const kinds: HostileKind[] = ['os.system', 'posix.system', 'subprocess.Popen', 'builtins.eval'];
  for (const kind of kinds) {
    it(`${kind}: shown only as an inert stub, refused as hostile, never run`, async () => {
      const data = fs.readFileSync(files[kind]);
      const { value, globals } = unpickleDetailed(data);
      expect(globals).toContain(kind);
      const call = (value instanceof PyCall ? value : (value as Record<string, PyValue>).scores) as PyCall;
      expect(call).toBeInstanceOf(PyCall);
      expect((call.$call as PyGlobal).canonical).toBe(kind);
      for (const name of ['scores.pkl', 'scores.gz', 'decoy.pkl_pose']) {
        const input = name.endsWith('.gz') ? zlib.gzipSync(data) : data;
        const e = await readError(readResultFile(input, name));
        expect(e.kind).toBe('hostile');
        expect(e.message).toContain(`would call ${kind} if Python loaded it`);
        expect(e.message).toContain('ran nothing');
      }
      expect(fs.existsSync(marker)).toBe(false);
    });
  }

  it('a DataFrame with a hostile score object is refused too', async () => {
    const out = path.join(dir, 'evil_scores.xz');
    runPython(
      `
import collections, os, sys, pandas
class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + sys.argv[2],))
rec = collections.OrderedDict([("instance", {"sha1": "x"}), ("metadata", {"decoy_name": "d", "output_file": "/o/d.pdb"}), ("scores", {"s": Evil()})])
pandas.DataFrame().from_dict({"/o/d.pdb": rec}, orient="index").to_pickle(sys.argv[1], compression="infer", protocol=4)
`,
      [out, marker],
    );
    const e = await readError(readResultFile(fs.readFileSync(out), 'evil_scores.xz'));
    expect(e.kind).toBe('hostile');
    expect(e.message).toMatch(/would call posix\.system/);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('a score nested thousands of levels deep is refused, not a stack overflow', async () => {
    const out = path.join(dir, 'deep.pkl');
    runPython(
      `
import collections, sys, pandas
sys.setrecursionlimit(100000)
deep = []
for _ in range(5000):
    deep = [deep]
rec = collections.OrderedDict([("instance", {"sha1": "x"}), ("metadata", {"decoy_name": "d", "output_file": "/o/d.pdb"}), ("scores", {"deep": deep})])
pandas.DataFrame().from_dict({"/o/d.pdb": rec}, orient="index").to_pickle(sys.argv[1], protocol=4)
`,
      [out],
    );
    const e = await readError(readResultFile(fs.readFileSync(out), 'deep.pkl'));
    expect(e.kind).toBe('hostile');
    expect(e.message).toMatch(/deep\.pkl was refused: .*nests containers more than 1000 levels deep/);
  });
});

describe('crafted pickles', () => {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  it('a MARK bomb and huge memo indices are refused as hostile', async () => {
    const marks = Buffer.concat([Buffer.from([0x80, 4]), Buffer.alloc(1_000_000, 0x28), Buffer.from([0x2e])]);
    expect((await readError(readResultFile(marks, 'scores.pkl'))).kind).toBe('hostile');
    const memo = Buffer.concat([Buffer.from([0x80, 4, 0x4e, 0x72]), u32(0xfffffff0), Buffer.from([0x2e])]);
    const e = await readError(readResultFile(memo, 'scores.pkl'));
    expect(e.kind).toBe('hostile');
    expect(e.message).toMatch(/^scores\.pkl was refused: it stores into memo slot 4,294,967,280/);
  });

  it('a cut-off or garbled pickle scorefile is truncated or corrupt, with the file named', async () => {
    const e = await readError(readResultFile(Buffer.from([0x80, 4, 0x95, 100, 0, 0, 0, 0, 0, 0, 0, 0x7d]), 'scores.pkl'));
    expect(e.kind).toBe('truncated');
    expect(e.message).toMatch(/^scores\.pkl ends early/);
    const g = await readError(readResultFile(Buffer.from([0x80, 4, 0x7d, 0x4e, 0x61, 0x2e]), 'scores.pkl'));
    expect(g.kind).toBe('corrupt');
    expect(g.message).toMatch(/APPEND\(S\) needs a list/);
  });
});

describe('damaged compression and bombs', () => {
  const record = recordFor('conda');
  const text = Buffer.from(`ATOM\nREMARK PyRosettaCluster: ${recordLine(record)}`);

  it('truncated or damaged bzip2 / gzip / xz / zip decoys and scorefiles fail with the file named', async () => {
    const cases: [Buffer, string][] = [
      [bzip2(text), 'd.pdb.bz2'],
      [zlib.gzipSync(text), 'd.pdb.gz'],
    ];
    if (py) {
      const pk = writePandasScorefile(dir, [record], ['.xz', '.zip', '.bz2', '.gz'], { stem: 'damaged' });
      for (const p of pk) cases.push([fs.readFileSync(p), path.basename(p)]);
    }
    for (const [data, name] of cases) {
      const cut = await readError(readResultFile(data.subarray(0, Math.floor(data.length * 0.6)), name));
      expect(['truncated', 'corrupt']).toContain(cut.kind);
      expect(cut.message).toContain(name);
      const bad = Buffer.from(data);
      bad.fill(0x55, Math.floor(bad.length * 0.3), Math.floor(bad.length * 0.3) + 64);
      const broken = await readError(readResultFile(bad, name));
      expect(['truncated', 'corrupt']).toContain(broken.kind);
      expect(broken.message).toContain(name);
    }
  });

  it('a decompression bomb stops at the cap with a clear message', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    const e = await readError(readResultFile(bomb, 'scores.gz', { ...DEFAULT_LIMITS, maxDecompressedBytes: 8 * 1024 * 1024 }));
    expect(e.kind).toBe('too-large');
    expect(e.message).toMatch(/scores\.gz/);
    expect(e.message).toMatch(/maxDecompressedBytes/);
  });

  it('a huge line in a JSON scorefile is skipped with a note; the other records still read', async () => {
    const file = path.join(dir, 'huge.json');
    fs.writeFileSync(file, `${recordLine(record)}\n{"x": "${'y'.repeat(300_000)}"}\n`);
    const r = await readResultFile(fs.readFileSync(file), 'huge.json', { ...DEFAULT_LIMITS, maxLineBytes: 100_000 });
    expect(r.records).toHaveLength(1);
    expect(r.notes.join(' ')).toMatch(/line 2 is 300,009 bytes long, beyond the 100,000-byte limit/);
  });

  it('a decoy that is not UTF-8 at all, and random bytes, are refused cleanly', async () => {
    const decoy = writeDecoy(dir, record);
    const utf16 = Buffer.from(fs.readFileSync(decoy, 'utf8'), 'utf16le');
    const e = await readError(readResultFile(utf16, 'utf16.pdb'));
    expect(e.kind).toBe('no-record');
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
    for (const name of ['x.pdb', 'x.json', 'x.pkl', 'x.init', 'x.pkl_pose', 'x.b64_pose', 'x.bin']) {
      for (let t = 0; t < 20; t++) {
        const junk = Buffer.from(Array.from({ length: 200 + t * 37 }, rnd));
        try {
          const r = await readResultFile(junk, name);
          expect(r.records).toEqual([]);
        } catch (err) {
          expect(err).toBeInstanceOf(ReadError);
        }
      }
    }
  });
});
