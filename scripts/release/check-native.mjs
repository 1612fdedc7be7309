#!/usr/bin/env node
// Before packaging: every native module the packaged app could load must be handled on purpose. The app does not
// rebuild node_modules for Electron (npmRebuild: false), so a native module that slips in unnoticed would carry
// the Node ABI and crash at its first require() in the packaged app, far from here.
// Usage: node scripts/release/check-native.mjs   (exit 1 when something is not handled)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './electron-builder.config.mjs';
import { productionPackages as walkProduction, readJson } from './deps.mjs';

/** How each known native module is handled. Anything native not in this table fails the check. */
export const NATIVE_MODULES = Object.freeze({
  'better-sqlite3': {
    handling: 'shipped as .electron-native/better_sqlite3.node, built for Electron by scripts/electron-native.mjs',
    check: checkElectronSqlite,
  },
  'cpu-features': {
    handling:
      'not shipped: optional dependency of ssh2 with its install script disabled (package.json allowScripts); ' +
      'ssh2 falls back to JavaScript; excluded in electron-builder.config.mjs files',
  },
});

/** Every installed package reachable from package.json's `dependencies`. */
export const productionPackages = (root = ROOT) => walkProduction(root);

/** Native: has a binding.gyp, or ships compiled .node files (prebuilds), outside its own node_modules. */
export function isNative(dir) {
  if (fs.existsSync(path.join(dir, 'binding.gyp'))) return true;
  const stack = [dir];
  while (stack.length) {
    const current = stack.pop();
    let entries;
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && entry.name !== 'node_modules') stack.push(path.join(current, entry.name));
      else if (entry.isFile() && entry.name.endsWith('.node')) return true;
    }
  }
  return false;
}

export function checkElectronSqlite(root) {
  const electron = readJson(path.join(root, 'node_modules', 'electron', 'package.json'))?.version;
  const binding = path.join(root, '.electron-native', 'better_sqlite3.node');
  if (!fs.existsSync(binding)) return `.electron-native/better_sqlite3.node is missing: run \`node scripts/electron-native.mjs\``;
  let built = null;
  try {
    built = fs.readFileSync(path.join(root, '.electron-native', 'electron-version'), 'utf8').trim();
  } catch {
    built = null;
  }
  if (!electron) return 'node_modules/electron is missing: run `npm install`';
  if (built !== electron) {
    return `.electron-native was built for Electron ${built ?? '(unknown)'} but node_modules has ${electron}: run \`node scripts/electron-native.mjs\``;
  }
  return null;
}

/** @returns {{ ok: boolean, lines: string[] }} */
export function checkNative(root = ROOT, table = NATIVE_MODULES) {
  const lines = [];
  let ok = true;
  const natives = productionPackages(root).filter((p) => isNative(p.dir));
  for (const { name, dir } of natives) {
    const where = path.relative(root, dir);
    const known = Object.hasOwn(table, name) ? table[name] : undefined;
    if (!known) {
      ok = false;
      lines.push(
        `FAIL ${name} (${where}) is a native module with no plan. It would be packaged with its Node-ABI build and ` +
          'fail to load in Electron. Either drop it from "dependencies", exclude it in electron-builder.config.mjs ' +
          'files (if optional), or build it for Electron like scripts/electron-native.mjs does for better-sqlite3; ' +
          'then add it to NATIVE_MODULES in scripts/release/check-native.mjs.',
      );
      continue;
    }
    const problem = known.check?.(root) ?? null;
    if (problem) ok = false;
    lines.push(`${problem ? 'FAIL' : 'ok  '} ${name} (${where}): ${known.handling}${problem ? `: ${problem}` : ''}`);
  }
  if (natives.length === 0) lines.push('no native modules among the production dependencies');
  return { ok, lines };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { ok, lines } = checkNative();
  for (const line of lines) console.log(`check-native: ${line}`);
  if (!ok) console.error('check-native: native modules are not ready for packaging (see FAIL lines).');
  process.exitCode = ok ? 0 : 1;
}
