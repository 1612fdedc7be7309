import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempWorkspace } from '../testing/temp-core.js';
import { LOCK_FILE, isZombie, lockWorkspace } from './lock.js';

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

  it.runIf(process.platform === 'linux')('takes over a lock held by a zombie (a killed shell\'s core not yet reaped by init)', async () => {
    const dir = fresh();
    // `sleep 0.1` becomes a zombie: its parent execs into `sleep 5`, which never waits for it.
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 5']);
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(d.toString()))));
      const deadline = Date.now() + 5000;
      while (!isZombie(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(isZombie(pid)).toBe(true);
      expect(isZombie(parent.pid!)).toBe(false);
      fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid, host: (await import('node:os')).hostname(), since: 'then' }));
      const release = lockWorkspace(dir);
      expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
      release();
    } finally {
      parent.kill();
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
