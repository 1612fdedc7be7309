// Main-process logging. One prefix so the shell's messages are easy to find among Chromium's own output;
// security refusals are warnings because they mean something tried to do what it must not.
// An installed app has no terminal, so once the workspace is known every line also goes to
// <workspace>/logs/shell.log (rotated like core.log, secrets scrubbed): the core's own stderr (a native crash, an
// error before its log opened) is forwarded here, and "Copy diagnostics" includes the file's end.
import fs from 'node:fs';
import path from 'node:path';
import { rotateIfLarge } from '../core/logger.js';
import { scrubSecrets } from '../core/scrub.js';

const PREFIX = '[simdeck:shell]';
export const SHELL_LOG = 'shell.log';
let file: string | null = null;

/** From now on, also append to <logsDir>/shell.log. */
export function logToFile(logsDir: string): void {
  fs.mkdirSync(logsDir, { recursive: true, mode: 0o700 });
  file = path.join(logsDir, SHELL_LOG);
}

export function stopLoggingToFile(): void {
  file = null;
}

function write(level: 'info' | 'warn' | 'error', line: string): void {
  if (!file) return;
  try {
    rotateIfLarge(file);
    fs.appendFileSync(file, `${new Date().toISOString()} ${level} ${scrubSecrets(line)}\n`, { mode: 0o600 });
  } catch {
    // A full disk or a read-only workspace must not take the app down; the console still has the line.
  }
}

export function logInfo(message: string): void {
  console.log(`${PREFIX} ${message}`);
  write('info', message);
}

export function logWarn(message: string): void {
  console.warn(`${PREFIX} ${message}`);
  write('warn', message);
}

export function logError(message: string, err?: unknown): void {
  const line = `${message}${err === undefined ? '' : `: ${describe(err)}`}`;
  console.error(`${PREFIX} ${line}`);
  write('error', err instanceof Error && err.stack ? `${line}\n${err.stack}` : line);
}

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
