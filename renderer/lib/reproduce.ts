// Pure helpers of the Reproduce area: how a PyRosettaCluster record is shown (seeds paired with protocols,
// durations, environment kinds) and what SimDeck suggests (folders, the official helper's command line).
import type { EnvironmentKind, EnvironmentManager } from '../../shared/reproduce.js';

// ---------- protocols, seeds, decoy ids ----------

export interface ProtocolRow {
  /** 0-based position in the protocol chain. */
  index: number;
  protocol: string | null;
  seed: string | null;
  decoyId: number | null;
}

/**
 * One row per protocol with its seed and the index of the decoy kept from it (PyRosettaCluster stores three
 * parallel lists). `consistent` is false when the lists differ in length, which a healthy record never does.
 */
export function pairProtocols(
  protocols: readonly string[],
  seeds: readonly string[],
  decoyIds: readonly number[],
): { rows: ProtocolRow[]; consistent: boolean } {
  const n = Math.max(protocols.length, seeds.length, decoyIds.length);
  const rows: ProtocolRow[] = [];
  for (let i = 0; i < n; i++) {
    rows.push({ index: i, protocol: protocols[i] ?? null, seed: seeds[i] ?? null, decoyId: decoyIds[i] ?? null });
  }
  return { rows, consistent: protocols.length === seeds.length && seeds.length === decoyIds.length };
}

// ---------- durations and times ----------

/** "250 ms", "7.1 s", "42 s", "2 min 5 s", "1 h 2 min 5 s", "2 d 3 h 4 min"; "—" for missing or negative values. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 1 && !Number.isInteger(seconds)) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) {
    if (Number.isInteger(seconds)) return `${seconds} s`;
    const r = Math.round(seconds * 10) / 10;
    return r >= 60 ? '1 min 0 s' : `${r.toFixed(1)} s`;
  }
  const total = Math.round(seconds);
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d} d ${h} h ${m} min`;
  if (h > 0) return `${h} h ${m} min ${s} s`;
  return `${m} min ${s} s`;
}

/** PyRosettaCluster's "%Y-%m-%d %H:%M:%S.%f" (no zone; read as UTC, only differences matter) → ms, or null. */
export function parsePrcDatetime(text: string | null | undefined): number | null {
  if (!text) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac ? Number(frac.padEnd(6, '0')) / 1000 : 0;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) + ms;
  return Number.isNaN(t) ? null : t;
}

/** How long the simulation of a decoy took: metadata.total_seconds (a string), else end − start, else null. */
export function recordSeconds(v: { totalSeconds: string | null; datetimeStart: string | null; datetimeEnd: string | null }): number | null {
  if (v.totalSeconds !== null && v.totalSeconds.trim() !== '') {
    const n = Number(v.totalSeconds);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const a = parsePrcDatetime(v.datetimeStart);
  const b = parsePrcDatetime(v.datetimeEnd);
  if (a === null || b === null || b < a) return null;
  return (b - a) / 1000;
}

/** Seconds between two ISO times (the end defaults to now), never negative. */
export function elapsedSeconds(startIso: string, endIso: string | null, now: number = Date.now()): number {
  const a = new Date(startIso).getTime();
  const b = endIso ? new Date(endIso).getTime() : now;
  if (Number.isNaN(a) || Number.isNaN(b)) return 0;
  return Math.max(0, Math.floor((b - a) / 1000));
}

// ---------- environment ----------

const KIND_LABELS: Record<EnvironmentKind, string> = {
  'conda-yaml': 'conda YAML',
  'pixi-lock': 'pixi.lock',
  'uv-lock': 'uv.lock',
  'uv-requirements': 'uv requirements (legacy)',
  empty: 'empty (no environment recorded)',
  unknown: 'unrecognised text',
};

/** What the record's environment string really is, in words. */
export function envKindLabel(kind: EnvironmentKind): string {
  return KIND_LABELS[kind] ?? kind;
}

/** How to install a manager that is missing (same advice as the core gives). */
export function installHint(manager: EnvironmentManager): string {
  switch (manager) {
    case 'conda':
    case 'mamba':
      return `Install Miniforge (https://conda-forge.org/download/), which provides ${manager}, and make sure ${manager} is on your PATH.`;
    case 'pixi':
      return 'Install pixi (https://pixi.sh) and make sure pixi is on your PATH.';
    case 'uv':
      return 'Install uv (https://docs.astral.sh/uv/getting-started/installation/) and make sure uv is on your PATH.';
  }
}

// ---------- paths and suggested folders ----------

/** The separator a path uses (Windows paths use "\"). */
function separatorOf(p: string): '/' | '\\' {
  return p.includes('\\') && !p.includes('/') ? '\\' : '/';
}

/** The folder part of a path ("/a/b/c.pdb" → "/a/b", "C:\\x\\y.pdb" → "C:\\x", "/c.pdb" → "/"), or null. */
export function parentDir(p: string): string | null {
  const trimmed = p.replace(/[\\/]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  if (i < 0) return null;
  if (i === 0) return trimmed[0]!;
  const parent = trimmed.slice(0, i);
  return /^[A-Za-z]:$/.test(parent) ? `${parent}\\` : parent;
}

/** The last part of a path. */
export function baseName(p: string): string {
  const trimmed = p.replace(/[\\/]+$/, '');
  return trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1) || p;
}

export function joinPath(dir: string, name: string): string {
  const sep = separatorOf(dir);
  return dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${name}` : `${dir}${sep}${name}`;
}

/** A decoy name made safe as one folder name (PyRosettaCluster names are already safe; this guards odd ones). */
export function folderName(decoyName: string): string {
  const clean = decoyName
    .trim()
    .replace(/[^\p{L}\p{N}_.-]+/gu, '_')
    .replace(/\.{2,}/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 120);
  return clean || 'decoy';
}

/**
 * Where to recreate a record's environment: next to the file when its path on the core's machine is known
 * (`<parent>/<decoy>-env`); else, for uploads, under the workspace (`<workspace>/reproduce/<decoy>-env`), which is
 * an absolute path on that machine; `~/simdeck-envs/<decoy>` only when neither is known.
 */
export function suggestEnvDir(localPath: string | null, decoyName: string, workspaceDir: string | null = null): string {
  const name = folderName(decoyName);
  const parent = localPath ? parentDir(localPath) : null;
  if (parent) return joinPath(parent, `${name}-env`);
  if (workspaceDir) return joinPath(joinPath(workspaceDir, 'reproduce'), `${name}-env`);
  return `~/simdeck-envs/${name}`;
}

/** Where to check out the code and run the reproduction: `<parent>/<decoy>-reproduce`, `<workspace>/reproduce/<decoy>-reproduce`, or `~/simdeck-reproduce/<decoy>`. */
export function suggestWorkDir(localPath: string | null, decoyName: string, workspaceDir: string | null = null): string {
  const name = folderName(decoyName);
  const parent = localPath ? parentDir(localPath) : null;
  if (parent) return joinPath(parent, `${name}-reproduce`);
  if (workspaceDir) return joinPath(joinPath(workspaceDir, 'reproduce'), `${name}-reproduce`);
  return `~/simdeck-reproduce/${name}`;
}

// ---------- the official helper (dump_env_file.py) ----------

/** A POSIX double-quoted word: "…" with \ " $ ` escaped. */
export function dq(s: string): string {
  return `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
}

/**
 * The command line of RosettaCommons/pyrosetta-extras' dump_env_file.py for one file:
 * `"<python>" dump_env_file.py --input_file "<file>" --env_dir "<dir>"`. The script path is quoted only when needed.
 */
export function helperCommand(opts: { python: string; script: string; file: string; envDir: string }): string {
  const python = opts.python.trim() || 'python';
  const script = opts.script.trim() || 'dump_env_file.py';
  const scriptWord = /^[\w./-]+$/.test(script) ? script : dq(script);
  return `${dq(python)} ${scriptWord} --input_file ${dq(opts.file)} --env_dir ${dq(opts.envDir)}`;
}

// ---------- values in tables ----------

/** A record value for a table cell: strings as they are, numbers in full, everything else as JSON. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null) return 'null';
  if (v === undefined) return '—';
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** Entries of a record-ish value, sorted by key; a non-object gives one row with an empty key. */
export function entriesOf(v: unknown): Array<[string, unknown]> {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    return Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  }
  return v === undefined || v === null ? [] : [['', v]];
}

/** Decoy names matching `query` (case-insensitive substring), at most `limit` of them, and how many matched. */
export function filterDecoys(decoys: readonly string[], query: string, limit = 500): { shown: string[]; matched: number } {
  const q = query.trim().toLowerCase();
  const matches = q ? decoys.filter((d) => d.toLowerCase().includes(q)) : decoys;
  return { shown: matches.slice(0, limit), matched: matches.length };
}

/** "1.2 kB", "3.4 MB"; bytes below 1 kB as "512 B". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** Difference of a compared score for display: "+0.0012", "−3", "—" when not numeric, "0" when equal. */
export function formatDelta(delta: number | null): string {
  if (delta === null || !Number.isFinite(delta)) return '—';
  if (delta === 0) return '0';
  const abs = Math.abs(delta);
  const text = abs !== 0 && (abs < 1e-4 || abs >= 1e6) ? abs.toExponential(3) : String(Number(abs.toPrecision(6)));
  return `${delta > 0 ? '+' : '−'}${text}`;
}
