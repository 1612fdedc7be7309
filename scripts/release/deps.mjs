// The installed dependency tree, walked the way Node resolves packages. Shared by check-native.mjs (which
// native modules ship) and electron-builder.config.mjs (which renderer-only packages to leave out).
import fs from 'node:fs';
import path from 'node:path';

export const readJson = (file) => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
};

/** Node's lookup: <from>/node_modules/<name>, then each parent's node_modules up to the root. */
export function resolvePackage(root, fromDir, name) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.relative(root, dir) === '' || dir === path.dirname(dir)) return null;
  }
}

const depNames = (pkg) => Object.keys({ ...pkg?.dependencies, ...pkg?.optionalDependencies, ...pkg?.peerDependencies });

/** Every installed package reachable from `names` (resolved from the root); [{ name, dir }]. Missing ones are skipped. */
export function dependencyClosure(root, names) {
  const found = new Map(); // dir -> name
  const queue = names.map((name) => [root, name]);
  while (queue.length) {
    const [from, name] = queue.shift();
    const dir = resolvePackage(root, from, name);
    if (!dir || found.has(dir)) continue; // a missing optional dependency is fine
    found.set(dir, name);
    for (const dep of depNames(readJson(path.join(dir, 'package.json')))) queue.push([dir, dep]);
  }
  return [...found].map(([dir, name]) => ({ name, dir }));
}

/** Every installed package reachable from package.json's `dependencies` (not devDependencies). */
export function productionPackages(root) {
  const top = readJson(path.join(root, 'package.json'));
  return dependencyClosure(root, Object.keys({ ...top?.dependencies, ...top?.optionalDependencies }));
}

/** Packages reachable only through `only` (e.g. the renderer's, bundled by Vite), as paths relative to root. */
export function onlyReachableThrough(root, only) {
  const top = readJson(path.join(root, 'package.json'));
  const others = Object.keys({ ...top?.dependencies, ...top?.optionalDependencies }).filter((n) => !only.includes(n));
  const needed = new Set(dependencyClosure(root, others).map((p) => p.dir));
  return dependencyClosure(root, only)
    .filter((p) => !needed.has(p.dir))
    .map((p) => path.relative(root, p.dir).split(path.sep).join('/'));
}
