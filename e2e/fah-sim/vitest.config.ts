import { defineConfig } from 'vitest/config';

// The F@H WS/AS simulator's own tests (mutual TLS, endpoints, state machine, faults, real curl). Run from the repo root:
//   npx vitest run --config e2e/fah-sim/vitest.config.ts
export default defineConfig({
  test: {
    root: '.',
    include: ['e2e/fah-sim/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
