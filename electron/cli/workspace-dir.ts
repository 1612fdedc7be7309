// Where the browser shell keeps its workspace when no --workspace is given: the OS user-data directory,
// the same place a desktop app keeps its data. SIMDECK_WORKSPACE overrides it.
import os from 'node:os';
import path from 'node:path';

export function defaultWorkspaceDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.SIMDECK_WORKSPACE) return path.resolve(env.SIMDECK_WORKSPACE);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'SimDeck', 'workspace');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'SimDeck', 'workspace');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'simdeck', 'workspace');
}
