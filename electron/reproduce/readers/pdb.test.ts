import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, ReadError } from '../types.js';
import { bzip2, fixtureDir, pdbText, recordFor, recordLine, writeDecoy } from '../testing/fixtures.js';
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

describe('decoys (.pdb, .pdb.bz2)', () => {
  for (const manager of ['conda', 'pixi', 'uv', 'legacy-conda'] as const) {
    it(`reads a ${manager} record from .pdb and .pdb.bz2 exactly`, async () => {
      const record = recordFor(manager);
      for (const bz2 of [false, true]) {
        const file = writeDecoy(dir, record, { bz2 });
        const r = await readResultFile(fs.readFileSync(file), path.basename(file));
        expect(r.format).toBe('pdb');
        expect(r.layers).toEqual(bz2 ? ['bzip2'] : []);
        expect(r.records).toEqual([{ decoyName: record.metadata.decoy_name, record }]);
        expect(r.notes).toEqual([]);
      }
    });
  }

  it('takes the LAST REMARK line: an older record in the comments block loses, with \\n or \\r\\n', async () => {
    const record = recordFor('conda');
    for (const crlf of [false, true]) {
      for (const bz2 of [false, true]) {
        const file = writeDecoy(dir, record, { olderRecordInComments: true, crlf, bz2, fileName: `older-${crlf}-${bz2}.pdb${bz2 ? '.bz2' : ''}` });
        const text = crlf ? fs.readFileSync(file) : null;
        if (text && !bz2) expect(text.includes('\r\n')).toBe(true);
        const r = await readResultFile(fs.readFileSync(file), path.basename(file));
        expect(r.records).toHaveLength(1);
        expect(r.records[0]?.record).toEqual(record);
      }
    }
  });

  it('reads a gzipped decoy and a decoy whose record line ends the file with a newline', async () => {
    const record = recordFor('mamba');
    const text = pdbText(record) + '\n';
    const r = await readResultFile(zlib.gzipSync(Buffer.from(text)), 'x.pdb.gz');
    expect(r.layers).toEqual(['gzip']);
    expect(r.records[0]?.record).toEqual(record);
  });

  it('keeps non-ASCII text in the record (PRC writes ensure_ascii=False)', async () => {
    const record = recordFor('conda', { instance: { author: 'Zoë Ångström 李' } });
    const r = await readResultFile(Buffer.from(pdbText(record)), 'a.pdb');
    expect(r.records[0]?.record.instance.author).toBe('Zoë Ångström 李');
  });

  it('says clearly when there is no record', async () => {
    const e = await readError(readResultFile(Buffer.from('ATOM      1  N   GLY A   1\nEND\n'), 'plain.pdb'));
    expect(e.kind).toBe('no-record');
    expect(e.message).toMatch(/^plain\.pdb has no PyRosettaCluster record: it was not written by PyRosettaCluster, or /);
    const bz = await readError(readResultFile(bzip2(Buffer.from('ATOM      1  N   GLY A   1\nEND\n')), 'plain.pdb.bz2'));
    expect(bz.kind).toBe('no-record');
    // A REMARK that does not start its line is not a record.
    const e2 = await readError(readResultFile(Buffer.from('HEADER x REMARK PyRosettaCluster: {}\n'), 'mid.pdb'));
    expect(e2.kind).toBe('no-record');
  });

  it('points at the broken character when the REMARK line is not valid JSON', async () => {
    const line = recordLine(recordFor('conda')).replace('"seeds": [', '"seeds": [,');
    const text = `ATOM\nREMARK PyRosettaCluster: ${line}`;
    for (const [data, name] of [
      [Buffer.from(text), 'bad.pdb'],
      [bzip2(Buffer.from(text)), 'bad.pdb.bz2'],
    ] as const) {
      const e = await readError(readResultFile(data, name));
      expect(e.kind).toBe('corrupt');
      const at = line.indexOf('"seeds": [,') + 11;
      expect(e.message).toContain(`The PyRosettaCluster REMARK line in ${name} is not valid JSON (at character ${at}): expected a value, found ","`);
      expect(e.message.length).toBeLessThan(400);
    }
  });

  it('names the missing keys', async () => {
    const e = await readError(readResultFile(Buffer.from('REMARK PyRosettaCluster: {"instance": {}, "metadata": {}}'), 'x.pdb'));
    expect(e.kind).toBe('corrupt');
    expect(e.message).toMatch(/lacks "scores": a PyRosettaCluster record has "instance", "metadata" and "scores" \(this one has "instance" and "metadata"\)/);
    const e2 = await readError(readResultFile(Buffer.from('REMARK PyRosettaCluster: {"scores": {}}'), 'x.pdb'));
    expect(e2.message).toMatch(/lacks "instance" and "metadata"/);
    const e3 = await readError(readResultFile(Buffer.from('REMARK PyRosettaCluster: [1]'), 'x.pdb'));
    expect(e3.message).toMatch(/not a JSON object but an array/);
  });

  it('ignores non-UTF-8 bytes outside the record (with a note) and refuses them inside it', async () => {
    const record = recordFor('conda');
    const good = Buffer.concat([Buffer.from('REMARK 99 caf\xe9 latin-1\n', 'latin1'), Buffer.from(`REMARK PyRosettaCluster: ${recordLine(record)}`)]);
    for (const [data, name] of [
      [good, 'latin.pdb'],
      [bzip2(good), 'latin.pdb.bz2'],
    ] as const) {
      const r = await readResultFile(data, name);
      expect(r.records[0]?.record).toEqual(record);
      if (name.endsWith('.pdb')) expect(r.notes.join(' ')).toMatch(/not UTF-8 outside the record/);
    }
    const bad = Buffer.concat([Buffer.from('REMARK PyRosettaCluster: {"instance": {"author": "Zo'), Buffer.from([0xeb]), Buffer.from('"}, "metadata": {}, "scores": {}}')]);
    for (const [data, name] of [
      [bad, 'bad.pdb'],
      [bzip2(bad), 'bad.pdb.bz2'],
    ] as const) {
      const e = await readError(readResultFile(data, name));
      expect(e.kind).toBe('corrupt');
      expect(e.message).toMatch(/REMARK line in bad\.pdb(\.bz2)? is not valid UTF-8 text \(byte 0xeb at byte 28 of the record\)/);
    }
  });

  it('refuses a record line longer than the limit, with the limit named', async () => {
    const record = recordFor('conda', { instance: { environment: 'x'.repeat(200_000) } });
    const limits = { ...DEFAULT_LIMITS, maxLineBytes: 100_000 };
    for (const bz2 of [false, true]) {
      const file = writeDecoy(dir, record, { bz2, fileName: `long.pdb${bz2 ? '.bz2' : ''}` });
      const e = await readError(readResultFile(fs.readFileSync(file), path.basename(file), limits));
      expect(e.kind).toBe('too-large');
      expect(e.message).toMatch(/maxLineBytes/);
    }
    const ok = await readResultFile(fs.readFileSync(path.join(dir, 'long.pdb.bz2')), 'long.pdb.bz2');
    expect(ok.records[0]?.record.instance.environment).toHaveLength(200_000);
  });
});
