import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ReadError } from '../types.js';
import { fixtureDir, pyJson, recordFor, recordLine, writeJsonScorefile } from '../testing/fixtures.js';
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

const scoreLine = (out: string) => pyJson({ [out]: { fa_atr: -1.5, total_score: -3.25 } });

describe('JSON Lines scorefiles', () => {
  it('lists full records by decoy name, in file order', async () => {
    const records = [recordFor('conda'), recordFor('pixi'), recordFor('uv'), recordFor('uv-requirements')];
    for (const crlf of [false, true]) {
      const file = writeJsonScorefile(dir, records, { crlf });
      const r = await readResultFile(fs.readFileSync(file), 'scores.json');
      expect(r.format).toBe('json-scorefile');
      expect(r.records.map((x) => x.decoyName)).toEqual(records.map((x) => x.metadata.decoy_name));
      expect(r.records.map((x) => x.record)).toEqual(records);
      expect(r.notes).toEqual([]);
    }
  });

  it('reads a single-record scorefile and a compressed one', async () => {
    const record = recordFor('conda');
    const text = recordLine(record) + '\n';
    expect((await readResultFile(Buffer.from(text), 'scores.json')).records).toHaveLength(1);
    const gz = await readResultFile(zlib.gzipSync(Buffer.from(text)), 'scores.json.gz');
    expect(gz.layers).toEqual(['gzip']);
    expect(gz.records[0]?.record).toEqual(record);
  });

  it('explains a score-only scorefile: no record, which decoy or environment file to use instead', async () => {
    const outs = ['/home/alice/prc/outputs/decoys/0000/MyProject_0123456789abcdef0123456789abcdef.pdb.bz2', '/home/alice/prc/outputs/decoys/0000/MyProject_fedcba9876543210fedcba9876543210.pdb.bz2'];
    const e = await readError(readResultFile(Buffer.from(outs.map(scoreLine).join('\n') + '\n'), 'scores.json'));
    expect(e.kind).toBe('no-record');
    expect(e.message).toContain('scores.json has scores only, no reproducibility record');
    expect(e.message).toContain('simulation_records_in_scorefile=False');
    expect(e.message).toContain(outs[0]);
    expect(e.message).toContain(outs[1]);
    expect(e.message).toContain('/home/alice/prc/outputs/<project_name>_MyProject_environment.yml (or _pixi.lock, or _uv.lock');
  });

  it('lists the records of a mixed file and notes the score-only lines', async () => {
    const records = [recordFor('conda'), recordFor('conda')];
    const file = writeJsonScorefile(dir, records, { scoreOnlyLines: 3, fileName: 'mixed.json' });
    const r = await readResultFile(fs.readFileSync(file), 'mixed.json');
    expect(r.records).toHaveLength(2);
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toMatch(/^3 lines of mixed\.json hold scores only, without a record .*e\.g\. \/home\/alice\/prc_project\/outputs\/decoys\/0000\/MyProject_[0-9a-f]{32}\.pdb\.bz2/);
  });

  it('skips bad lines with their numbers, never failing the whole file for them', async () => {
    const record = recordFor('conda');
    const lines = [
      recordLine(record),
      '{"broken": ',
      '',
      Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]).toString('latin1'),
      '[1, 2]',
      '{"a": 1, "b": 2}',
      '{"instance": {}, "metadata": 5}',
      recordLine(recordFor('pixi')),
    ];
    // The record lines as UTF-8, line 4 with a raw 0xff byte.
    const data = Buffer.concat(lines.map((l, i) => Buffer.concat([Buffer.from(l, i === 3 ? 'latin1' : 'utf8'), Buffer.from('\n')])));
    const r = await readResultFile(data, 'scores.json');
    expect(r.records).toHaveLength(2);
    const note = r.notes.join(' ');
    expect(note).toMatch(/^5 lines of scores\.json could not be read and were skipped: /);
    expect(note).toMatch(/line 2 is not valid JSON \(at character 12\): the text ends where a value should be/);
    expect(note).toMatch(/line 4 is not valid UTF-8 text/);
    expect(note).toMatch(/line 5 is not a JSON object/);
    expect(note).toMatch(/line 6 is neither a full record/);
    expect(note).toMatch(/line 7 holds a broken record \(.*"metadata" that is not a JSON object/);
  });

  it('fails clearly when no line can be read, and for an empty file', async () => {
    const e = await readError(readResultFile(Buffer.from('{"a": \n{"b": \n'), 'scores.json'));
    expect(e.kind).toBe('corrupt');
    expect(e.message).toMatch(/scores\.json has no readable PyRosettaCluster lines\. 2 lines of scores\.json could not be read/);
    const empty = await readError(readResultFile(Buffer.from('\n\n'), 'scores.json'));
    expect(empty.kind).toBe('no-record');
  });

  it('notes duplicate decoy names (a simulation run twice into one output path)', async () => {
    const record = recordFor('conda');
    const file = writeJsonScorefile(dir, [record, record], { fileName: 'dup.json' });
    const r = await readResultFile(fs.readFileSync(file), 'dup.json');
    expect(r.records).toHaveLength(2);
    expect(r.notes.join(' ')).toMatch(/Lines 1 and 2 both hold decoy/);
  });
});
