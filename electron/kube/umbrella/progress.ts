// Progress of one umbrella window, from what the pod offers (notes A6, A9): the OpenMM StateDataReporter file
// `{S}-production.out` (read in the pod with `cat`, or `head -n 1; tail -n 1`) and the parameter block the
// simulation prints to the pod log. S3 is stale until the pod exits, so these are the only live sources.
//
// Two traps this module exists to surface rather than hide:
// - the main script has no `set -e`, so a crashed window still ends as a "Complete" Job (describeDisagreement);
// - a restart truncates rows written after the last checkpoint, so progress can go backwards (compareProgress).

/** Column names the seed's reporter writes, in order: used when a file part carries no header (resume, tail). */
export const STATE_DATA_COLUMNS: readonly string[] = Object.freeze([
  'Step',
  'Time (ps)',
  'Potential Energy (kJ/mole)',
  'Kinetic Energy (kJ/mole)',
  'Total Energy (kJ/mole)',
  'Temperature (K)',
  'Box Volume (nm^3)',
  'Speed (ns/day)',
]);

export interface StateDataSummary {
  columns: string[];
  /** Complete data rows seen (a half-written last line is not counted). */
  rows: number;
  lastStep: number | null;
  timePs: number | null;
  /** The last numeric Speed: "--" is written on the first report after every (re)start. */
  nsPerDay: number | null;
}

/** A Speed field: "--" (no measurement yet) → null; "%.3g" values such as "1.23e+03" → 1230. */
export function parseSpeed(field: string): number | null {
  if (field === '--') return null;
  const v = Number(field);
  return Number.isFinite(v) ? v : null;
}

/**
 * Parses StateDataReporter text: a `#"Step" "Time (ps)" …` header (quoted names, which contain spaces) and rows
 * split on whitespace. Works on the whole file, on `head -n 1; tail -n 1` output, and on headerless parts.
 */
export function parseStateData(text: string): StateDataSummary {
  let columns = [...STATE_DATA_COLUMNS];
  const summary: StateDataSummary = { columns, rows: 0, lastStep: null, timePs: null, nsPerDay: null };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const names = [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '');
      if (names.length > 0) columns = names;
      continue;
    }
    const fields = line.split(/\s+/);
    // A line still being written has fewer fields, or a cut number: skip it, the previous row stands.
    if (fields.length !== columns.length) continue;
    const stepAt = columns.indexOf('Step');
    const step = stepAt >= 0 ? Number(fields[stepAt]) : NaN;
    if (!Number.isInteger(step) || step < 0) continue;
    summary.rows += 1;
    summary.lastStep = step;
    const timeAt = columns.indexOf('Time (ps)');
    const time = timeAt >= 0 ? Number(fields[timeAt]) : NaN;
    summary.timePs = Number.isFinite(time) ? time : null;
    const speedAt = columns.indexOf('Speed (ns/day)');
    const speed = speedAt >= 0 ? parseSpeed(fields[speedAt] ?? '--') : null;
    if (speed !== null) summary.nsPerDay = speed;
  }
  summary.columns = columns;
  return summary;
}

/** The simulation parameters printed to the pod log by OpenMMSimulation and its umbrella subclass. */
export interface RunParameters {
  nSteps: number | null;
  outputFrequency: number | null;
  timestepFs: number | null;
  umbrellaEnergyConstant: number | null;
  windowCentre: number | null;
  /** How many "Running simulation with" blocks the log holds (equilibration, if it ran, then production). */
  blocks: number;
}

const LOG_KEYS: Record<string, keyof Omit<RunParameters, 'blocks'>> = {
  n_steps: 'nSteps',
  output_frequency: 'outputFrequency',
  timestep: 'timestepFs',
  umbrella_energy_constant: 'umbrellaEnergyConstant',
  window_center: 'windowCentre',
};

const emptyParameters = (blocks: number): RunParameters => ({
  nSteps: null,
  outputFrequency: null,
  timestepFs: null,
  umbrellaEnergyConstant: null,
  windowCentre: null,
  blocks,
});

/**
 * Reads the LAST parameter block of a pod log (equilibration prints one first, production second). Values come
 * only from that block: an earlier block's n_steps (1,000,000 for equilibration) would be wrong for production.
 * Lines may carry `kubectl logs --timestamps` prefixes.
 */
export function parseRunLog(text: string): RunParameters {
  let blocks = 0;
  let current = emptyParameters(0);
  for (const raw of text.split(/\r?\n/)) {
    if (/\bRunning simulation with\b/.test(raw)) {
      blocks += 1;
      current = emptyParameters(blocks);
      continue;
    }
    // "    n_steps 125000000 steps", "timestep 4.0 fs", "window_center 1.00" — key, number, optional unit.
    const m = /(?:^|\s)([a-z_]+)\s+([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)(?:\s+\S+)?\s*$/.exec(raw);
    const key = m ? LOG_KEYS[m[1] ?? ''] : undefined;
    if (!m || !key) continue;
    if (key === 'timestepFs' && !/\sfs\s*$/.test(raw)) continue; // only femtoseconds are expected
    current[key] = Number(m[2]);
  }
  return { ...current, blocks };
}

export interface WindowProgress {
  lastStep: number | null;
  nSteps: number | null;
  /** 0–100; null before production writes or while n_steps is unknown. */
  percent: number | null;
  nsPerDay: number | null;
  etaSeconds: number | null;
  done: boolean;
}

/** Finished only when the last written step reaches n_steps ("Job Complete" is not evidence, see A6). */
export function windowDone(lastStep: number | null, nSteps: number | null): boolean {
  return lastStep !== null && nSteps !== null && nSteps > 0 && lastStep >= nSteps;
}

/** ETA = remaining steps × timestep (fs → ns: 1e-6) ÷ speed (ns/day), in seconds. */
export function etaSeconds(lastStep: number, nSteps: number, timestepFs: number, nsPerDay: number): number | null {
  if (!(nsPerDay > 0) || !(timestepFs > 0)) return null;
  const remainingNs = Math.max(0, nSteps - lastStep) * timestepFs * 1e-6;
  return (remainingNs / nsPerDay) * 86400;
}

export function computeProgress(out: Pick<StateDataSummary, 'lastStep' | 'nsPerDay'>, run: Pick<RunParameters, 'nSteps' | 'timestepFs'>): WindowProgress {
  const { lastStep, nsPerDay } = out;
  const { nSteps, timestepFs } = run;
  const known = lastStep !== null && nSteps !== null && nSteps > 0;
  const done = windowDone(lastStep, nSteps);
  return {
    lastStep,
    nSteps,
    nsPerDay,
    percent: known ? Math.min(100, (100 * lastStep) / nSteps) : null,
    etaSeconds: done ? 0 : known && timestepFs !== null && nsPerDay !== null ? etaSeconds(lastStep, nSteps, timestepFs, nsPerDay) : null,
    done,
  };
}

const fmt = new Intl.NumberFormat('en-US');
const steps = (n: number) => fmt.format(n);

/**
 * The A6 trap in words: the Job says Complete (the upload's exit code) but the window did not reach n_steps.
 * Null when the two agree (or the Job is still running).
 */
export function describeDisagreement(jobComplete: boolean, lastStep: number | null, nSteps: number | null): string | null {
  if (!jobComplete || windowDone(lastStep, nSteps)) return null;
  if (nSteps === null) {
    return lastStep === null
      ? 'Job complete but neither the window’s n_steps nor any production step is known — check the pod log and production.out before trusting this window.'
      : `Job complete at step ${steps(lastStep)}, but the window’s n_steps is unknown — check the pod log before trusting this window.`;
  }
  if (lastStep === null) {
    return `Job complete but the window never wrote a production step (of ${steps(nSteps)}) — the script probably crashed; the upload ran anyway`;
  }
  return `Job complete but the window stopped at step ${steps(lastStep)} of ${steps(nSteps)} — the script probably crashed; the upload ran anyway`;
}

export interface ProgressChange {
  kind: 'first' | 'forward' | 'same' | 'backwards';
  /** Steps lost to truncation (backwards only). */
  lostSteps: number;
  message: string | null;
}

/**
 * Compares two readings of the last step. Backwards is expected after a restart (rows after the last checkpoint,
 * up to 2,500,000 steps = 10 ns for GB3, are truncated) and is reported, never smoothed over.
 */
export function compareProgress(previous: number | null, current: number | null, timestepFs: number | null = null): ProgressChange {
  if (previous === null || current === null) return { kind: 'first', lostSteps: 0, message: null };
  if (current > previous) return { kind: 'forward', lostSteps: 0, message: null };
  if (current === previous) return { kind: 'same', lostSteps: 0, message: null };
  const lost = previous - current;
  const ns = timestepFs !== null ? ` (${(lost * timestepFs * 1e-6).toFixed(1)} ns)` : '';
  return {
    kind: 'backwards',
    lostSteps: lost,
    message:
      `Progress went back from step ${steps(previous)} to ${steps(current)}: ${steps(lost)} steps${ns} were lost — ` +
      'the window restarted from its last checkpoint, which truncates the rows written after it.',
  };
}

/**
 * The window script computes its own centre from the window index (linspace(1.0, 0.4, 31) in the seed's script);
 * SimDeck's centres are only a record. The log's `window_center` (printed with 2 decimals) shows what really ran:
 * a message when it differs from the campaign's centre, else null.
 */
export function describeCentreMismatch(expected: number, logged: number | null, printedDecimals = 2): string | null {
  if (logged === null) return null;
  if (Math.abs(expected - logged) <= 0.5 * 10 ** -printedDecimals + 1e-12) return null;
  return (
    `The window ran with centre ${logged}, but the campaign records ${expected}: the script computes centres ` +
    'itself from the window index, so the histogram markers and any analysis must use the logged value.'
  );
}
