#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .electron-native/, run by `npm start` before `electron .`.
//
// Why a separate copy: node_modules/better-sqlite3/build holds the Node build, which the browser shell and the
// tests use. Rebuilding it in place for Electron (what electron-rebuild does) would break them. So we copy the
// package to a temp dir, get an Electron build there (prebuilt download first, compile as a fallback), and keep
// only the .node file. The Electron shell hands its path to the core as SIMDECK_SQLITE_BINDING.
//
// Never require('electron') here: from plain Node, Electron 45's index.js downloads the binary when missing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BINDING = 'better_sqlite3.node';
export const ELECTRON_VERSION_FILE = 'electron-version';
export const SQLITE_VERSION_FILE = 'better-sqlite3-version';
export const MISSING_ELECTRON =
  'Electron binary not installed (node_modules/electron/dist missing).\n' +
  '`npm start` needs it. Run `npx install-electron` on a machine that can download it\n' +
  '(or set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron ' +
  'of the same version). The browser shell works without Electron: `npm run serve`.';

/** Where the Electron executable is, read the way node_modules/electron/index.js does, minus the download. */
export function findElectronBinary(root = ROOT, env = process.env) {
  const packageDir = path.join(root, 'node_modules', 'electron');
  let relative;
  try {
    relative = fs.readFileSync(path.join(packageDir, 'path.txt'), 'utf8').trim() || undefined;
  } catch {
    relative = undefined;
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override ? path.join(override, relative ?? defaultExecutable()) : relative && path.join(packageDir, 'dist', relative);
  if (candidate && fs.existsSync(candidate)) return { path: candidate };
  return { missing: override ? `Electron binary not found at ${candidate} (ELECTRON_OVERRIDE_DIST_PATH).` : MISSING_ELECTRON };
}

function defaultExecutable() {
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return process.platform === 'win32' ? 'electron.exe' : 'electron';
}

export function packageVersion(root, name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version ?? null;
  } catch {
    return null;
  }
}

/** What is in .electron-native now. */
export function readBuiltState(outDir) {
  const read = (file) => {
    try {
      return fs.readFileSync(path.join(outDir, file), 'utf8').trim() || null;
    } catch {
      return null;
    }
  };
  return {
    haveBinding: fs.existsSync(path.join(outDir, BINDING)),
    electronVersion: read(ELECTRON_VERSION_FILE),
    sqliteVersion: read(SQLITE_VERSION_FILE),
  };
}

/** Why a rebuild is needed, or null when the recorded build matches these Electron and better-sqlite3 versions. */
export function rebuildReason(state, want) {
  if (!state.haveBinding) return `no ${BINDING} in .electron-native yet`;
  if (state.electronVersion !== want.electronVersion) {
    return `it was built for Electron ${state.electronVersion ?? '(unknown)'}, this is Electron ${want.electronVersion}`;
  }
  if (state.sqliteVersion !== want.sqliteVersion) {
    return `it was built from better-sqlite3 ${state.sqliteVersion ?? '(unknown)'}, node_modules has ${want.sqliteVersion}`;
  }
  return null;
}

export function prebuildArgs(electronVersion, arch = process.arch) {
  return ['--runtime', 'electron', '--target', electronVersion, '--arch', arch, '--verbose'];
}

export function nodeGypArgs(electronVersion, arch = process.arch) {
  return ['rebuild', '--release', `--target=${electronVersion}`, `--arch=${arch}`, '--dist-url=https://electronjs.org/headers'];
}

/**
 * The environment for prebuild-install and node-gyp. An npm `nodedir` setting (npm exports it to scripts as
 * npm_config_nodedir) makes node-gyp compile against those Node headers whatever --target says, which would
 * silently produce a Node build; an empty value overrides any .npmrc.
 */
export function buildEnv(env) {
  const clean = Object.fromEntries(Object.entries(env).filter(([k]) => k.toLowerCase() !== 'npm_config_nodedir'));
  return { ...clean, npm_config_nodedir: '' };
}

/** How to run node-gyp: npm's own copy when npm told us where it is, else npx. */
export function nodeGypCommand(env, execPath = process.execPath) {
  const candidates = [
    env.npm_config_node_gyp,
    path.join(path.dirname(execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  const script = candidates.find((p) => p && fs.existsSync(p));
  if (script) return { command: execPath, prefix: [script] };
  return { command: process.platform === 'win32' ? 'npx.cmd' : 'npx', prefix: ['--yes', 'node-gyp'] };
}

const defaultRun = (command, args, options) =>
  spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' && command.endsWith('.cmd'), ...options });

/**
 * Ensures .electron-native/better_sqlite3.node matches the installed Electron. Returns the exit code.
 * `run` is spawnSync-like and injectable so the decision logic can be tested without compilers or network.
 */
export function ensureElectronSqlite({ root = ROOT, env = process.env, log = console.log, warn = console.error, run = defaultRun } = {}) {
  let binary = findElectronBinary(root, env);
  // Electron 45 downloads its binary on first use instead of at install; fetch it now, before we build for it.
  if ('missing' in binary && !env.ELECTRON_OVERRIDE_DIST_PATH && !env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    const installer = path.join(root, 'node_modules', 'electron', 'install.js');
    if (fs.existsSync(installer)) {
      log('electron-native: downloading the Electron binary (first start only)…');
      run(process.execPath, [installer], { cwd: root, env, stdio: 'inherit' });
      binary = findElectronBinary(root, env);
    }
  }
  if ('missing' in binary) {
    warn(`electron-native: ${binary.missing}`);
    return 1;
  }
  if (env.SIMDECK_SQLITE_BINDING) {
    log(`electron-native: SIMDECK_SQLITE_BINDING is set (${env.SIMDECK_SQLITE_BINDING}); not building.`);
    return 0;
  }
  const want = { electronVersion: packageVersion(root, 'electron'), sqliteVersion: packageVersion(root, 'better-sqlite3') };
  if (!want.electronVersion || !want.sqliteVersion) {
    warn('electron-native: node_modules/electron or node_modules/better-sqlite3 is missing; run `npm install` first.');
    return 1;
  }
  const outDir = path.join(root, '.electron-native');
  const reason = rebuildReason(readBuiltState(outDir), want);
  if (!reason) {
    log(`electron-native: better-sqlite3 ${want.sqliteVersion} for Electron ${want.electronVersion} is up to date.`);
    return 0;
  }
  log(`electron-native: building better-sqlite3 ${want.sqliteVersion} for Electron ${want.electronVersion} (${reason}).`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-electron-sqlite-'));
  try {
    const built = buildInCopy({ root, work, env, run, log, electronVersion: want.electronVersion });
    if (!built) {
      warn(
        'electron-native: could not get better-sqlite3 for Electron: no prebuilt binary downloaded and node-gyp failed.\n' +
          'Compiling needs Python 3 and a C++ toolchain (build-essential on Linux, Xcode tools on macOS, ' +
          'Visual Studio Build Tools on Windows) and network access to electronjs.org for the headers.',
      );
      return 1;
    }
    return install({ built, outDir, want, binary: binary.path, env, run, log, warn });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Copies the package (without its Node build) and builds there; returns the .node path or null. */
function buildInCopy({ root, work, env, run, log, electronVersion }) {
  const source = path.join(root, 'node_modules', 'better-sqlite3');
  const copy = path.join(work, 'better-sqlite3');
  fs.cpSync(source, copy, { recursive: true, filter: (p) => path.relative(source, p).split(path.sep)[0] !== 'build' });
  const output = path.join(copy, 'build', 'Release', BINDING);
  const options = { cwd: copy, env: buildEnv(env) };

  const prebuild = path.join(root, 'node_modules', 'prebuild-install', 'bin.js');
  if (fs.existsSync(prebuild)) {
    log('electron-native: trying a prebuilt binary (prebuild-install) ...');
    const result = run(process.execPath, [prebuild, ...prebuildArgs(electronVersion)], options);
    if (result.status === 0 && fs.existsSync(output)) return output;
  }
  log('electron-native: no prebuilt binary; compiling with node-gyp against the Electron headers ...');
  const gyp = nodeGypCommand(env);
  const result = run(gyp.command, [...gyp.prefix, ...nodeGypArgs(electronVersion)], options);
  return result.status === 0 && fs.existsSync(output) ? output : null;
}

/** Loads the module in Electron (as Node) before recording it, so a wrong-ABI file is never left in place. */
function install({ built, outDir, want, binary, env, run, log, warn }) {
  fs.mkdirSync(outDir, { recursive: true });
  const target = path.join(outDir, BINDING);
  const staged = path.join(outDir, 'better_sqlite3.new.node'); // .node, so require() loads it as an addon
  fs.copyFileSync(built, staged);
  const check = run(binary, ['-e', `require(${JSON.stringify(staged)})`], {
    env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
  });
  if (check.status !== 0) {
    fs.rmSync(staged, { force: true });
    warn('electron-native: the built better-sqlite3 does not load in this Electron; nothing was installed.');
    return 1;
  }
  fs.renameSync(staged, target);
  fs.writeFileSync(path.join(outDir, ELECTRON_VERSION_FILE), `${want.electronVersion}\n`);
  fs.writeFileSync(path.join(outDir, SQLITE_VERSION_FILE), `${want.sqliteVersion}\n`);
  log(`electron-native: installed ${path.relative(process.cwd(), target) || target}.`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = ensureElectronSqlite();
}
