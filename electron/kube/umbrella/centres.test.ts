import { describe, expect, it } from 'vitest';
import { defaultWindows, linspace, roundCentre } from './centres.js';

describe('centres', () => {
  it('default: 31 windows, Q0 = 1.00, 0.98, …, 0.40, window 00 native', () => {
    const w = defaultWindows();
    expect(w).toHaveLength(31);
    expect(w[0]).toEqual({ index: 0, centre: 1 });
    expect(w[1]).toEqual({ index: 1, centre: 0.98 });
    expect(w[30]).toEqual({ index: 30, centre: 0.4 });
    // Exactly the decimals a person would type: 1.00 − 0.02·WW.
    w.forEach(({ index, centre }) => expect(centre).toBe(Number((1 - 0.02 * index).toFixed(2))));
    expect(w.map((x) => String(x.centre))).toContain('0.86');
  });

  it('linspace matches numpy for other ranges (butane φ0 −180…165°, truncated Q ranges)', () => {
    expect(linspace(-180, 165, 24)).toEqual(Array.from({ length: 24 }, (_, i) => -180 + 15 * i));
    expect(linspace(1.0, 0.8, 11)).toEqual([1, 0.98, 0.96, 0.94, 0.92, 0.9, 0.88, 0.86, 0.84, 0.82, 0.8]);
    expect(linspace(0.5, 0.5, 1)).toEqual([0.5]);
    expect(() => linspace(0, 1, 0)).toThrow(RangeError);
  });

  it('roundCentre removes float noise only', () => {
    expect(roundCentre(0.9800000000000001)).toBe(0.98);
    expect(roundCentre(0.123456789)).toBe(0.123456789);
    expect(Object.is(roundCentre(-0), 0)).toBe(true);
  });
});
