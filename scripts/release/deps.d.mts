// Types for deps.mjs.
export function readJson(file: string): unknown;
export function resolvePackage(root: string, fromDir: string, name: string): string | null;
export function dependencyClosure(root: string, names: string[]): { name: string; dir: string }[];
export function productionPackages(root: string): { name: string; dir: string }[];
export function onlyReachableThrough(root: string, only: string[]): string[];
