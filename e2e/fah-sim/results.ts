// Deterministic WU results as the OpenMM core leaves them in results{gen}/ (notes §7.2, §7.3): globals.csv in
// the core's format for the nonequilibrium-cycling protocol, science.log, and a stand-in positions.xtc.
//
// globals.csv follows alchemiscale-fah's tests/data/globals.csv column for column: 30 columns, a row every
// 25,000 steps over a 1,000,000-step cycle (41 rows: equilibrium in A, forward switching, equilibrium in B,
// reverse switching), numbers printed with 15 significant digits (C's %.15g), no quoting, '\n' line ends.
// Values are invented but plausible (cumulative protocol_work rises to ~380 kJ/mol in the forward leg and
// falls back by a slightly smaller amount in the reverse leg; kT = 2.47771279642362 kJ/mol).
//
// The duplicate-header variant reproduces the known core22 0.0.11 bug ("globals.csv can have duplicate
// headers or duplicate records if the core is paused and resumed", openmm-core#281). Its exact byte layout is
// not public; this one is inferred from how fah-xchem and alchemiscale-fah cope with it (parse from the LAST
// header line, then drop duplicate rows): the first session's header and rows up to the pause, then a second
// header and all 41 rows again, with the records around the resume checkpoint written twice.

export const GLOBALS_COLUMNS = [
  'Step', 'Time', 'MonteCarloPressure', 'MonteCarloTemperature', 'lambda_angles', 'lambda_bonds',
  'lambda_electrostatics_core', 'lambda_electrostatics_delete', 'lambda_electrostatics_insert', 'lambda_sterics_core',
  'lambda_sterics_delete', 'lambda_sterics_insert', 'lambda_torsions', 'softcore_alpha', 'Enew', 'Eold',
  '_restorable__class_hash', 'a', 'b', 'has_kT_changed', 'kT', 'lambda', 'lambda_step', 'n_lambda_steps', 'n_steps_eq',
  'n_steps_neq', 'n_steps_per_cycle', 'protocol_work', 'step', 'volume',
] as const;

export const KT = 2.47771279642362;

/** 32-bit FNV-1a of a string: the seed of every per-PRCG draw. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform draw in [0, 1) fixed by its key parts. */
export function draw(...parts: (string | number)[]): number {
  return rng(hash32(parts.join(':')))();
}

function gauss(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** C's printf("%.15g"): what the core writes. */
export function g15(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(15)))));
  if (exp < -4 || exp >= 15) {
    const [mant, e] = x.toExponential(14).split('e') as [string, string];
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const s = x.toPrecision(15);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

export interface GlobalsOptions {
  /** Steps between rows (core.xml globalVarFreq as the test data has it). Default 25,000. */
  rowEvery?: number;
  nStepsEq?: number;
  nStepsNeq?: number;
  duplicateHeader?: boolean;
}

/** globals.csv for one WU, fixed by `key` (e.g. "seed:P:R:C:G"). */
export function globalsCsv(key: string, opts: GlobalsOptions = {}): string {
  const every = opts.rowEvery ?? 25_000;
  const nEq = opts.nStepsEq ?? 250_000;
  const nNeq = opts.nStepsNeq ?? 250_000;
  const cycle = 2 * (nEq + nNeq);
  const r = rng(hash32(`globals:${key}`));
  const wf = 380 + 25 * gauss(r); // forward work, kJ/mol
  const dissipation = 8 + 6 * r();
  const wr = -(wf - dissipation); // reverse work
  const e0 = -56200 + 200 * gauss(r);
  const v0 = 41.2 + 0.3 * gauss(r);
  const header = GLOBALS_COLUMNS.join(',');
  const rows: string[] = [];
  for (let s = 0; s <= cycle; s += every) {
    let lam: number;
    let work: number;
    if (s <= nEq) {
      lam = 0;
      work = 0;
    } else if (s <= nEq + nNeq) {
      const x = (s - nEq) / nNeq;
      lam = x;
      work = wf * (1 - (1 - x) ** 2) * (1 + 0.12 * Math.sin(Math.PI * x));
    } else if (s <= 2 * nEq + nNeq) {
      lam = 1;
      work = wf;
    } else {
      const y = (s - 2 * nEq - nNeq) / nNeq;
      lam = 1 - y;
      work = wf + wr * (y * y * (1 + 0.15 * Math.sin(Math.PI * y)));
    }
    // Floating-point residue like the core's (1.00000000000092, -2.04983667301435e-16).
    const lamOut = lam === 0 ? (s === cycle ? -2.04983667301435e-16 : 0) : lam + 9.2e-13 * lam;
    const half = (v: number) => Math.min(1, 2 * v);
    const secondHalf = (v: number) => Math.max(0, 2 * v - 1);
    const eqPhase = s <= nEq || (s > nEq + nNeq && s <= 2 * nEq + nNeq);
    const eNew = s === 0 ? 0 : e0 + 250 * gauss(r);
    const eOld = s === 0 ? 0 : eqPhase ? eNew : eNew + 0.004 * gauss(r);
    const stepInCycle = s % cycle;
    const time = 2000 + s * 0.002 - 3.347e-8 * (1 + (s / 1e6) * 3.5);
    const row = [
      s, time, 1.01325, 300, lamOut, lamOut, lamOut, half(lamOut), secondHalf(lamOut), lamOut, secondHalf(lamOut), half(lamOut), lamOut, 0.5,
      eNew, eOld, 3585150242, 0.998001998667333, 0.0631823603231829, s === 0 ? 1 : 0, KT, lamOut, stepInCycle, nNeq, nEq, nNeq, cycle,
      s <= nEq ? 0 : work, stepInCycle, v0 + 0.35 * gauss(r),
    ];
    rows.push(row.map(g15).join(','));
  }
  if (!opts.duplicateHeader) return `${header}\n${rows.join('\n')}\n`;
  // Paused after row `pause`, resumed: header again, everything rewritten, rows around the checkpoint twice.
  const pause = 12 + Math.floor(r() * 10);
  const dup = Math.max(1, pause - 2);
  const second = [...rows.slice(0, dup + 1), ...rows.slice(dup - 1, dup + 1), ...rows.slice(dup + 1)];
  return `${header}\n${rows.slice(0, pause + 1).join('\n')}\n${header}\n${second.join('\n')}\n`;
}

/** science.log as the core writes it (abridged); CRLF like the raw core output before dos2unix (notes §9.2). */
export function scienceLog(p: number, r: number, c: number, g: number, core: string, startedAt: Date): string {
  const t = (ms: number) => new Date(startedAt.getTime() + ms).toISOString().slice(11, 19);
  const lines = [
    `${t(0)}:Folding@home OpenMM Core (core ${core})`,
    `${t(0)}:Project: ${p} (Run ${r}, Clone ${c}, Gen ${g})`,
    `${t(100)}:Reading tar file core.xml`,
    `${t(150)}:Reading tar file integrator.xml.bz2`,
    `${t(200)}:Reading tar file state.xml.bz2`,
    `${t(250)}:Reading tar file system.xml.bz2`,
    `${t(1000)}:Digital signatures verified`,
    `${t(2000)}:Running FahCore: precision mixed`,
    `${t(3000)}:Completed 0 out of 1000000 steps (0%)`,
    `${t(60000)}:Completed 250000 out of 1000000 steps (25%)`,
    `${t(120000)}:Completed 500000 out of 1000000 steps (50%)`,
    `${t(180000)}:Completed 750000 out of 1000000 steps (75%)`,
    `${t(240000)}:Completed 1000000 out of 1000000 steps (100%)`,
    `${t(241000)}:Saving result file globals.csv`,
    `${t(241100)}:Saving result file positions.xtc`,
    `${t(241200)}:Saving result file science.log`,
    `${t(241300)}:Folding@home Core Shutdown: FINISHED_UNIT`,
  ];
  return lines.join('\r\n') + '\r\n';
}

/** NOT a real XTC trajectory: deterministic filler bytes of a plausible size, so listings and downloads have a binary file. */
export function fakeXtc(key: string, size = 4096): Buffer {
  const r = rng(hash32(`xtc:${key}`));
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = Math.floor(r() * 256);
  b.writeUInt32BE(1995, 0); // XTC magic number
  return b;
}
