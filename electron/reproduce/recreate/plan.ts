// What recreating a record's environment will do, before anything is done: exactly the files the official
// dump_env_file.py writes and exactly the commands recreate_env.py runs (RosettaCommons/pyrosetta-extras), with
// SimDeck's two historical additions (legacy conda YAML missing the RosettaCommons channel; PR #536-era pixi records
// holding conda YAML). Plans refuse early and clearly: unknown or missing manager, non-empty folder, empty record.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../../shared/errors.js';
import type { EnvironmentManager, InstalledManager, RecordView, RecreatePlan } from '../../../shared/reproduce.js';
import { commandLine } from '../../core/shell-quote.js';
import {
  addRosettaCommonsChannel,
  condaChannelStripped,
  environmentSources,
  usesPyrosettaInstaller,
} from '../record/environment.js';
import { installHint, parseVersion } from './managers.js';
import type { StartRunOptions } from './run.js';

export const ENVIRONMENT_METADATA_FILE = 'environment_metadata.json';

/** How the environment is recreated; decided by the manager used and what the environment text is. */
export type RecreateMode = 'pixi-lock' | 'pixi-import' | 'uv-lock' | 'uv-requirements' | 'conda-yaml';

export interface RecreateFile {
  name: string;
  content: string;
}

// --- paths -------------------------------------------------------------------------------------------------------

/**
 * A folder `name` inside `parent`, for names that come from the researcher or the record. Refuses anything that
 * could land elsewhere: empty, NUL, absolute (POSIX or Windows), `.`/`..` segments.
 */
export function childDir(parent: string, name: string): string {
  if (typeof name !== 'string' || name.trim() === '') throw new ApiError('INVALID_INPUT', 'The folder name is empty: choose a name for the new environment folder.');
  if (name.includes('\0') || parent.includes('\0')) throw new ApiError('INVALID_INPUT', 'The folder name contains a NUL character: choose another name.');
  if (path.posix.isAbsolute(name) || path.win32.isAbsolute(name) || /^[A-Za-z]:/.test(name)) {
    throw new ApiError('INVALID_INPUT', `The folder name "${name}" is an absolute path: give a name for a folder inside ${parent}.`);
  }
  const segments = name.split(/[\\/]+/).filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) {
    throw new ApiError('INVALID_INPUT', `The folder name "${name}" contains "." or "..": give a name for a folder inside ${parent}.`);
  }
  const base = path.resolve(parent);
  const dir = path.resolve(base, ...segments);
  const rel = path.relative(base, dir);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new ApiError('INVALID_INPUT', `The folder name "${name}" would not be inside ${parent}.`);
  }
  return dir;
}

/** The official helper's default folder name: `PyRosettaCluster_<%Y.%m.%d.%H.%M.%S.%f>` (local time). */
export function defaultEnvDirName(now: Date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `PyRosettaCluster_${now.getFullYear()}.${p(now.getMonth() + 1)}.${p(now.getDate())}.${p(now.getHours())}.${p(now.getMinutes())}.${p(now.getSeconds())}.${p(now.getMilliseconds() * 1000, 6)}`;
}

// --- files -------------------------------------------------------------------------------------------------------

/** Python's `json.dumps(obj, indent=2, sort_keys=True)` (ensure_ascii) for a flat object of strings/null. */
export function pythonJsonDumps(obj: Record<string, string | null>): string {
  const keys = Object.keys(obj).sort();
  const ascii = (s: string) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `  ${ascii(k)}: ${obj[k] === null ? 'null' : ascii(obj[k] as string)}`).join(',\n')}\n}`;
}

const TOML_NAMES = ['pixi.toml', 'pyproject.toml'];

function modeFor(view: RecordView, manager: EnvironmentManager): RecreateMode {
  if (manager === 'pixi') return view.environmentKind === 'conda-yaml' ? 'pixi-import' : 'pixi-lock';
  if (manager === 'uv') return /^\[\[package\]\]/m.test(view.environment) ? 'uv-lock' : 'uv-requirements';
  return 'conda-yaml';
}

function tomlFile(view: RecordView, manager: EnvironmentManager): RecreateFile | null {
  if (!view.toml) return null;
  const name = view.toml.format;
  const allowed = manager === 'uv' ? ['pyproject.toml'] : TOML_NAMES;
  if (!allowed.includes(name)) {
    throw new ApiError(
      'INVALID_INPUT',
      `The record names its ${manager} manifest "${name.slice(0, 80)}", but only ${allowed.join(' or ')} can be written. The record may be damaged; ask the author for the manifest.`,
    );
  }
  return { name, content: view.toml.text };
}

/**
 * The files written into the environment folder, as dump_env_file.py writes them: pixi → pixi.lock + manifest;
 * uv → uv.lock (or requirements.txt for older records) + pyproject.toml; conda/mamba/legacy → environment.yml;
 * environment_metadata.json when the record names its manager.
 */
export function recreateFiles(view: RecordView, manager: EnvironmentManager): { mode: RecreateMode; files: RecreateFile[] } {
  const mode = modeFor(view, manager);
  const files: RecreateFile[] = [];
  switch (mode) {
    case 'pixi-lock': {
      files.push({ name: 'pixi.lock', content: view.environment });
      const t = tomlFile(view, manager);
      if (t) files.push(t);
      break;
    }
    case 'uv-lock':
    case 'uv-requirements': {
      files.push({ name: mode === 'uv-lock' ? 'uv.lock' : 'requirements.txt', content: view.environment });
      const t = tomlFile(view, manager);
      if (t) files.push(t);
      break;
    }
    case 'pixi-import':
    case 'conda-yaml': {
      const stripped = view.environmentKind === 'conda-yaml' && condaChannelStripped(view.environment);
      files.push({ name: 'environment.yml', content: stripped ? addRosettaCommonsChannel(view.environment) : view.environment });
      break;
    }
  }
  if (view.managerRecorded) {
    files.push({
      name: ENVIRONMENT_METADATA_FILE,
      content: pythonJsonDumps({ environment_manager: view.manager, environment_manager_version: view.managerVersion }),
    });
  }
  return { mode, files };
}

// --- plan --------------------------------------------------------------------------------------------------------

export interface PlanOptions {
  /** Where mamba's backup folder goes (recreate_env.py: the system temp dir). */
  tmpDir?: string;
}

function compatible(view: RecordView, manager: EnvironmentManager): string | null {
  const kind = view.environmentKind;
  const what =
    kind === 'pixi-lock' ? 'a pixi.lock' : kind === 'uv-lock' ? 'a uv.lock' : kind === 'uv-requirements' ? 'a uv requirements export' : 'conda YAML';
  if (kind === 'pixi-lock' && manager !== 'pixi') return `The record holds ${what}, which only pixi can install.`;
  if ((kind === 'uv-lock' || kind === 'uv-requirements') && manager !== 'uv') return `The record holds ${what}, which only uv can install.`;
  if (kind === 'conda-yaml' && manager === 'uv') return 'The record holds conda YAML, which uv cannot install: use conda, mamba or pixi.';
  if (kind === 'unknown' && manager !== view.manager && !(isConda(manager) && isConda(view.manager))) {
    return `SimDeck does not recognise the record's environment text, so it can only be recreated with the recorded manager (${view.manager}).`;
  }
  return null;
}

function isConda(m: EnvironmentManager): boolean {
  return m === 'conda' || m === 'mamba';
}

/**
 * Plans the recreation of `view`'s environment in `dir` (absolute; created by writeRecreateFiles). `chosen` overrides
 * the recorded manager where that makes sense (conda ↔ mamba, conda YAML → pixi). Throws ApiError with a message
 * that says what to do when the environment is empty, the manager is not installed or does not fit the record, or
 * `dir` holds other files.
 */
export function planRecreate(
  view: RecordView,
  dir: string,
  managers: InstalledManager[],
  chosen?: EnvironmentManager,
  options: PlanOptions = {},
): RecreatePlan {
  if (typeof dir !== 'string' || dir.includes('\0')) throw new ApiError('INVALID_INPUT', 'The environment folder path contains a NUL character.');
  if (!path.isAbsolute(dir)) throw new ApiError('INVALID_INPUT', `The environment folder must be an absolute path (got "${dir}").`);
  dir = path.resolve(dir);
  if (view.environmentKind === 'empty') {
    throw new ApiError(
      'INVALID_INPUT',
      'This record holds no environment, so it cannot be recreated. Ask the author for the environment file, or build an environment by hand with the recorded PyRosetta build and reproduce with instance_kwargs={"environment": ""}.',
    );
  }
  const manager = chosen ?? view.manager;
  const warnings: string[] = [];
  const misfit = compatible(view, manager);
  if (misfit) throw new ApiError('INVALID_INPUT', misfit);
  if (manager !== view.manager) {
    warnings.push(
      view.managerRecorded
        ? `The record was made with ${view.manager}; recreating with ${manager} instead. PyRosettaCluster compares the environment export byte for byte, so reproduce() will probably need instance_kwargs={"environment": ""}.`
        : `The record does not name its manager (treated as conda); recreating with ${manager}.`,
    );
  }

  const installed = managers.find((m) => m.name === manager && m.path);
  if (!installed) {
    throw new ApiError('UNAVAILABLE', `${manager} is needed to recreate this environment but was not found on your PATH. ${installHint(manager)}`);
  }

  const { mode, files } = recreateFiles(view, manager);
  if (mode === 'pixi-lock' && !files.some((f) => TOML_NAMES.includes(f.name))) {
    throw new ApiError(
      'INVALID_INPUT',
      'The record has a pixi.lock but no pixi manifest (metadata.toml), and pixi cannot install a lock file without one. Ask the author for the project\'s pixi.toml (or pyproject.toml).',
    );
  }
  if ((mode === 'uv-lock' || mode === 'uv-requirements') && !files.some((f) => f.name === 'pyproject.toml')) {
    warnings.push('The record has no pyproject.toml (metadata.toml), which uv needs next to the lock file: uv will probably fail. Ask the author for the project\'s pyproject.toml.');
  }

  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new ApiError('CONFLICT', `${dir} exists and is not a folder: choose a new folder for the environment.`);
    const ours = new Set(files.map((f) => f.name));
    const others = readdirSync(dir).filter((e) => !ours.has(e));
    if (others.length > 0) {
      const list = others.slice(0, 5).join(', ') + (others.length > 5 ? ', …' : '');
      throw new ApiError('CONFLICT', `${dir} is not empty (it holds ${list}): choose a new, empty folder for the environment.`);
    }
  }

  const yml = path.join(dir, 'environment.yml');
  let argv: string[][];
  switch (mode) {
    case 'pixi-lock':
      argv = [['pixi', 'install', '--frozen']];
      break;
    case 'pixi-import':
      argv = [
        ['pixi', 'init', '--import', 'environment.yml', dir],
        ['pixi', 'install', '--manifest-path', dir],
      ];
      warnings.push(
        'This pixi record holds conda YAML (PyRosettaCluster of October 2025): SimDeck imports it with "pixi init --import" and installs it, as PyRosettaCluster did then. The result pins less than a lock file would.',
      );
      break;
    case 'uv-lock':
      argv = [['uv', 'sync', '--frozen', '--project', dir]];
      break;
    case 'uv-requirements':
      argv = [
        ['uv', 'venv', '--project', dir],
        ['uv', 'pip', 'sync', '--project', dir, path.join(dir, 'requirements.txt')],
        ['uv', 'lock'],
      ];
      break;
    case 'conda-yaml':
      if (manager === 'mamba') {
        const backup = path.join(options.tmpDir ?? os.tmpdir(), `env_backup_${randomBytes(8).toString('hex')}`);
        argv = [['mamba', 'env', 'create', '-f', path.join(backup, 'environment.yml'), '-p', dir]];
      } else {
        argv = [[manager, 'env', 'create', '-f', yml, '-p', dir]];
      }
      break;
  }
  if (view.environmentKind === 'conda-yaml' && condaChannelStripped(view.environment)) {
    warnings.push(
      'The recorded conda YAML lost its RosettaCommons channel (older PyRosettaCluster removed it); SimDeck adds https://conda.rosettacommons.org as the first channel. reproduce() will then need instance_kwargs={"environment": ""}, because the new export will not match the record exactly.',
    );
  }
  if (view.environmentKind === 'unknown') {
    warnings.push(`SimDeck does not recognise the environment text as a ${manager} environment; it is written as the official helper would, but ${manager} may reject it.`);
  }
  if (manager === 'uv' && usesPyrosettaInstaller(view.environment)) {
    warnings.push(
      `This environment installs PyRosetta with pyrosetta-installer. After recreating, run ${commandLine(['uv', 'run', '--project', dir, 'python', '-c', 'import pyrosetta_installer; pyrosetta_installer.install_pyrosetta(serialization=True, skip_if_installed=False)'])}: it installs the latest PyRosetta, not necessarily the recorded one.`,
    );
  }

  const recorded = manager === view.manager && view.managerVersion ? (parseVersion(view.managerVersion) ?? view.managerVersion) : null;
  const installedVersion = installed.version;
  const differs = recorded !== null && installedVersion !== null && recorded !== installedVersion;
  if (differs) {
    warnings.push(
      `The record was made with ${manager} ${recorded}; you have ${manager} ${installedVersion}. Lock and export formats change between versions, so PyRosettaCluster's exact environment check in reproduce() may fail. Install ${manager} ${recorded} to be safe, or reproduce with instance_kwargs={"environment": ""}.`,
    );
  } else if (recorded !== null && installedVersion === null) {
    warnings.push(`SimDeck could not read the installed ${manager} version to compare it with the recorded ${recorded}.`);
  } else if (recorded === null && manager === view.manager && view.managerRecorded && (manager === 'pixi' || manager === 'uv')) {
    warnings.push(
      `The record does not say which ${manager} version made it; if the environment check in reproduce() fails, a different ${manager} version may have formatted the lock file differently.`,
    );
  }

  const written = files.find((f) => f.name === 'environment.yml' || f.name === 'pixi.lock' || f.name === 'uv.lock' || f.name === 'requirements.txt');
  const sources = environmentSources(written?.content ?? view.environment, view.environmentKind);
  return {
    manager,
    dir,
    files: files.map((f) => ({ name: f.name, bytes: Buffer.byteLength(f.content, 'utf8') })),
    command: argv.map((a) => commandLine(a)).join(' && '),
    argv,
    channels: sources.channels,
    indexes: sources.indexes,
    packageCount: sources.packageCount,
    unusualSources: sources.unusual.map((u) => `${u.source} — ${u.reason}`),
    managerVersion: { recorded, installed: installedVersion, differs },
    warnings,
  };
}

/** mamba's backup folder, as planned (the folder of the `-f` file), or null for other plans. */
export function mambaBackupDir(plan: RecreatePlan): string | null {
  if (plan.manager !== 'mamba') return null;
  const step = plan.argv[0] ?? [];
  const f = step.indexOf('-f');
  const file = f >= 0 ? step[f + 1] : undefined;
  return file ? path.dirname(file) : null;
}

/** The options for startRun that carry out `plan` (mamba: files moved aside around the command). */
export function runOptionsForPlan(plan: RecreatePlan, opts: { env: NodeJS.ProcessEnv; logFile: string }): StartRunOptions {
  const backupDir = mambaBackupDir(plan);
  return {
    kind: 'recreate',
    argvList: plan.argv,
    cwd: plan.dir,
    env: opts.env,
    logFile: opts.logFile,
    ...(backupDir ? { moveAside: { dir: plan.dir, backupDir } } : {}),
  };
}

/**
 * Creates the plan's folder (0755) and writes its files exclusively: never overwrites. A file already there with
 * the same content (an earlier attempt) is kept; any other is refused. Returns the paths written or kept.
 */
export async function writeRecreateFiles(plan: RecreatePlan, view: RecordView): Promise<string[]> {
  const { files } = recreateFiles(view, plan.manager);
  const same =
    files.length === plan.files.length &&
    files.every((f, i) => f.name === plan.files[i]?.name && Buffer.byteLength(f.content, 'utf8') === plan.files[i]?.bytes);
  if (!same) throw new ApiError('CONFLICT', 'The record no longer matches the plan: plan the recreation again.');
  await mkdir(plan.dir, { recursive: true, mode: 0o755 });
  const out: string[] = [];
  for (const f of files) {
    const file = path.join(plan.dir, f.name);
    try {
      const h = await open(file, 'wx', 0o644);
      try {
        await h.writeFile(f.content, 'utf8');
      } finally {
        await h.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const existing = await readFile(file, 'utf8').catch(() => null);
      if (existing !== f.content) {
        throw new ApiError('CONFLICT', `${file} already exists with other content; SimDeck never overwrites files. Choose a new folder.`);
      }
    }
    out.push(file);
  }
  return out;
}
