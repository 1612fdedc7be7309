import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resetFake } from './fake-electron.js';
import { resolveWorkspaceDir, workspaceDir } from './workspace-dir.js';

vi.mock('electron', () => import('./fake-electron.js'));

beforeEach(() => resetFake());

describe('resolveWorkspaceDir', () => {
  const userData = '/home/ada/.config/SimDeck';

  it('prefers --workspace DIR, wherever it sits among Electron/Playwright flags', () => {
    const argv = ['/usr/bin/electron', '--inspect=0', '--remote-debugging-port=0', '.', '--workspace', '/tmp/ws'];
    expect(resolveWorkspaceDir(argv, { SIMDECK_WORKSPACE: '/env/ws' }, userData)).toBe(path.resolve('/tmp/ws'));
  });

  it('accepts --workspace=DIR and resolves relative paths', () => {
    expect(resolveWorkspaceDir(['electron', '.', '--workspace=rel/ws'], {}, userData)).toBe(path.resolve('rel/ws'));
  });

  it('falls back to SIMDECK_WORKSPACE, then userData/workspace', () => {
    expect(resolveWorkspaceDir(['electron', '.'], { SIMDECK_WORKSPACE: '/env/ws' }, userData)).toBe(path.resolve('/env/ws'));
    expect(resolveWorkspaceDir(['electron', '.'], { SIMDECK_WORKSPACE: '' }, userData)).toBe(path.join(userData, 'workspace'));
  });

  it.each([[['electron', '.', '--workspace']], [['electron', '.', '--workspace', '--verbose']], [['electron', '--workspace=']]])(
    'refuses a --workspace flag without a directory: %j',
    (argv) => {
      expect(() => resolveWorkspaceDir(argv, {}, userData)).toThrow(/--workspace needs a directory/);
    },
  );

  it('uses Electron userData when nothing else is given', () => {
    const argv = process.argv;
    process.argv = ['electron', '.'];
    const env = process.env.SIMDECK_WORKSPACE;
    delete process.env.SIMDECK_WORKSPACE;
    try {
      expect(workspaceDir()).toBe(path.join('/fake/userData', 'workspace'));
    } finally {
      process.argv = argv;
      if (env !== undefined) process.env.SIMDECK_WORKSPACE = env;
    }
  });
});
