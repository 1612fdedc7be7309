import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawRecord } from '../types.js';
import { ReadError } from '../types.js';
import { fixtureDir, hasFixturePython, recordFor, writePandasScorefile } from '../testing/fixtures.js';
import { readResultFile } from './index.js';

const dir = fixtureDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function readError(p: Promise<unknown>): Promise<ReadError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ReadError);
    return e as ReadError;
  }
  throw new Error('expected a ReadError');
}

const EXTENSIONS: [ext: string, layers: string[]][] = [
  ['.pkl', []],
  ['.scores_data', []],
  ['.gz', ['gzip']],
  ['.bz2', ['bzip2']],
  ['.xz', ['xz']],
  ['.zip', ['zip']],
  ['.zst', ['zstd']],
  ['.tar', ['tar']],
  ['.tar.gz', ['gzip', 'tar']],
  ['.tar.xz', ['xz', 'tar']],
  ['.tar.bz2', ['bzip2', 'tar']],
];

describe.skipIf(!hasFixturePython())('pickled pandas DataFrame scorefiles written by real pandas', () => {
  let records: RawRecord[] = [];
  const files = new Map<string, string>();
  beforeAll(() => {
    records = [recordFor('conda'), recordFor('pixi'), recordFor('uv'), recordFor('uv-requirements'), recordFor('legacy-conda')];
    const add = (paths: string[], keys: string[]) => paths.forEach((p, i) => files.set(keys[i] as string, p));
    const exts = EXTENSIONS.map(([e]) => e);
    add(writePandasScorefile(dir, records, exts, { oddScores: true }), exts);
    add(writePandasScorefile(dir, records, ['.pkl'], { protocol: 5, stem: 'p5', oddScores: true }), ['p5']);
    add(writePandasScorefile(dir, records, ['.pkl'], { protocol: 2, stem: 'p2', oddScores: true }), ['p2']);
    add(writePandasScorefile(dir, records, ['.xz', '.pkl'], { curtailed: true, stem: 'curtailed' }), ['curtailed.xz', 'curtailed.pkl']);
    add(writePandasScorefile(dir, records, ['.gz'], { curtailedRows: 2, stem: 'mixed' }), ['mixed']);
  }, 60_000);

  const read = (key: string) => {
    const file = files.get(key) as string;
    return readResultFile(fs.readFileSync(file), path.basename(file));
  };

  for (const [ext, layers] of EXTENSIONS) {
    it(`lists every decoy of a ${ext} scorefile, records intact`, async () => {
      const r = await read(ext);
      expect(r.format).toBe('pickle-scorefile');
      expect(r.layers).toEqual(layers);
      expect(r.records.map((x) => x.decoyName)).toEqual(records.map((x) => x.metadata.decoy_name));
      for (let i = 0; i < records.length; i++) {
        const got = r.records[i]?.record as RawRecord;
        const want = records[i] as RawRecord;
        expect(got.instance).toEqual(want.instance);
        expect(got.metadata).toEqual(want.metadata);
        // The pickle keeps unfiltered scores: arbitrary objects become inert descriptions.
        expect(got.scores).toEqual({
          ...want.scores,
          per_residue_energy: '<numpy.ndarray shape=(5,) dtype=float64>',
          protocol_metric: '<__main__.ProtocolMetric object>',
        });
      }
      expect(r.notes).toEqual([]);
    });
  }

  for (const p of [2, 5]) {
    it(`reads pickle protocol ${p}`, async () => {
      const r = await read(`p${p}`);
      expect(r.records.map((x) => x.record.metadata)).toEqual(records.map((x) => x.metadata));
      expect(r.records[0]?.record.scores.per_residue_energy).toBe('<numpy.ndarray shape=(5,) dtype=float64>');
    });
  }

  it('keeps record key order as PRC wrote it', async () => {
    const r = await read('.xz');
    expect(Object.keys(r.records[0]?.record.instance ?? {})).toEqual(Object.keys(records[0]?.instance ?? {}));
  });

  it('explains a curtailed scorefile: scores only, which decoy or environment file to use instead', async () => {
    for (const key of ['curtailed.xz', 'curtailed.pkl']) {
      const e = await readError(read(key));
      expect(e.kind).toBe('no-record');
      expect(e.message).toContain(`${key} has scores only, no reproducibility record`);
      expect(e.message).toContain('simulation_records_in_scorefile=False');
      expect(e.message).toContain(records[0]?.metadata.output_file as string);
      expect(e.message).toContain('/home/alice/prc_project/outputs/<project_name>_MyProject_environment.yml');
      expect(e.message).toMatch(/columns "SEQUENCE", "VALUE", "fa_atr"/);
    }
  });

  it('lists the records of a scorefile mixing both settings and notes the score-only rows', async () => {
    const r = await read('mixed');
    expect(r.records.map((x) => x.decoyName)).toEqual(records.slice(0, 3).map((x) => x.metadata.decoy_name));
    expect(r.notes.join(' ')).toMatch(/2 of the 5 rows of mixed\.gz hold scores only/);
  });
});
