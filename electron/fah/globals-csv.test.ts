import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import { extractNeqWork, parseGlobalsCsv, parseGlobalsWork } from './globals-csv.js';

// The column set of alchemiscale-fah's tests/data/globals.csv (notes §7.3).
const HEADER =
  'Step,Time,MonteCarloPressure,MonteCarloTemperature,lambda_angles,lambda_bonds,lambda_electrostatics_core,lambda_electrostatics_delete,' +
  'lambda_electrostatics_insert,lambda_sterics_core,lambda_sterics_delete,lambda_sterics_insert,lambda_torsions,softcore_alpha,Enew,Eold,' +
  '_restorable__class_hash,a,b,has_kT_changed,kT,lambda,lambda_step,n_lambda_steps,n_steps_eq,n_steps_neq,n_steps_per_cycle,protocol_work,step,volume';
const KT = 2.47771279642362;

/** 41 records, Step 0..1,000,000 every 25,000: eq A (0-10), forward (11-20), eq B (21-30), reverse (31-40). */
function records(workShift = 0): { lines: string[]; lambda: number[]; work: number[] } {
  const lambda: number[] = [];
  const work: number[] = [];
  for (let i = 0; i <= 40; i++) {
    let lam: number;
    let w: number;
    if (i <= 10) [lam, w] = [0, 0];
    else if (i <= 20) [lam, w] = [(i - 10) / 10 + (i === 20 ? 9.2e-13 : 0), 381.012778537777 * Math.sqrt((i - 10) / 10)];
    else if (i <= 30) [lam, w] = [1.00000000000092, 381.012778537777];
    else [lam, w] = [i === 40 ? -2.04983667301435e-16 : (40 - i) / 10, 381.012778537777 - 36.5 * (i - 30) + (i === 31 ? 8.37 : 0)];
    lambda.push(lam);
    work.push(w + (i > 10 ? workShift : 0));
  }
  const lines = lambda.map((lam, i) => {
    const step = i * 25000;
    const cells = [step, 1999.99999996653 + i * 50, 1.01325, 300, lam, lam, lam, Math.min(1, 2 * lam), 0, lam, 0, Math.min(1, 2 * lam), lam, 0.5,
      -56169.8 + i, -56169.8 + i, 3585150242, 0.998001998667333, 0.0631823603231829, i === 0 ? 1 : 0, KT, lam, step % 250000, 250000, 250000, 250000,
      1000000, work[i], step, 41.2];
    return cells.join(',');
  });
  return { lines, lambda, work };
}

describe('parseGlobalsCsv / extractNeqWork', () => {
  const clean = records();
  const cleanText = `${HEADER}\n${clean.lines.join('\n')}\n`;

  it('reads a clean file into forward and reverse work like the feflow reference', () => {
    const w = parseGlobalsWork(cleanText);
    expect(w.table.rows).toHaveLength(41);
    expect(w.table.duplicateHeaders).toBe(0);
    // forward: the last eq-A point (row 10), then rows 11..20; reverse: the last eq-B point (row 30), then 31..40.
    expect(w.forward).toEqual(clean.work.slice(10, 21));
    expect(w.reverse).toEqual(clean.work.slice(30, 41));
    // fah-xchem's reading of the same file: forward = w[20]-w[10], reverse = w[40]-w[30].
    expect(w.forwardTotal).toBeCloseTo((clean.work[20] as number) - (clean.work[10] as number), 9);
    expect(w.reverseTotal).toBeCloseTo((clean.work[40] as number) - (clean.work[30] as number), 9);
    expect(w.forwardTotalReduced).toBeCloseTo((w.forwardTotal as number) / KT, 9);
    expect(w.forwardReduced[5]).toBeCloseTo((w.forward[5] as number) / KT, 12);
    expect(w.kT).toBe(KT);
  });

  it('handles the core22 0.0.11 duplicate header after a pause/resume (openmm-core#281)', () => {
    // Paused after record 15, resumed from the checkpoint at record 12: header again, records 12..40.
    const text = `${HEADER}\n${clean.lines.slice(0, 16).join('\n')}\n${HEADER}\n${clean.lines.slice(12).join('\n')}\n\n\n`;
    const t = parseGlobalsCsv(text);
    expect(t.duplicateHeaders).toBe(1);
    expect(t.duplicateRows).toBe(4);
    expect(t.rows).toHaveLength(41);
    const w = extractNeqWork(t);
    expect(w.forward).toEqual(clean.work.slice(10, 21));
    expect(w.reverse).toEqual(clean.work.slice(30, 41));
  });

  it('with lastHeaderOnly reads exactly what the reference reads (rows after the last header)', () => {
    const text = `${HEADER}\n${clean.lines.slice(0, 16).join('\n')}\n${HEADER}\n${clean.lines.slice(12).join('\n')}\n`;
    const w = parseGlobalsWork(text, { lastHeaderOnly: true });
    expect(w.table.rows).toHaveLength(29);
    // Record 12 is the first row read, so the forward list starts at record 13 (no eq-A point before it).
    expect(w.forward).toEqual(clean.work.slice(13, 21));
    expect(w.reverse).toEqual(clean.work.slice(30, 41));
  });

  it('when the core re-emits every record after the repeated header, both readings agree', () => {
    const text = `${HEADER}\n${clean.lines.slice(0, 16).join('\n')}\n${HEADER}\n${clean.lines.join('\n')}\n`;
    const merged = parseGlobalsWork(text);
    const ref = parseGlobalsWork(text, { lastHeaderOnly: true });
    expect(merged.forward).toEqual(ref.forward);
    expect(merged.reverse).toEqual(ref.reverse);
    expect(merged.table.duplicateRows).toBe(16);
  });

  it('keeps the later record of a repeated step (the run that continued)', () => {
    const redo = records(0.25);
    const text = `${HEADER}\n${clean.lines.slice(0, 16).join('\n')}\n${HEADER}\n${redo.lines.slice(12).join('\n')}\n`;
    const w = parseGlobalsWork(text);
    expect(w.forward.slice(0, 3)).toEqual([clean.work[10], clean.work[11], redo.work[12]]);
  });

  it('tolerates CRLF, a BOM, trailing blank lines and an incomplete last line', () => {
    const partial = (clean.lines[40] as string).split(',').slice(0, 7).join(',');
    const text = `\uFEFF${HEADER}\r\n${clean.lines.slice(0, 40).join('\r\n')}\r\n${partial}\r\n\r\n`;
    const t = parseGlobalsCsv(text);
    expect(t.rows).toHaveLength(40);
    expect(t.droppedPartialLastLine).toBe(true);
  });

  it('gives clear errors on garbage', () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(ApiError);
        expect((e as ApiError).code).toBe('INVALID_INPUT');
        return (e as ApiError).message;
      }
      throw new Error('no error');
    };
    expect(err(() => parseGlobalsCsv(''))).toMatch(/empty/);
    expect(err(() => parseGlobalsCsv('<html>502 Bad Gateway</html>\n'))).toMatch(/no header line naming the kT column/);
    expect(err(() => parseGlobalsCsv('\u0000\u0001BZh9'))).toMatch(/binary/);
    expect(err(() => parseGlobalsCsv(`${HEADER}\n1,2,3\n${clean.lines[1]}\n`))).toMatch(/line 2: 3 values where the header names 30 columns/);
    expect(err(() => parseGlobalsCsv(`${HEADER}\n${(clean.lines[0] as string).replace(/^0,/, 'zero,')}\n`))).toMatch(/line 2: the Step value "zero"/);
    expect(err(() => parseGlobalsWork('Step,kT,foo\n0,2.4,1\n'))).toMatch(/missing columns lambda, protocol_work/);
    expect(err(() => parseGlobalsWork(`${HEADER}\n`))).toMatch(/no records/);
    const badWork = (clean.lines[3] as string).split(',');
    badWork[27] = 'oops';
    expect(err(() => parseGlobalsWork(`${HEADER}\n${clean.lines[0]}\n${badWork.join(',')}\n`))).toMatch(/protocol_work is not a finite number/);
  });
});
