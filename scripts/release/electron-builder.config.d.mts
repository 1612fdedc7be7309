// Types for electron-builder.config.mjs, so the tests (.ts) can import it. The config itself is checked by
// electron-builder's own schema (see the test), so it is typed loosely here.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface Association {
  ext: string;
  name: string;
  description: string;
  mimeType: string;
  role: string;
  rank?: string;
  icon?: string;
}
export const ROOT: string;
export const FUSES: Readonly<Record<string, boolean>>;
export const RENDERER_ONLY: readonly string[];
export const PORTABLE_ASSOCIATIONS: readonly Association[];
export const LINUX_ONLY_ASSOCIATIONS: readonly Association[];
export const PROTOCOLS: readonly { name: string; schemes: string[] }[];
export function publishConfig(env?: NodeJS.ProcessEnv): Array<Record<string, string>>;
export function builderConfig(
  env?: NodeJS.ProcessEnv,
  options?: { log?: (message: string) => void; platform?: NodeJS.Platform; root?: string },
): Record<string, any>;
export default function config(): Record<string, any>;
