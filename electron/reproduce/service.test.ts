// The reproduce path through the real core (router, workspace, activity log), with stub environment managers
// standing in for conda/mamba/pixi/uv, which cannot be installed here (e2e/stubs, each marked as a stub).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../shared/domain.js';
import type { RecreatePlan, RunInfo, ScoreComparison } from '../../shared/reproduce.js';
import { fails, ok, openTempCore, type TempCore } from '../testing/temp-core.js';
import { fixtureDir, recordFor, writeDecoy, writeJsonScorefile } from './testing/fixtures.js';

const STUBS = path.resolve(__dirname, '../../e2e/stubs');
let t: TempCore;
let dir: string;
let stubLog: string;
const saved = { PATH: process.env.PATH, SIMDECK_STUB_LOG: process.env.SIMDECK_STUB_LOG };

beforeEach(() => {
  t = openTempCore();
  dir = fixtureDir('simdeck-service-');
  stubLog = path.join(dir, 'stub.log');
  process.env.PATH = `${STUBS}:${saved.PATH}`;
  process.env.SIMDECK_STUB_LOG = stubLog;
});
afterEach(async () => {
  process.env.PATH = saved.PATH;
  if (saved.SIMDECK_STUB_LOG === undefined) delete process.env.SIMDECK_STUB_LOG;
  else process.env.SIMDECK_STUB_LOG = saved.SIMDECK_STUB_LOG;
  await t.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const finished = (runId: string) =>
  new Promise<RunInfo>((resolve, reject) => {
    const timer = setInterval(() => {
      const done = t.events.find((e) => e.event === 'run.finished' && (e.payload as RunInfo).runId === runId);
      if (done) {
        clearInterval(timer);
        resolve(done.payload as RunInfo);
      }
    }, 50);
    setTimeout(() => (clearInterval(timer), reject(new Error('run did not finish'))), 20_000);
  });

const stubCalls = () => fs.readFileSync(stubLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[]; cwd: string });

describe('reproduce through the core', () => {
  it('inspects a .pdb.bz2 decoy and recreates its conda environment with the exact command', async () => {
    const record = recordFor('conda');
    const decoy = writeDecoy(dir, record, { bz2: true });
    const inspected = await ok<{ view: { decoyName: string; sha1: string; manager: string }; layers: string[] }>(t.core, 'reproduce.inspect', { source: { path: decoy } });
    expect(inspected.layers).toEqual(['bzip2']);
    expect(inspected.view).toMatchObject({ decoyName: record.metadata.decoy_name, sha1: record.instance.sha1, manager: 'conda' });

    const envDir = path.join(dir, 'env');
    const plan = await ok<RecreatePlan>(t.core, 'reproduce.planRecreate', { source: { path: decoy }, dir: envDir });
    expect(plan.command).toBe(`conda env create -f ${envDir}/environment.yml -p ${envDir}`);
    expect(fs.existsSync(envDir)).toBe(false); // planning writes nothing

    const run = await ok<RunInfo>(t.core, 'reproduce.recreate', { source: { path: decoy }, dir: envDir, confirm: true });
    const info = await finished(run.runId);
    expect(info.state).toBe('succeeded');
    expect(fs.readFileSync(path.join(envDir, 'environment.yml'), 'utf8')).toBe(record.instance.environment);
    expect(stubCalls().filter((c) => c.argv[1] !== '--version')).toEqual([
      expect.objectContaining({ argv: ['conda', 'env', 'create', '-f', `${envDir}/environment.yml`, '-p', envDir], cwd: envDir }),
    ]);
    expect(t.events.some((e) => e.event === 'run.output' && (e.payload as { runId: string }).runId === run.runId)).toBe(true);
    expect(fs.readFileSync(info.logFile, 'utf8')).toContain('conda env create');
    const activity = await ok<ActivityEntry[]>(t.core, 'activity.list', {});
    await expect.poll(async () => (await ok<ActivityEntry[]>(t.core, 'activity.list', {}))[0]?.outcome).toBe('ok');
    expect(activity[0]).toMatchObject({ action: 'reproduce.recreate', command: plan.command });
  });

  it('requires the confirmation flag before it runs anything', async () => {
    const decoy = writeDecoy(dir, recordFor('conda'));
    const err = await fails(t.core, 'reproduce.recreate', { source: { path: decoy }, dir: path.join(dir, 'e') });
    expect(err.code).toBe('INVALID_INPUT');
    expect(fs.existsSync(stubLog)).toBe(false);
  });

  it('lists the decoys of a scorefile and switches between them', async () => {
    const a = recordFor('pixi');
    const b = recordFor('uv');
    const file = writeJsonScorefile(dir, [a, b]);
    const first = await ok<{ decoys: string[]; view: { decoyName: string } }>(t.core, 'reproduce.inspect', { source: { path: file } });
    expect(first.decoys).toEqual([a.metadata.decoy_name, b.metadata.decoy_name]);
    const second = await ok<{ view: { decoyName: string; manager: string } }>(t.core, 'reproduce.inspect', {
      source: { path: file },
      decoyName: b.metadata.decoy_name,
    });
    expect(second.view).toMatchObject({ decoyName: b.metadata.decoy_name, manager: 'uv' });
    expect((await fails(t.core, 'reproduce.inspect', { source: { path: file }, decoyName: 'nope' })).code).toBe('NOT_FOUND');
  });

  it('says clearly what is wrong with a file that is not a result file', async () => {
    const junk = path.join(dir, 'notes.txt');
    fs.writeFileSync(junk, 'just some notes\n');
    const err = await fails(t.core, 'reproduce.inspect', { source: { path: junk } });
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toMatch(/notes\.txt/);
    expect((await fails(t.core, 'reproduce.inspect', { source: { path: path.join(dir, 'missing.pdb') } })).code).toBe('NOT_FOUND');
  });

  it('writes the reproduce script, clones the recorded commit, runs it in the environment and compares', async () => {
    // A real git repository holding the "protocols" at the recorded commit.
    const repo = path.join(dir, 'origin');
    fs.mkdirSync(repo);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } }).toString().trim();
    git('init', '-q');
    fs.writeFileSync(path.join(repo, 'protocols.py'), 'def my_first_protocol(p, **k):\n    return p\n');
    git('add', '.');
    git('commit', '-qm', 'protocols');
    const sha1 = git('rev-parse', 'HEAD');

    const record = recordFor('conda', { instance: { sha1 } });
    const decoy = writeDecoy(dir, record);
    const envDir = path.join(dir, 'env');
    const created = await ok<RunInfo>(t.core, 'reproduce.recreate', { source: { path: decoy }, dir: envDir, confirm: true });
    expect((await finished(created.runId)).state).toBe('succeeded');

    const work = path.join(dir, 'work');
    const script = await ok<{ gitCommands: string[]; script: string; scriptPath: string; runCommand: string }>(t.core, 'reproduce.script', {
      source: { path: decoy },
      repoUrl: `file://${repo}`,
      workDir: work,
      envDir,
    });
    expect(script.gitCommands).toContain(`git checkout ${sha1}`);
    expect(fs.readFileSync(script.scriptPath, 'utf8')).toBe(script.script);
    expect(script.runCommand).toContain(`conda run --no-capture-output -p ${envDir} python -u`);

    // The stub python "reproduces" by writing a decoy with this record (one score changed).
    const reproducedRecord = { ...record, scores: { ...record.scores, total_score: -3.5 } };
    fs.writeFileSync(path.join(dir, 'reproduced.json'), JSON.stringify(reproducedRecord));
    process.env.SIMDECK_STUB_REPRODUCED_RECORD = path.join(dir, 'reproduced.json');
    try {
      const run = await ok<RunInfo>(t.core, 'reproduce.run', { source: { path: decoy }, workDir: work, envDir, confirm: true });
      const info = await finished(run.runId);
      expect(info.state, fs.readFileSync(info.logFile, 'utf8')).toBe('succeeded');
    } finally {
      delete process.env.SIMDECK_STUB_REPRODUCED_RECORD;
    }
    expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: path.join(work, 'repo') }).toString().trim()).toBe(sha1);
    const outputs = fs.readdirSync(path.join(work, 'outputs'), { recursive: true }).map(String).filter((f) => /\.pdb(\.bz2)?$/.test(f));
    expect(outputs.length).toBe(1);

    const cmp = await ok<ScoreComparison>(t.core, 'reproduce.compare', {
      original: { path: decoy },
      reproduced: { path: path.join(work, 'outputs', outputs[0]!) },
    });
    expect(cmp.identical).toBe(false);
    expect(cmp.rows.find((r) => r.name === 'total_score')).toMatchObject({ same: false, reproduced: -3.5 });
  });

  it('remembers the repository of a project', async () => {
    const p = await ok<{ id: string }>(t.core, 'projects.create', { name: 'Repro' });
    expect(await ok(t.core, 'reproduce.getRepo', { projectId: p.id })).toEqual({ url: null });
    await ok(t.core, 'reproduce.setRepo', { projectId: p.id, url: 'https://github.com/lab/protocols.git' });
    t = await t.reopen();
    expect(await ok(t.core, 'reproduce.getRepo', { projectId: p.id })).toEqual({ url: 'https://github.com/lab/protocols.git' });
    expect((await fails(t.core, 'reproduce.setRepo', { projectId: p.id, url: 'https://github.com/a/$(id).git' })).code).toBe('INVALID_INPUT');
  });
});

describe('the dump_env_file.py route', () => {
  it("runs the official helper with the researcher's Python, exactly as shown", async () => {
    const pose = path.join(dir, 'decoy.pkl_pose');
    fs.writeFileSync(pose, Buffer.from([0x80, 0x04, 0x2e])); // the helper reads it, not SimDeck
    // STUB for tests: stands in for a Python with PyRosetta; records its argv.
    const python = path.join(dir, 'python-with-pyrosetta');
    fs.writeFileSync(python, `#!/bin/sh\nprintf '%s\\n' "$@" > "${path.join(dir, 'helper-argv')}"\nmkdir -p "$5" && echo 'channels: []' > "$5/environment.yml"\n`, { mode: 0o755 });
    const helper = path.join(dir, 'dump_env_file.py');
    fs.writeFileSync(helper, '# the official helper would be here\n');
    const envDir = path.join(dir, 'dumped');
    const run = await ok<RunInfo>(t.core, 'reproduce.runHelper', { source: { path: pose }, python, helperScript: helper, envDir, confirm: true });
    expect((await finished(run.runId)).state).toBe('succeeded');
    expect(fs.readFileSync(path.join(dir, 'helper-argv'), 'utf8').trim().split('\n')).toEqual([helper, '--input_file', pose, '--env_dir', envDir]);
    expect(fs.existsSync(path.join(envDir, 'environment.yml'))).toBe(true);
    const missing = await fails(t.core, 'reproduce.runHelper', { source: { path: pose }, python: '/no/python', helperScript: helper, envDir, confirm: true });
    expect(missing.code).toBe('NOT_FOUND');
  });
});
