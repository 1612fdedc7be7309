// Original vs reproduced decoy: scores side by side, and the record fields that decide whether a reproduction
// is a reproduction at all (seeds, decoy ids, protocols, PyRosetta build, environment, code version).
import type { ScoreComparison } from '../../../shared/reproduce.js';
import type { RawRecord } from '../types.js';

/** Relative tolerance for numeric scores: |Δ| ≤ 1e-6·max(1, |original|). */
export const SCORE_TOLERANCE = 1e-6;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A stable text form for exact comparison of JSON values (object keys sorted). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  }
  if (v === undefined) return 'undefined';
  return JSON.stringify(v) ?? String(v);
}

function short(v: unknown, max = 80): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : canonical(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function compareRecords(original: RawRecord, reproduced: RawRecord): ScoreComparison {
  const a = isObject(original?.scores) ? original.scores : {};
  const b = isObject(reproduced?.scores) ? reproduced.scores : {};
  const names = [...Object.keys(a)];
  for (const k of Object.keys(b)) if (!(k in a)) names.push(k);

  const rows: ScoreComparison['rows'] = names.map((name) => {
    const inA = Object.hasOwn(a, name);
    const inB = Object.hasOwn(b, name);
    const x = a[name];
    const y = b[name];
    if (inA && inB && typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) {
      const delta = y - x;
      return { name, original: x, reproduced: y, same: Math.abs(delta) <= SCORE_TOLERANCE * Math.max(1, Math.abs(x)), delta };
    }
    return {
      name,
      original: inA ? x : null,
      reproduced: inB ? y : null,
      same: inA && inB && canonical(x) === canonical(y),
      delta: null,
    };
  });

  const ia = isObject(original?.instance) ? original.instance : {};
  const ib = isObject(reproduced?.instance) ? reproduced.instance : {};
  const ma = isObject(original?.metadata) ? original.metadata : {};
  const mb = isObject(reproduced?.metadata) ? reproduced.metadata : {};
  const recordDifferences: string[] = [];
  const check = (label: string, x: unknown, y: unknown) => {
    if (canonical(x) !== canonical(y)) recordDifferences.push(`${label} differ: ${short(x)} → ${short(y)}`);
  };
  check('seeds', ia.seeds, ib.seeds);
  check('decoy_ids', ia.decoy_ids, ib.decoy_ids);
  check('protocols', ma.protocols, mb.protocols);
  check('pyrosetta_build', ia.pyrosetta_build, ib.pyrosetta_build);
  if (canonical(ia.environment) !== canonical(ib.environment)) {
    const len = (v: unknown) => (typeof v === 'string' ? `${v.length} characters` : v === undefined ? 'missing' : typeof v);
    recordDifferences.push(
      `environment differs: the recorded export (${len(ia.environment)}) and the reproduction's (${len(ib.environment)}) are not the same text`,
    );
  }
  check('sha1', ia.sha1, ib.sha1);
  return { rows, identical: rows.every((r) => r.same), recordDifferences };
}
