// Regenerates the README screenshot: starts `simdeck serve` on a scratch workspace, adds two example projects,
// and captures the Projects view in Chromium. Usage: node scripts/screenshot.mjs [out.png]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'resources/screenshots/projects.png'));
const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-shot-'));
const proc = spawn(process.execPath, ['bin/simdeck.cjs', 'serve', '--port', '0', '--workspace', ws], { cwd: root });
const url = await new Promise((resolve, reject) => {
  let text = '';
  proc.stdout.on('data', (d) => {
    text += d;
    const m = text.match(/SimDeck at (\S+)/);
    if (m) resolve(m[1]);
  });
  proc.on('exit', () => reject(new Error(text)));
});
const { origin, searchParams } = new URL(url);
const call = (method, params) =>
  fetch(`${origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${searchParams.get('token')}` },
    body: JSON.stringify(params),
  }).then((r) => r.json());
await call('projects.create', { name: 'T4 lysozyme L99A umbrella', description: 'Benzene unbinding PMF, 40 windows × 3 replicas on NRP', tags: ['umbrella', 'nrp'] });
await call('projects.create', { name: 'Barnase ddG scan', description: 'PyRosetta saturation mutagenesis, reruns on two SLURM clusters', tags: ['rosetta', 'slurm'] });
await call('targets.create', { name: 'expanse', kind: 'slurm', settings: { host: 'login.expanse.sdsc.edu', port: 22, username: 'ana' } });
const browser = await chromium.launch({ executablePath: process.env.SIMDECK_CHROMIUM ?? '/usr/bin/chromium', args: ['--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
await page.goto(url);
await page.waitForSelector('html[data-app-state="ready"]');
await page.getByTestId('nav-projects').click();
await page.waitForTimeout(300);
await page.screenshot({ path: out });
await browser.close();
proc.kill('SIGTERM');
fs.rmSync(ws, { recursive: true, force: true });
console.log(`wrote ${out}`);
