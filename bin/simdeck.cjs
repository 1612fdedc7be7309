#!/usr/bin/env node
// `simdeck` command: the built CLI lives in dist/ (made by `npm run build`, which `npm install` runs).
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'node', 'cli.cjs');
if (!fs.existsSync(cli)) {
  process.stderr.write('SimDeck is not built yet. Run `npm run build` in the SimDeck folder, then try again.\n');
  process.exit(1);
}
require(cli)
  .main(process.argv.slice(2))
  .then((code) => {
    if (code !== 0) process.exit(code);
  });
