import { defineConfig } from 'vitest/config';

// Integration tests against real sshd, SLURM and dockerd started by e2e/testbed/up.sh (root, Debian 12).
// Run them with `npm run test:integration` (up, tests, down) or, with the test bed already up,
// `npx vitest run --config vitest.integration.config.ts`.
export default defineConfig({
  test: {
    // e2e/kube-sim: the Kubernetes API simulator's own tests (incl. the real-kubectl fidelity check) and the
    // umbrella campaigns through SimDeck's core against it.
    include: ['e2e/integration/**/*.test.ts', 'e2e/kube-sim/**/*.test.ts'],
    // Tests that stop daemons run alone afterwards (vitest.disruptive.config.ts).
    exclude: ['e2e/integration/**/*.disruptive.test.ts', '**/node_modules/**'],
    environment: 'node',
    pool: 'forks',
    // Real daemons: SSH logins, SLURM scheduling and container starts take seconds, not milliseconds.
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
