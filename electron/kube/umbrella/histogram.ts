// The "umbrella histogram overlap per replica" chart, live: protein-nmr-fit's plot-umbrella-histogram.py draws, for
// each window, a histogram of the CV (fraction of native contacts Q) with 0.002-wide bins normalised by that
// window's sample count, one line per window. What a researcher looks for is a GAP: neighbouring windows whose
// histograms barely touch, where MBAR has nothing to connect them. The exact MBAR overlap O[i,i+1] needs the
// whole analysis; while windows run, the histogram intersection Σ min(p_i, p_j) is the cheap proxy (notes A12).
import type { UmbrellaWindow } from '../../../shared/kube.js';

export interface HistogramOptions {
  /** Lower edge of the first bin (Q: 0). */
  lo?: number;
  /** Upper edge of the last bin (Q: 1); a value equal to it falls in the last bin, as in numpy. */
  hi?: number;
  /** Bin width: 0.002 for Q, from σ_Q ≈ 0.0077 per window (notes A12). */
  width?: number;
  /** Neighbour overlap below this is a gap. */
  gapThreshold?: number;
}

export const DEFAULT_BIN_WIDTH = 0.002;
export const DEFAULT_GAP_THRESHOLD = 0.03;

interface Bins {
  lo: number;
  hi: number;
  width: number;
  n: number;
}

function bins(opts: HistogramOptions = {}): Bins {
  const lo = opts.lo ?? 0;
  const hi = opts.hi ?? 1;
  const width = opts.width ?? DEFAULT_BIN_WIDTH;
  if (!(hi > lo) || !(width > 0)) throw new RangeError(`histogram range [${lo}, ${hi}] with bin width ${width} is empty`);
  return { lo, hi, width, n: Math.max(1, Math.round((hi - lo) / width)) };
}

/** Bin centres for the chart's x axis. */
export function binCentres(opts: HistogramOptions = {}): number[] {
  const b = bins(opts);
  return Array.from({ length: b.n }, (_, i) => Number((b.lo + (i + 0.5) * b.width).toFixed(12)));
}

/**
 * Reads a `{S}-production-fraction-native-contacts.dat`: a `#"Step" "CV"` header, then `{step:d} {Q:.8f}` rows.
 * A last line without its newline may still be being written (read live in the pod), so it is left out.
 */
export function parseCvDat(text: string): { steps: number[]; values: number[] } {
  const lines = text.split('\n');
  if (!text.endsWith('\n')) lines.pop();
  const steps: number[] = [];
  const values: number[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [step, value, ...rest] = line.split(/\s+/);
    const s = Number(step);
    const v = Number(value);
    if (rest.length > 0 || !Number.isInteger(s) || value === undefined || !Number.isFinite(v)) continue;
    steps.push(s);
    values.push(v);
  }
  return { steps, values };
}

export interface BinCounts {
  /** Raw counts per bin. */
  counts: number[];
  /** All samples, including those outside [lo, hi]. */
  samples: number;
  outside: number;
  sum: number;
  sumSquares: number;
}

/** Counts values into fixed bins; counts from later chunks of the same file can be merged (mergeCounts). */
export function binCounts(values: readonly number[], opts: HistogramOptions = {}): BinCounts {
  const b = bins(opts);
  const counts = new Array<number>(b.n).fill(0);
  let outside = 0;
  let sum = 0;
  let sumSquares = 0;
  for (const v of values) {
    sum += v;
    sumSquares += v * v;
    if (v < b.lo || v > b.hi) {
      outside += 1;
      continue;
    }
    // The epsilon keeps values on an edge (0.006 / 0.002 = 2.9999999999999996) in the bin that edge opens.
    const i = Math.min(b.n - 1, Math.floor((v - b.lo) / b.width + 1e-9));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return { counts, samples: values.length, outside, sum, sumSquares };
}

export function mergeCounts(a: BinCounts, b: BinCounts): BinCounts {
  if (a.counts.length !== b.counts.length) throw new RangeError('cannot merge histograms with different bins');
  return {
    counts: a.counts.map((c, i) => c + (b.counts[i] ?? 0)),
    samples: a.samples + b.samples,
    outside: a.outside + b.outside,
    sum: a.sum + b.sum,
    sumSquares: a.sumSquares + b.sumSquares,
  };
}

export interface WindowHistogram {
  index: number;
  centre: number;
  samples: number;
  /** Fraction of this window's samples per bin (the plot's y; sums to 1 minus the fraction outside the range). */
  fractions: number[];
  /** Mean and standard deviation of the CV: a window sitting far from its centre is worth a look. */
  mean: number | null;
  std: number | null;
}

export interface NeighbourOverlap {
  /** Window indices, a < b, adjacent in the campaign's window list. */
  a: number;
  b: number;
  /** Σ min(p_a, p_b) over bins, 0 (disjoint) … 1 (identical); null while either window has no samples. */
  overlap: number | null;
  gap: boolean;
}

export interface OverlapChart {
  binCentres: number[];
  binWidth: number;
  windows: WindowHistogram[];
  neighbours: NeighbourOverlap[];
  /** Window centres, for the markers. */
  centres: number[];
  gapThreshold: number;
}

export function windowHistogram(window: UmbrellaWindow, counts: BinCounts): WindowHistogram {
  const n = counts.samples;
  const mean = n > 0 ? counts.sum / n : null;
  const variance = n > 1 && mean !== null ? Math.max(0, (counts.sumSquares - n * mean * mean) / (n - 1)) : null;
  return {
    index: window.index,
    centre: window.centre,
    samples: n,
    fractions: counts.counts.map((c) => (n > 0 ? c / n : 0)),
    mean,
    std: variance === null ? null : Math.sqrt(variance),
  };
}

/** The overlap coefficient of two normalised histograms: Σ min(p_i, q_i). */
export function overlapCoefficient(p: readonly number[], q: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < Math.min(p.length, q.length); i++) s += Math.min(p[i] ?? 0, q[i] ?? 0);
  return s;
}

/**
 * The chart for one replica: one histogram per window, the overlap of each window with the next (windows in index
 * order, which is centre order for linspace centres), gaps flagged.
 */
export function overlapChart(
  inputs: readonly { window: UmbrellaWindow; counts: BinCounts }[],
  opts: HistogramOptions = {},
): OverlapChart {
  const b = bins(opts);
  const gapThreshold = opts.gapThreshold ?? DEFAULT_GAP_THRESHOLD;
  const windows = [...inputs].sort((x, y) => x.window.index - y.window.index).map((i) => windowHistogram(i.window, i.counts));
  const neighbours: NeighbourOverlap[] = [];
  for (let i = 0; i + 1 < windows.length; i++) {
    const a = windows[i]!;
    const c = windows[i + 1]!;
    const overlap = a.samples > 0 && c.samples > 0 ? overlapCoefficient(a.fractions, c.fractions) : null;
    neighbours.push({ a: a.index, b: c.index, overlap, gap: overlap !== null && overlap < gapThreshold });
  }
  return {
    binCentres: binCentres(opts),
    binWidth: b.width,
    windows,
    neighbours,
    centres: windows.map((w) => w.centre),
    gapThreshold,
  };
}

/** Convenience: the chart straight from each window's .dat text. */
export function overlapChartFromDat(
  inputs: readonly { window: UmbrellaWindow; text: string }[],
  opts: HistogramOptions = {},
): OverlapChart {
  return overlapChart(
    inputs.map(({ window, text }) => ({ window, counts: binCounts(parseCvDat(text).values, opts) })),
    opts,
  );
}

/** The gaps in words, for the chart's caption: "gap between windows 09 (Q0 0.82) and 10 (Q0 0.80): overlap 0.004". */
export function describeGaps(chart: OverlapChart): string[] {
  const centre = new Map(chart.windows.map((w) => [w.index, w.centre]));
  const ww = (i: number) => String(i).padStart(2, '0');
  return chart.neighbours
    .filter((n) => n.gap)
    .map(
      (n) =>
        `gap between windows ${ww(n.a)} (centre ${centre.get(n.a)}) and ${ww(n.b)} (centre ${centre.get(n.b)}): ` +
        `overlap ${n.overlap!.toFixed(3)} < ${chart.gapThreshold}`,
    );
}
