// "Copy diagnostics": a plain-text report a researcher can paste into a bug report. It says which SimDeck runs
// where, what the workspace holds (counts only), the recent unexpected errors and the end of the core log.
// Everything passes the redactor (secret values known to this run) and the scrubber (things that look secret).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppErrorReport, AppSettings } from '../../shared/app.js';
import type { Db } from '../workspace/db.js';
import type { Redactor } from './redactor.js';
import { scrubSecrets } from './scrub.js';
import type { CoreInfo } from './services.js';

export const LOG_TAIL_LINES = 200;
const SHELL_TAIL_LINES = 60;
/** Enough bytes for 200 ordinary log lines; a longer tail is cut, never read whole. */
const LOG_TAIL_BYTES = 256 * 1024;

export interface DiagnosticsSources {
  info: CoreInfo;
  db: Db;
  settings: AppSettings;
  errors: readonly AppErrorReport[];
  logFile: string;
  redactor: Redactor;
  /** Date.now() when the core started. */
  startedAt: number;
}

export function buildDiagnostics(src: DiagnosticsSources, now = Date.now()): string {
  const sections = [
    header(src, now),
    workspaceSection(src.db),
    settingsSection(src.settings),
    errorsSection(src.errors),
    `Core log (last ${LOG_TAIL_LINES} lines of ${src.logFile}):\n${readLogTail(src.logFile)}`,
    ...shellLogSection(path.join(path.dirname(src.logFile), 'shell.log')),
  ];
  return scrubSecrets(src.redactor.text(sections.join('\n\n'))) + '\n';
}

function header(src: DiagnosticsSources, now: number): string {
  const v = process.versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string };
  return lines('SimDeck diagnostics', [
    ['generated', new Date(now).toISOString()],
    ['version', src.info.version],
    ['shell', src.info.shell],
    ['platform', `${process.platform} ${process.arch} (${os.type()} ${os.release()})`],
    ['node', v.node],
    ['electron', v.electron ?? '-'],
    ['chrome', v.chrome ?? '-'],
    ['core pid', String(process.pid)],
    ['core uptime', `${Math.round((now - src.startedAt) / 1000)} s`],
    ['workspace', src.info.workspaceDir],
    ['secrets backend', src.info.secretsBackend],
  ]);
}

function workspaceSection(db: Db): string {
  const one = (sql: string) => (db.prepare(sql).get() as { n: number | null } | undefined)?.n ?? 0;
  const grouped = (sql: string) =>
    (db.prepare(sql).all() as { k: string; n: number }[]).map((r) => `${r.k} ${r.n}`).join(', ') || 'none';
  return lines('Workspace', [
    ['schema version', String(one('SELECT MAX(version) AS n FROM schema_migrations'))],
    ['projects', String(one('SELECT COUNT(*) AS n FROM projects'))],
    ['targets', grouped('SELECT kind AS k, COUNT(*) AS n FROM targets GROUP BY kind ORDER BY kind')],
    ['jobs', grouped('SELECT state AS k, COUNT(*) AS n FROM jobs GROUP BY state ORDER BY state')],
  ]);
}

function settingsSection(settings: AppSettings): string {
  const feed = settings.updates.feedUrl;
  return lines('App settings', [
    ['updates', settings.updates.enabled ? 'on' : 'off'],
    // The host says which feed; a path or query could carry an access key.
    ['update feed', feed ? hostOf(feed) : 'built-in'],
  ]);
}

function errorsSection(errors: readonly AppErrorReport[]): string {
  if (errors.length === 0) return 'Recent unexpected errors: none';
  const rows = errors.map((e) => `  ${e.at} [${e.source}${e.restarted ? ', core restarted' : ''}] ${e.message}`);
  return `Recent unexpected errors (newest first):\n${rows.join('\n')}`;
}

/** The desktop app's main process logs there (its view of core crashes, the core's stderr); the browser shell does not. */
function shellLogSection(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  return [`Desktop shell log (last ${SHELL_TAIL_LINES} lines of ${file}):\n${readLogTail(file, SHELL_TAIL_LINES)}`];
}

/** The last `count` lines of a file, reading at most its last LOG_TAIL_BYTES. */
export function readLogTail(file: string, count = LOG_TAIL_LINES): string {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return '(no log yet)';
  }
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, LOG_TAIL_BYTES);
    const buf = Buffer.alloc(length);
    fs.readSync(fd, buf, 0, length, size - length);
    const all = buf.toString('utf8').split('\n');
    if (length < size) all.shift(); // the first line was cut
    return all.filter((l) => l.trim()).slice(-count).join('\n');
  } finally {
    fs.closeSync(fd);
  }
}

function lines(title: string, rows: [string, string][]): string {
  return `${title}:\n${rows.map(([k, v]) => `  ${k}: ${v}`).join('\n')}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(not a URL)';
  }
}
