// Finds executables on PATH the way a shell would, without a shell: walk the PATH entries, keep the first
// regular file with the executable bit (on Windows: the first match with a PATHEXT extension).
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export interface WhichOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

function pathValue(env: NodeJS.ProcessEnv): string {
  // Windows spells it Path; environment lookups there are case-insensitive.
  const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH');
  return (key ? env[key] : undefined) ?? '';
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The full path of `name` on the PATH of `env`, or null. Names with a directory part are checked as they are.
 * `platform` selects the rules (PATHEXT, executable bit); paths are always joined the native way.
 */
export function which(name: string, options: WhichOptions = {}): string | null {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  if (name === '' || name.includes('\0')) return null;
  const exts =
    platform === 'win32'
      ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean).map((e) => e.toLowerCase())]
      : [''];
  const candidates = (dir: string) => exts.map((e) => path.join(dir, name + e));
  if (name.includes('/') || (platform === 'win32' && name.includes('\\'))) {
    return candidates('').find((c) => isExecutableFile(c, platform)) ?? null;
  }
  const sep = platform === 'win32' ? ';' : ':';
  for (const dir of pathValue(env).split(sep)) {
    // An empty PATH entry means the current directory to a shell: never search it implicitly.
    if (dir === '' || !path.isAbsolute(dir)) continue;
    const hit = candidates(dir).find((c) => {
      // On Windows a bare name without extension is not runnable unless it has one of the PATHEXT endings.
      if (platform === 'win32' && c === path.join(dir, name) && !exts.slice(1).some((e) => c.toLowerCase().endsWith(e))) return false;
      return isExecutableFile(c, platform);
    });
    if (hit) return hit;
  }
  return null;
}

/** Whether a Windows executable is a batch file, which must be started through cmd.exe. */
export function isBatchFile(file: string): boolean {
  return /\.(bat|cmd)$/i.test(file);
}
