// Types for scripts/electron-native.mjs, so its unit test (a .ts file) can import it.
import type { SpawnSyncReturns } from 'node:child_process';

export type ElectronBinary = { path: string } | { missing: string };
export interface BuiltState {
  haveBinding: boolean;
  electronVersion: string | null;
  sqliteVersion: string | null;
}
export interface WantedVersions {
  electronVersion: string;
  sqliteVersion: string;
}
export type Run = (
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv },
) => Pick<SpawnSyncReturns<unknown>, 'status'>;

export const ROOT: string;
export const BINDING: string;
export const ELECTRON_VERSION_FILE: string;
export const SQLITE_VERSION_FILE: string;
export const MISSING_ELECTRON: string;
export function findElectronBinary(root?: string, env?: NodeJS.ProcessEnv): ElectronBinary;
export function packageVersion(root: string, name: string): string | null;
export function readBuiltState(outDir: string): BuiltState;
export function rebuildReason(state: BuiltState, want: WantedVersions): string | null;
export function prebuildArgs(electronVersion: string, arch?: string): string[];
export function nodeGypArgs(electronVersion: string, arch?: string): string[];
export function buildEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function nodeGypCommand(env: NodeJS.ProcessEnv, execPath?: string): { command: string; prefix: string[] };
export function ensureElectronSqlite(options?: {
  root?: string;
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
  warn?: (message: string) => void;
  run?: Run;
}): number;
