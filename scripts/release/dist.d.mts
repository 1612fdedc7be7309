// Types for dist.mjs, so the tests (.ts) can import it.
export function parseDistArgs(
  argv: string[],
  host?: { platform: NodeJS.Platform | string; arch: string },
): { checkConfig: boolean; cli: Record<string, unknown> };
export function validateBuilderConfig(config: Record<string, unknown>): Promise<void>;
export function dist(argv?: string[], env?: NodeJS.ProcessEnv): Promise<number>;
