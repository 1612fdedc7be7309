// A bug in the main process is logged (with its stack, to shell.log) and shown in the window's error banner with
// "Copy diagnostics", instead of Electron's modal "A JavaScript error occurred" box over a working app.
import type { AppErrorReport } from '../../shared/app.js';
import { newReport } from '../core/unhandled.js';
import { describe, logError } from './log.js';

type ErrorSource = Pick<NodeJS.Process, 'on' | 'off'>;

/** Installs the handlers on `proc` (the main process); returns the function that removes them. */
export function reportShellErrors(proc: ErrorSource, show: (report: AppErrorReport) => void): () => void {
  const handler = (what: string) => (err: unknown) => {
    logError(`unexpected error in the main process (${what})`, err);
    show(newReport('shell', `SimDeck's window process: ${describe(err)}`, false));
  };
  const onException = handler('uncaught exception');
  const onRejection = handler('unhandled rejection');
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return () => {
    proc.off('uncaughtException', onException);
    proc.off('unhandledRejection', onRejection);
  };
}
