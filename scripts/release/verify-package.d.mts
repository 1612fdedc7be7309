// Types for verify-package.mjs, so the tests (.ts) and the packaged-app e2e spec can import it.
export interface AsarHeader {
  files?: Record<string, unknown>;
}
export interface AsarEntry {
  path: string;
  unpacked: boolean;
  size?: number;
}
export interface Layout {
  appDir: string;
  resources: string;
  executable: string;
}
export const REQUIRED_IN_ASAR: string[];
export const SQLITE_BINDING: string;
export const FUSE_STATE: { readonly ENABLE: number; readonly DISABLE: number };
export function readAsarHeader(file: string): AsarHeader;
export function readAsarFile(file: string, entryPath: string): Buffer;
export function requiredPackages(source: string): string[];
export function asarEntries(header: AsarHeader, prefix?: string): AsarEntry[];
export function checkAsarContent(entries: AsarEntry[]): string[];
export function layout(releaseDir: string, platform?: NodeJS.Platform, arch?: string, exists?: (p: string) => boolean): Layout;
export function binaryArch(file: string): string | null;
export function fuseProblems(
  wire: Partial<Record<number, number>>,
  FuseV1Options: Record<string, number | string>,
  FuseState?: { ENABLE: number; DISABLE: number },
  want?: Record<string, boolean>,
): string[];
export function parseSelfCheck(stdout: string): { ok?: boolean; [key: string]: unknown } | null;
export function selfCheckArgs(platform?: NodeJS.Platform, uid?: number): string[];
export function verifyPackage(options?: {
  releaseDir?: string;
  platform?: NodeJS.Platform;
  arch?: string;
  log?: (message: string) => void;
}): Promise<string[]>;
