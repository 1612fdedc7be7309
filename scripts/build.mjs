// Builds SimDeck: the Node side with esbuild (one CommonJS bundle per entry, node_modules kept external so
// native modules like better-sqlite3 load from node_modules), and the renderer with Vite into dist/renderer.
// Usage: node scripts/build.mjs [--quiet] [--node-only]
import { build as esbuild } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const nodeOnly = process.argv.includes('--node-only');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const say = (msg) => quiet || console.log(msg);

const nodeEntries = [
  ['electron/cli/cli.ts', 'cli.cjs'],
  ['electron/host/core-host.ts', 'core-host.cjs'],
  ['electron/shell-electron/main.ts', 'electron-main.cjs'],
];

const t0 = Date.now();
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { SIMDECK_VERSION: JSON.stringify(pkg.version) },
};
for (const [entry, out] of nodeEntries) {
  if (!fs.existsSync(path.join(root, entry))) continue; // shells land one at a time
  await esbuild({ ...common, entryPoints: [path.join(root, entry)], outfile: path.join(root, 'dist/node', out), packages: 'external' });
}
// The sandboxed preload cannot require local files, so it is bundled whole (only `electron` stays external).
const preload = path.join(root, 'electron/shell-electron/preload.ts');
if (fs.existsSync(preload)) {
  await esbuild({ ...common, entryPoints: [preload], outfile: path.join(root, 'dist/node/preload.cjs'), external: ['electron'], sourcemap: false });
}
say(`built node bundles in ${Date.now() - t0} ms`);

if (!nodeOnly) {
  const t1 = Date.now();
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: quiet ? 'warn' : 'info' });
  say(`built renderer in ${Date.now() - t1} ms`);
}
