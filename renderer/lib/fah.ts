// Pure helpers of the Folding@home area (the certificate's are in fahCert.ts): the project form (strings, as typed) → ProjectData, the "Create jobs" form →
// fah.createJobs parameters, the core's validation errors → form fields, certificate and job tones, and the chart
// series (shared-bin work histograms, progress over time). Unit-tested in fah.test.ts; the views stay thin.
import type { Params } from '../../shared/contract.js';
import type { ApiError } from '../../shared/errors.js';
import type { FahJob, FahProgressSample, FahWorkPoint } from '../../shared/fah.js';
import type { Tone } from '../components/StateBadge.js';
import { splitPathErrors, type FormErrors } from './fieldErrors.js';

export const NO_ERRORS: FormErrors = { fields: {}, form: null };

// ---- jobs ------------------------------------------------------------------------------------------------------

/** What the state filter offers: the WS's states, then SimDeck's creation phases (jobs not on the WS yet). */
export const JOB_STATES = ['READY', 'ASSIGNED', 'PROCESSING', 'FINISHED', 'FAILED', 'STOPPED', 'HELD', 'NEW'] as const;
export const JOB_PHASES = ['reserved', 'uploading', 'creating', 'failed'] as const;

const STATE_TONES: Record<string, Tone> = {
  NEW: 'neutral',
  READY: 'pending',
  ASSIGNED: 'info',
  PROCESSING: 'info',
  FINISHED: 'success',
  FAILED: 'danger',
  STOPPED: 'neutral',
  HELD: 'warning',
  reserved: 'neutral',
  uploading: 'pending',
  creating: 'pending',
  created: 'neutral',
  failed: 'danger',
};
export const fahTone = (state: string): Tone => STATE_TONES[state] ?? 'neutral';

/** The WS state once the job exists there, else SimDeck's phase (what the table and the counts show). */
export const jobStateOf = (j: Pick<FahJob, 'state' | 'phase'>): string => j.state ?? j.phase;
export const jobKey = (j: { run: number; clone: number }): string => `${j.run}:${j.clone}`;

// ---- core errors → fields --------------------------------------------------------------------------------------

/**
 * The router's INVALID_INPUT reads "fah.saveProject: data.deadline: the deadline is …; data.core_id: …"; a handler
 * may instead name the field in details.field. `fieldOf` turns a path's parts into a form field (or null), so
 * "data.deadline" lands under Deadline and "files.1.path" under the second file row.
 */
export function splitFahErrors(err: Pick<ApiError, 'code' | 'message' | 'details'>, fieldOf: (parts: string[]) => string | null): FormErrors {
  return splitPathErrors(err, (path) => fieldOf(path.split(/[.[\]]/).filter((p) => p && p !== 'params')));
}

// ---- project form ----------------------------------------------------------------------------------------------

export const COMPRESSIONS = ['NONE', 'BZIP2', 'ZLIB', 'GZIP', 'LZ4'] as const;

export interface ProjectForm {
  project: string;
  core_id: string;
  contact: string;
  atoms: string;
  credit: string;
  timeout: string;
  deadline: string;
  compression: string;
  gens: string;
  /** Kept from the server on edit so a save does not reset them (ProjectData replaces the whole project). */
  runs?: number;
  clones?: number;
}
export const PROJECT_FIELDS: ReadonlySet<string> = new Set(['project', 'core_id', 'contact', 'atoms', 'credit', 'timeout', 'deadline', 'compression', 'gens']);

// The work server's own defaults (a day to return, two before the deadline), in seconds.
export function defaultProjectForm(contact = ''): ProjectForm {
  return { project: '', core_id: '0x22', contact, atoms: '', credit: '', timeout: '86400', deadline: '172800', compression: 'ZLIB', gens: '1' };
}

/** An existing project (GET /api/projects/{p} sends more keys than ProjectData) → the form. */
export function projectFormFrom(id: number, data: Record<string, unknown>): ProjectForm {
  const s = (k: string, fallback: string) => (data[k] === undefined || data[k] === null ? fallback : String(data[k]));
  const d = defaultProjectForm();
  const n = (k: string) => (typeof data[k] === 'number' ? (data[k] as number) : undefined);
  return {
    project: String(id),
    core_id: s('core_id', d.core_id),
    contact: s('contact', ''),
    atoms: s('atoms', ''),
    credit: s('credit', ''),
    timeout: s('timeout', d.timeout),
    deadline: s('deadline', d.deadline),
    compression: s('compression', d.compression),
    gens: s('gens', d.gens),
    runs: n('runs'),
    clones: n('clones'),
  };
}

type SaveProject = Params<'fah.saveProject'>;

/**
 * Form → fah.saveProject parameters. Only what the form cannot send is checked here (numbers that are not whole);
 * the ranges (≥ 300 s, hex core id, email) are the contract's, and come back next to their fields.
 */
export function buildProject(f: ProjectForm): { params: Omit<SaveProject, 'targetId'> | null; errors: FormErrors } {
  const fields: Record<string, string> = {};
  const whole = (key: keyof ProjectForm, label: string): number => {
    const raw = String(f[key] ?? '').trim();
    if (!/^\d+$/.test(raw)) {
      fields[key] = raw ? `${label} is a whole number` : `${label} is required`;
      return 0;
    }
    return Number(raw);
  };
  const project = whole('project', 'the project number');
  const data = {
    core_id: f.core_id.trim(),
    contact: f.contact.trim(),
    atoms: whole('atoms', 'the number of atoms'),
    credit: whole('credit', 'the base credit'),
    timeout: whole('timeout', 'the timeout'),
    deadline: whole('deadline', 'the deadline'),
    compression: f.compression as (typeof COMPRESSIONS)[number],
    gens: whole('gens', 'the number of gens'),
    ...(f.runs !== undefined ? { runs: f.runs } : {}),
    ...(f.clones !== undefined ? { clones: f.clones } : {}),
  };
  if (Object.keys(fields).length) return { params: null, errors: { fields, form: null } };
  return { params: { project, data }, errors: NO_ERRORS };
}

/** "data.deadline" → deadline; "project" → project; anything else stays a form error. */
export const projectFieldOf = (parts: string[]): string | null => {
  const key = parts[0] === 'data' ? parts[1] : parts[0];
  return key && PROJECT_FIELDS.has(key) ? key : null;
};

/** Seconds as a researcher reads them: 172800 → "2 days". */
export function secondsText(raw: string): string {
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0) return '';
  if (s % 86_400 === 0) return `${s / 86_400} day${s === 86_400 ? '' : 's'}`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s >= 60) return `${(s / 60).toFixed(s % 60 ? 1 : 0)} min`;
  return `${s} s`;
}

// ---- "Create jobs" form ----------------------------------------------------------------------------------------

export interface FileRow {
  name: string;
  path: string;
}
export interface CreateJobsForm {
  runMode: 'new' | 'number';
  run: string;
  clones: string;
  files: FileRow[];
}
export const defaultCreateJobsForm = (): CreateJobsForm => ({ runMode: 'new', run: '', clones: '1', files: [{ name: 'core.xml', path: '' }] });
export const usesClonePattern = (rows: readonly FileRow[]): boolean => rows.some((r) => r.path.includes('{clone}'));

type CreateJobs = Params<'fah.createJobs'>;

export function buildCreateJobs(f: CreateJobsForm): { params: Omit<CreateJobs, 'targetId' | 'project'> | null; errors: FormErrors } {
  const fields: Record<string, string> = {};
  const clones = Number(f.clones.trim());
  if (!/^\d+$/.test(f.clones.trim()) || clones < 1) fields.clones = 'the number of clones is a whole number from 1';
  let run: number | 'new' = 'new';
  if (f.runMode === 'number') {
    if (!/^\d+$/.test(f.run.trim()) || Number(f.run) > 65_535) fields.run = 'a RUN number from 0 to 65535';
    else run = Number(f.run);
  }
  // Rows left entirely empty are ignored: the researcher added one too many.
  const files = f.files.map((r) => ({ name: r.name.trim(), path: r.path.trim() })).filter((r) => r.name || r.path);
  if (!files.length) fields.files = 'add at least one file (e.g. core.xml, system.xml.bz2, state.xml.bz2, integrator.xml.bz2)';
  if (Object.keys(fields).length) return { params: null, errors: { fields, form: null } };
  return { params: { run, clones, files }, errors: NO_ERRORS };
}

/** "files.1.path" → "file.1.path" (the second row's path field); "clones", "run" as they are. */
export const createJobsFieldOf = (parts: string[]): string | null => {
  if (parts[0] === 'files') return parts[1] !== undefined && /^\d+$/.test(parts[1]) ? `file.${parts[1]}.${parts[2] ?? 'path'}` : 'files';
  return parts[0] === 'clones' || parts[0] === 'run' ? parts[0] : null;
};

// ---- charts ----------------------------------------------------------------------------------------------------

export interface WorkBin {
  /** Bin centre in kT. */
  mid: number;
  x0: number;
  x1: number;
  forward: number;
  reverse: number;
}

/**
 * Forward and reverse work values on the same bins, so the two distributions can be compared at a glance (their
 * overlap is what BAR needs). Values that are not finite (a clone without a usable globals.csv) are left out.
 */
export function workHistogram(points: readonly FahWorkPoint[], bins = 24): WorkBin[] {
  const fwd = points.map((p) => p.forward).filter((v): v is number => v !== null && Number.isFinite(v));
  const rev = points.map((p) => p.reverse).filter((v): v is number => v !== null && Number.isFinite(v));
  const all = [...fwd, ...rev];
  if (!all.length) return [];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const n = Math.max(1, Math.min(bins, Math.ceil(Math.sqrt(all.length)) * 2));
  const width = (hi - lo) / n;
  const out: WorkBin[] = Array.from({ length: n }, (_, i) => ({ x0: lo + i * width, x1: lo + (i + 1) * width, mid: round(lo + (i + 0.5) * width), forward: 0, reverse: 0 }));
  const at = (v: number) => Math.min(n - 1, Math.floor((v - lo) / width));
  for (const v of fwd) out[at(v)]!.forward++;
  for (const v of rev) out[at(v)]!.reverse++;
  return out;
}

const round = (v: number) => Math.round(v * 100) / 100;

/** RUNs that have work values, for the RUN picker. */
export const runsOf = (points: readonly FahWorkPoint[]): number[] => [...new Set(points.map((p) => p.run))].sort((a, b) => a - b);

/** Samples → rows { t, READY: n, FINISHED: n, … } and the states that ever appear (one line each). */
export function progressSeries(samples: readonly FahProgressSample[]): { rows: Record<string, number>[]; keys: string[] } {
  const keys = new Set<string>();
  for (const s of samples) for (const k of Object.keys(s.counts)) keys.add(k);
  const order = [...JOB_STATES, ...JOB_PHASES, 'created'] as readonly string[];
  const sorted = [...keys].sort((a, b) => rank(order, a) - rank(order, b) || a.localeCompare(b));
  const rows = samples.map((s) => {
    const row: Record<string, number> = { t: new Date(s.at).getTime() };
    for (const k of sorted) row[k] = s.counts[k] ?? 0;
    return row;
  });
  return { rows, keys: sorted };
}

const rank = (order: readonly string[], k: string) => {
  const i = order.indexOf(k);
  return i < 0 ? order.length : i;
};

/**
 * The server's histogram (a real WS sent one bin per ‰ of completion: 1,000 numbers) merged into at most `max`
 * bars and scaled to 0…1 for the small bar chart; the shape matters there, not each bin.
 */
export function histogramBars(histogram: readonly number[] | null, max = 50): { value: number; height: number }[] {
  if (!histogram?.length) return [];
  const per = Math.ceil(histogram.length / max);
  const merged: number[] = [];
  for (let i = 0; i < histogram.length; i += per) merged.push(histogram.slice(i, i + per).reduce((s, v) => s + v, 0));
  const top = Math.max(...merged, 1);
  return merged.map((value) => ({ value, height: value / top }));
}

/** Download progress as a fraction, or null while the size is unknown. */
export const downloadFraction = (received: number, total: number | null): number | null => (total && total > 0 ? Math.min(1, received / total) : null);
