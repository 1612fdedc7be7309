import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempWorkspace } from '../testing/temp-core.js';
import { LOCK_FILE, lockWorkspace } from './lock.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const fresh = () => {
  const d = tempWorkspace();
  dirs.push(d);
  return d;
};

describe('workspace lock', () => {
  it('refuses a second SimDeck on the same workspace while the first one lives', async () => {
    const dir = fresh();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, host: (await import('node:os')).hostname(), since: 'then' }));
      expect(() => lockWorkspace(dir)).toThrow(/already open in another SimDeck \(pid \d+/);
    } finally {
      other.kill();
    }
  });

  it('takes over a lock left by a process that is gone, and releases it', async () => {
    const dir = fresh();
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => gone.on('exit', r));
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: gone.pid, host: (await import('node:os')).hostname(), since: 'then' }));
    const release = lockWorkspace(dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });
});
