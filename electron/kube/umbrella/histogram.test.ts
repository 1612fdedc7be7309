import { describe, expect, it } from 'vitest';
import { defaultWindows } from './centres.js';
import {
  binCentres,
  binCounts,
  describeGaps,
  mergeCounts,
  overlapChart,
  overlapChartFromDat,
  overlapCoefficient,
  parseCvDat,
} from './histogram.js';

/** Deterministic normal samples (mulberry32 + Box–Muller), so the test data are realistic but repeatable. */
function normals(seed: number, n: number, mean: number, sd: number): number[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
}

/** A `{S}-production-fraction-native-contacts.dat` as the window script writes it: `{step:d} {Q:.8f}`. */
function datText(values: number[]): string {
  return `#"Step" "CV"\n${values.map((q, i) => `${(i + 1) * 25000} ${Math.min(1, Math.max(0, q)).toFixed(8)}`).join('\n')}\n`;
}

// σ_Q ≈ sqrt(kT/2k) ≈ 0.0077 for k = 5000 kcal/mol (notes A12); 1000 frames = 100 ns.
const SIGMA = 0.0077;

describe('parseCvDat', () => {
  it('reads the header and rows, and leaves out a half-written last line', () => {
    const text = '#"Step" "CV"\n25000 0.99123456\n50000 0.98765432\n75000 0.9812';
    expect(parseCvDat(text)).toEqual({ steps: [25000, 50000], values: [0.99123456, 0.98765432] });
    expect(parseCvDat('#"Step" "CV"\n')).toEqual({ steps: [], values: [] });
  });
});

describe('binning', () => {
  it('has 500 bins of 0.002 over [0, 1], edges landing in the bin they open', () => {
    const centres = binCentres();
    expect(centres).toHaveLength(500);
    expect(centres[0]).toBe(0.001);
    expect(centres[499]).toBe(0.999);
    const c = binCounts([0, 0.006, 0.0059, 1, 1.2, -0.1]);
    expect(c.counts[0]).toBe(1);
    expect(c.counts[3]).toBe(1); // 0.006 / 0.002 is 2.9999999999999996 in floating point
    expect(c.counts[2]).toBe(1);
    expect(c.counts[499]).toBe(1); // the right edge belongs to the last bin, as in numpy
    expect(c.outside).toBe(2);
    expect(c.samples).toBe(6);
  });

  it('merges counts from later chunks of a file', () => {
    const all = binCounts([0.5, 0.51, 0.52]);
    const merged = mergeCounts(binCounts([0.5]), binCounts([0.51, 0.52]));
    expect(merged).toEqual(all);
  });
});

describe('overlap', () => {
  it('is 1 for identical and 0 for disjoint histograms', () => {
    const p = binCounts([0.5, 0.502, 0.504]).counts.map((c) => c / 3);
    const q = binCounts([0.7, 0.702]).counts.map((c) => c / 2);
    expect(overlapCoefficient(p, p)).toBeCloseTo(1, 12);
    expect(overlapCoefficient(p, q)).toBe(0);
  });

  it('a healthy 31-window replica: neighbours overlap around 2Φ(−1.3) ≈ 0.19, no gap', () => {
    const windows = defaultWindows();
    const chart = overlapChartFromDat(windows.map((w) => ({ window: w, text: datText(normals(w.index + 1, 1000, w.centre, SIGMA)) })));
    expect(chart.windows).toHaveLength(31);
    expect(chart.centres[0]).toBe(1);
    expect(chart.centres[30]).toBe(0.4);
    expect(chart.neighbours).toHaveLength(30);
    // Window 00 sits at the Q = 1 wall (clamped samples), so check the interior pairs against the Gaussian value.
    for (const n of chart.neighbours.slice(1)) {
      expect(n.overlap).toBeGreaterThan(0.12);
      expect(n.overlap).toBeLessThan(0.28);
      expect(n.gap).toBe(false);
    }
    const w10 = chart.windows[10]!;
    expect(w10.samples).toBe(1000);
    expect(w10.fractions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(w10.mean!).toBeCloseTo(0.8, 2);
    expect(w10.std!).toBeCloseTo(SIGMA, 3);
    expect(describeGaps(chart)).toEqual([]);
  });

  it('flags a gap where a window drifted away from its neighbour', () => {
    const windows = defaultWindows(5); // 1.0, 0.85, 0.7, 0.55, 0.4: far apart on purpose
    const chart = overlapChart(
      windows.map((w) => ({ window: w, counts: binCounts(normals(w.index + 7, 800, w.centre, SIGMA)) })),
    );
    expect(chart.neighbours.every((n) => n.gap)).toBe(true);
    expect(describeGaps(chart)[1]).toBe('gap between windows 01 (centre 0.85) and 02 (centre 0.7): overlap 0.000 < 0.03');
  });

  it('a window without samples yet has unknown overlap, not a gap', () => {
    const [w0, w1] = defaultWindows();
    const chart = overlapChart([
      { window: w1!, counts: binCounts([]) },
      { window: w0!, counts: binCounts(normals(3, 500, 1, SIGMA).map((q) => Math.min(1, q))) },
    ]);
    expect(chart.windows.map((w) => w.index)).toEqual([0, 1]);
    expect(chart.neighbours).toEqual([{ a: 0, b: 1, overlap: null, gap: false }]);
    expect(chart.windows[1]!.mean).toBeNull();
  });
});
