// End-to-end tests of the Electron shell: `npx playwright test --config e2e/electron/playwright.electron.config.ts`.
// Needs `npm run build` and the Electron binary; without the binary the spec reports itself skipped.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/electron',
  timeout: 60_000,
  expect: { timeout: 30_000 },
  workers: 1, // one Electron app at a time: each launch is a whole browser plus the core process
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: { trace: 'retain-on-failure' },
});
