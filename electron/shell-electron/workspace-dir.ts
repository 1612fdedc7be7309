// Where the workspace (SQLite database, sealed secrets, job files) lives: `--workspace DIR` on the command line,
// else SIMDECK_WORKSPACE, else a folder in Electron's per-user data directory.
import path from 'node:path';
import { app } from 'electron';

export function resolveWorkspaceDir(argv: readonly string[], env: NodeJS.ProcessEnv, userDataDir: string): string {
  const fromFlag = workspaceFlag(argv);
  if (fromFlag !== undefined) return path.resolve(fromFlag);
  if (env.SIMDECK_WORKSPACE) return path.resolve(env.SIMDECK_WORKSPACE);
  return path.join(userDataDir, 'workspace');
}

/** `--workspace DIR` or `--workspace=DIR`; a flag without a directory is an error, not a silent default. */
export function workspaceFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg.startsWith('--workspace=')) return nonEmpty(arg.slice('--workspace='.length));
    if (arg === '--workspace') return nonEmpty(argv[i + 1]);
  }
  return undefined;
}

function nonEmpty(value: string | undefined): string {
  if (!value || value.startsWith('--')) throw new Error('--workspace needs a directory, e.g. --workspace ~/simdeck-work');
  return value;
}

export function workspaceDir(): string {
  return resolveWorkspaceDir(process.argv, process.env, app.getPath('userData'));
}
