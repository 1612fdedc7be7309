// Umbrella window centres. The GB3 protocol (protein-nmr-fit, proteinbenchmark-nrp) uses
// numpy.linspace(1.0, 0.4, 31): Q0 = 1.00, 0.98, …, 0.40, window 00 being the native state. The window script
// computes its own centre from the window index, so these values are what SimDeck shows and records (annotation
// simdeck.io/window-centre, histogram markers); they must match the script's, hence the same formula.
import type { UmbrellaWindow } from '../../../shared/kube.js';

/** Decimal places kept: far below any physical resolution, far above float noise (0.9800000000000001 → 0.98). */
const DIGITS = 10;

/** Rounds away binary floating-point noise without changing any value a person would type. */
export function roundCentre(x: number): number {
  const r = Number(x.toFixed(DIGITS));
  return Object.is(r, -0) ? 0 : r;
}

/** numpy.linspace(start, stop, num) with endpoints exact (numpy's own formula: start + i·step, last = stop). */
export function linspace(start: number, stop: number, num: number): number[] {
  if (!Number.isInteger(num) || num < 1) throw new RangeError(`linspace needs a whole number of points ≥ 1, got ${num}`);
  if (num === 1) return [roundCentre(start)];
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => roundCentre(i === num - 1 ? stop : start + i * step));
}

export const DEFAULT_CENTRE_START = 1.0;
export const DEFAULT_CENTRE_STOP = 0.4;
export const DEFAULT_WINDOW_COUNT = 31;

/** Windows 00…N−1 with centres linspace(start, stop, N); the default is the seed's 31 windows Q0 = 1.0 … 0.4. */
export function defaultWindows(
  count = DEFAULT_WINDOW_COUNT,
  start = DEFAULT_CENTRE_START,
  stop = DEFAULT_CENTRE_STOP,
): UmbrellaWindow[] {
  return linspace(start, stop, count).map((centre, index) => ({ index, centre }));
}
