import { defineConfig } from 'vitest/config';

// Integration tests that stop test-bed daemons (dockerd restart): run alone, after the main integration suite,
// so no other test sees the daemon go away. `npm run test:integration` runs them; by hand:
// `npx vitest run --config vitest.disruptive.config.ts` with the test bed up.
export default defineConfig({
  test: {
    include: ['e2e/integration/**/*.disruptive.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
