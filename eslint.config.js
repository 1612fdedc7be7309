import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.electron-native/**', 'release/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The renderer is untrusted territory: it talks to the core only through the typed client.
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'The renderer has no Electron access; use the typed client.' },
            { group: ['node:*', 'fs', 'child_process', 'path', 'os'], message: 'No Node APIs in the renderer.' },
            { group: ['**/electron/**'], message: 'The renderer reaches the core only through shared/client.' },
          ],
        },
      ],
    },
  },
  {
    // One backend never reaches into another backend's internals (DEVELOPERS.md).
    files: ['electron/ssh/**', 'electron/slurm/**', 'electron/docker/**', 'electron/kube/**', 'electron/fah/**', 'electron/reproduce/**', 'electron/metrics/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../kube/**', '../fah/**', '../reproduce/**', '../metrics/**'], message: 'Backends do not import each other; share code via electron/core.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.cjs', 'scripts/**/*.mjs', 'bin/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
