// Main-process logging. One prefix so the shell's messages are easy to find among Chromium's own output;
// security refusals are warnings because they mean something tried to do what it must not.
const PREFIX = '[simdeck:shell]';

export function logInfo(message: string): void {
  console.log(`${PREFIX} ${message}`);
}

export function logWarn(message: string): void {
  console.warn(`${PREFIX} ${message}`);
}

export function logError(message: string, err?: unknown): void {
  console.error(`${PREFIX} ${message}${err === undefined ? '' : `: ${describe(err)}`}`);
}

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
