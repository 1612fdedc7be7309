// Largest-Triangle-Three-Buckets (Steinarsson, "Downsampling Time Series for Visual Representation", 2013).
// Keeps the first and the last point; splits the n-2 points between them into threshold-2 buckets of (nearly)
// equal COUNT; from each bucket keeps the point that makes the largest triangle with the point kept from the
// previous bucket and the average of the next bucket (for the last bucket: the last point). Peaks and troughs
// make large triangles, so they survive; x is the real time, so gaps are respected.

/** Indices kept by LTTB, ascending: all of them when n ≤ threshold; first and last when threshold ≤ 2. */
export function lttbIndices(x: ArrayLike<number>, y: ArrayLike<number>, threshold: number): number[] {
  const n = Math.min(x.length, y.length);
  const keep = Math.floor(threshold);
  if (n <= keep || n <= 2) return Array.from({ length: n }, (_, i) => i);
  if (keep <= 2) return keep <= 0 ? [] : keep === 1 ? [0] : [0, n - 1];
  const out = new Array<number>(keep);
  out[0] = 0;
  const every = (n - 2) / (keep - 2);
  let a = 0;
  for (let i = 0; i < keep - 2; i++) {
    // The average of the next bucket (the last point, for the last bucket).
    const avgStart = Math.floor((i + 1) * every) + 1;
    const avgEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = avgStart; j < avgEnd; j++) {
      avgX += x[j] as number;
      avgY += y[j] as number;
    }
    const len = avgEnd - avgStart;
    avgX /= len;
    avgY /= len;
    // The point of this bucket with the largest triangle (a, point, average). Ties: the first.
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    const ax = x[a] as number;
    const ay = y[a] as number;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((ax - avgX) * ((y[j] as number) - ay) - (ax - (x[j] as number)) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out[i + 1] = best;
    a = best;
  }
  out[keep - 1] = n - 1;
  return out;
}

/**
 * The index range [start, end) that the k-th kept point stands for, for the same n and threshold as lttbIndices
 * (the first and the last point stand for themselves). Used to attach each bucket's min and max to its point.
 */
export function lttbBucket(n: number, threshold: number, k: number): [number, number] {
  const keep = Math.floor(threshold);
  if (n <= keep || n <= 2) return [k, k + 1];
  if (keep <= 2) return k === 0 ? [0, 1] : [n - 1, n];
  if (k === 0) return [0, 1];
  if (k >= keep - 1) return [n - 1, n];
  const every = (n - 2) / (keep - 2);
  return [Math.floor((k - 1) * every) + 1, Math.floor(k * every) + 1];
}
