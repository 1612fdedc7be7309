import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawRecord } from '../types.js';
import { DEFAULT_LIMITS } from '../types.js';
import { fixtureDir, hasFixturePython, recordFor, recordLine, runPython, writePoses } from '../testing/fixtures.js';
import type { PoseCodec } from '../testing/fixtures.js';
import { BloscError, bloscDecompress, blosclzDecompress, lz4BlockDecompress, unshuffle } from './blosc.js';
import { readResultFile } from './index.js';
import { recordFromArchive } from './pose.js';

const dir = fixtureDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const py = hasFixturePython();

describe.skipIf(!py)('.pkl_pose / .b64_pose written by Python with a stand-in Pose and python-blosc', () => {
  let record: RawRecord;
  let other: RawRecord;
  const files = new Map<string, string>();
  const codecs: PoseCodec[] = ['blosclz', 'lz4', 'lz4hc', 'zlib', 'zstd', 'none'];
  beforeAll(() => {
    record = recordFor('pixi');
    other = recordFor('uv');
    const specs = [
      ...codecs.map((codec) => ({ key: `pkl-${codec}`, record, codec, format: 'pkl_pose' as const })),
      { key: 'b64', record: other, format: 'b64_pose' as const },
      { key: 'b64.bz2', record: other, format: 'b64_pose' as const, bz2: true },
      { key: 'pkl.bz2', record: other, format: 'pkl_pose' as const, bz2: true },
      { key: 'norecord', record: null, format: 'pkl_pose' as const, fileName: 'input.pkl_pose' },
    ];
    const paths = writePoses(dir, specs);
    specs.forEach((s, i) => files.set(s.key, paths[i] as string));
  }, 60_000);

  const read = (key: string) => {
    const file = files.get(key) as string;
    return readResultFile(fs.readFileSync(file), path.basename(file));
  };

  for (const codec of codecs) {
    it(`finds the record in a ${codec} archive`, async () => {
      const r = await read(`pkl-${codec}`);
      expect(r.format).toBe('pkl_pose');
      expect(r.needsHelper).toBeUndefined();
      expect(r.records).toEqual([{ decoyName: record.metadata.decoy_name, record }]);
    });
  }

  it('reads .b64_pose, .b64_pose.bz2 and .pkl_pose.bz2', async () => {
    for (const [key, format, layers] of [
      ['b64', 'b64_pose', []],
      ['b64.bz2', 'b64_pose', ['bzip2']],
      ['pkl.bz2', 'pkl_pose', ['bzip2']],
    ] as const) {
      const r = await read(key);
      expect(r.format).toBe(format);
      expect(r.layers).toEqual(layers);
      expect(r.records[0]?.record).toEqual(other);
    }
  });

  it('recognises a pose pickle or its base64 by content, whatever the name', async () => {
    const r = await readResultFile(fs.readFileSync(files.get('pkl-lz4') as string), 'renamed.pkl');
    expect(r.format).toBe('pkl_pose');
    expect(r.records[0]?.record).toEqual(record);
    const b = await readResultFile(fs.readFileSync(files.get('b64') as string), 'pose.txt');
    expect(b.format).toBe('b64_pose');
    expect(b.records[0]?.record).toEqual(other);
  });

  it('offers the official helper (no exception) when the pose has no record or cannot be decoded', async () => {
    const r = await read('norecord');
    expect(r.records).toEqual([]);
    expect(r.needsHelper?.reason).toMatch(
      /^SimDeck could not find the record inside this pose without PyRosetta \(the pose carries no "REMARK PyRosettaCluster:" comment\)\. Run the official dump_env_file\.py helper with a Python that has PyRosetta: python dump_env_file\.py --input_file input\.pkl_pose/,
    );
    // A damaged blosc frame inside an otherwise fine pickle.
    const good = fs.readFileSync(files.get('pkl-blosclz') as string);
    const bad = Buffer.from(good);
    const at = bad.indexOf(Buffer.from('blosc_cereal_binary_archive')) + 60;
    bad.fill(0xee, at, at + 400);
    const r2 = await readResultFile(bad, 'damaged.pkl_pose');
    expect(r2.records).toEqual([]);
    expect(r2.needsHelper?.reason).toMatch(/blosc|comment|JSON/);
    // Not base64 at all.
    const r3 = await readResultFile(Buffer.from('this is not base64 !!!'), 'x.b64_pose');
    expect(r3.needsHelper?.reason).toMatch(/not valid base64/);
    // A pickle of something else.
    const r4 = await readResultFile(Buffer.from([0x80, 4, 0x4b, 1, 0x2e]), 'x.pkl_pose');
    expect(r4.needsHelper?.reason).toMatch(/the pickle holds 1, not a pyrosetta\.rosetta\.core\.pose\.Pose/);
  });
});

describe('finding the record in a cereal archive', () => {
  const record = recordFor('conda');
  const line = Buffer.from(recordLine(record));
  const u64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  const key = Buffer.from('REMARK PyRosettaCluster:');

  it('reads key + u64le length + JSON, taking the last occurrence', () => {
    const older = Buffer.from(recordLine(recordFor('legacy-conda')));
    const archive = Buffer.concat([Buffer.alloc(100, 7), u64(key.length), key, u64(older.length), older, Buffer.alloc(50, 1), u64(key.length), key, u64(line.length), line, Buffer.alloc(30, 9)]);
    expect(recordFromArchive(archive, DEFAULT_LIMITS)).toEqual({ record });
  });

  it('falls back to the first "{" after the key when the length is not there', () => {
    const archive = Buffer.concat([Buffer.alloc(10), key, Buffer.from([0xff, 0xff, 0xff]), line, Buffer.from([0, 1, 2])]);
    expect(recordFromArchive(archive, DEFAULT_LIMITS)).toEqual({ record });
  });

  it('says why when the value is not a record', () => {
    expect(recordFromArchive(Buffer.alloc(100), DEFAULT_LIMITS)).toEqual({ why: 'the pose carries no "REMARK PyRosettaCluster:" comment' });
    const broken = Buffer.concat([key, u64(5), Buffer.from('{"a":')]);
    expect('why' in recordFromArchive(broken, DEFAULT_LIMITS)).toBe(true);
  });
});

describe('blosc1 decoding', () => {
  it('unshuffles bytes as c-blosc shuffles them, leftover bytes kept', () => {
    const orig = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const shuffled = Buffer.from([1, 5, 2, 6, 3, 7, 4, 8, 9, 10, 11]); // typesize 4, 2 elements, 3 leftover
    const out = Buffer.alloc(11);
    unshuffle(4, 11, shuffled, out);
    expect(out.equals(orig)).toBe(true);
  });

  it('decodes lz4 and blosclz blocks and refuses damaged ones', () => {
    // lz4: literals "abc", then a match of 6 at offset 3 ("abcabc"), then literal "!" (last sequence).
    const lz4 = Buffer.from([0x32, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x21]);
    const out = Buffer.alloc(10);
    expect(lz4BlockDecompress(lz4, out)).toBe(10);
    expect(out.toString()).toBe('abcabcabc!');
    expect(() => lz4BlockDecompress(Buffer.from([0x32, 0x61, 0x62, 0x63, 0x09, 0x00, 0x10]), Buffer.alloc(10))).toThrow(BloscError);
    // blosclz: a literal run of 3, a match of 3 at distance 3, a literal run of 1 (streams end with literals).
    const blz = Buffer.from([0x02, 0x61, 0x62, 0x63, 0x20, 0x02, 0x00, 0x64]);
    const o2 = Buffer.alloc(7);
    expect(blosclzDecompress(blz, o2)).toBe(7);
    expect(o2.toString()).toBe('abcabcd');
    expect(() => blosclzDecompress(Buffer.from([0x02, 0x61, 0x62, 0x63, 0x20, 0x40, 0x00, 0x64]), Buffer.alloc(7))).toThrow(BloscError);
  });

  it('refuses frames it cannot decode with a clear reason', () => {
    const header = (flags: number, nbytes = 16) => {
      const h = Buffer.alloc(16 + 4 + 20);
      h[0] = 2;
      h[1] = 1;
      h[2] = flags;
      h[3] = 8;
      h.writeUInt32LE(nbytes, 4);
      h.writeUInt32LE(nbytes, 8);
      h.writeUInt32LE(h.length, 12);
      return h;
    };
    expect(() => bloscDecompress(header(0x04), 1 << 20)).toThrow(/bit shuffle/);
    expect(() => bloscDecompress(header(2 << 5), 1 << 20)).toThrow(/snappy codec/);
    expect(() => bloscDecompress(header(0, 1 << 30), 1 << 20)).toThrow(/beyond the 1048576-byte limit/);
    expect(() => bloscDecompress(Buffer.alloc(8), 1 << 20)).toThrow(/shorter than its 16-byte header/);
    const memcpyed = header(0x02);
    memcpyed.write('0123456789abcdef', 16);
    expect(bloscDecompress(memcpyed, 1 << 20).toString()).toBe('0123456789abcdef');
  });

  it.skipIf(!py)('matches python-blosc for every codec, shuffle and typesize', () => {
    const out = runPython(`
import base64, json, blosc
data = bytes((i * 7919 + (i >> 5)) % 256 for i in range(300000)) + b"tail" * 1000 + bytes(range(7))
frames = []
for cname in ["blosclz", "lz4", "lz4hc", "zlib", "zstd"]:
    for shuffle in [blosc.NOSHUFFLE, blosc.SHUFFLE]:
        for typesize in [1, 4, 8, 16]:
            for clevel in [1, 9]:
                frames.append(base64.b64encode(blosc.compress(data, typesize=typesize, clevel=clevel, shuffle=shuffle, cname=cname)).decode())
frames.append(base64.b64encode(blosc.compress(b"x", typesize=8)).decode())
print(json.dumps({"data": base64.b64encode(data).decode(), "frames": frames}))
`);
    const { data, frames } = JSON.parse(out.toString()) as { data: string; frames: string[] };
    const want = Buffer.from(data, 'base64');
    frames.slice(0, -1).forEach((f) => expect(bloscDecompress(Buffer.from(f, 'base64'), 1 << 24).equals(want)).toBe(true));
    expect(bloscDecompress(Buffer.from(frames[frames.length - 1] as string, 'base64'), 100).toString()).toBe('x');
  });
});
