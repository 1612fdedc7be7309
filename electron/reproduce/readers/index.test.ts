import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, ReadError } from '../types.js';
import { initTextValue, pdbText, recordFor, recordLine } from '../testing/fixtures.js';
import { readResultFile, sniff } from './index.js';

describe('sniffing the format', () => {
  const record = recordFor('conda');

  it('goes by content first: renamed decoys, scorefiles and .init files are still recognised', async () => {
    expect((await readResultFile(Buffer.from(pdbText(record)), 'decoy.txt')).format).toBe('pdb');
    expect((await readResultFile(Buffer.from(recordLine(record) + '\n'), 'scores.log')).format).toBe('json-scorefile');
    const init = JSON.stringify({ author: 'A', datetime: 'd', options: { extra_res_fa: [{ 'L.params': initTextValue('NAME L\n') }] }, poses: [] }, null, 2);
    const r = await readResultFile(Buffer.from(init), 'init.json');
    expect(r.format).toBe('init');
    expect(r.init?.files).toEqual([{ option: 'extra_res_fa', name: 'L.params', bytes: 7, kind: 'text' }]);
  });

  it('names the formats it knows when it does not know the file', async () => {
    const e = await readResultFile(Buffer.from('just some notes\n'), 'notes.txt').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ReadError);
    expect((e as ReadError).kind).toBe('unsupported');
    expect((e as ReadError).message).toMatch(/^notes\.txt is not a PyRosettaCluster result file SimDeck knows: expected a decoy/);
  });

  it('refuses empty and oversized files up front', async () => {
    await expect(readResultFile(Buffer.alloc(0), 'x.pdb')).rejects.toMatchObject({ kind: 'no-record' });
    await expect(readResultFile(Buffer.alloc(2000), 'x.pdb', { ...DEFAULT_LIMITS, maxFileBytes: 1000 })).rejects.toMatchObject({ kind: 'too-large' });
  });

  it('tells pickles, JSON Lines, .init JSON, base64 and PDB text apart', () => {
    expect(sniff(Buffer.from([0x80, 4, 0x95]), 'scores')).toBe('pickle');
    expect(sniff(Buffer.from([0x80, 4, 0x95]), 'x.pkl_pose')).toBe('pkl_pose');
    expect(sniff(Buffer.from("cos\nsystem\n(S'x'\ntR."), 'scores')).toBe('pickle');
    expect(sniff(Buffer.from('{"a": 1}\n{"b": 2}\n'), 'scores')).toBe('json-scorefile');
    expect(sniff(Buffer.from('{\n  "author": "x"\n}'), 'scores')).toBe('init');
    expect(sniff(Buffer.from('gASVAAAA\n'), 'pose')).toBe('b64_pose');
    expect(sniff(Buffer.from('ATOM      1  N\n'), 'x')).toBe('pdb');
    expect(sniff(Buffer.from('hello'), 'x.bin')).toBe('unknown');
  });
});
