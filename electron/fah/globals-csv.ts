// globals.csv from the OpenMM core (notes fah-api.md §7.3): one row every globalVarFreq steps with the
// integrator's global variables, among them `lambda`, `protocol_work` and `kT`. Nonequilibrium work values are
// read the way alchemiscale-fah's feflow unit does (FahNonEquilibriumCyclingSimulationUnit.postprocess_globals):
// lambda flat at 0 = equilibrium in A; rising = forward (A→B), whose list starts with the last A point; flat at 1
// = equilibrium in B; falling = reverse (B→A), starting with the last B point.
//
// core22 0.0.11 can repeat the header and records when paused and resumed (openmm-core#281). The reference reads
// from the LAST line naming `kT`. By default we also keep the rows of earlier blocks that have the same header,
// dropping repeated steps (the later record wins), so a resume that only appends loses nothing; with identical
// re-emitted rows the result equals the reference. `lastHeaderOnly: true` gives the reference's reading exactly.
import { ApiError } from '../../shared/errors.js';

export interface GlobalsTable {
  columns: string[];
  /** Numbers by column index; a cell that is not a number is NaN. */
  rows: number[][];
  /** Header lines after the first one (0 for a clean file). */
  duplicateHeaders: number;
  /** Records dropped because their step appeared again (or, without a Step column, identical lines). */
  duplicateRows: number;
  /** Records dropped because their block had another header. */
  otherHeaderRows: number;
  /** True when an incomplete last line (core stopped mid-write) was dropped. */
  droppedPartialLastLine: boolean;
}

export interface ParseGlobalsOptions {
  /** Only rows after the last header, as alchemiscale-fah reads the file. Default false (merge, see above). */
  lastHeaderOnly?: boolean;
  /** File name used in messages. */
  name?: string;
}

export interface NeqWork {
  /** protocol_work along the forward (A→B) switch, starting with the last equilibrium-A point (kJ/mol, as the core writes it). */
  forward: number[];
  /** protocol_work along the reverse (B→A) switch, starting with the last equilibrium-B point. */
  reverse: number[];
  /** The same values divided by kT of their row (dimensionless, reduced work). */
  forwardReduced: number[];
  reverseReduced: number[];
  /** Work done by each switch: last minus first value (null when the switch is missing). */
  forwardTotal: number | null;
  reverseTotal: number | null;
  forwardTotalReduced: number | null;
  reverseTotalReduced: number | null;
  /** kT of the first row (kJ/mol). */
  kT: number;
}

function bad(name: string, msg: string, line?: number): ApiError {
  return new ApiError('INVALID_INPUT', `${name}${line !== undefined ? ` line ${line}` : ''}: ${msg}`, {
    file: name,
    ...(line !== undefined ? { line: String(line) } : {}),
  });
}

function splitFields(line: string): string[] {
  return line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
}

function num(cell: string): number {
  if (cell === '') return NaN;
  const l = cell.toLowerCase();
  if (l === 'nan') return NaN;
  if (l === 'inf' || l === '+inf' || l === 'infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(cell)) return NaN;
  return Number(cell);
}

const isHeader = (fields: string[]) => fields.includes('kT');

/** Parses globals.csv text into numeric rows (see the file comment for the duplicate-header handling). */
export function parseGlobalsCsv(text: string, opts: ParseGlobalsOptions = {}): GlobalsTable {
  const name = opts.name ?? 'globals.csv';
  if (typeof text !== 'string') throw bad(name, 'not text');
  if (text.includes('\u0000')) throw bad(name, 'this is binary data, not the CSV the OpenMM core writes.');
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIdx: number[] = [];
  lines.forEach((l, i) => {
    if (isHeader(splitFields(l))) headerIdx.push(i);
  });
  if (lines.every((l) => l.trim() === '')) throw bad(name, 'the file is empty (the work unit wrote no global variables; is globalVarFreq set in core.xml?).');
  const lastHeader = headerIdx[headerIdx.length - 1];
  if (lastHeader === undefined) {
    throw bad(name, `no header line naming the kT column; this does not look like the core's globals.csv (first line: ${JSON.stringify((lines[0] ?? '').slice(0, 60))}).`);
  }
  const headerLine = lines[lastHeader] as string;
  const columns = splitFields(headerLine);
  const stepCol = columns.indexOf('Step');

  // The blocks to read: each header with the lines up to the next header.
  const blocks: { header: number; end: number }[] = headerIdx.map((h, k) => ({ header: h, end: headerIdx[k + 1] ?? lines.length }));
  const lastNonBlank = (() => {
    for (let i = lines.length - 1; i >= 0; i--) if ((lines[i] as string).trim() !== '') return i;
    return -1;
  })();

  let otherHeaderRows = 0;
  let droppedPartialLastLine = false;
  const records: { key: string; row: number[] }[] = [];
  for (const b of blocks) {
    if (opts.lastHeaderOnly && b.header !== lastHeader) continue;
    const same = (lines[b.header] as string).trim() === headerLine.trim();
    for (let i = b.header + 1; i < b.end; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') continue;
      if (!same) {
        otherHeaderRows++;
        continue;
      }
      const fields = splitFields(line);
      if (fields.length !== columns.length) {
        if (i === lastNonBlank && fields.length < columns.length) {
          droppedPartialLastLine = true;
          continue;
        }
        throw bad(name, `${fields.length} values where the header names ${columns.length} columns.`, i + 1);
      }
      const row = fields.map(num);
      if (row.every((v) => Number.isNaN(v))) throw bad(name, `not a row of numbers (${JSON.stringify(line.slice(0, 60))}).`, i + 1);
      if (stepCol >= 0 && !Number.isFinite(row[stepCol])) throw bad(name, `the Step value ${JSON.stringify(fields[stepCol])} is not a number.`, i + 1);
      records.push({ key: stepCol >= 0 ? String(row[stepCol]) : fields.join(','), row });
    }
  }

  // Later records win; order by step when there is a Step column.
  const byKey = new Map<string, number[]>();
  for (const r of records) {
    byKey.delete(r.key);
    byKey.set(r.key, r.row);
  }
  const rows = [...byKey.values()];
  if (stepCol >= 0) rows.sort((a, b) => (a[stepCol] as number) - (b[stepCol] as number));
  return {
    columns,
    rows,
    duplicateHeaders: headerIdx.length - 1,
    duplicateRows: records.length - rows.length,
    otherHeaderRows,
    droppedPartialLastLine,
  };
}

/** numpy.isclose with its defaults (rtol 1e-5, atol 1e-8), as the reference uses. */
function isClose(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-8 + 1e-5 * Math.abs(b);
}

/** Forward and reverse nonequilibrium work from a parsed table (needs lambda, protocol_work and kT). */
export function extractNeqWork(table: GlobalsTable, name = 'globals.csv'): NeqWork {
  const need = ['lambda', 'protocol_work', 'kT'];
  const missing = need.filter((c) => !table.columns.includes(c));
  if (missing.length) throw bad(name, `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; nonequilibrium work needs lambda, protocol_work and kT.`);
  const [li, wi, ki] = need.map((c) => table.columns.indexOf(c)) as [number, number, number];
  if (table.rows.length === 0) throw bad(name, 'no records after the header.');
  table.rows.forEach((r, i) => {
    for (const c of [li, wi, ki]) {
      if (!Number.isFinite(r[c])) throw bad(name, `record ${i + 1}: ${table.columns[c]} is not a finite number.`);
    }
  });
  const forward: number[] = [];
  const reverse: number[] = [];
  const forwardReduced: number[] = [];
  const reverseReduced: number[] = [];
  const push = (list: number[], red: number[], row: number[]) => {
    list.push(row[wi] as number);
    red.push((row[wi] as number) / (row[ki] as number));
  };
  let prev: number[] | null = null;
  let mode: 'A' | 'A->B' | 'B' | 'B->A' | null = null;
  for (const row of table.rows) {
    if (!prev) {
      prev = row;
      continue;
    }
    const lam = row[li] as number;
    const prevLam = prev[li] as number;
    if (isClose(lam, prevLam) && isClose(prevLam, 0)) {
      mode = 'A';
    } else if (lam - prevLam > 0) {
      if (mode === 'A') push(forward, forwardReduced, prev);
      mode = 'A->B';
      push(forward, forwardReduced, row);
    } else if (isClose(lam, prevLam) && isClose(prevLam, 1)) {
      mode = 'B';
    } else if (lam - prevLam < 0) {
      if (mode === 'B') push(reverse, reverseReduced, prev);
      mode = 'B->A';
      push(reverse, reverseReduced, row);
    }
    prev = row;
  }
  const total = (xs: number[]) => (xs.length >= 2 ? (xs[xs.length - 1] as number) - (xs[0] as number) : null);
  return {
    forward,
    reverse,
    forwardReduced,
    reverseReduced,
    forwardTotal: total(forward),
    reverseTotal: total(reverse),
    forwardTotalReduced: total(forwardReduced),
    reverseTotalReduced: total(reverseReduced),
    kT: table.rows[0]?.[ki] as number,
  };
}

/** parseGlobalsCsv + extractNeqWork. */
export function parseGlobalsWork(text: string, opts: ParseGlobalsOptions = {}): NeqWork & { table: GlobalsTable } {
  const table = parseGlobalsCsv(text, opts);
  return { ...extractNeqWork(table, opts.name), table };
}
