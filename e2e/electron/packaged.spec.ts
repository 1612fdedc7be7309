// Packages SimDeck (`node scripts/release/dist.mjs --dir`, which also runs verify-package and the app's
// --self-check) and starts the packaged app like a user would. Playwright's _electron.launch cannot be used: it
// attaches to the main process with --inspect, which the packaged app's fuses switch off on purpose. So the app
// gets --remote-debugging-port (a Chromium switch, not a Node one) and the test drives its window over CDP.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { layout } from '../../scripts/release/verify-package.mjs';
import type { PreloadBridge } from '../../shared/transport.js';
import { REPO_ROOT, findElectronBinary } from './electron-binary.js';

const binary = findElectronBinary();
if ('missing' in binary) console.log(`[electron e2e] packaged app skipped: ${binary.missing}`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The app's CDP endpoint takes a moment to open; retry until it answers or the app has exited. */
async function connect(port: number, app: ChildProcess, deadline = Date.now() + 60_000): Promise<Browser> {
  for (;;) {
    try {
      return await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
    } catch (error) {
      if (app.exitCode !== null || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function appPage(browser: Browser, deadline = Date.now() + 30_000): Promise<Page> {
  for (;;) {
    const page = browser.contexts().flatMap((c) => c.pages()).find((p) => p.url().endsWith('index.html'));
    if (page) return page;
    if (Date.now() > deadline) throw new Error(`no SimDeck window; pages: ${browser.contexts().flatMap((c) => c.pages()).map((p) => p.url())}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test.describe('packaged app', () => {
  test.skip('missing' in binary, 'missing' in binary ? binary.missing : '');

  let app: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let workspace: string;
  let output = '';

  test.beforeAll(async () => {
    test.setTimeout(20 * 60_000); // a full build plus electron-builder
    const dist = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'release', 'dist.mjs'), '--dir', '--publish', 'never'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(dist.status, `npm run dist -- --dir failed:\n${dist.stdout.slice(-6000)}${dist.stderr.slice(-6000)}`).toBe(0);

    const { executable } = layout(path.join(REPO_ROOT, 'release'));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-packaged-'));
    const port = await freePort();
    const env = { ...process.env };
    delete env.SIMDECK_DEV_URL; // the packaged renderer, always
    const args = ['--workspace', workspace, `--remote-debugging-port=${port}`];
    if (process.platform === 'linux' && process.getuid?.() === 0) args.push('--no-sandbox');
    app = spawn(executable, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    app.stdout?.on('data', (d) => (output += d));
    app.stderr?.on('data', (d) => (output += d));
    browser = await connect(port, app);
    page = await appPage(browser);
  });

  test.afterAll(async () => {
    await browser?.close().catch(() => {}); // disconnects; the app keeps running
    if (app && app.exitCode === null) {
      const exited = new Promise((r) => app!.once('exit', r));
      app.kill(); // the process this spec started, by its handle
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (app.exitCode === null) app.kill('SIGKILL');
    }
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  test('starts from the package and reports the Electron shell', async () => {
    const root = page.locator('html');
    await expect(root, `app output:\n${output.slice(-4000)}`).toHaveAttribute('data-app-state', /^(ready|error)$/);
    expect(await root.getAttribute('data-app-state'), `SimDeck did not start: ${await page.locator('body').innerText()}`).toBe('ready');

    const info = await page.evaluate(() => (window as unknown as { simdeck: PreloadBridge }).simdeck.calls['app.info']({}));
    expect(info).toMatchObject({ ok: true, result: { shell: 'electron' } });
    const reported = (info as { result: { workspaceDir: string } }).result.workspaceDir;
    expect(fs.realpathSync(reported)).toBe(fs.realpathSync(workspace));
  });
});
