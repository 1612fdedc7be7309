import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EnvironmentManager, InstalledManager } from '../../../shared/reproduce.js';
import { RecreatePlan } from '../../../shared/reproduce.js';
import { toRecordView } from '../record/record.js';
import {
  CONDA_YML,
  LEGACY_CONDA_YML,
  LEGACY_CONDA_YML_WITH_CHANNEL,
  makeRecord,
  PIXI_LOCK,
  PIXI_TOML,
  PYPROJECT,
  UV_LOCK,
  UV_REQUIREMENTS,
} from '../record/test-records.js';
import type { RecordSpec } from '../record/test-records.js';
import { childDir, defaultEnvDirName, mambaBackupDir, planRecreate, pythonJsonDumps, runOptionsForPlan, writeRecreateFiles } from './plan.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'simdeck-plan-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(root, `env${++n}`);

const ALL: InstalledManager[] = [
  { name: 'conda', path: '/opt/conda/bin/conda', version: '24.9.2' },
  { name: 'mamba', path: '/opt/conda/bin/mamba', version: '2.0.5' },
  { name: 'pixi', path: '/usr/local/bin/pixi', version: '0.50.0' },
  { name: 'uv', path: '/usr/local/bin/uv', version: '0.5.0' },
];
const view = (spec: RecordSpec) => toRecordView(makeRecord(spec));
const meta = (m: string, v: string | null) => `{\n  "environment_manager": "${m}",\n  "environment_manager_version": ${v === null ? 'null' : `"${v}"`}\n}`;

describe('planRecreate: files and commands as the official helpers', () => {
  it('conda', async () => {
    const dir = freshDir();
    const v = view({ managerVersion: '24.9.2' });
    const plan = planRecreate(v, dir, ALL);
    expect(RecreatePlan.parse(plan)).toEqual(plan);
    expect(plan.files).toEqual([
      { name: 'environment.yml', bytes: Buffer.byteLength(CONDA_YML) },
      { name: 'environment_metadata.json', bytes: meta('conda', '24.9.2').length },
    ]);
    expect(plan.argv).toEqual([['conda', 'env', 'create', '-f', `${dir}/environment.yml`, '-p', dir]]);
    expect(plan.command).toBe(`conda env create -f ${dir}/environment.yml -p ${dir}`);
    expect(plan.channels).toEqual(['https://conda.rosettacommons.org', 'conda-forge']);
    expect(plan.packageCount).toBe(4);
    expect(plan.unusualSources).toEqual([]);
    expect(plan.managerVersion).toEqual({ recorded: '24.9.2', installed: '24.9.2', differs: false });
    expect(plan.warnings).toEqual([]);
    const written = await writeRecreateFiles(plan, v);
    expect(written).toEqual([path.join(dir, 'environment.yml'), path.join(dir, 'environment_metadata.json')]);
    expect(readFileSync(path.join(dir, 'environment.yml'), 'utf8')).toBe(CONDA_YML);
    expect(readFileSync(path.join(dir, 'environment_metadata.json'), 'utf8')).toBe(meta('conda', '24.9.2'));
    expect(statSync(dir).mode & 0o777).toBe(0o755);
    const opts = runOptionsForPlan(plan, { env: {}, logFile: '/x.log' });
    expect(opts).toEqual({ kind: 'recreate', argvList: plan.argv, cwd: dir, env: {}, logFile: '/x.log' });
  });

  it('legacy conda (no manager, channel stripped): channel added first, no metadata file, warning', () => {
    const dir = freshDir();
    const plan = planRecreate(view({ manager: null, environment: LEGACY_CONDA_YML }), dir, ALL);
    expect(plan.manager).toBe('conda');
    expect(plan.files).toEqual([{ name: 'environment.yml', bytes: Buffer.byteLength(LEGACY_CONDA_YML_WITH_CHANNEL) }]);
    expect(plan.channels).toEqual(['https://conda.rosettacommons.org', 'conda-forge']);
    expect(plan.warnings.join('\n')).toContain('adds https://conda.rosettacommons.org');
    expect(plan.warnings.join('\n')).toContain('"environment": ""');
    expect(plan.managerVersion).toEqual({ recorded: null, installed: '24.9.2', differs: false });
  });

  it('legacy conda recreated with mamba: files moved aside, -f in the backup folder', async () => {
    const dir = freshDir();
    const v = view({ manager: null, environment: LEGACY_CONDA_YML });
    const plan = planRecreate(v, dir, ALL, 'mamba', { tmpDir: '/var/tmp' });
    const backup = mambaBackupDir(plan);
    expect(backup).toMatch(/^\/var\/tmp\/env_backup_[0-9a-f]{16}$/);
    expect(plan.argv).toEqual([['mamba', 'env', 'create', '-f', `${backup}/environment.yml`, '-p', dir]]);
    expect(plan.warnings[0]).toContain('treated as conda');
    expect(runOptionsForPlan(plan, { env: {}, logFile: '/l' }).moveAside).toEqual({ dir, backupDir: backup });
    await writeRecreateFiles(plan, v);
    expect(readFileSync(path.join(dir, 'environment.yml'), 'utf8')).toBe(LEGACY_CONDA_YML_WITH_CHANNEL);
  });

  it('pixi: pixi.lock + pixi.toml, pixi install --frozen', async () => {
    const dir = freshDir();
    const v = view({ manager: 'pixi', environment: PIXI_LOCK, toml: PIXI_TOML, tomlFormat: 'pixi.toml', managerVersion: '0.50.0' });
    const plan = planRecreate(v, dir, ALL);
    expect(plan.files.map((f) => f.name)).toEqual(['pixi.lock', 'pixi.toml', 'environment_metadata.json']);
    expect(plan.argv).toEqual([['pixi', 'install', '--frozen']]);
    expect(plan.command).toBe('pixi install --frozen');
    expect(plan.dir).toBe(dir);
    expect(plan.packageCount).toBe(3);
    await writeRecreateFiles(plan, v);
    expect(readFileSync(path.join(dir, 'pixi.lock'), 'utf8')).toBe(PIXI_LOCK);
    expect(readFileSync(path.join(dir, 'pixi.toml'), 'utf8')).toBe(PIXI_TOML);
    expect(readFileSync(path.join(dir, 'environment_metadata.json'), 'utf8')).toBe(meta('pixi', '0.50.0'));
  });

  it('pixi with a pyproject.toml manifest', () => {
    const plan = planRecreate(view({ manager: 'pixi', environment: PIXI_LOCK, toml: PIXI_TOML, tomlFormat: 'pyproject.toml' }), freshDir(), ALL);
    expect(plan.files.map((f) => f.name)).toEqual(['pixi.lock', 'pyproject.toml', 'environment_metadata.json']);
    expect(plan.warnings.join('\n')).toContain('does not say which pixi version');
  });

  it('pixi record holding conda YAML: pixi init --import, then install', () => {
    const dir = freshDir();
    const plan = planRecreate(view({ manager: 'pixi', environment: CONDA_YML }), dir, ALL);
    expect(plan.files.map((f) => f.name)).toEqual(['environment.yml', 'environment_metadata.json']);
    expect(plan.argv).toEqual([
      ['pixi', 'init', '--import', 'environment.yml', dir],
      ['pixi', 'install', '--manifest-path', dir],
    ]);
    expect(plan.command).toBe(`pixi init --import environment.yml ${dir} && pixi install --manifest-path ${dir}`);
    expect(plan.warnings.join('\n')).toContain('pixi init --import');
  });

  it('uv lock: uv.lock + pyproject.toml, uv sync --frozen --project', () => {
    const dir = freshDir();
    const plan = planRecreate(view({ manager: 'uv', environment: UV_LOCK, toml: PYPROJECT, tomlFormat: 'pyproject.toml', managerVersion: '0.5.0' }), dir, ALL);
    expect(plan.files).toEqual([
      { name: 'uv.lock', bytes: Buffer.byteLength(UV_LOCK) },
      { name: 'pyproject.toml', bytes: Buffer.byteLength(PYPROJECT) },
      { name: 'environment_metadata.json', bytes: meta('uv', '0.5.0').length },
    ]);
    expect(plan.argv).toEqual([['uv', 'sync', '--frozen', '--project', dir]]);
    expect(plan.indexes).toEqual(['https://pypi.org/simple', 'https://west.rosettacommons.org/pyrosetta/quarterly/release.cxx11thread.serialization']);
    expect(plan.warnings).toEqual([]);
  });

  it('uv legacy requirements: venv, pip sync, lock; installer warning', () => {
    const dir = freshDir();
    const plan = planRecreate(view({ manager: 'uv', environment: UV_REQUIREMENTS, toml: PYPROJECT }), dir, ALL);
    expect(plan.files.map((f) => f.name)).toEqual(['requirements.txt', 'pyproject.toml', 'environment_metadata.json']);
    expect(plan.argv).toEqual([
      ['uv', 'venv', '--project', dir],
      ['uv', 'pip', 'sync', '--project', dir, `${dir}/requirements.txt`],
      ['uv', 'lock'],
    ]);
    expect(plan.command).toBe(`uv venv --project ${dir} && uv pip sync --project ${dir} ${dir}/requirements.txt && uv lock`);
    expect(plan.warnings.join('\n')).toContain('pyrosetta-installer');
  });

  it('quotes the displayed command, keeps argv raw', () => {
    const dir = path.join(root, "it's a dir $(x)");
    const plan = planRecreate(view({}), dir, ALL);
    expect(plan.argv[0]).toEqual(['conda', 'env', 'create', '-f', `${dir}/environment.yml`, '-p', dir]);
    expect(plan.command).toBe(`conda env create -f '${root}/it'\\''s a dir $(x)/environment.yml' -p '${root}/it'\\''s a dir $(x)'`);
  });

  it('warns when the installed manager version differs from the recorded one', () => {
    const managers = ALL.map((m) => (m.name === 'pixi' ? { ...m, version: '0.49.0' } : m));
    const plan = planRecreate(view({ manager: 'pixi', environment: PIXI_LOCK, toml: PIXI_TOML, managerVersion: 'v0.50.0' }), freshDir(), managers);
    expect(plan.managerVersion).toEqual({ recorded: '0.50.0', installed: '0.49.0', differs: true });
    expect(plan.warnings.join('\n')).toMatch(/made with pixi 0\.50\.0; you have pixi 0\.49\.0/);
  });

  it('flags unusual sources with reasons', () => {
    const plan = planRecreate(view({ environment: 'channels:\n  - defaults\n  - conda-forge\ndependencies:\n  - pyrosetta=1\n' }), freshDir(), ALL);
    expect(plan.unusualSources).toHaveLength(1);
    expect(plan.unusualSources[0]).toMatch(/^defaults — .*licence/);
  });
});

describe('planRecreate refuses clearly', () => {
  const refuses = (fn: () => unknown, code: string, text: RegExp) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code });
    expect((err as Error).message).toMatch(text);
  };

  it('empty environment', () => refuses(() => planRecreate(view({ environment: '' }), freshDir(), ALL), 'INVALID_INPUT', /no environment.*"environment": ""/s));

  it('manager not installed, with how to install it', () => {
    const none: InstalledManager[] = ALL.map((m) => ({ ...m, path: null, version: null }));
    refuses(() => planRecreate(view({ manager: 'pixi', environment: PIXI_LOCK, toml: PIXI_TOML }), freshDir(), none), 'UNAVAILABLE', /pixi .*not found.*https:\/\/pixi\.sh/);
    refuses(() => planRecreate(view({}), freshDir(), []), 'UNAVAILABLE', /Miniforge/);
  });

  it('folder not empty (our own files are fine)', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    refuses(() => planRecreate(view({}), dir, ALL), 'CONFLICT', /not empty.*notes\.txt/);
    const dir2 = freshDir();
    const v = view({});
    await writeRecreateFiles(planRecreate(v, dir2, ALL), v);
    const again = planRecreate(v, dir2, ALL);
    await expect(writeRecreateFiles(again, v)).resolves.toHaveLength(2);
    writeFileSync(path.join(dir2, 'environment.yml'), 'changed');
    await expect(writeRecreateFiles(again, v)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(readFileSync(path.join(dir2, 'environment.yml'), 'utf8')).toBe('changed');
    const file = path.join(root, 'plainfile');
    writeFileSync(file, '');
    refuses(() => planRecreate(v, file, ALL), 'CONFLICT', /not a folder/);
  });

  it('managers that do not fit the environment', () => {
    const cases: [RecordSpec, EnvironmentManager, RegExp][] = [
      [{ manager: 'uv', environment: UV_LOCK, toml: PYPROJECT }, 'conda', /only uv/],
      [{ manager: 'pixi', environment: PIXI_LOCK, toml: PIXI_TOML }, 'mamba', /only pixi/],
      [{}, 'uv', /uv cannot install/],
    ];
    for (const [spec, chosen, text] of cases) refuses(() => planRecreate(view(spec), freshDir(), ALL, chosen), 'INVALID_INPUT', text);
  });

  it('pixi lock without manifest; hostile manifest name', () => {
    refuses(() => planRecreate(view({ manager: 'pixi', environment: PIXI_LOCK }), freshDir(), ALL), 'INVALID_INPUT', /no pixi manifest/);
    refuses(
      () => planRecreate(view({ manager: 'pixi', environment: PIXI_LOCK, toml: PIXI_TOML, tomlFormat: '../../.bashrc' }), freshDir(), ALL),
      'INVALID_INPUT',
      /only pixi\.toml or pyproject\.toml/,
    );
    refuses(() => planRecreate(view({ manager: 'uv', environment: UV_LOCK, toml: PYPROJECT, tomlFormat: 'pixi.toml' }), freshDir(), ALL), 'INVALID_INPUT', /pyproject\.toml/);
  });

  it('relative or NUL paths', () => {
    refuses(() => planRecreate(view({}), 'relative/dir', ALL), 'INVALID_INPUT', /absolute/);
    refuses(() => planRecreate(view({}), '/tmp/a\0b', ALL), 'INVALID_INPUT', /NUL/);
  });

  it('writeRecreateFiles refuses a plan that no longer matches the record', async () => {
    const plan = planRecreate(view({}), freshDir(), ALL);
    await expect(writeRecreateFiles(plan, view({ environment: LEGACY_CONDA_YML }))).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('folder names', () => {
  it('childDir keeps names inside the parent', () => {
    expect(childDir('/home/a/envs', 'PyRosettaCluster_x')).toBe('/home/a/envs/PyRosettaCluster_x');
    expect(childDir('/home/a/envs', 'sub/dir')).toBe('/home/a/envs/sub/dir');
    for (const bad of ['', ' ', '..', '../x', 'a/../../b', 'a/..', '/etc', 'C:\\x', 'C:x', '\\\\server\\share', 'a\0b', '.', './', 'x\\..\\..\\y']) {
      expect(() => childDir('/home/a/envs', bad), bad).toThrow();
    }
  });

  it('default name like the official helper', () => {
    expect(defaultEnvDirName(new Date(2026, 0, 15, 9, 5, 7, 123))).toBe('PyRosettaCluster_2026.01.15.09.05.07.123000');
  });

  it("Python's json.dumps(indent=2, sort_keys=True)", () => {
    expect(pythonJsonDumps({ b: null, a: 'é' })).toBe('{\n  "a": "\\u00e9",\n  "b": null\n}');
  });
});
