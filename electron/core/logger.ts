// The core's log: JSON lines in <workspace>/logs/core.log (rotated at 5 MB, 3 files kept), and stderr when
// asked. Every line passes the redactor first.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from './adapter.js';
import type { Redactor } from './redactor.js';

const MAX_BYTES = 5 * 1024 * 1024;
const KEEP = 3;

export function createFileLogger(dir: string, redactor: Redactor, echo = false): Logger & { file: string } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'core.log');
  const write = (level: string, msg: string, fields?: Record<string, unknown>) => {
    const line = JSON.stringify({ t: new Date().toISOString(), level, msg: redactor.text(msg), ...(fields ? redactor.fields(fields) : {}) });
    rotateIfLarge(file);
    fs.appendFileSync(file, line + '\n', { mode: 0o600 });
    if (echo) process.stderr.write(line + '\n');
  };
  return {
    file,
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** Keeps a log file under MAX_BYTES: core.log → core.log.1 → … → core.log.KEEP (the oldest is dropped). */
export function rotateIfLarge(file: string): void {
  let size = 0;
  try {
    size = fs.statSync(file).size;
  } catch {
    return;
  }
  if (size < MAX_BYTES) return;
  for (let i = KEEP - 1; i >= 1; i--) {
    try {
      fs.renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    } catch {
      /* missing older file */
    }
  }
  fs.renameSync(file, `${file}.1`);
}
