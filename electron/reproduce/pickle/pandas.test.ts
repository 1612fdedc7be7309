import { beforeAll, describe, expect, it } from 'vitest';
import { ReadError } from '../types.js';
import { hasFixturePython, runPython } from '../testing/fixtures.js';
import { asDict, dictGet, numericValues, readDataFrame, readNdarray, readNumpyScalar, toPlain, unpickle } from './index.js';
import type { PyValue } from './index.js';

const py = hasFixturePython();

describe.skipIf(!py)('pandas DataFrames and numpy arrays written by real pandas 1.5', () => {
  const pickles = new Map<string, Buffer>();
  beforeAll(() => {
    const out = runPython(`
import base64, collections, json, pickle
import numpy, pandas
res = {}
full = pandas.concat([
    pandas.DataFrame().from_dict({f"/o/d{i}.pdb.bz2": collections.OrderedDict([
        ("instance", collections.OrderedDict([("sha1", "abc"), ("seeds", ["1", "2"])])),
        ("metadata", collections.OrderedDict([("decoy_name", f"d{i}"), ("output_file", f"/o/d{i}.pdb.bz2")])),
        ("scores", collections.OrderedDict([("total_score", -1.5 * i)]))])}, orient="index")
    for i in range(3)])
for p in (2, 4, 5):
    res[f"full{p}"] = pickle.dumps(full, protocol=p)
curtailed = pandas.DataFrame({"total_score": [1.5, -2.0], "n": [3, 4], "ok": [True, False], "name": ["a", "b"]}, index=["/o/a.pdb", "/o/b.pdb"])
for p in (2, 4, 5):
    res[f"curtailed{p}"] = pickle.dumps(curtailed, protocol=p)
res["range"] = pickle.dumps(pandas.DataFrame({"x": [1.0, 2.0, 3.0]}), protocol=4)
res["fortran"] = pickle.dumps(numpy.asfortranarray(numpy.arange(6, dtype=">i4").reshape(2, 3)), protocol=4)
res["scalars"] = pickle.dumps([numpy.float64(2.5), numpy.int64(-7), numpy.bool_(True), numpy.float32(0.5)], protocol=4)
res["series"] = pickle.dumps(pandas.Series([1, 2]), protocol=4)
print(json.dumps({k: base64.b64encode(v).decode() for k, v in res.items()}))
`);
    for (const [k, v] of Object.entries(JSON.parse(out.toString()) as Record<string, string>)) pickles.set(k, Buffer.from(v, 'base64'));
  });
  const load = (k: string) => unpickle(pickles.get(k) as Buffer);

  for (const p of [2, 4, 5]) {
    it(`full-record frame, protocol ${p}: columns, row labels and dict cells`, () => {
      const df = readDataFrame(load(`full${p}`), 'scores.pkl');
      expect(df.nrows).toBe(3);
      expect(df.columns.map((c) => c.name)).toEqual(['instance', 'metadata', 'scores']);
      expect(df.index).toEqual(['/o/d0.pdb.bz2', '/o/d1.pdb.bz2', '/o/d2.pdb.bz2']);
      const meta = df.columns[1]?.cells as PyValue[];
      expect(meta.map((m) => dictGet(asDict(m), 'decoy_name'))).toEqual(['d0', 'd1', 'd2']);
      const opts = { budget: { left: 1000 }, maxDepth: 10, label: 't' };
      expect(toPlain(df.columns[0]?.cells?.[2] as PyValue, opts)).toEqual({ sha1: 'abc', seeds: ['1', '2'] });
      expect(toPlain(df.columns[2]?.cells?.[2] as PyValue, opts)).toEqual({ total_score: -3 });
    });

    it(`curtailed frame, protocol ${p}: one column per score, numeric cells decoded`, () => {
      const df = readDataFrame(load(`curtailed${p}`), 'scores.pkl');
      expect(df.index).toEqual(['/o/a.pdb', '/o/b.pdb']);
      const cols = Object.fromEntries(df.columns.map((c) => [c.name as string, c.cells]));
      expect(cols).toEqual({ total_score: [1.5, -2], n: [3, 4], ok: [true, false], name: ['a', 'b'] });
    });
  }

  it('reads a RangeIndex', () => {
    expect(readDataFrame(load('range'), 'x').index).toEqual([0, 1, 2]);
  });

  it('reads Fortran-ordered big-endian arrays and numpy scalars', () => {
    const a = readNdarray(load('fortran'));
    expect(a?.shape).toEqual([2, 3]);
    expect(a?.fortran).toBe(true);
    expect(a?.dtype).toMatchObject({ kind: 'i', itemsize: 4, byteorder: '>', name: 'int32' });
    expect(numericValues(a!)).toEqual([0, 3, 1, 4, 2, 5]);
    expect((load('scalars') as PyValue[]).map((s) => readNumpyScalar(s))).toEqual([2.5, -7, true, 0.5]);
  });

  it('says what the pickle holds when it is not a DataFrame', () => {
    try {
      readDataFrame(load('series'), 'scores.pkl');
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(ReadError);
      expect((e as ReadError).message).toMatch(/scores\.pkl .*pandas\.core\.series\.Series object.*not a DataFrame/);
    }
  });
});
