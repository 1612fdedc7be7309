// Umbrella campaigns: the wizard's form (defaults from proteinbenchmark-nrp), form → CampaignSpec with light checks,
// core validation messages → wizard fields, grid keys and rectangular selection, and chart series from samples.
// Pure: no React, no zod (the contract's schema stays in the core; only its types are used here).
import type { ApiError } from '../../shared/errors.js';
import type { CampaignSpec, ProgressSample, UmbrellaWindow, WindowPhase } from '../../shared/kube.js';

/** Every phase a window can be in, in the order the legend shows them. */
export const PHASES: readonly WindowPhase[] = [
  'planned',
  'queued',
  'init-git',
  'init-rclone',
  'equilibration',
  'production',
  'done',
  'failed',
  'evicted',
  'unknown',
];

export const PHASE_LABELS: Record<WindowPhase, string> = {
  planned: 'planned',
  queued: 'queued',
  'init-git': 'init: git',
  'init-rclone': 'init: rclone',
  equilibration: 'equilibration',
  production: 'production',
  done: 'done',
  failed: 'failed',
  evicted: 'evicted',
  unknown: 'unknown',
};

export const CONTAINERS = ['main', 'init-git', 'init-rclone'] as const;

export const DEFAULT_REQUIRED_FILES = ['{S}/setup/', '{S}/replica-{R}/{S}-equilibration-1.xml', '{S}/replica-{R}/{S}-window-{WW}.pdb', '{S}/replica-{R}/window-{WW}/'];

/** numpy.linspace(start, stop, n), rounded to 10 decimals so 0.98 prints as 0.98. */
export function linspace(start: number, stop: number, n: number): number[] {
  if (!Number.isFinite(n) || n < 1) return [];
  if (n === 1) return [start];
  const step = (stop - start) / (n - 1);
  return Array.from({ length: n }, (_, i) => Math.round((start + step * i) * 1e10) / 1e10);
}

/** "1.00", "0.98", "0.375": at least two decimals, at most six. */
export function formatCentre(x: number): string {
  const s = x.toFixed(6).replace(/0+$/, '');
  const dot = s.indexOf('.');
  const decimals = dot < 0 ? 0 : s.length - dot - 1;
  return decimals < 2 ? x.toFixed(2) : s;
}

export const formatCentres = (xs: readonly number[]) => xs.map(formatCentre).join('\n');

/** Centres typed as a list (one per line, or separated by commas/spaces). */
export function parseCentres(text: string): { centres: number[]; error: string | null } {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const centres: number[] = [];
  for (const p of parts) {
    const n = Number(p);
    if (!Number.isFinite(n)) return { centres: [], error: `“${p}” is not a number` };
    centres.push(n);
  }
  if (!centres.length) return { centres, error: 'at least one window centre' };
  return { centres, error: null };
}

export const pad2 = (n: number) => String(n).padStart(2, '0');

export interface CampaignForm {
  projectId: string;
  targetId: string;
  initials: string;
  benchmark: string;
  forceField: string;
  replicas: string;
  windowCount: string;
  centres: string;
  repoUrl: string;
  commit: string;
  scriptPath: string;
  requiredFiles: string;
  image: string;
  pipInstall: string;
  gpu: string;
  cpu: string;
  memory: string;
  ephemeralStorage: string;
  /** '' = no CUDA affinity; otherwise major/minor. */
  cudaMajor: string;
  cudaMinor: string;
  cudaOff: boolean;
  rcloneSecret: string;
  licenceSecret: string;
  remote: string;
  bucket: string;
  prefix: string;
  backoffLimit: string;
  ttl: string;
  /** Local folder for provenance manifests and saved logs; empty: the core's default. */
  resultsDir: string;
}

export function defaultForm(projectId: string, targetId: string): CampaignForm {
  return {
    projectId,
    targetId,
    initials: '',
    benchmark: 'gb3',
    forceField: '',
    replicas: '3',
    windowCount: '31',
    centres: formatCentres(linspace(1.0, 0.4, 31)),
    repoUrl: 'https://github.com/openforcefield/proteinbenchmark-nrp.git',
    commit: '',
    scriptPath: 'umbrella-scripts/run-umbrella-window.py',
    requiredFiles: DEFAULT_REQUIRED_FILES.join('\n'),
    image: 'ghcr.io/openforcefield/proteinbenchmark-nrp:latest',
    pipInstall: 'git+https://github.com/openforcefield/proteinbenchmark.git@nagl',
    gpu: '1',
    cpu: '1',
    memory: '5Gi',
    ephemeralStorage: '20Gi',
    // The seed's template requires CUDA 12.4 nodes.
    cudaMajor: '12',
    cudaMinor: '4',
    cudaOff: false,
    rcloneSecret: 'jm-rclone-config',
    licenceSecret: 'oe-license-feb-2024',
    remote: 'nrp-internal',
    bucket: 'proteinbenchmark-jm-bucket',
    prefix: 'results',
    backoffLimit: '10',
    ttl: '',
    resultsDir: '',
  };
}

/** Wizard field ids (the `cw-<field>` test ids) that errors attach to. */
export type WizardField =
  | 'project'
  | 'target'
  | 'initials'
  | 'benchmark'
  | 'ff'
  | 'replicas'
  | 'windows'
  | 'repo'
  | 'commit'
  | 'script'
  | 'required'
  | 'image'
  | 'pip'
  | 'gpu'
  | 'cpu'
  | 'memory'
  | 'storage'
  | 'cuda'
  | 'rclone-secret'
  | 'licence-secret'
  | 'remote'
  | 'bucket'
  | 'prefix'
  | 'backoff'
  | 'ttl'
  | 'results-dir';

export interface WizardErrors {
  fields: Partial<Record<WizardField, string>>;
  form: string | null;
}

/** A CampaignSpec path ("resources.cpu", "windows.3.centre", "spec.commit") → the wizard field showing it. */
export function fieldOfPath(path: string): WizardField | null {
  const parts = path.split(/[./[\]]/).filter((p) => p && p !== 'params');
  if (parts[0] === 'spec') parts.shift();
  const [a, b] = parts;
  switch (a) {
    case 'projectId':
      return 'project';
    case 'targetId':
      return 'target';
    case 'initials':
      return 'initials';
    case 'target':
      return 'benchmark';
    case 'forceField':
      return 'ff';
    case 'replicas':
      return 'replicas';
    case 'windows':
      return 'windows';
    case 'repoUrl':
      return 'repo';
    case 'commit':
      return 'commit';
    case 'scriptPath':
      return 'script';
    case 'requiredFiles':
      return 'required';
    case 'image':
      return 'image';
    case 'pipInstall':
      return 'pip';
    case 'resources':
      return b === 'gpu' ? 'gpu' : b === 'cpu' ? 'cpu' : b === 'memory' ? 'memory' : b === 'ephemeralStorage' ? 'storage' : null;
    case 'cuda':
      return 'cuda';
    case 'secrets':
      return b === 'rcloneConfig' ? 'rclone-secret' : b === 'licence' ? 'licence-secret' : null;
    case 'remote':
      return 'remote';
    case 'bucket':
      return 'bucket';
    case 'prefix':
      return 'prefix';
    case 'backoffLimit':
      return 'backoff';
    case 'ttlSecondsAfterFinished':
      return 'ttl';
    case 'resultsDir':
      return 'results-dir';
    default:
      return null;
  }
}

const ISSUE = /^([A-Za-z_][\w.[\]]*):\s+([\s\S]+)$/;

/**
 * The core's error → messages next to wizard fields. INVALID_INPUT from the router reads
 * "umbrella.preview: commit: a full 40-character commit SHA1; resources.cpu: …"; a handler may instead name the
 * field in `details.field`.
 */
export function splitWizardErrors(err: Pick<ApiError, 'code' | 'message' | 'details'>): WizardErrors {
  const out: WizardErrors = { fields: {}, form: null };
  const rest: string[] = [];
  const attach = (f: WizardField, m: string) => {
    out.fields[f] = out.fields[f] ? `${out.fields[f]}; ${m}` : m;
  };
  const detailField = err.details?.field;
  if (detailField) {
    const f = fieldOfPath(detailField);
    const message = err.message.replace(/^[a-z]+\.[A-Za-z]+:\s+/, '');
    if (f) attach(f, message);
    else rest.push(err.message);
  } else if (err.code === 'INVALID_INPUT') {
    const body = err.message.replace(/^[a-z]+\.[A-Za-z]+:\s+/, '');
    for (const issue of body.split(/;\s+(?=[A-Za-z_][\w.[\]]*:\s)/)) {
      const m = ISSUE.exec(issue);
      const f = m ? fieldOfPath(m[1]!) : null;
      if (m && f) attach(f, m[2]!);
      else rest.push(issue);
    }
  } else {
    rest.push(err.message);
  }
  out.form = rest.length ? rest.join('; ') : null;
  return out;
}

const WHOLE = /^\d+$/;

/** Form → spec, with the checks the wizard can make itself (required fields, numbers); the rest is the core's. */
export function buildSpec(f: CampaignForm): { spec: CampaignSpec | null; errors: WizardErrors } {
  const fields: WizardErrors['fields'] = {};
  const req = (v: string, field: WizardField, what: string) => {
    if (!v.trim()) fields[field] = `${what} is required`;
    return v.trim();
  };
  const int = (v: string, field: WizardField, what: string, min: number, max: number): number => {
    const t = v.trim();
    if (!WHOLE.test(t) || Number(t) < min || Number(t) > max) {
      fields[field] = `${what}: a whole number from ${min} to ${max}`;
      return 0;
    }
    return Number(t);
  };
  if (!f.projectId) fields.project = 'choose a project';
  if (!f.targetId) fields.target = 'choose a Kubernetes target (add one under Targets)';
  const initials = req(f.initials, 'initials', 'initials');
  const target = req(f.benchmark, 'benchmark', 'the target');
  const forceField = req(f.forceField, 'ff', 'the force field');
  const replicas = int(f.replicas, 'replicas', 'replicas', 1, 100);
  const parsed = parseCentres(f.centres);
  if (parsed.error) fields.windows = parsed.error;
  else if (parsed.centres.length > 1000) fields.windows = 'at most 1000 windows';
  const windows: UmbrellaWindow[] = parsed.centres.map((centre, index) => ({ index, centre }));
  const repoUrl = req(f.repoUrl, 'repo', 'the script repository URL');
  const commit = req(f.commit, 'commit', 'the commit');
  const scriptPath = req(f.scriptPath, 'script', 'the script path');
  const requiredFiles = f.requiredFiles
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const image = req(f.image, 'image', 'the image');
  const gpu = int(f.gpu, 'gpu', 'GPUs', 0, 16);
  const cpu = req(f.cpu, 'cpu', 'CPU');
  const memory = req(f.memory, 'memory', 'memory');
  const ephemeralStorage = req(f.ephemeralStorage, 'storage', 'ephemeral storage');
  let cuda: CampaignSpec['cuda'] = null;
  if (!f.cudaOff) {
    if (!WHOLE.test(f.cudaMajor.trim()) || !WHOLE.test(f.cudaMinor.trim())) fields.cuda = 'CUDA major and minor are whole numbers, e.g. 12 and 4';
    cuda = { major: f.cudaMajor.trim(), minor: f.cudaMinor.trim() };
  }
  const rcloneConfig = req(f.rcloneSecret, 'rclone-secret', 'the rclone secret');
  const licence = f.licenceSecret.trim() || null;
  const remote = req(f.remote, 'remote', 'the rclone remote');
  const bucket = req(f.bucket, 'bucket', 'the bucket');
  const backoffLimit = int(f.backoffLimit, 'backoff', 'backoff limit', 0, 100);
  let ttl: number | null = null;
  if (f.ttl.trim()) {
    if (!WHOLE.test(f.ttl.trim())) fields.ttl = 'seconds: a whole number, or empty for none';
    else ttl = Number(f.ttl.trim());
  }
  if (Object.keys(fields).length) return { spec: null, errors: { fields, form: null } };
  return {
    spec: {
      projectId: f.projectId,
      targetId: f.targetId,
      initials,
      target,
      forceField,
      replicas,
      windows,
      repoUrl,
      commit,
      scriptPath,
      requiredFiles,
      image,
      resources: { gpu, cpu, memory, ephemeralStorage },
      cuda,
      secrets: { rcloneConfig, licence },
      remote,
      bucket,
      prefix: f.prefix.trim(),
      pipInstall: f.pipInstall.trim(),
      backoffLimit,
      ttlSecondsAfterFinished: ttl,
      ...(f.resultsDir.trim() ? { resultsDir: f.resultsDir.trim() } : {}),
    },
    errors: { fields: {}, form: null },
  };
}

/** "12.4 — 40 nodes, 12 GPUs free" */
export function cudaChoiceLabel(c: { major: string; minor: string; nodes: number; freeGpus: number | null }): string {
  const nodes = `${c.nodes} node${c.nodes === 1 ? '' : 's'}`;
  const free = c.freeGpus === null ? '' : `, ${c.freeGpus} GPU${c.freeGpus === 1 ? '' : 's'} free`;
  return `${c.major}.${c.minor} — ${nodes}${free}`;
}

/** Extra windows typed as "index centre" per line ("31 0.38"); without an index, the next free one. */
export function parseExtraWindows(text: string, existing: readonly number[]): { windows: UmbrellaWindow[]; error: string | null } {
  const used = new Set(existing);
  let next = existing.length ? Math.max(...existing) + 1 : 0;
  const windows: UmbrellaWindow[] = [];
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const line of lines) {
    const parts = line.split(/[\s,;]+/).filter(Boolean);
    let index: number;
    let centre: number;
    if (parts.length === 1) {
      index = next;
      centre = Number(parts[0]);
    } else if (parts.length === 2) {
      index = Number(parts[0]);
      centre = Number(parts[1]);
    } else {
      return { windows: [], error: `“${line}”: write “index centre”, e.g. “31 0.38”` };
    }
    if (!Number.isInteger(index) || index < 0 || index > 999) return { windows: [], error: `“${line}”: the index is a whole number from 0 to 999` };
    if (!Number.isFinite(centre)) return { windows: [], error: `“${line}”: the centre is a number` };
    if (used.has(index)) return { windows: [], error: `window ${pad2(index)} already exists` };
    used.add(index);
    windows.push({ index, centre });
    next = Math.max(next, index + 1);
  }
  return { windows, error: null };
}

// ---- grid ----

export const cellKey = (replica: number, window: number) => `${replica}:${window}`;

export function parseCellKey(key: string): { replica: number; window: number } {
  const [r, w] = key.split(':');
  return { replica: Number(r), window: Number(w) };
}

export interface GridSelection {
  selected: ReadonlySet<string>;
  anchor: string | null;
}

export const NO_GRID_SELECTION: GridSelection = { selected: new Set(), anchor: null };

/**
 * Click on a cell: plain selects it alone, Ctrl/⌘ toggles it, Shift selects the rectangle from the anchor
 * (replicas × windows between them, in display order).
 */
export function clickCell(
  s: GridSelection,
  replicas: readonly number[],
  windows: readonly number[],
  key: string,
  mods: { shift?: boolean; toggle?: boolean } = {},
): GridSelection {
  if (mods.shift && s.anchor) {
    const a = parseCellKey(s.anchor);
    const b = parseCellKey(key);
    const ra = replicas.indexOf(a.replica);
    const rb = replicas.indexOf(b.replica);
    const wa = windows.indexOf(a.window);
    const wb = windows.indexOf(b.window);
    if (ra >= 0 && rb >= 0 && wa >= 0 && wb >= 0) {
      const next = new Set(mods.toggle ? s.selected : []);
      for (let r = Math.min(ra, rb); r <= Math.max(ra, rb); r++) {
        for (let w = Math.min(wa, wb); w <= Math.max(wa, wb); w++) next.add(cellKey(replicas[r]!, windows[w]!));
      }
      return { selected: next, anchor: s.anchor };
    }
  }
  if (mods.toggle) {
    const next = new Set(s.selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    return { selected: next, anchor: key };
  }
  return { selected: new Set([key]), anchor: key };
}

/** Select a whole row or column; with `add`, toggles it into the current selection. */
export function selectLine(s: GridSelection, keys: readonly string[], add: boolean): GridSelection {
  if (!add) return { selected: new Set(keys), anchor: keys[0] ?? null };
  const next = new Set(s.selected);
  const all = keys.every((k) => next.has(k));
  for (const k of keys) {
    if (all) next.delete(k);
    else next.add(k);
  }
  return { selected: next, anchor: s.anchor ?? keys[0] ?? null };
}

/** Selected keys as window refs, sorted by replica then window. */
export function selectedRefs(selected: ReadonlySet<string>): { replica: number; window: number }[] {
  return [...selected].map(parseCellKey).sort((a, b) => a.replica - b.replica || a.window - b.window);
}

export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.round(seconds / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return `${d} d ${h % 24} h`;
}

export const formatPercent = (p: number | null | undefined) => (p === null || p === undefined ? '' : `${Math.floor(p)}`);

// ---- charts ----

export interface SeriesPoint {
  t: number;
  [series: string]: number | null;
}

/**
 * Progress/speed over time. `by: 'replica'` averages the latest value of each window per replica at each sample
 * time (percent: windows without a value count as 0; speed: only windows with a value); `by: 'window'` gives one
 * series per window of `replica`. At most `maxPoints` times are kept (evenly thinned, the last one kept).
 */
export function seriesFromSamples(
  samples: readonly ProgressSample[],
  metric: 'percent' | 'nsPerDay' | 'gpuUtil',
  opts: { by: 'replica' | 'window'; replica?: number; windowsPerReplica: number; maxPoints?: number },
): { points: SeriesPoint[]; series: string[] } {
  const sorted = [...samples].filter((s) => opts.by === 'replica' || s.replica === opts.replica).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const last = new Map<string, number | null>();
  const seriesSet = new Set<string>();
  const points: SeriesPoint[] = [];
  const nameOf = (s: ProgressSample) => (opts.by === 'replica' ? `replica ${s.replica}` : `window ${pad2(s.window)}`);
  const snapshot = (t: number) => {
    const p: SeriesPoint = { t };
    if (opts.by === 'window') {
      for (const [k, v] of last) p[k] = v;
    } else {
      const acc = new Map<string, { sum: number; n: number }>();
      for (const [k, v] of last) {
        const rep = k.split('|')[0]!;
        const a = acc.get(rep) ?? { sum: 0, n: 0 };
        if (v !== null) {
          a.sum += v;
          a.n += 1;
        }
        acc.set(rep, a);
      }
      for (const [rep, a] of acc) {
        if (metric === 'percent') p[rep] = Math.round((a.sum / Math.max(1, opts.windowsPerReplica)) * 10) / 10;
        else p[rep] = a.n ? Math.round((a.sum / a.n) * 10) / 10 : null;
      }
    }
    points.push(p);
  };
  let i = 0;
  while (i < sorted.length) {
    const t = Date.parse(sorted[i]!.at);
    while (i < sorted.length && Date.parse(sorted[i]!.at) === t) {
      const s = sorted[i]!;
      const name = nameOf(s);
      seriesSet.add(name);
      const k = opts.by === 'replica' ? `${name}|${s.window}` : name;
      last.set(k, metric === 'percent' ? s.percent : metric === 'nsPerDay' ? s.nsPerDay : s.gpuUtil);
      i++;
    }
    snapshot(t);
  }
  const max = opts.maxPoints ?? 400;
  let out = points;
  if (points.length > max) {
    const step = points.length / max;
    out = [];
    for (let j = 0; j < max - 1; j++) out.push(points[Math.floor(j * step)]!);
    out.push(points[points.length - 1]!);
  }
  const series = [...seriesSet].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return { points: out, series };
}

/** Distinct, readable line colours for n series (HSL around the wheel). */
export function seriesColour(i: number, n: number): string {
  const hue = Math.round((i * 360) / Math.max(1, n)) % 360;
  return `hsl(${hue} 65% 48%)`;
}

// ---- results bucket, inputs check, results download ----------------------------------------------------------

/** NRP flags pods that use less than this share of their GPUs. */
export const NRP_GPU_MINIMUM = 40;

export const DEFAULT_BUCKET_REMOTE = 'nrp';
export const DEFAULT_RCLONE_CONF = '~/.config/rclone/rclone.conf';
export const DEFAULT_RCLONE_SECRET = 'jm-rclone-config';
export const DEFAULT_RCLONE_SECRET_KEY = 'rclone.conf';

export interface BucketForm {
  remote: string;
  source: 'file' | 'secret';
  path: string;
  secretName: string;
  secretKey: string;
  consent: boolean;
}

export type BucketField = 'remote' | 'path' | 'secretName' | 'secretKey';
export interface BucketErrors {
  fields: Partial<Record<BucketField, string>>;
  form: string | null;
}

export function defaultBucketForm(remote?: string | null): BucketForm {
  return { remote: remote || DEFAULT_BUCKET_REMOTE, source: 'file', path: '', secretName: DEFAULT_RCLONE_SECRET, secretKey: DEFAULT_RCLONE_SECRET_KEY, consent: false };
}

export type BucketImportParams = {
  targetId: string;
  remote: string;
  from: { path?: string } | { secret: { name: string; key?: string } };
  confirm: true;
};

/** Form → umbrella.bucketImport params; the Secret needs the researcher's consent first. */
export function buildBucketImport(targetId: string, f: BucketForm): { params: BucketImportParams | null; errors: BucketErrors } {
  const errors: BucketErrors = { fields: {}, form: null };
  const remote = f.remote.trim();
  if (!remote) errors.fields.remote = 'the rclone remote name, e.g. nrp';
  let from: BucketImportParams['from'];
  if (f.source === 'secret') {
    const name = f.secretName.trim();
    const key = f.secretKey.trim();
    if (!name) errors.fields.secretName = 'the name of the Secret that holds rclone.conf';
    if (!f.consent) errors.form = 'Tick the box to let SimDeck read the Secret.';
    from = { secret: { name, key: key || DEFAULT_RCLONE_SECRET_KEY } };
  } else {
    const path = f.path.trim();
    from = path ? { path } : {};
  }
  if (Object.keys(errors.fields).length || errors.form) return { params: null, errors };
  return { params: { targetId, remote, from, confirm: true }, errors };
}

/** A bucketImport error → the dialog's fields ("No rclone.conf at …" belongs to the path, an unknown remote to its name). */
export function splitBucketErrors(err: Pick<ApiError, 'code' | 'message' | 'details'>, source: 'file' | 'secret'): BucketErrors {
  const out: BucketErrors = { fields: {}, form: null };
  const message = err.message.replace(/^[a-z]+\.[A-Za-z]+:\s+/, '');
  const d = err.details ?? {};
  if (d.field === 'path') out.fields.path = message;
  else if (d.field === 'remote' || 'remote' in d) out.fields.remote = message;
  else if (err.code === 'INVALID_INPUT' && /^remote:\s/.test(message)) out.fields.remote = message.replace(/^remote:\s+/, '');
  else if (err.code === 'INVALID_INPUT' && /^from\.path:\s/.test(message)) out.fields.path = message.replace(/^from\.path:\s+/, '');
  else if (err.code === 'INVALID_INPUT' && /^from\.secret\.name:\s/.test(message)) out.fields.secretName = message.replace(/^from\.secret\.name:\s+/, '');
  else out.form = source === 'secret' && err.code === 'NOT_FOUND' ? `${message} (check the Secret's name and key)` : message;
  return out;
}

export type InputsCheck = { checked: boolean; missing: { replica: number; window: number; paths: string[] }[] };

/** One line about the inputs check of the preview step. */
export function inputsSummary(r: InputsCheck): { state: 'ok' | 'missing' | 'unchecked'; text: string } {
  if (!r.checked) return { state: 'unchecked', text: 'Inputs in the bucket: not checked: no results bucket set up for this cluster' };
  if (!r.missing.length) return { state: 'ok', text: 'Inputs in the bucket: all present' };
  const n = r.missing.length;
  return { state: 'missing', text: `${n} window${n === 1 ? '' : 's'} miss${n === 1 ? 'es' : ''} inputs` };
}

/** One line after umbrella.uploadInputs: "N uploaded, M already there" and up to 5 paths not found locally. */
export function uploadSummary(r: { uploaded: readonly string[]; upToDate: number; missingLocal: readonly string[] }, shown = 5): string {
  let text = `${r.uploaded.length} uploaded, ${r.upToDate} already there`;
  if (r.missingLocal.length) {
    const more = r.missingLocal.length - shown;
    text += `; not found locally: ${r.missingLocal.slice(0, shown).join(', ')}${more > 0 ? ` … and ${more} more` : ''}`;
  }
  return text;
}

/** A bucket key shown relative to the listed prefix (the prefix itself and a leading "/" dropped). */
export function relativeKey(prefix: string, key: string): string {
  const p = prefix.replace(/\/+$/, '');
  if (p && key.startsWith(`${p}/`)) return key.slice(p.length + 1);
  if (p && key === p) return '';
  return key.replace(/^\/+/, '');
}

/** 0…1 of a results download (bytes, else files), or null while the totals are not known yet. */
export function downloadFraction(d: { filesDone: number; filesTotal: number; bytesDone: number; bytesTotal: number }): number | null {
  if (d.bytesTotal > 0) return Math.min(1, d.bytesDone / d.bytesTotal);
  if (d.filesTotal > 0) return Math.min(1, d.filesDone / d.filesTotal);
  return null;
}
