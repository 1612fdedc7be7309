// STUB for tests: shared logic of the stand-ins for conda, mamba, pixi, uv and python, which cannot be installed
// here. Each stub executable (e2e/stubs/<tool>) is a two-line sh script that runs `node stub.cjs <tool> "$@"`.
// Nothing here resembles the real tools beyond the few effects the next step of a test needs.
//
// Environment:
//   SIMDECK_STUB_LOG                  append one JSON line per call: {tool, argv, cwd, env: {PYROSETTACLUSTER_ENVIRONMENT_MANAGER}}
//   SIMDECK_STUB_<TOOL>_VERSION       version printed for --version (defaults below)
//   SIMDECK_STUB_EXIT                 exit code of every command (default 0); SIMDECK_STUB_<TOOL>_EXIT per tool
//   SIMDECK_STUB_FAIL_ON              fail (exit 3) only the calls whose joined argv contains this text
//   SIMDECK_STUB_HANG=1               start a child `sleep 300`, log its pid ({event: "hang", childPid}) and wait
//   SIMDECK_STUB_DELAY_MS             pause between progress lines (default 10)
//   SIMDECK_STUB_REPRODUCED_RECORD    (python) JSON file holding the record of the "reproduced" decoy
//   SIMDECK_STUB_OUTPUT_PATH          (python) output folder; default: instance_kwargs "output_path" of the script
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const STUBS = __dirname;
const DEFAULT_VERSIONS = { conda: '24.9.2', mamba: '2.0.5', pixi: '0.50.0', uv: '0.5.0', python: '3.12.9' };

const [tool = '', ...args] = process.argv.slice(2);
const env = process.env;
const delay = Number(env.SIMDECK_STUB_DELAY_MS ?? 10);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function log(entry) {
  if (!env.SIMDECK_STUB_LOG) return;
  fs.appendFileSync(env.SIMDECK_STUB_LOG, `${JSON.stringify(entry)}\n`);
}

function fail(message, code = 1) {
  process.stderr.write(`${tool} (stub): ${message}\n`);
  process.exit(code);
}

async function progress(lines) {
  for (const l of lines) {
    process.stdout.write(`${l}\n`);
    await sleep(delay);
  }
}

/** The value after `flag` in args, or undefined. */
function opt(flag) {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

function shQuote(s) {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** A fake environment: <dir>/bin/python runs the python stub; conda-style metadata so it looks like one. */
function makeEnv(dir, history) {
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'conda-meta'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'conda-meta', 'history'), `==> ${new Date().toISOString()} <==\n# cmd: ${history}\n`);
  fs.writeFileSync(path.join(dir, 'bin', 'python'), `#!/bin/sh\nexec ${shQuote(path.join(STUBS, 'python'))} "$@"\n`, { mode: 0o755 });
}

/** Runs `cmd...` with `<binDir>/<cmd>` if it exists (an environment's python), else from PATH; exits with its code. */
function runIn(binDir, cmd, extraEnv = {}) {
  if (cmd.length === 0) fail('nothing to run');
  const local = path.join(binDir, cmd[0]);
  const file = fs.existsSync(local) ? local : cmd[0];
  const child = spawn(file, cmd.slice(1), { stdio: 'inherit', env: { ...env, ...extraEnv } });
  child.on('error', (err) => fail(`cannot run ${cmd[0]}: ${err.message}`, 127));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}

/** Decodes the double-quoted Python literals SimDeck emits (\\ \" \n \r \t \xNN \uNNNN \UNNNNNNNN \' \0). */
function pyLiteral(lit) {
  let out = '';
  for (let i = 1; i < lit.length - 1; i++) {
    const c = lit[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = lit[++i];
    const simple = { '\\': '\\', '"': '"', "'": "'", n: '\n', r: '\r', t: '\t', 0: '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };
    const width = { x: 2, u: 4, U: 8 }[n];
    if (n in simple) out += simple[n];
    else if (width) {
      out += String.fromCodePoint(parseInt(lit.slice(i + 1, i + 1 + width), 16));
      i += width;
    } else out += `\\${n}`;
  }
  return out;
}

async function python() {
  if (args[0] === '--version' || args[0] === '-V') {
    process.stdout.write(`Python ${env.SIMDECK_STUB_PYTHON_VERSION ?? DEFAULT_VERSIONS.python}\n`);
    return 0;
  }
  const script = args.find((a) => !a.startsWith('-'));
  if (!script) fail('no script given');
  const source = fs.readFileSync(script, 'utf8');
  let outputPath = env.SIMDECK_STUB_OUTPUT_PATH;
  if (!outputPath) {
    const m = /"output_path":\s*("(?:[^"\\\n]|\\.)*")/.exec(source);
    if (!m) fail(`no "output_path" in ${script}`, 2);
    outputPath = pyLiteral(m[1]);
  }
  if (!env.SIMDECK_STUB_REPRODUCED_RECORD) fail('SIMDECK_STUB_REPRODUCED_RECORD is not set', 2);
  const record = JSON.parse(fs.readFileSync(env.SIMDECK_STUB_REPRODUCED_RECORD, 'utf8'));
  const name = (record.metadata && record.metadata.decoy_name) || `stub_${Date.now()}`;
  await progress(['PyRosettaCluster (stub): reproducing', 'PyRosettaCluster (stub): running protocols']);
  const dir = path.join(outputPath, 'decoys', '0000');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.pdb`);
  const pdb = [
    'ATOM      1  N   GLY A   1       0.000   0.000   0.000  1.00  0.00           N',
    'ATOM      2  CA  GLY A   1       1.458   0.000   0.000  1.00  0.00           C',
    'TER',
    '',
    `REMARK PyRosettaCluster: ${JSON.stringify(record)}`,
  ].join('\n');
  fs.writeFileSync(file, pdb);
  process.stdout.write(`PyRosettaCluster (stub): wrote ${file}\n`);
  return 0;
}

async function conda() {
  const [sub, sub2] = args;
  if (sub === 'env' && sub2 === 'create') {
    const file = opt('-f') ?? opt('--file');
    const prefix = opt('-p') ?? opt('--prefix');
    if (!file || !prefix) fail('env create needs -f FILE -p DIR');
    if (!fs.existsSync(file)) fail(`EnvironmentFileNotFound: '${file}' file not found`);
    if (tool === 'mamba' && fs.existsSync(prefix) && fs.readdirSync(prefix).length > 0) {
      fail(`Non-conda folder exists at prefix '${prefix}'`);
    }
    await progress(['Channels:', ' - conda-forge', 'Solving environment: done', 'Preparing transaction: done', 'Executing transaction: done']);
    makeEnv(prefix, `${tool} ${args.join(' ')}`);
    return 0;
  }
  if (sub === 'run') {
    const rest = args.slice(1);
    const prefix = opt('-p') ?? opt('--prefix');
    if (!prefix) fail('run needs -p DIR');
    const i = rest.indexOf(prefix);
    const cmd = rest.slice(i + 1).filter((a, j) => !(j === 0 && a.startsWith('--')));
    if (!fs.existsSync(path.join(prefix, 'conda-meta'))) fail(`EnvironmentLocationNotFound: Not a conda environment: ${prefix}`);
    runIn(path.join(prefix, 'bin'), cmd);
    return null;
  }
  fail(`unsupported arguments: ${args.join(' ')}`, 2);
}

async function pixi() {
  const [sub] = args;
  if (sub === 'install') {
    const manifest = opt('--manifest-path');
    const dir = manifest ?? process.cwd();
    if (!manifest) {
      if (!fs.existsSync(path.join(dir, 'pixi.lock'))) fail('pixi.lock not found (--frozen)');
      if (!fs.existsSync(path.join(dir, 'pixi.toml')) && !fs.existsSync(path.join(dir, 'pyproject.toml'))) fail('could not find pixi.toml or pyproject.toml');
    } else if (!fs.existsSync(path.join(dir, 'pixi.toml'))) fail(`could not find pixi.toml in ${dir}`);
    await progress(['✔ The default environment has been installed.']);
    makeEnv(path.join(dir, '.pixi', 'envs', 'default'), `pixi ${args.join(' ')}`);
    return 0;
  }
  if (sub === 'init') {
    const file = opt('--import');
    const dir = args[args.length - 1];
    if (!file || !fs.existsSync(file)) fail(`cannot import ${file}`);
    const toml = path.join(dir, 'pixi.toml');
    if (fs.existsSync(toml)) fail(`${toml} already exists`);
    fs.writeFileSync(toml, `[workspace]\nname = "imported"\n# imported by the stub from ${file}\n`);
    await progress([`✔ Created ${toml}`]);
    return 0;
  }
  if (sub === 'run') {
    const dir = opt('--manifest-path') ?? process.cwd();
    const i = args.indexOf('--manifest-path');
    const cmd = i >= 0 ? args.slice(i + 2) : args.slice(1);
    const envDir = path.join(dir, '.pixi', 'envs', 'default');
    if (!fs.existsSync(envDir)) fail('environment not installed');
    runIn(path.join(envDir, 'bin'), cmd, { PIXI_PROJECT_MANIFEST: path.join(dir, 'pixi.toml') });
    return null;
  }
  fail(`unsupported arguments: ${args.join(' ')}`, 2);
}

async function uv() {
  const [sub, sub2] = args;
  const project = opt('--project') ?? process.cwd();
  const venv = path.join(project, '.venv');
  if (sub === 'sync') {
    if (!fs.existsSync(path.join(project, 'uv.lock'))) fail('uv.lock not found (--frozen)');
    await progress(['Resolved packages', 'Installed packages']);
    makeEnv(venv, `uv ${args.join(' ')}`);
    return 0;
  }
  if (sub === 'venv') {
    await progress([`Creating virtual environment at: ${venv}`]);
    makeEnv(venv, `uv ${args.join(' ')}`);
    return 0;
  }
  if (sub === 'pip' && sub2 === 'sync') {
    const req = args[args.length - 1];
    if (!fs.existsSync(req)) fail(`File not found: ${req}`);
    if (!fs.existsSync(venv)) fail('No virtual environment found');
    await progress(['Resolved packages', 'Installed packages']);
    return 0;
  }
  if (sub === 'lock') {
    const lock = path.join(project, 'uv.lock');
    if (!fs.existsSync(lock)) fs.writeFileSync(lock, 'version = 1\n');
    await progress(['Resolved packages']);
    return 0;
  }
  if (sub === 'run') {
    const i = args.indexOf('--project');
    const cmd = args.slice(i >= 0 ? i + 2 : 1).filter((a, j) => !(j === 0 && a === '--locked'));
    if (!fs.existsSync(venv)) fail('No virtual environment found');
    runIn(path.join(venv, 'bin'), cmd);
    return null;
  }
  fail(`unsupported arguments: ${args.join(' ')}`, 2);
}

async function main() {
  log({ tool, argv: [tool, ...args], cwd: process.cwd(), env: { PYROSETTACLUSTER_ENVIRONMENT_MANAGER: env.PYROSETTACLUSTER_ENVIRONMENT_MANAGER ?? null } });
  if (args[0] === '--version' && tool !== 'python') {
    const v = env[`SIMDECK_STUB_${tool.toUpperCase()}_VERSION`] ?? DEFAULT_VERSIONS[tool] ?? '0.0.0';
    process.stdout.write(`${tool} ${v}\n`);
    return 0;
  }
  if (env.SIMDECK_STUB_HANG === '1') {
    const child = spawn('sleep', ['300'], { stdio: 'inherit' });
    log({ tool, event: 'hang', pid: process.pid, childPid: child.pid });
    process.stdout.write(`${tool} (stub): waiting on child pid ${child.pid}\n`);
    await new Promise(() => setInterval(() => undefined, 1000));
  }
  const exit = Number(env[`SIMDECK_STUB_${tool.toUpperCase()}_EXIT`] ?? env.SIMDECK_STUB_EXIT ?? 0);
  const failOn = env.SIMDECK_STUB_FAIL_ON;
  if (exit !== 0 || (failOn && [tool, ...args].join(' ').includes(failOn))) {
    await progress(['Working...']);
    fail('failing on request (SIMDECK_STUB_EXIT / SIMDECK_STUB_FAIL_ON)', exit || 3);
  }
  switch (tool) {
    case 'conda':
    case 'mamba':
      return conda();
    case 'pixi':
      return pixi();
    case 'uv':
      return uv();
    case 'python':
      return python();
    default:
      return fail(`unknown tool ${tool}`, 2);
  }
}

main().then(
  (code) => {
    if (typeof code === 'number') process.exit(code);
  },
  (err) => fail(err && err.stack ? err.stack : String(err)),
);
