// Benchmark "startup": time from starting `simdeck serve` to the UI reporting ready in Chromium, against the
// floor: a minimal React page built by the same bundler, served by a minimal Node server and loaded the same way.
// ratio = floor / SimDeck (> 1 would mean SimDeck starts faster than hello-world). Goal: ratio >= 0.5.
// Also prints the core's resident memory when idle (goal: under 150 MB).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function startProcess(args, pattern) {
  const t0 = performance.now();
  const proc = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(pattern);
      if (m) resolve({ proc, url: m[1], t0 });
    });
    proc.stderr.on('data', (d) => (out += d));
    proc.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

const stop = (proc) => new Promise((r) => (proc.exitCode !== null ? r() : (proc.once('exit', r), proc.kill('SIGTERM'))));

async function timeToReady(browser, args, pattern) {
  const { proc, url, t0 } = await startProcess(args, pattern);
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('html[data-app-state="ready"]', { timeout: 30000 });
  const ms = performance.now() - t0;
  await page.close();
  return { ms, proc };
}

function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)[1]) / 1024;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  await execBuild();
  const floorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-floor-'));
  const { build } = await import('vite');
  await build({ root: path.join(root, 'bench/floor'), base: './', logLevel: 'warn', build: { outDir: floorDir, emptyOutDir: true } });
  const browser = await chromium.launch({
    executablePath: process.env.SIMDECK_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const simdeck = [];
  const floor = [];
  let idleRss = 0;
  for (let i = 0; i < RUNS; i++) {
    // Alternate so machine noise hits both sides alike.
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-bench-'));
    const s = await timeToReady(browser, ['bin/simdeck.cjs', 'serve', '--port', '0', '--workspace', ws], /SimDeck at (\S+)/);
    simdeck.push(s.ms);
    if (i === RUNS - 1) {
      await new Promise((r) => setTimeout(r, 3000)); // let start-up garbage settle, then measure idle
      idleRss = rssMb(s.proc.pid);
    }
    await stop(s.proc);
    fs.rmSync(ws, { recursive: true, force: true });
    const f = await timeToReady(browser, ['bench/floor/server.cjs', floorDir], /Floor at (\S+)/);
    floor.push(f.ms);
    await stop(f.proc);
  }
  await browser.close();
  fs.rmSync(floorDir, { recursive: true, force: true });
  const value = median(simdeck);
  const baseline = median(floor);
  console.log(`simdeck runs (ms): ${simdeck.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`floor runs (ms):   ${floor.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`idle core RSS: ${idleRss.toFixed(1)} MB (goal < 150 MB)`);
  console.log(`BENCH name=startup value=${value.toFixed(0)}ms baseline=${baseline.toFixed(0)}ms ratio=${(baseline / value).toFixed(2)}`);
}

function execBuild() {
  const r = spawn(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: root, stdio: 'inherit' });
  return new Promise((resolve, reject) => r.on('exit', (c) => (c === 0 ? resolve() : reject(new Error('build failed')))));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
