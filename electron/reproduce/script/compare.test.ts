import { describe, expect, it } from 'vitest';
import { ScoreComparison } from '../../../shared/reproduce.js';
import { makeRecord } from '../record/test-records.js';
import { compareRecords } from './compare.js';

describe('compareRecords', () => {
  it('identical records', () => {
    const c = compareRecords(makeRecord(), makeRecord());
    expect(ScoreComparison.parse(c)).toEqual(c);
    expect(c.identical).toBe(true);
    expect(c.recordDifferences).toEqual([]);
    expect(c.rows).toEqual([
      { name: 'SEQUENCE', original: 'GGG', reproduced: 'GGG', same: true, delta: null },
      { name: 'VALUE', original: 3.141592653589793, reproduced: 3.141592653589793, same: true, delta: 0 },
      { name: 'fa_atr', original: -1.2345, reproduced: -1.2345, same: true, delta: 0 },
      { name: 'total_score', original: -3.1415, reproduced: -3.1415, same: true, delta: 0 },
    ]);
  });

  it('tolerance, union of names, non-numbers exact', () => {
    const a = makeRecord({ scores: { total_score: -1000, small: 0.5, s: 'x', obj: { a: 1, b: [1, 2] }, only_a: 1, n: 1 } });
    const b = makeRecord({ scores: { total_score: -1000.0009, small: 0.5000011, s: 'x ', obj: { b: [1, 2], a: 1 }, only_b: true, n: '1' } });
    const c = compareRecords(a, b);
    const row = (n: string) => c.rows.find((r) => r.name === n);
    expect(c.rows.map((r) => r.name)).toEqual(['total_score', 'small', 's', 'obj', 'only_a', 'n', 'only_b']);
    expect(row('total_score')?.same).toBe(true); // |Δ| = 9e-4 ≤ 1e-6·1000
    expect(row('total_score')?.delta).toBeCloseTo(-0.0009, 10);
    expect(row('small')?.same).toBe(false); // |Δ| = 1.1e-6 > 1e-6·max(1, 0.5)
    expect(row('s')).toMatchObject({ same: false, delta: null });
    expect(row('obj')?.same).toBe(true);
    expect(row('only_a')).toEqual({ name: 'only_a', original: 1, reproduced: null, same: false, delta: null });
    expect(row('only_b')).toEqual({ name: 'only_b', original: null, reproduced: true, same: false, delta: null });
    expect(row('n')?.same).toBe(false);
    expect(c.identical).toBe(false);
    expect(ScoreComparison.parse(c)).toEqual(c);
  });

  it('record differences that matter', () => {
    const a = makeRecord();
    const b = makeRecord({
      environment: 'channels: []\n',
      sha1: 'abc1234',
      instance: { seeds: ['1', '2'], decoy_ids: [0, 1], pyrosetta_build: 'other' },
      metadata: { protocols: ['x'] },
    });
    const c = compareRecords(a, b);
    expect(c.recordDifferences.map((d) => d.split(' ')[0])).toEqual(['seeds', 'decoy_ids', 'protocols', 'pyrosetta_build', 'environment', 'sha1']);
    expect(c.recordDifferences[0]).toBe('seeds differ: ["-1509402617","1094382616"] → ["1","2"]');
    expect(c.identical).toBe(true);
  });
});
