// What the core does with errors nobody caught. A rejected promise is usually one network operation that forgot
// its catch: it is logged and reported, and the core keeps running. An uncaught exception leaves the core in an
// unknown state: it is reported, the shell is told, and the process exits with EXIT_FATAL so the shell starts a
// fresh core on the same (crash-safe) workspace.
import { randomUUID } from 'node:crypto';
import type { AppErrorReport } from '../../shared/app.js';
import { scrubSecrets } from './scrub.js';

export type UnhandledKind = 'exception' | 'rejection';

/** Exit code of a core that ended itself after an uncaught exception (EX_SOFTWARE). */
export const EXIT_FATAL = 70;
const MAX_REPORTS = 50;
/** The shell gets this long to receive the fatal report before the core exits anyway. */
const FLUSH_LIMIT_MS = 1000;

/** The last unexpected errors, newest first. */
export class ErrorRing {
  private reports: AppErrorReport[] = [];

  constructor(earlier: readonly AppErrorReport[] = []) {
    earlier.forEach((r) => this.add(r));
  }

  add(report: AppErrorReport): void {
    this.reports = [report, ...this.reports.filter((r) => r.id !== report.id)].slice(0, MAX_REPORTS);
  }

  list(): AppErrorReport[] {
    return [...this.reports];
  }
}

export function describeError(err: unknown): { message: string; stack?: string } {
  if (err instanceof Error) return { message: err.message || err.name, stack: err.stack };
  return { message: typeof err === 'string' ? err : safeJson(err) };
}

export function newReport(source: AppErrorReport['source'], message: string, restarted: boolean): AppErrorReport {
  return { id: randomUUID(), at: new Date().toISOString(), source, message, restarted };
}

export interface UnhandledTarget {
  /** Logs, records and announces the error; returns the report. Absent until the core exists. */
  reportUnhandled(err: unknown, kind: UnhandledKind): AppErrorReport;
}

export interface UnhandledOptions {
  core(): UnhandledTarget | undefined;
  /** Tells the shell the core is about to exit because of `report`; calls `sent` once the message is out. */
  tellShell(report: AppErrorReport, sent: () => void): void;
  exit(code: number): void;
  stderr(text: string): void;
  /** The process to watch (a stand-in in tests). */
  proc?: NodeJS.EventEmitter;
}

/** Installs the handlers; returns a function that removes them. */
export function installUnhandled(opts: UnhandledOptions): () => void {
  const proc = opts.proc ?? process;
  const onRejection = (reason: unknown) => void report(opts, reason, 'rejection');
  const onException = (err: unknown) => {
    const r = report(opts, err, 'exception');
    exitAfter(opts, r);
  };
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtException', onException);
  return () => {
    proc.off('unhandledRejection', onRejection);
    proc.off('uncaughtException', onException);
  };
}

function report(opts: UnhandledOptions, err: unknown, kind: UnhandledKind): AppErrorReport {
  const core = opts.core();
  if (core) {
    try {
      return core.reportUnhandled(err, kind);
    } catch (failed) {
      // Reporting must never turn one error into a loop of them; stderr is the last resort.
      opts.stderr(`simdeck core: could not report an unhandled error: ${describeError(failed).message}\n`);
    }
  }
  const { message, stack } = describeError(err);
  opts.stderr(`simdeck core: unhandled ${kind}: ${stack ?? message}\n`);
  return newReport('core', scrubSecrets(message), kind === 'exception');
}

function exitAfter(opts: UnhandledOptions, report: AppErrorReport): void {
  let done = false;
  const exit = () => {
    if (done) return;
    done = true;
    opts.exit(EXIT_FATAL);
  };
  setTimeout(exit, FLUSH_LIMIT_MS);
  try {
    opts.tellShell(report, exit);
  } catch {
    exit();
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
