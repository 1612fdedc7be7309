import { describe, expect, it } from 'vitest';
import {
  compareProgress,
  computeProgress,
  describeCentreMismatch,
  describeDisagreement,
  etaSeconds,
  parseRunLog,
  parseSpeed,
  parseStateData,
  windowDone,
} from './progress.js';

// StateDataReporter(step, time, potentialEnergy, kineticEnergy, totalEnergy, temperature, volume, speed,
// separator=" "), production starting from step 25000 / 100 ps, a frame every 25,000 steps (notes A9).
const HEADER =
  '#"Step" "Time (ps)" "Potential Energy (kJ/mole)" "Kinetic Energy (kJ/mole)" "Total Energy (kJ/mole)" "Temperature (K)" "Box Volume (nm^3)" "Speed (ns/day)"';
const PRODUCTION_OUT = [
  HEADER,
  '25000 100.00000000000001 -412345.6 68712.3 -343633.3 298.1 118.8 --',
  '50000 200.0 -412298.2 68650.9 -343647.3 297.8 118.7 486',
  '75000 300.0 -412410.7 68790.4 -343620.3 298.4 118.9 512',
  '100000 400.0 -412377.1 68702.2 -343674.9 298.0 118.8 1.02e+03',
  '',
].join('\n');

// What OpenMMSimulation and the umbrella subclass print (notes A9): once for the per-window equilibration, once
// for production; with `kubectl logs --timestamps` every line is prefixed.
const BLOCK = (ts: number, nSteps: number, out: number) =>
  [
    'Running simulation with',
    '    temperature 298.0 K',
    '    pressure 1.000 atm',
    '    langevin_friction 1.0 ps^-1',
    '    barostat_frequency 25 steps',
    `    timestep ${ts.toFixed(1)} fs`,
    `    n_steps ${nSteps} steps`,
    `    output_frequency ${out} steps`,
    '    checkpoint_frequency 2500000 steps',
    '    save_state_frequency 25000000 steps',
    '    umbrella_energy_constant 5000.00',
    '    window_center 0.86',
  ].join('\n');
const POD_LOG = `Successfully installed proteinbenchmark-0.1\n${BLOCK(1, 1000000, 10000)}\nequilibration done\n${BLOCK(4, 125000000, 25000)}\n`;

describe('parseStateData', () => {
  it('reads the whole production.out: last step, time, last numeric speed', () => {
    const s = parseStateData(PRODUCTION_OUT);
    expect(s.columns).toHaveLength(8);
    expect(s.columns[7]).toBe('Speed (ns/day)');
    expect(s.rows).toBe(4);
    expect(s.lastStep).toBe(100000);
    expect(s.timePs).toBe(400);
    expect(s.nsPerDay).toBe(1020);
  });

  it('reads `head -n 1; tail -n 1` output', () => {
    const s = parseStateData(`${HEADER}\n62500000 250000.00000000003 -412001.2 68700.0 -343301.2 298.2 118.8 498\n`);
    expect(s.lastStep).toBe(62500000);
    expect(s.timePs).toBeCloseTo(250000);
    expect(s.nsPerDay).toBe(498);
  });

  it('keeps the previous speed when the last report after a restart says "--"', () => {
    const resumed = `${PRODUCTION_OUT}125000 500.0 -412300.0 68700.0 -343600.0 298.0 118.8 --\n`;
    const s = parseStateData(resumed);
    expect(s.lastStep).toBe(125000);
    expect(s.nsPerDay).toBe(1020);
    expect(parseStateData(`${HEADER}\n125000 500.0 -1 1 0 298 118 --\n`).nsPerDay).toBeNull();
  });

  it('reads headerless parts (resume appends no header) and skips a half-written last line', () => {
    const s = parseStateData('2525000 10100.0 -412300.0 68700.0 -343600.0 298.0 118.8 501\n2550000 10200.0 -4123');
    expect(s.rows).toBe(1);
    expect(s.lastStep).toBe(2525000);
  });

  it('empty or header-only files have no step yet', () => {
    expect(parseStateData('').lastStep).toBeNull();
    expect(parseStateData(`${HEADER}\n`).lastStep).toBeNull();
  });

  it('parses speed formats', () => {
    expect(parseSpeed('--')).toBeNull();
    expect(parseSpeed('1.23e+03')).toBe(1230);
    expect(parseSpeed('486')).toBe(486);
    expect(parseSpeed('nan?')).toBeNull();
  });
});

describe('parseRunLog', () => {
  it('takes the last block: production, not equilibration', () => {
    expect(parseRunLog(POD_LOG)).toEqual({
      nSteps: 125000000,
      outputFrequency: 25000,
      timestepFs: 4,
      umbrellaEnergyConstant: 5000,
      windowCentre: 0.86,
      blocks: 2,
    });
  });

  it('reads logs with --timestamps prefixes', () => {
    const stamped = POD_LOG.split('\n')
      .map((l) => (l ? `2024-11-27T10:00:00.123456789Z ${l}` : l))
      .join('\n');
    expect(parseRunLog(stamped).nSteps).toBe(125000000);
    expect(parseRunLog(stamped).windowCentre).toBe(0.86);
  });

  it('does not borrow an earlier block’s values while the last block is still being printed', () => {
    const partial = `${BLOCK(1, 1000000, 10000)}\nRunning simulation with\n    temperature 298.0 K\n`;
    const p = parseRunLog(partial);
    expect(p.blocks).toBe(2);
    expect(p.nSteps).toBeNull();
  });

  it('returns nulls for a log without the block', () => {
    expect(parseRunLog('pip install …\nTraceback (most recent call last):\n')).toMatchObject({ nSteps: null, blocks: 0 });
  });
});

describe('computeProgress and ETA', () => {
  const run = { nSteps: 125000000, timestepFs: 4 };

  it('percent and ETA from the last step and last speed', () => {
    const p = computeProgress({ lastStep: 62500000, nsPerDay: 500 }, run);
    expect(p.percent).toBe(50);
    // 62.5M steps × 4 fs = 250 ns at 500 ns/day = 0.5 day.
    expect(p.etaSeconds).toBeCloseTo(43200, 6);
    expect(p.done).toBe(false);
  });

  it('done only at n_steps', () => {
    expect(windowDone(125000000, 125000000)).toBe(true);
    expect(windowDone(124975000, 125000000)).toBe(false);
    expect(windowDone(null, 125000000)).toBe(false);
    const p = computeProgress({ lastStep: 125000000, nsPerDay: null }, run);
    expect(p).toMatchObject({ percent: 100, etaSeconds: 0, done: true });
  });

  it('unknown speed or n_steps gives null, not a guess', () => {
    expect(computeProgress({ lastStep: 25000, nsPerDay: null }, run).etaSeconds).toBeNull();
    expect(computeProgress({ lastStep: 25000, nsPerDay: 500 }, { nSteps: null, timestepFs: 4 })).toMatchObject({ percent: null, etaSeconds: null });
    expect(computeProgress({ lastStep: null, nsPerDay: null }, run).percent).toBeNull();
    expect(etaSeconds(0, 100, 4, 0)).toBeNull();
  });
});

describe('describeDisagreement (Job complete ≠ window finished)', () => {
  it('says where the window stopped', () => {
    expect(describeDisagreement(true, 1200000, 125000000)).toBe(
      'Job complete but the window stopped at step 1,200,000 of 125,000,000 — the script probably crashed; the upload ran anyway',
    );
  });

  it('covers a window that never reached production, and unknown n_steps', () => {
    expect(describeDisagreement(true, null, 125000000)).toContain('never wrote a production step (of 125,000,000)');
    expect(describeDisagreement(true, 50000, null)).toContain('n_steps is unknown');
  });

  it('is null when the two agree or the Job still runs', () => {
    expect(describeDisagreement(true, 125000000, 125000000)).toBeNull();
    expect(describeDisagreement(false, 1200000, 125000000)).toBeNull();
  });
});

describe('compareProgress', () => {
  it('reports going backwards after a restart instead of hiding it', () => {
    const c = compareProgress(50000000, 47500000, 4);
    expect(c.kind).toBe('backwards');
    expect(c.lostSteps).toBe(2500000);
    expect(c.message).toBe(
      'Progress went back from step 50,000,000 to 47,500,000: 2,500,000 steps (10.0 ns) were lost — the window restarted from its last checkpoint, which truncates the rows written after it.',
    );
  });

  it('forward, same and first readings need no message', () => {
    expect(compareProgress(25000, 50000)).toEqual({ kind: 'forward', lostSteps: 0, message: null });
    expect(compareProgress(50000, 50000).kind).toBe('same');
    expect(compareProgress(null, 50000).kind).toBe('first');
  });
});

describe('describeCentreMismatch', () => {
  it('accepts the logged 2-decimal centre and flags a different one', () => {
    expect(describeCentreMismatch(0.86, parseRunLog(POD_LOG).windowCentre)).toBeNull();
    expect(describeCentreMismatch(0.855, 0.86)).toBeNull(); // printed as 0.86 (rounding), still the same centre
    expect(describeCentreMismatch(0.9, 0.86)).toContain('ran with centre 0.86, but the campaign records 0.9');
    expect(describeCentreMismatch(0.9, null)).toBeNull();
  });
});
