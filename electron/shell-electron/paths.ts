// Where the built pieces are. The bundled main process lives in dist/node, next to preload.cjs and
// core-host.cjs; the renderer is in dist/renderer. The Electron-ABI SQLite module (scripts/electron-native.mjs)
// is in .electron-native under the app directory, because node_modules keeps the Node build for the browser shell.
import fs from 'node:fs';
import path from 'node:path';

export interface ShellPaths {
  preload: string;
  coreHost: string;
  indexHtml: string;
}

export function shellPaths(distNodeDir: string): ShellPaths {
  return {
    preload: path.join(distNodeDir, 'preload.cjs'),
    coreHost: path.join(distNodeDir, 'core-host.cjs'),
    indexHtml: path.join(distNodeDir, '..', 'renderer', 'index.html'),
  };
}

export function nativeSqliteBinding(appPath: string): string | undefined {
  const file = path.join(appPath, '.electron-native', 'better_sqlite3.node');
  return fs.existsSync(file) ? file : undefined;
}

/** The core's environment: ours, plus the Electron-built SQLite binding when there is one (an explicit one wins). */
export function coreEnv(env: NodeJS.ProcessEnv, appPath: string): Record<string, string | undefined> {
  const binding = env.SIMDECK_SQLITE_BINDING || nativeSqliteBinding(appPath);
  return binding ? { ...env, SIMDECK_SQLITE_BINDING: binding } : { ...env };
}
