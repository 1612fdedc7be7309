import { defineConfig } from 'vitest/config';

// The Kubernetes API simulator's own tests (unit, @kubernetes/client-node, real kubectl). Run from the repo root:
//   npx vitest run --config e2e/kube-sim/vitest.config.ts
export default defineConfig({
  test: {
    root: '.',
    include: ['e2e/kube-sim/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
