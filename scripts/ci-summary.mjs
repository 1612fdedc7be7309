// Adds up the test counts that Vitest and Playwright printed into a CI log and prints one closing line:
// "ci: N passed, N failed, N skipped". Usage: node scripts/ci-summary.mjs LOG
import fs from 'node:fs';

const text = fs.readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
const total = { passed: 0, failed: 0, skipped: 0 };
for (const line of text.split('\n')) {
  // Vitest: "      Tests  2 failed | 238 passed | 1 skipped (241)"
  const vitest = line.match(/^\s*Tests\s+(.*)\(\d+\)\s*$/);
  if (vitest) {
    for (const m of vitest[1].matchAll(/(\d+) (passed|failed|skipped)/g)) total[m[2]] += Number(m[1]);
    continue;
  }
  // Playwright: "  3 passed (3.9s)", "  1 skipped", "  2 failed"
  const pw = line.match(/^\s+(\d+) (passed|failed|skipped|flaky)(?: \([\d.]+m?s\))?\s*$/);
  if (pw) total[pw[2] === 'flaky' ? 'passed' : pw[2]] += Number(pw[1]);
}
console.log(`ci: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
