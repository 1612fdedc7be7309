import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../support/chromium.js';

// UI flows against the real test bed (sshd + SLURM): run by e2e/testbed/run-integration.sh after the vitest
// integration suite, while the test bed is up. Alone: `bash e2e/testbed/up.sh all` then
// `npx playwright test --config e2e/testbed-ui/playwright.testbed.config.ts`.
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  timeout: 180_000,
  expect: { timeout: 20_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: '../../test-results/testbed-ui',
  use: {
    launchOptions: chromiumLaunchOptions(),
    viewport: { width: 1400, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
