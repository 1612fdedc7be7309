import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './support/chromium.js';

// Browser e2e: Playwright drives Debian's Chromium against `simdeck serve` with a temporary workspace.
// The Electron shell has its own config (e2e/electron/playwright.electron.config.ts).
export default defineConfig({
  testDir: './browser',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: '../test-results/browser',
  use: {
    launchOptions: chromiumLaunchOptions(),
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
