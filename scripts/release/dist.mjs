#!/usr/bin/env node
// `npm run dist [-- options]`: builds SimDeck, builds better-sqlite3 for Electron, checks native modules,
// packages with electron-builder, then verifies the package (including the app's own --self-check).
//
// Options: --dir (unpacked app only), --linux/--mac/--win [target…] (must be this machine's platform),
// --x64/--arm64 (must be this machine's arch), --publish never|always|onTag|onTagOrDraft,
// --check-config (only validate the electron-builder config; needs no Electron binary).
// Packages are for the host platform and arch only: the Electron build of better-sqlite3 comes from this machine.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { findElectronBinary } from '../electron-native.mjs';
import { ROOT, builderConfig } from './electron-builder.config.mjs';
import { verifyPackage } from './verify-package.mjs';

const require = createRequire(import.meta.url);
const PLATFORM_FLAGS = { '--linux': 'linux', '--mac': 'darwin', '--win': 'win32' };
const PUBLISH = new Set(['never', 'always', 'onTag', 'onTagOrDraft']);

/** CLI args → { checkConfig, cli } where cli is electron-builder's build() options minus config. Throws on misuse. */
export function parseDistArgs(argv, host = { platform: process.platform, arch: process.arch }) {
  const cli = { publish: 'never' }; // uploading a release is always asked for explicitly (--publish always)
  let checkConfig = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check-config') checkConfig = true;
    else if (arg === '--dir') cli.dir = true;
    else if (arg === '--x64' || arg === '--arm64') {
      const arch = arg.slice(2);
      if (arch !== host.arch) throw new Error(`cannot package for ${arch} on this ${host.arch} machine: better-sqlite3 is built for the host arch only; build on a ${arch} machine.`);
      cli[arch] = true;
    } else if (arg in PLATFORM_FLAGS) {
      if (PLATFORM_FLAGS[arg] !== host.platform) {
        throw new Error(`cannot package ${arg.slice(2)} on ${host.platform}: each platform's package is built on that platform (native modules).`);
      }
      const targets = [];
      while (argv[i + 1] && !argv[i + 1].startsWith('-')) targets.push(argv[++i]);
      cli[arg.slice(2)] = targets;
    } else if (arg === '--publish' || arg === '-p') {
      const value = argv[++i];
      if (!PUBLISH.has(value)) throw new Error(`--publish takes one of ${[...PUBLISH].join(', ')} (got ${value ?? 'nothing'})`);
      cli.publish = value;
    } else {
      throw new Error(`unknown option ${arg}`);
    }
  }
  return { checkConfig, cli };
}

/** Runs electron-builder's own schema validation (the one build() runs first) on our config. */
export async function validateBuilderConfig(config) {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
  const { DebugLogger } = require('builder-util');
  await validateConfiguration(config, new DebugLogger(false));
}

function step(title, args, env) {
  console.log(`\ndist: ${title}`);
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env });
  return result.status === 0;
}

const fail = (message) => {
  console.error(`dist: ${message}`);
  return 1;
};

export async function dist(argv = process.argv.slice(2), env = process.env) {
  let parsed;
  try {
    parsed = parseDistArgs(argv);
  } catch (error) {
    return fail(error.message);
  }
  // Config problems (e.g. a bad SIMDECK_UPDATE_URL) fail here, before minutes of building.
  let config;
  try {
    config = builderConfig(env, { log: parsed.checkConfig ? (m) => console.log(`dist: ${m}`) : undefined });
    await validateBuilderConfig(config);
  } catch (error) {
    return fail(error.message);
  }
  if (parsed.checkConfig) {
    console.log(`dist: electron-builder config is valid (${config.appId}, Electron ${config.electronVersion}, publish ${config.publish[0].provider}).`);
    return 0;
  }
  const electron = findElectronBinary(ROOT, env);
  if ('missing' in electron && (env.ELECTRON_SKIP_BINARY_DOWNLOAD || env.ELECTRON_OVERRIDE_DIST_PATH)) {
    return fail(`packaging needs the Electron binary: ${electron.missing}`); // electron-native.mjs cannot fetch it either
  }
  if (!step('building SimDeck', [path.join(ROOT, 'scripts', 'build.mjs')], env)) return fail('build failed');
  if (!step('building better-sqlite3 for Electron', [path.join(ROOT, 'scripts', 'electron-native.mjs')], env)) {
    const again = findElectronBinary(ROOT, env);
    return fail('missing' in again ? `packaging needs the Electron binary: ${again.missing}` : 'scripts/electron-native.mjs failed');
  }
  if (!step('checking native modules', [path.join(ROOT, 'scripts', 'release', 'check-native.mjs')], env)) return fail('native module check failed');

  console.log('\ndist: packaging with electron-builder');
  const { build } = require('electron-builder');
  try {
    config = builderConfig(env, { log: (m) => console.log(`dist: ${m}`) }); // after electron-native: sees electron/dist
    const artifacts = await build({ projectDir: ROOT, config, ...parsed.cli });
    for (const file of artifacts) console.log(`dist: built ${path.relative(ROOT, file)}`);
  } catch (error) {
    return fail(`packaging failed: ${error.message}`);
  }

  console.log('\ndist: verifying the package');
  const problems = await verifyPackage({ releaseDir: path.join(ROOT, config.directories.output) });
  for (const p of problems) console.error(`dist: verify-package: FAIL ${p}`);
  if (problems.length) return fail('the package failed verification; do not ship it');
  console.log('dist: done');
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await dist();
}
