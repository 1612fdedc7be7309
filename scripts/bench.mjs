// `npm run bench -- NAME`: runs bench/NAME.mjs. Each benchmark measures SimDeck and its baseline in the same
// run and ends with one line: BENCH name=<name> value=<v><unit> baseline=<b><unit> ratio=<r> (ratio > 1: SimDeck better).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bench');
const available = fs.readdirSync(benchDir).filter((f) => f.endsWith('.mjs')).map((f) => f.replace(/\.mjs$/, ''));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`Usage: npm run bench -- NAME   (available: ${available.join(', ')})`);
  process.exit(2);
}
const r = spawnSync(process.execPath, [path.join(benchDir, `${name}.mjs`), ...process.argv.slice(3)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
