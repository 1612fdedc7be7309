import { defineConfig } from 'vitest/config';

// Unit tests: fast, no external services. Integration tests (real sshd, SLURM, dockerd) live in
// e2e/integration and run through vitest.integration.config.ts from `npm run test:integration`.
export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts', 'e2e/fah-sim/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20000,
    pool: 'forks',
  },
});
