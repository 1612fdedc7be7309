// Test helpers only (imported by *.test.ts): an environment that puts the e2e/stubs stand-ins for conda, mamba,
// pixi, uv and python first on PATH, and readers for what they logged.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const STUBS_DIR = fileURLToPath(new URL('../../../e2e/stubs', import.meta.url));

export function stubEnv(logFile: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${STUBS_DIR}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    SIMDECK_STUB_LOG: logFile,
    SIMDECK_STUB_NODE: process.execPath,
    SIMDECK_STUB_DELAY_MS: '2',
    ...extra,
  };
}

export interface StubCall {
  tool: string;
  argv?: string[];
  cwd?: string;
  env?: { PYROSETTACLUSTER_ENVIRONMENT_MANAGER: string | null };
  event?: string;
  pid?: number;
  childPid?: number;
}

export function stubCalls(logFile: string): StubCall[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as StubCall);
}

/** Whether a process exists and is not a zombie waiting for a parent that never reaps it. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
