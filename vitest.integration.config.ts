import { defineConfig } from 'vitest/config';

// Integration tests against real sshd, SLURM and dockerd started by e2e/testbed/up.sh (root, Debian 12).
// Run them with `npm run test:integration` (up, tests, down) or, with the test bed already up,
// `npx vitest run --config vitest.integration.config.ts`.
export default defineConfig({
  test: {
    include: ['e2e/integration/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Real daemons: SSH logins, SLURM scheduling and container starts take seconds, not milliseconds.
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
