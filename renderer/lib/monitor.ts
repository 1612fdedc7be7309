// The Monitor area's pure parts: heat-strip colours and times, under-use lists, chart ranges and exports, and the rule
// editor's form ↔ AlertRule[] with the core's errors → fields. (The alert history's helpers are in lib/alertHistory:
// the start-up bundle needs them for `monitor.alert`, the rest loads with the area's tabs.)
import type { AlertKind, AlertRule, AlertRuleInput } from '../../shared/alerts.js';
import type { ApiError } from '../../shared/errors.js';
import type { GpuRow, SeriesQuery, TargetSummary } from '../../shared/monitor.js';
import type { FormErrors } from './fieldErrors.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// ---- heat strip ---------------------------------------------------------------------------------------------------

/** Colour bands of the heat strip, lowest first; a value falls in the first band whose `below` it is under. */
export const HEAT_BANDS = [
  { level: 0, below: 5, label: '< 5 %' },
  { level: 1, below: 20, label: '5–20 %' },
  { level: 2, below: 40, label: '20–40 %' },
  { level: 3, below: 70, label: '40–70 %' },
  { level: 4, below: Infinity, label: '≥ 70 %' },
] as const;

/** 0…4 for a utilization, null for no sample. */
export function heatLevel(util: number | null): number | null {
  if (util === null || !Number.isFinite(util)) return null;
  for (const b of HEAT_BANDS) if (util < b.below) return b.level;
  return HEAT_BANDS.length - 1;
}

/** The start of a strip's minute `slot` (0 = oldest) for a dashboard loaded at `loadedAt`. */
export const stripSlotStart = (loadedAt: number, slot: number, length = 60): number => loadedAt - (length - slot) * MINUTE;

export function hhmm(t: number): string {
  const d = new Date(t);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

export const formatPercent = (v: number | null): string => (v === null ? '—' : `${Math.round(v)} %`);

// ---- under-use --------------------------------------------------------------------------------------------------

export interface UnderuseEntry {
  gpu: GpuRow;
  targetName: string;
}

/** GPUs the dashboard flags as under-used or idle, idle first, then by mean utilization (lowest first). */
export function underusedGpus(targets: readonly TargetSummary[]): UnderuseEntry[] {
  const out: UnderuseEntry[] = [];
  for (const t of targets) for (const g of t.gpus) if (g.underused || g.idle) out.push({ gpu: g, targetName: t.name });
  return out.sort((a, b) => Number(b.gpu.idle) - Number(a.gpu.idle) || (a.gpu.meanUtil ?? 0) - (b.gpu.meanUtil ?? 0) || a.gpu.series.localeCompare(b.gpu.series));
}

export const totalGpus = (targets: readonly TargetSummary[]): number => targets.reduce((n, t) => n + t.gpus.length, 0);

/** The threshold input: a whole or decimal percentage in 1…100, or an error. */
export function parseThreshold(text: string): { value: number | null; error: string | null } {
  const v = Number(text.trim());
  if (!text.trim() || !Number.isFinite(v)) return { value: null, error: 'Enter a percentage.' };
  if (v < 1 || v > 100) return { value: null, error: 'Between 1 and 100 %.' };
  return { value: v, error: null };
}

/** "node / GPU 0 (A100)" for a heat-strip row or a list entry. */
export const gpuLabel = (g: Pick<GpuRow, 'node' | 'gpu' | 'name'>): string => `${g.node} / GPU ${g.gpu}${g.name ? ` (${g.name})` : ''}`;

// ---- chart ranges -----------------------------------------------------------------------------------------------

export type RangeKey = '1h' | '6h' | '24h' | '7d' | 'custom';
export const RANGE_MS: Record<Exclude<RangeKey, 'custom'>, number> = { '1h': HOUR, '6h': 6 * HOUR, '24h': 24 * HOUR, '7d': 7 * 24 * HOUR };
export const RANGE_LABELS: Record<RangeKey, string> = { '1h': '1 h', '6h': '6 h', '24h': '24 h', '7d': '7 d', custom: 'Custom' };

/** `<input type="datetime-local">` value ↔ ms (local time). */
export function toLocalInput(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
export function fromLocalInput(s: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s)) return null;
  const t = new Date(s).getTime();
  return Number.isFinite(t) ? t : null;
}

export function checkCustomRange(from: string, to: string): { range: { from: number; to: number } | null; error: string | null } {
  const f = fromLocalInput(from);
  const t = fromLocalInput(to);
  if (f === null || t === null) return { range: null, error: 'Choose a start and an end.' };
  if (t <= f) return { range: null, error: 'The end comes after the start.' };
  return { range: { from: f, to: t }, error: null };
}

export interface ChartPoint {
  t: number;
  mean: number;
  max: number;
  min: number;
}

/** Query points → chart points; raw samples have no min/max, so their value is both. */
export const chartPoints = (q: Pick<SeriesQuery, 'points'>): ChartPoint[] => q.points.map((p) => ({ t: p.t, mean: p.v, max: p.max ?? p.v, min: p.min ?? p.v }));

/** Mean of the means and the highest max over the range shown. */
export function seriesStats(points: readonly ChartPoint[]): { mean: number | null; max: number | null } {
  if (points.length === 0) return { mean: null, max: null };
  let sum = 0;
  let max = -Infinity;
  for (const p of points) {
    sum += p.mean;
    if (p.max > max) max = p.max;
  }
  return { mean: Math.round((sum / points.length) * 10) / 10, max: Math.round(max * 10) / 10 };
}

/** CSV with t as ISO-8601 (UTC), value, min and max; empty min/max where the store has none. */
export function seriesCsv(q: Pick<SeriesQuery, 'points'>): string {
  const lines = ['t,value,min,max'];
  for (const p of q.points) lines.push(`${new Date(p.t).toISOString()},${p.v},${p.min ?? ''},${p.max ?? ''}`);
  return `${lines.join('\n')}\n`;
}

/** A file name from a series key: "gpu.util/t1/node01/0" → "gpu.util_t1_node01_0". */
export const seriesFileName = (series: string, ext: string): string => `${series.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'series'}.${ext}`;

// ---- rule editor ------------------------------------------------------------------------------------------------

/** The parameters each kind has, in editor order, and how they are edited. */
export type ParamSpec = { name: string; label: string; type: 'number'; unit: string } | { name: string; label: string; type: 'bool' } | { name: 'states'; label: string; type: 'states' };

export const RULE_PARAMS: Record<AlertKind, readonly ParamSpec[]> = {
  'job-failed': [{ name: 'states', label: 'Job states', type: 'states' }],
  'window-restarted': [{ name: 'quietMinutes', label: 'Quiet for', type: 'number', unit: 'min' }],
  'window-evicted': [{ name: 'quietMinutes', label: 'Quiet for', type: 'number', unit: 'min' }],
  'gpu-idle': [
    { name: 'minutes', label: 'For', type: 'number', unit: 'min' },
    { name: 'belowPercent', label: 'Below', type: 'number', unit: '%' },
    { name: 'ownedOnly', label: 'Only GPUs of my jobs', type: 'bool' },
  ],
  'gpu-underused': [
    { name: 'minutes', label: 'For', type: 'number', unit: 'min' },
    { name: 'belowPercent', label: 'Below', type: 'number', unit: '%' },
    { name: 'ownedOnly', label: 'Only GPUs of my jobs', type: 'bool' },
  ],
  'fleet-crashloop': [],
  'cert-expiry': [{ name: 'days', label: 'Within', type: 'number', unit: 'days' }],
  'cluster-unreachable': [{ name: 'minutes', label: 'For', type: 'number', unit: 'min' }],
};

/** Job states a job-failed rule can watch. */
export const FAILED_STATE_CHOICES = ['failed', 'timeout', 'out-of-memory', 'node-fail', 'preempted', 'cancelled', 'unknown'] as const;

export interface RuleForm {
  id: string;
  kind: AlertKind;
  enabled: boolean;
  /** '' = every target. */
  targetId: string;
  /** Numbers as typed; booleans; the states list of job-failed. */
  params: Record<string, string | boolean | string[]>;
}

export function ruleToForm(r: AlertRule): RuleForm {
  const params: RuleForm['params'] = {};
  const src = r.params as Record<string, unknown>;
  for (const spec of RULE_PARAMS[r.kind]) {
    const v = src[spec.name];
    if (spec.type === 'number') params[spec.name] = typeof v === 'number' ? String(v) : '';
    else if (spec.type === 'bool') params[spec.name] = v !== false;
    else params[spec.name] = Array.isArray(v) ? v.map(String) : [];
  }
  return { id: r.id, kind: r.kind, enabled: r.enabled, targetId: r.targetId ?? '', params };
}

/** Field key of a rule's parameter in FormErrors.fields: `${index}.${name}` (name = a param, targetId or id). */
export const ruleField = (index: number, name: string): string => `${index}.${name}`;

/**
 * The form → monitor.setRules' rules. Numbers that are not numbers are caught here; ranges are the core's (its
 * messages come back through ruleErrors), so the contract stays the one place that says what is allowed.
 */
export function buildRules(forms: readonly RuleForm[]): { rules: AlertRuleInput[] | null; errors: FormErrors } {
  const fields: Record<string, string> = {};
  const rules = forms.map((f, i) => {
    const params: Record<string, unknown> = {};
    for (const spec of RULE_PARAMS[f.kind]) {
      const v = f.params[spec.name];
      if (spec.type === 'number') {
        const text = typeof v === 'string' ? v.trim() : '';
        const n = Number(text);
        if (!text || !Number.isFinite(n)) fields[ruleField(i, spec.name)] = 'enter a number';
        else params[spec.name] = n;
      } else if (spec.type === 'bool') params[spec.name] = v === true;
      else params[spec.name] = Array.isArray(v) ? v : [];
    }
    return { id: f.id, kind: f.kind, enabled: f.enabled, ...(f.targetId ? { targetId: f.targetId } : {}), params } as AlertRuleInput;
  });
  if (Object.keys(fields).length) return { rules: null, errors: { fields, form: null } };
  return { rules, errors: { fields: {}, form: null } };
}

const ISSUE = /^([A-Za-z_][\w.[\]-]*):\s+([\s\S]+)$/;

/**
 * monitor.setRules' INVALID_INPUT ("monitor.setRules: rules.2.params.minutes: the number of minutes is above 0; …")
 * → the field of that rule; whatever names no rule field stays a form error.
 */
export function ruleErrors(err: Pick<ApiError, 'code' | 'message' | 'details'>): FormErrors {
  const out: FormErrors = { fields: {}, form: null };
  const rest: string[] = [];
  const body = err.message.replace(/^[a-z]+\.[A-Za-z]+:\s+/, '');
  if (err.code !== 'INVALID_INPUT') return { fields: {}, form: err.message };
  for (const issue of body.split(/;\s+(?=[A-Za-z_][\w.[\]-]*:\s)/)) {
    const m = ISSUE.exec(issue);
    const parts = m ? m[1]!.split('.') : [];
    if (m && parts[0] === 'rules' && /^\d+$/.test(parts[1] ?? '')) {
      const i = Number(parts[1]);
      const name = parts[2] === 'params' ? parts[3] : parts[2];
      if (name) {
        const key = ruleField(i, name);
        out.fields[key] = out.fields[key] ? `${out.fields[key]}; ${m[2]!}` : m[2]!;
        continue;
      }
    }
    rest.push(issue);
  }
  out.form = rest.length ? rest.join('; ') : null;
  return out;
}

/** A fresh rule id for another rule of `kind`: the kind, then kind-2, kind-3, … */
export function newRuleId(kind: AlertKind, taken: readonly string[]): string {
  const set = new Set(taken);
  if (!set.has(kind)) return kind;
  for (let n = 2; ; n++) if (!set.has(`${kind}-${n}`)) return `${kind}-${n}`;
}
