import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EnvironmentManager } from '../../../shared/reproduce.js';
import { toRecordView } from '../record/record.js';
import { CONDA_YML, LEGACY_CONDA_YML, makeRecord, PIXI_LOCK, PIXI_TOML, PYPROJECT, UV_LOCK } from '../record/test-records.js';
import type { RecordSpec } from '../record/test-records.js';
import { detectManagers } from '../recreate/managers.js';
import { planRecreate, runOptionsForPlan, writeRecreateFiles } from '../recreate/plan.js';
import { startRun } from '../recreate/run.js';
import { stubCalls, stubEnv } from '../recreate/test-stubs.js';
import type { RawRecord } from '../types.js';
import { compareRecords } from './compare.js';
import { reproduceScript, runCommand } from './script.js';
import type { ReproduceScriptOptions } from './script.js';

const PYTHON = '/usr/bin/python3';
const root = mkdtempSync(path.join(os.tmpdir(), 'simdeck-script-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

// Parses a generated script with the real Python and reports what it would do.
const INSPECT = `
import ast, json, sys
src = open(sys.argv[1], encoding="utf-8").read()
tree = ast.parse(src)
out = {"body": [], "imports": [], "calls": []}
for node in tree.body:
    if isinstance(node, ast.Import):
        out["body"].append("import " + ",".join(a.name for a in node.names))
    elif isinstance(node, ast.ImportFrom):
        out["body"].append("from " + node.module)
        out["imports"].append([node.module, [a.name for a in node.names]])
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        f = node.value.func
        out["body"].append("call " + f.attr)
        out["setdefault"] = [ast.literal_eval(a) for a in node.value.args]
    elif isinstance(node, ast.FunctionDef):
        out["body"].append("def " + node.name)
    elif isinstance(node, ast.If):
        out["body"].append("if")
    elif isinstance(node, ast.Assign):
        out["body"].append("assign " + node.targets[0].id)
    else:
        out["body"].append(type(node).__name__)
for node in ast.walk(tree):
    if isinstance(node, ast.Call):
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        out["calls"].append(name)
        if name == "reproduce":
            r = {}
            for kw in node.keywords:
                if kw.arg == "protocols":
                    r["protocols"] = [e.id for e in kw.value.elts]
                else:
                    r[kw.arg] = ast.literal_eval(kw.value)
            out["reproduce"] = r
        if name == "add_secure_package":
            out.setdefault("secure", []).append(ast.literal_eval(node.args[0]))
print(json.dumps(out))
`;

interface Inspected {
  body: string[];
  imports: [string, string[]][];
  calls: string[];
  setdefault: string[];
  reproduce: Record<string, unknown>;
  secure?: string[];
}

function inspect(source: string): Inspected {
  const file = path.join(root, `s${++n}.py`);
  writeFileSync(file, source, 'utf8');
  return JSON.parse(execFileSync(PYTHON, ['-c', INSPECT, file], { encoding: 'utf8' })) as Inspected;
}

const BASE: ReproduceScriptOptions = { inputFile: '/data/decoy.pdb.bz2', outputPath: '/data/repro', scratchDir: '/tmp/scratch', manager: 'conda' };

describe('reproduceScript', () => {
  it('follows the README template: manager first, protocols by original names, reproduce(...)', () => {
    const view = toRecordView(makeRecord());
    const src = reproduceScript(view, BASE);
    const r = inspect(src);
    expect(r.body).toEqual([
      'import os',
      'call setdefault',
      'from pyrosetta.distributed.cluster',
      'from protocols',
      'def main',
      'if',
    ]);
    expect(r.setdefault).toEqual(['PYROSETTACLUSTER_ENVIRONMENT_MANAGER', 'conda']);
    expect(r.imports).toEqual([
      ['pyrosetta.distributed.cluster', ['reproduce']],
      ['protocols', ['my_first_protocol', 'my_second_protocol']],
    ]);
    expect(r.reproduce).toEqual({
      input_file: '/data/decoy.pdb.bz2',
      protocols: ['my_first_protocol', 'my_second_protocol'],
      instance_kwargs: { output_path: '/data/repro', scratch_dir: '/tmp/scratch' },
      skip_corrections: false,
    });
    expect(src).toMatch(/# TODO: the original protocols were named my_first_protocol, my_second_protocol/);
    expect(src.split('\n')[3]).toBe('import os');
  });

  it('scorefile + decoy name; pickle scorefile registers pandas', () => {
    const view = toRecordView(makeRecord({ manager: 'pixi', environment: PIXI_LOCK, toml: PIXI_TOML }));
    const json = inspect(reproduceScript(view, { ...BASE, inputFile: undefined, scorefile: '/data/scores.json', manager: 'pixi', protocolsModule: 'lab.protocols', skipCorrections: true }));
    expect(json.reproduce).toMatchObject({ scorefile: '/data/scores.json', decoy_name: view.decoyName, skip_corrections: true });
    expect(json.imports[1]?.[0]).toBe('lab.protocols');
    expect(json.setdefault[1]).toBe('pixi');
    expect(json.secure).toBeUndefined();
    const pkl = inspect(reproduceScript(view, { ...BASE, inputFile: undefined, scorefile: '/data/scores.xz', decoyName: 'other', manager: 'pixi' }));
    expect(pkl.secure).toEqual(['pandas']);
    expect(pkl.reproduce.decoy_name).toBe('other');
    expect(pkl.body.indexOf('call setdefault')).toBeLessThan(pkl.body.indexOf('import pyrosetta'));
  });

  it('.pkl_pose input initialises PyRosetta with the seed PRC expects', () => {
    const r = inspect(reproduceScript(toRecordView(makeRecord()), { ...BASE, inputFile: '/d/x.pkl_pose.bz2' }));
    expect(r.calls).toContain('init');
    expect(r.body.indexOf('call setdefault')).toBeLessThan(r.body.indexOf('import pyrosetta'));
  });

  it('environment override: automatic for legacy channel-stripped records, with a comment why; explicit on/off', () => {
    const legacy = toRecordView(makeRecord({ manager: null, environment: LEGACY_CONDA_YML }));
    const src = reproduceScript(legacy, BASE);
    expect(inspect(src).reproduce.instance_kwargs).toEqual({ output_path: '/data/repro', scratch_dir: '/tmp/scratch', environment: '' });
    expect(src).toContain('# SimDeck added the RosettaCommons channel');
    expect(inspect(reproduceScript(legacy, { ...BASE, environmentOverride: false })).reproduce.instance_kwargs).not.toHaveProperty('environment');
    const modern = toRecordView(makeRecord());
    expect(inspect(reproduceScript(modern, { ...BASE, environmentOverride: true })).reproduce.instance_kwargs).toHaveProperty('environment', '');
    expect(inspect(reproduceScript(modern, { ...BASE, manager: 'mamba' })).reproduce.instance_kwargs).toHaveProperty('environment', '');
  });

  it('nasty paths and names survive as exact literals; record text cannot inject code', () => {
    const nasty = "/tmp/we\"ird's\\pa\nth/ünï 🧬\u2028\ud800$(id)";
    const view = toRecordView(
      makeRecord({ metadata: { decoy_name: 'd\nimport os; os.system("id")', protocols: ['ok_one', 'bad; import os', '<lambda>', 'class', 'ok_one'] } }),
    );
    const src = reproduceScript(view, { ...BASE, inputFile: undefined, scorefile: `${nasty}.json`, outputPath: nasty, scratchDir: `${nasty}\\`, decoyName: nasty });
    const r = inspect(src);
    expect(r.reproduce).toMatchObject({ scorefile: `${nasty}.json`, decoy_name: nasty, instance_kwargs: { output_path: nasty, scratch_dir: `${nasty}\\` } });
    expect(r.reproduce.protocols).toEqual(['ok_one', 'protocol_2', 'protocol_3', 'protocol_4', 'ok_one']);
    expect(r.imports[1]).toEqual(['protocols', ['ok_one']]);
    expect(r.body.filter((b) => b.startsWith('import') || b.startsWith('from'))).toEqual(['import os', 'from pyrosetta.distributed.cluster', 'from protocols']);
    expect(r.body.filter((b) => b.startsWith('assign'))).toEqual(['assign protocol_2', 'assign protocol_3', 'assign protocol_4']);
    expect(r.calls).not.toContain('system');
  });

  it('refuses bad input', () => {
    const view = toRecordView(makeRecord());
    expect(() => reproduceScript(view, { ...BASE, protocolsModule: 'os; import sys' })).toThrow(/module path/);
    expect(() => reproduceScript(view, { ...BASE, inputFile: undefined })).toThrow(/decoy/);
    expect(() => reproduceScript(view, { ...BASE, outputPath: '' })).toThrow(/output/);
  });
});

describe('runCommand', () => {
  it('per manager', () => {
    const m = (x: EnvironmentManager) => runCommand(x, '/e n v', '/s/repro.py', '/repo');
    expect(m('pixi')).toEqual({
      argv: ['pixi', 'run', '--manifest-path', '/e n v', 'python', '-u', '/s/repro.py'],
      command: "pixi run --manifest-path '/e n v' python -u /s/repro.py",
      cwd: '/repo',
      env: { PYROSETTACLUSTER_ENVIRONMENT_MANAGER: 'pixi' },
    });
    expect(m('uv').argv).toEqual(['uv', 'run', '--locked', '--project', '/e n v', 'python', '-u', '/s/repro.py']);
    expect(m('uv').env).toEqual({ PYROSETTACLUSTER_ENVIRONMENT_MANAGER: 'uv', UV_PROJECT: '/e n v' });
    expect(m('conda').argv).toEqual(['conda', 'run', '--no-capture-output', '-p', '/e n v', 'python', '-u', '/s/repro.py']);
    expect(m('mamba').argv).toEqual(['mamba', 'run', '-p', '/e n v', 'python', '-u', '/s/repro.py']);
    expect(m('mamba').env).toEqual({ PYROSETTACLUSTER_ENVIRONMENT_MANAGER: 'mamba' });
  });
});

/** Reads the record of a decoy .pdb the way the readers do: the last REMARK PyRosettaCluster line. */
function readDecoyRecord(file: string): RawRecord {
  const line = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .reverse()
    .find((l) => l.startsWith('REMARK PyRosettaCluster: '));
  return JSON.parse((line as string).slice('REMARK PyRosettaCluster: '.length)) as RawRecord;
}

describe('recreate → script → run → compare, against the stubs', () => {
  const cases: [EnvironmentManager, RecordSpec][] = [
    ['conda', { environment: CONDA_YML }],
    ['pixi', { manager: 'pixi', environment: PIXI_LOCK, toml: PIXI_TOML, tomlFormat: 'pixi.toml' }],
    ['uv', { manager: 'uv', environment: UV_LOCK, toml: PYPROJECT, tomlFormat: 'pyproject.toml' }],
  ];
  for (const [manager, spec] of cases) {
    it(manager, async () => {
      const base = path.join(root, `e2e-${manager}`);
      const repo = path.join(base, 'repo');
      mkdirSync(repo, { recursive: true });
      const stubLog = path.join(base, 'stub.log');
      const original = makeRecord(spec);
      const reproducedFile = path.join(base, 'reproduced.json');
      const reproduced = makeRecord({ ...spec, scores: { ...original.scores, total_score: -3.1415000001 } });
      writeFileSync(reproducedFile, JSON.stringify(reproduced));
      const env = stubEnv(stubLog, { SIMDECK_STUB_REPRODUCED_RECORD: reproducedFile });
      const view = toRecordView(original);
      const plan = planRecreate(view, path.join(base, 'env'), await detectManagers(env));
      await writeRecreateFiles(plan, view);
      expect((await startRun(runOptionsForPlan(plan, { env, logFile: path.join(base, 'recreate.log') })).done).state).toBe('succeeded');

      const outputPath = path.join(base, "out put's");
      const script = path.join(base, 'reproduce.py');
      writeFileSync(script, reproduceScript(view, { inputFile: '/data/decoy.pdb', outputPath, scratchDir: path.join(base, 'scratch'), manager }));
      const rc = runCommand(manager, plan.dir, script, repo);
      const run = startRun({ kind: 'reproduce', argvList: [rc.argv], cwd: rc.cwd as string, env: { ...env, ...rc.env }, logFile: path.join(base, 'reproduce.log') });
      const info = await run.done;
      expect(info.state).toBe('succeeded');
      const calls = stubCalls(stubLog).filter((c) => !c.argv?.includes('--version'));
      const py = calls.find((c) => c.tool === 'python');
      expect(calls.at(-2)).toMatchObject({ argv: rc.argv, cwd: repo, env: { PYROSETTACLUSTER_ENVIRONMENT_MANAGER: manager } });
      expect(py).toMatchObject({ argv: ['python', '-u', script], cwd: repo, env: { PYROSETTACLUSTER_ENVIRONMENT_MANAGER: manager } });

      const decoy = path.join(outputPath, 'decoys', '0000', `${view.decoyName}.pdb`);
      const cmp = compareRecords(original, readDecoyRecord(decoy));
      expect(cmp.identical).toBe(true);
      expect(cmp.recordDifferences).toEqual([]);
      expect(cmp.rows.find((r) => r.name === 'total_score')?.delta).toBeCloseTo(-1e-10, 15);
    });
  }
});
