import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EnvironmentManager, RecordView as RecordViewT } from '../../../shared/reproduce.js';
import { RunInfo } from '../../../shared/reproduce.js';
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
import { detectManagers } from './managers.js';
import { mambaBackupDir, planRecreate, runOptionsForPlan, writeRecreateFiles } from './plan.js';
import { startRun } from './run.js';
import type { RunProgress } from './run.js';
import { processAlive, stubCalls, stubEnv } from './test-stubs.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'simdeck-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** Plans, writes and runs a recreation against the stubs; returns what happened. */
async function recreate(spec: RecordSpec, opts: { chosen?: EnvironmentManager; extraEnv?: Record<string, string> } = {}) {
  const base = path.join(root, `case${++n}`);
  mkdirSync(base);
  const dir = path.join(base, 'env');
  const stubLog = path.join(base, 'stub.log');
  const logFile = path.join(base, 'logs', 'recreate.log');
  const env = stubEnv(stubLog, opts.extraEnv);
  const view: RecordViewT = toRecordView(makeRecord(spec));
  const plan = planRecreate(view, dir, await detectManagers(env), opts.chosen, { tmpDir: base });
  await writeRecreateFiles(plan, view);
  const handle = startRun(runOptionsForPlan(plan, { env, logFile }));
  const chunks: string[] = [];
  const progress: RunProgress[] = [];
  handle.onOutput((c) => chunks.push(c));
  handle.onProgress((p) => progress.push(p));
  const info = await handle.done;
  const calls = stubCalls(stubLog).filter((c) => !c.argv?.includes('--version'));
  return { dir, base, plan, info, calls, log: readFileSync(logFile, 'utf8'), output: chunks.join(''), progress, logFile };
}

describe('recreate runs against the stubs', () => {
  it('conda: exact argv and cwd, environment created, log with header', async () => {
    const r = await recreate({ managerVersion: '24.9.2' });
    expect(RunInfo.parse(r.info)).toEqual(r.info);
    expect(r.info).toMatchObject({ kind: 'recreate', state: 'succeeded', exitCode: 0, cwd: r.dir, command: r.plan.command, logFile: r.logFile });
    expect(r.info.finishedAt).not.toBeNull();
    expect(r.calls.map((c) => [c.argv, c.cwd])).toEqual([[['conda', 'env', 'create', '-f', `${r.dir}/environment.yml`, '-p', r.dir], r.dir]]);
    expect(readFileSync(path.join(r.dir, 'environment.yml'), 'utf8')).toBe(CONDA_YML);
    expect(existsSync(path.join(r.dir, 'conda-meta', 'history'))).toBe(true);
    expect(existsSync(path.join(r.dir, 'bin', 'python'))).toBe(true);
    expect(r.log).toContain(`# command: ${r.plan.command}\n# cwd: ${r.dir}\n# started: `);
    expect(r.log).toContain(`$ ${r.plan.command}\n`);
    expect(r.log).toContain('Solving environment: done');
    expect(r.log).toMatch(/# succeeded \(exit code 0\)\n# finished: /);
    expect(r.output).toContain('Executing transaction: done');
    expect(r.progress.at(-1)).toMatchObject({ step: 1, steps: 1 });
    expect(r.progress.at(-1)?.bytes).toBeGreaterThan(50);
  });

  it('legacy conda: channel added in the file conda reads', async () => {
    const r = await recreate({ manager: null, environment: LEGACY_CONDA_YML });
    expect(r.info.state).toBe('succeeded');
    expect(readFileSync(path.join(r.dir, 'environment.yml'), 'utf8')).toBe(LEGACY_CONDA_YML_WITH_CHANNEL);
    expect(readdirSync(r.dir).sort()).toEqual(['bin', 'conda-meta', 'environment.yml']);
  });

  it('mamba: files moved aside while mamba runs (the stub refuses a non-empty prefix), then back', async () => {
    const r = await recreate({ manager: 'mamba', managerVersion: '2.0.5' });
    const backup = mambaBackupDir(r.plan) as string;
    expect(r.info.state).toBe('succeeded');
    expect(r.calls.map((c) => [c.argv, c.cwd])).toEqual([[['mamba', 'env', 'create', '-f', `${backup}/environment.yml`, '-p', r.dir], r.dir]]);
    expect(readdirSync(r.dir).sort()).toEqual(['bin', 'conda-meta', 'environment.yml', 'environment_metadata.json']);
    expect(readFileSync(path.join(r.dir, 'environment.yml'), 'utf8')).toBe(CONDA_YML);
    expect(existsSync(backup)).toBe(false);
  });

  it('mamba failure: files restored, state failed with the exit code', async () => {
    const r = await recreate({ manager: 'mamba' }, { extraEnv: { SIMDECK_STUB_MAMBA_EXIT: '7' } });
    expect(r.info).toMatchObject({ state: 'failed', exitCode: 7 });
    expect(readdirSync(r.dir).sort()).toEqual(['environment.yml', 'environment_metadata.json']);
    expect(readFileSync(path.join(r.dir, 'environment.yml'), 'utf8')).toBe(CONDA_YML);
    expect(existsSync(mambaBackupDir(r.plan) as string)).toBe(false);
    expect(r.log).toMatch(/# failed \(exit code 7\)/);
    expect(r.output).toContain('failing on request');
  });

  it('pixi lock: pixi install --frozen in the folder', async () => {
    const r = await recreate({ manager: 'pixi', environment: PIXI_LOCK, toml: PIXI_TOML, tomlFormat: 'pixi.toml', managerVersion: '0.50.0' });
    expect(r.info.state).toBe('succeeded');
    expect(r.calls.map((c) => [c.argv, c.cwd])).toEqual([[['pixi', 'install', '--frozen'], r.dir]]);
    expect(existsSync(path.join(r.dir, '.pixi', 'envs', 'default', 'bin', 'python'))).toBe(true);
    expect(r.plan.managerVersion.differs).toBe(false);
  });

  it('pixi record holding conda YAML: init --import, install --manifest-path', async () => {
    const r = await recreate({ manager: 'pixi', environment: CONDA_YML });
    expect(r.info.state).toBe('succeeded');
    expect(r.calls.map((c) => [c.argv, c.cwd])).toEqual([
      [['pixi', 'init', '--import', 'environment.yml', r.dir], r.dir],
      [['pixi', 'install', '--manifest-path', r.dir], r.dir],
    ]);
    expect(existsSync(path.join(r.dir, 'pixi.toml'))).toBe(true);
    expect(r.progress.some((p) => p.step === 2 && p.steps === 2)).toBe(true);
  });

  it('uv lock: uv sync --frozen --project', async () => {
    const r = await recreate({ manager: 'uv', environment: UV_LOCK, toml: PYPROJECT, tomlFormat: 'pyproject.toml' });
    expect(r.info.state).toBe('succeeded');
    expect(r.calls.map((c) => [c.argv, c.cwd])).toEqual([[['uv', 'sync', '--frozen', '--project', r.dir], r.dir]]);
    expect(existsSync(path.join(r.dir, '.venv', 'bin', 'python'))).toBe(true);
  });

  it('uv legacy requirements: three commands in order', async () => {
    const r = await recreate({ manager: 'uv', environment: UV_REQUIREMENTS, toml: PYPROJECT });
    expect(r.info.state).toBe('succeeded');
    expect(r.calls.map((c) => [c.argv, c.cwd])).toEqual([
      [['uv', 'venv', '--project', r.dir], r.dir],
      [['uv', 'pip', 'sync', '--project', r.dir, `${r.dir}/requirements.txt`], r.dir],
      [['uv', 'lock'], r.dir],
    ]);
    expect(existsSync(path.join(r.dir, 'uv.lock'))).toBe(true);
    expect(r.log.match(/^\$ /gm)).toHaveLength(3);
  });

  it('stops at the first failing command', async () => {
    const r = await recreate({ manager: 'uv', environment: UV_REQUIREMENTS, toml: PYPROJECT }, { extraEnv: { SIMDECK_STUB_FAIL_ON: 'pip sync' } });
    expect(r.info).toMatchObject({ state: 'failed', exitCode: 3 });
    expect(r.calls.map((c) => c.argv?.[1])).toEqual(['venv', 'pip']);
    expect(existsSync(path.join(r.dir, 'uv.lock'))).toBe(false);
  });

  it('version mismatch with the installed manager is in the plan', async () => {
    const r = await recreate(
      { manager: 'pixi', environment: PIXI_LOCK, toml: PIXI_TOML, managerVersion: '0.50.0' },
      { extraEnv: { SIMDECK_STUB_PIXI_VERSION: '0.41.3' } },
    );
    expect(r.plan.managerVersion).toEqual({ recorded: '0.50.0', installed: '0.41.3', differs: true });
    expect(r.plan.warnings.join('\n')).toContain('you have pixi 0.41.3');
  });

  it('a command that is not on PATH fails clearly', async () => {
    const base = path.join(root, `case${++n}`);
    const h = startRun({ kind: 'recreate', argvList: [['no-such-tool-xyz', '--x']], cwd: root, env: { PATH: base }, logFile: path.join(base, 'l.log') });
    const info = await h.done;
    expect(info).toMatchObject({ state: 'failed', exitCode: null });
    expect(readFileSync(path.join(base, 'l.log'), 'utf8')).toContain('no-such-tool-xyz: command not found on PATH');
  });
});

describe('cancel', () => {
  async function waitFor<T>(fn: () => T | undefined, ms = 10_000): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const v = fn();
      if (v !== undefined) return v;
      if (Date.now() > until) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('kills the whole process tree (grandchild gone) and restores mamba files', async () => {
    const base = path.join(root, `case${++n}`);
    mkdirSync(base);
    const dir = path.join(base, 'env');
    const stubLog = path.join(base, 'stub.log');
    const env = stubEnv(stubLog, { SIMDECK_STUB_HANG: '1' });
    const view = toRecordView(makeRecord({ manager: 'mamba' }));
    const plan = planRecreate(view, dir, await detectManagers(stubEnv(stubLog)), undefined, { tmpDir: base });
    await writeRecreateFiles(plan, view);
    const h = startRun(runOptionsForPlan(plan, { env, logFile: path.join(base, 'run.log') }));
    const hang = await waitFor(() => stubCalls(stubLog).find((c) => c.event === 'hang'));
    const childPid = hang.childPid as number;
    const stubPid = hang.pid as number;
    expect(processAlive(childPid)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    const t0 = Date.now();
    h.cancel();
    h.cancel();
    const info = await h.done;
    expect(info.state).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(processAlive(childPid)).toBe(false);
    expect(processAlive(stubPid)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['environment.yml', 'environment_metadata.json']);
    expect(readFileSync(path.join(base, 'run.log'), 'utf8')).toMatch(/# cancelled\n/);
  });

  it('escalates to SIGKILL when the tree ignores SIGTERM', async () => {
    const base = path.join(root, `case${++n}`);
    const marker = path.join(root, `pid${n}`);
    const h = startRun({
      kind: 'reproduce',
      argvList: [['sh', '-c', `trap "" TERM; sleep 300 & echo $! > '${marker}'; wait`]],
      cwd: root,
      env: process.env,
      logFile: path.join(base, 'l.log'),
      killGraceMs: 300,
    });
    const pid = await waitFor(() => (existsSync(marker) && readFileSync(marker, 'utf8').trim() ? Number(readFileSync(marker, 'utf8')) : undefined));
    expect(processAlive(pid)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    h.cancel();
    const info = await h.done;
    expect(info.state).toBe('cancelled');
    expect(processAlive(pid)).toBe(false);
  });

  it('times out', async () => {
    const base = path.join(root, `case${++n}`);
    const h = startRun({ kind: 'reproduce', argvList: [['sleep', '30']], cwd: root, env: process.env, logFile: path.join(base, 'l.log'), timeoutMs: 200 });
    const info = await h.done;
    expect(info.state).toBe('failed');
    expect(readFileSync(path.join(base, 'l.log'), 'utf8')).toContain('timed out after 200 ms');
  });
});
