// Launches the real Electron app against a throwaway workspace and checks the shell's promises from the
// renderer's side: ready state, title, a bridge with exactly the contract's calls and no Node, and app.info.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { METHODS } from '../../shared/contract.js';
import type { PreloadBridge } from '../../shared/transport.js';
import { REPO_ROOT, findElectronBinary } from './electron-binary.js';

const binary = findElectronBinary();
if ('missing' in binary) console.log(`[electron e2e] skipped: ${binary.missing}`);

test.describe('Electron shell', () => {
  test.skip('missing' in binary, 'missing' in binary ? binary.missing : '');

  let app: ElectronApplication;
  let page: Page;
  let workspace: string;

  test.beforeAll(async () => {
    const main = path.join(REPO_ROOT, 'dist', 'node', 'electron-main.cjs');
    expect(fs.existsSync(main), `${main} is missing; run \`npm run build\` first`).toBe(true);
    // As `npm start` does: the core needs better-sqlite3 built for Electron's ABI (a no-op when up to date).
    const native = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'electron-native.mjs')], { encoding: 'utf8' });
    expect(native.status, `scripts/electron-native.mjs failed:\n${native.stdout}${native.stderr}`).toBe(0);
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-e2e-'));
    const env = { ...process.env } as Record<string, string>;
    delete env.SIMDECK_DEV_URL; // always test the built renderer
    app = await electron.launch({
      executablePath: (binary as { path: string }).path, // never let Playwright require('electron')
      args: ['.', '--workspace', workspace],
      cwd: REPO_ROOT,
      env,
    });
    page = await app.firstWindow();
  });

  test.afterAll(async () => {
    await app?.close();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  test('starts, exposes only the contract, and reports the Electron shell', async () => {
    const root = page.locator('html'); // document.documentElement
    await expect(root).toHaveAttribute('data-app-state', /^(ready|error)$/);
    const state = await root.getAttribute('data-app-state');
    expect(state, `SimDeck did not start: ${await page.locator('body').innerText()}`).toBe('ready');

    const title = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getTitle());
    expect(title).toMatch(/SimDeck/);

    const surface = await page.evaluate(() => {
      const w = window as unknown as { simdeck: PreloadBridge; require?: unknown; process?: unknown };
      return {
        keys: Object.keys(w.simdeck).sort(),
        calls: Object.entries(w.simdeck.calls)
          .filter(([, fn]) => typeof fn === 'function')
          .map(([name]) => name)
          .sort(),
        require: typeof w.require,
        process: typeof w.process,
      };
    });
    expect(surface).toEqual({ keys: ['calls', 'onEvent'], calls: [...METHODS].sort(), require: 'undefined', process: 'undefined' });

    const info = await page.evaluate(() => (window as unknown as { simdeck: PreloadBridge }).simdeck.calls['app.info']({}));
    expect(info).toMatchObject({ ok: true, result: { shell: 'electron' } });
    const reported = (info as { result: { workspaceDir: string } }).result.workspaceDir;
    expect(fs.realpathSync(reported)).toBe(fs.realpathSync(workspace)); // macOS tmpdir is behind a symlink
  });
});
