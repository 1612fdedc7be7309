// One SimDeck core per workspace. Two cores on one workspace would both poll the same clusters and both
// resubmit the same failed jobs; the second one is refused with a message naming the first.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../shared/errors.js';

export const LOCK_FILE = 'core.lock';

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
};

/**
 * A core whose shell was killed is re-parented to init, which may take seconds to reap it; until then kill(pid, 0)
 * still succeeds. A zombie runs no code and holds no database handle, so its lock is stale (Linux: /proc state Z).
 */
export function isZombie(pid: number, procDir = '/proc'): boolean {
  try {
    const stat = fs.readFileSync(path.join(procDir, String(pid), 'stat'), 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no /proc (macOS, Windows) or already gone: kill() decided
  }
}

/** Takes the workspace lock, or throws if another live SimDeck holds it. Returns the release function. */
export function lockWorkspace(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      return () => {
        const held = readLock(file);
        if (held?.pid === mine.pid && held.host === mine.host) fs.rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = readLock(file);
    const sameHost = held?.host === mine.host;
    if (held && (!sameHost || alive(held.pid)) && held.pid !== mine.pid) {
      throw new ApiError(
        'CONFLICT',
        `This workspace (${dir}) is already open in another SimDeck (pid ${held.pid} on ${held.host}, since ${held.since}). ` +
          'Use that window, or close it first. If it crashed on another machine, delete ' + file + '.',
      );
    }
    // Stale: its process is gone, or it is this very process (a core worker restarted after a crash).
    fs.rmSync(file, { force: true });
  }
  throw new ApiError('CONFLICT', `Could not lock the workspace ${dir}; another SimDeck is starting on it.`);
}

function readLock(file: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}
