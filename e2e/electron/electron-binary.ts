// Finds the Electron executable the way node_modules/electron/index.js does, but without its side effect:
// in Electron 45, require('electron') from Node downloads the binary when it is missing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const MISSING_REASON =
  'Electron binary not installed (node_modules/electron/dist missing); run `npx install-electron` on a machine ' +
  'that can download it';

export type ElectronBinary = { path: string } | { missing: string };

export function findElectronBinary(root: string = REPO_ROOT, env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  const packageDir = path.join(root, 'node_modules', 'electron');
  const relative = readPathTxt(packageDir);
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override
    ? path.join(override, relative ?? defaultExecutable())
    : relative && path.join(packageDir, 'dist', relative);
  if (candidate && fs.existsSync(candidate)) return { path: candidate };
  return { missing: override ? `Electron binary not found at ${candidate} (ELECTRON_OVERRIDE_DIST_PATH)` : MISSING_REASON };
}

function readPathTxt(packageDir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(packageDir, 'path.txt'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

// Same names as electron/install.js uses for path.txt.
function defaultExecutable(): string {
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return process.platform === 'win32' ? 'electron.exe' : 'electron';
}
