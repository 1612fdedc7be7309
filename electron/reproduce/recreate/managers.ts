// Which environment managers are installed, and which version: each found on PATH without a shell, then asked
// `<manager> --version` (10 s timeout). Versions are read with recreate_env.py's regex `v?(\d+(?:\.\d+)+)`.
import { execFile } from 'node:child_process';
import type { EnvironmentManager, InstalledManager } from '../../../shared/reproduce.js';
import { isBatchFile, which } from './which.js';

export const MANAGER_NAMES: readonly EnvironmentManager[] = ['conda', 'mamba', 'pixi', 'uv'];

const VERSION = /v?(\d+(?:\.\d+)+)/;

/** The first version number in a `--version` output (`conda 24.9.2`, `pixi 0.50.0`, `uv 0.5.0 (…)`), or null. */
export function parseVersion(output: string): string | null {
  return VERSION.exec(output)?.[1] ?? null;
}

/** How to install a manager, for messages that refuse to go on without it. */
export function installHint(manager: EnvironmentManager): string {
  switch (manager) {
    case 'conda':
      return 'Install Miniforge (https://conda-forge.org/download/), which provides conda, and make sure conda is on your PATH.';
    case 'mamba':
      return 'Install Miniforge (https://conda-forge.org/download/), which provides mamba, and make sure mamba is on your PATH.';
    case 'pixi':
      return 'Install pixi (https://pixi.sh: "curl -fsSL https://pixi.sh/install.sh | sh" on Linux/macOS) and make sure pixi is on your PATH.';
    case 'uv':
      return 'Install uv (https://docs.astral.sh/uv/getting-started/installation/) and make sure uv is on your PATH.';
  }
}

function versionOf(file: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  return new Promise((resolve) => {
    const windowsBatch = process.platform === 'win32' && isBatchFile(file);
    // Batch files cannot be started without cmd.exe; the path is quoted and the only argument is fixed.
    const [cmd, args] = windowsBatch
      ? [env.ComSpec ?? 'cmd.exe', ['/d', '/s', '/c', `"${file}" --version`]]
      : [file, ['--version']];
    execFile(
      cmd,
      args,
      { env, timeout: 10_000, windowsHide: true, windowsVerbatimArguments: windowsBatch, maxBuffer: 1024 * 1024 },
      (err, stdout, stderr) => {
        const out = `${String(stdout ?? '')}\n${String(stderr ?? '')}`;
        if (err && !out.trim()) return resolve(null);
        resolve(parseVersion(out));
      },
    );
  });
}

/**
 * Finds conda, mamba, pixi and uv on the PATH of `env` and asks each for its version. Every manager is listed;
 * `path` is null for the ones not found, `version` null when it could not be read.
 */
export async function detectManagers(env: NodeJS.ProcessEnv = process.env): Promise<InstalledManager[]> {
  return Promise.all(
    MANAGER_NAMES.map(async (name): Promise<InstalledManager> => {
      const file = which(name, { env });
      if (!file) return { name, path: null, version: null };
      return { name, path: file, version: await versionOf(file, env) };
    }),
  );
}
