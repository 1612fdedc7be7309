// Types for check-native.mjs, so the tests (.ts) can import it.
export interface NativeHandling {
  handling: string;
  check?: (root: string) => string | null;
}
export const NATIVE_MODULES: Readonly<Record<string, NativeHandling>>;
export function productionPackages(root?: string): { name: string; dir: string }[];
export function isNative(dir: string): boolean;
export function checkElectronSqlite(root: string): string | null;
export function checkNative(root?: string, table?: Record<string, NativeHandling>): { ok: boolean; lines: string[] };
