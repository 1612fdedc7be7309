import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logError, logInfo, logToFile, logWarn, SHELL_LOG, stopLoggingToFile } from './log.js';

let dir = '';
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-shell-log-'));
  for (const level of ['log', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation(() => {});
});
afterEach(() => {
  stopLoggingToFile();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the shell log file', () => {
  it('gets every line once the workspace is known, with levels, stacks and no secrets', () => {
    logInfo('before the workspace is known'); // console only
    logToFile(path.join(dir, 'logs'));
    logInfo('core ready');
    logWarn('core: https://ana:hunter2@mirror.example.edu/feed');
    logError('core process crashed', new Error('boom'));
    const text = fs.readFileSync(path.join(dir, 'logs', SHELL_LOG), 'utf8');
    expect(text).not.toContain('before the workspace');
    expect(text).toMatch(/^\S+Z info core ready$/m);
    expect(text).toMatch(/warn core: https:\/\/\[redacted\]@mirror\.example\.edu\/feed/);
    expect(text).not.toContain('hunter2');
    expect(text).toMatch(/error core process crashed: boom\nError: boom\n\s+at /);
    expect(fs.statSync(path.join(dir, 'logs', SHELL_LOG)).mode & 0o777).toBe(0o600);
  });

  it('rotates at 5 MB like the core log', () => {
    logToFile(dir);
    fs.writeFileSync(path.join(dir, SHELL_LOG), 'x'.repeat(5 * 1024 * 1024));
    logInfo('after rotation');
    expect(fs.readFileSync(path.join(dir, SHELL_LOG), 'utf8')).toMatch(/info after rotation\n$/);
    expect(fs.statSync(path.join(dir, `${SHELL_LOG}.1`)).size).toBe(5 * 1024 * 1024);
  });

  it('never throws when the log cannot be written', () => {
    logToFile(dir);
    fs.mkdirSync(path.join(dir, SHELL_LOG)); // a directory where the file should be
    expect(() => logError('still fine')).not.toThrow();
  });
});
