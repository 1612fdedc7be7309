// The files backend against the real test bed sshd: browse a folder holding hostile names, tail a growing file,
// download a folder with progress (sha256-verified), interrupt and resume downloads and cluster-to-cluster copies
// (continued from the partial file, not restarted), a dropped connection that pauses a transfer, and where a real
// sbatch job writes. Two profiles on the same sshd stand in for two clusters.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../shared/domain.js';
import type { Transfer } from '../../shared/files.js';
import { ApiError } from '../../shared/errors.js';
import { FilesService } from '../../electron/files/backend.js';
import { HostKeyVerifier } from '../../electron/ssh/host-key-verifier.js';
import { SshPool } from '../../electron/ssh/pool.js';
import { resolveSshConnection } from '../../electron/ssh/target.js';
import { openHarness } from '../../electron/slurm/testing/harness.js';
import type { Harness } from '../../electron/slurm/testing/harness.js';
import { Targets } from '../../electron/workspace/targets.js';
import { commandLine } from '../../electron/core/shell-quote.js';
import { loadTestbed, makeContext, need } from './testbed.js';

const tb = loadTestbed();
const ssh = {
  host: need(tb, 'SIMDECK_TB_SSH_HOST'),
  port: Number(need(tb, 'SIMDECK_TB_SSH_PORT')),
  username: need(tb, 'SIMDECK_TB_SSH_USER'),
  privateKeyPath: need(tb, 'SIMDECK_TB_SSH_KEY'),
  hostKeySha256: need(tb, 'SIMDECK_TB_SSH_HOSTKEY_SHA256'),
  useAgent: 'false',
};
const { ctx } = makeContext();
const newPool = (callRetries?: number) =>
  new SshPool({
    resolve: (t) => resolveSshConnection(t, ctx),
    hostKeys: new HostKeyVerifier({ knownHostsFiles: [] }),
    prompt: () => Promise.reject(new Error('no prompts')),
    log: ctx.log,
    callRetries,
    backoff: { initialMs: 200, maxMs: 1000 },
  });
const pool = newPool();
const fragile = newPool(0); // gives up at the first drop: the transfer must pause, not fail

const REMOTE = `/tmp/simdeck-files-it-${process.pid}`;
const PWNED = `simdeck-files-pwned-${process.pid}`; // would appear in the home folder (or the cwd) if run
const HOSTILE = [`$(touch ${PWNED})`, '`touch ' + PWNED + '`', 'a; touch x', `it's "quoted"`, 'with space', 'new\nline'];
const BIG = randomBytes(6 * 1024 * 1024 + 12345);
const SMALL = [Buffer.from('hello\n'), randomBytes(70_000), Buffer.from('ünïcødé ✓\n')];

let h: Harness;
let A: Target;
let B: Target;
let files: FilesService; // default event throttle
let quick: FilesService; // an event per chunk, to interrupt at a known point
let flaky: FilesService; // over the pool that gives up at once
let local: string;
const events: Transfer[] = [];
const quickEvents: Transfer[] = [];
const logs: string[] = [];

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function settle(svc: FilesService, id: string, timeoutMs = 60_000): Promise<Transfer> {
  const t0 = Date.now();
  for (;;) {
    const t = svc.transfers().find((x) => x.id === id)!;
    if (t.state !== 'running') return t;
    if (Date.now() - t0 > timeoutMs) throw new Error(`transfer ${id} still running: ${t.message}`);
    await sleep(50);
  }
}

function service(p: SshPool, sink: Transfer[], eventIntervalMs?: number): FilesService {
  const targets = new Targets(h.db);
  return new FilesService({
    db: h.db,
    getTarget: (id) => targets.get(id),
    sftp: (t, fn) => p.sftp(t, fn),
    exec: (t, c) => p.exec(t, c, { timeoutMs: 30_000 }),
    onStatus: (l) => p.onStatus(l),
    status: (id) => p.status(id),
    activity: h.ctx.activity,
    log: { info: (m, f) => logs.push(`${m} ${JSON.stringify(f ?? {})}`), warn: (m, f) => logs.push(`${m} ${JSON.stringify(f ?? {})}`), error: (m, f) => logs.push(`${m} ${JSON.stringify(f ?? {})}`) },
    emit: (t) => sink.push(t),
    downloadsDir: local,
    eventIntervalMs,
  });
}

beforeAll(async () => {
  h = openHarness({
    runner: pool,
    projectName: `it files ${process.pid}`,
    targets: [
      { name: `files-a-${process.pid}`, settings: { ...ssh, time: '00:05:00', mem: '100M', workDir: `${REMOTE}/simdeck` } },
      { name: `files-b-${process.pid}`, settings: { ...ssh, workDir: `${REMOTE}/b` } },
    ],
  });
  [A, B] = h.targets as [Target, Target];
  local = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-files-it-'));
  files = service(pool, events);
  quick = service(pool, quickEvents, 0);
  flaky = service(fragile, quickEvents, 0);
  await pool.mkdirp(A, `${REMOTE}/data/sub`);
  await pool.writeFile(A, `${REMOTE}/data/big.bin`, BIG);
  await pool.writeFile(A, `${REMOTE}/data/hello.txt`, SMALL[0]!);
  await pool.writeFile(A, `${REMOTE}/data/sub/rand.bin`, SMALL[1]!);
  await pool.writeFile(A, `${REMOTE}/data/sub/${HOSTILE[0]}`, SMALL[2]!);
  await pool.mkdirp(A, `${REMOTE}/hostile`);
  for (const n of HOSTILE) await pool.writeFile(A, `${REMOTE}/hostile/${n}`, `name: ${n}\n`);
});

afterAll(async () => {
  await files?.close();
  await quick?.close();
  await flaky?.close();
  await pool.exec(A, commandLine(['rm', '-rf', '--', REMOTE])).catch(() => undefined);
  await pool.close();
  await fragile.close();
  h?.close();
  fs.rmSync(local, { recursive: true, force: true });
});

describe('browse and tail', () => {
  it('lists a folder with hostile names as plain names; folders first; nothing executed', async () => {
    const l = await files.list(A.id, `${REMOTE}/hostile`);
    expect(l.path).toBe(`${REMOTE}/hostile`);
    expect(l.truncated).toBe(false);
    expect(l.entries.map((e) => e.name).sort()).toEqual([...HOSTILE].sort());
    expect(l.entries.every((e) => e.type === 'file' && e.path === `${REMOTE}/hostile/${e.name}`)).toBe(true);
    const data = await files.list(A.id, `${REMOTE}/data`);
    expect(data.entries.map((e) => [e.name, e.type])).toEqual([
      ['sub', 'dir'],
      ['big.bin', 'file'],
      ['hello.txt', 'file'],
    ]);
    expect(data.entries.find((e) => e.name === 'big.bin')!.size).toBe(BIG.length);
    // The tail of a hostile name reads that file, and nothing ran on the cluster.
    const t = await files.tail(A.id, `${REMOTE}/hostile/${HOSTILE[0]}`, undefined, 1024);
    expect(t.text).toBe(`name: ${HOSTILE[0]}\n`);
    for (const where of [PWNED, `${REMOTE}/hostile/${PWNED}`, `${REMOTE}/${PWNED}`]) {
      expect((await pool.exec(A, commandLine(['test', '-e', where]))).code).not.toBe(0);
    }
  });

  it('resolves ~ and says clearly what is wrong', async () => {
    const home = await files.list(A.id, '~');
    expect(home.path).toBe(await pool.home(A));
    await expect(files.list(A.id, `${REMOTE}/missing`)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(`${REMOTE}/missing`) });
    await expect(files.list(A.id, `${REMOTE}/data/hello.txt`)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/not a folder/) });
  });

  it('tails a growing file: the end first, then only what was appended; missing files are not errors', async () => {
    const f = `${REMOTE}/grow.out`;
    const missing = await files.tail(A.id, f, undefined, 4096);
    expect(missing).toMatchObject({ exists: false, size: 0, text: '' });
    const first = Array.from({ length: 200 }, (_, i) => `step ${i} energy -${i}.5\n`).join('');
    await pool.writeFile(A, f, first);
    const t1 = await files.tail(A.id, f, undefined, 100);
    expect(t1.end).toBe(Buffer.byteLength(first));
    expect(first.endsWith(t1.text)).toBe(true);
    expect(t1.text.startsWith('step ')).toBe(true); // cut at a line boundary
    await pool.exec(A, `printf '%s\\n' ${commandLine(['appended €', 'more'])} >> ${commandLine([f])}`);
    const t2 = await files.tail(A.id, f, t1.end, 4096);
    expect(t2).toMatchObject({ start: t1.end, text: 'appended €\nmore\n', reset: false });
    const t3 = await files.tail(A.id, f, t2.end, 4096);
    expect(t3.text).toBe('');
    await pool.writeFile(A, f, 'restarted\n');
    expect(await files.tail(A.id, f, t2.end, 4096)).toMatchObject({ reset: true, text: 'restarted\n', start: 0 });
  });
});

describe('downloads', () => {
  it('downloads a folder with progress events, sha256-identical, never overwriting an existing download', async () => {
    const t0 = await files.download(A.id, `${REMOTE}/data`);
    expect(t0).toMatchObject({ state: 'running', kind: 'download', to: { targetId: null, path: path.join(local, 'data') } });
    const t = await settle(files, t0.id);
    expect(t).toMatchObject({ state: 'done', filesDone: 4, filesTotal: 4 });
    const total = BIG.length + SMALL.reduce((n, b) => n + b.length, 0);
    expect(t.bytesDone).toBe(total);
    expect(t.bytesTotal).toBe(total);
    const mine = events.filter((e) => e.id === t0.id);
    expect(mine.at(-1)).toMatchObject({ state: 'done' });
    expect(mine.length).toBeGreaterThanOrEqual(2);
    const span = Date.parse(mine.at(-1)!.updatedAt) - Date.parse(mine[0]!.createdAt);
    expect(mine.filter((e) => e.state === 'running').length).toBeLessThanOrEqual(4 + Math.ceil(span / 250) + 2);
    const root = path.join(local, 'data');
    expect(sha(fs.readFileSync(path.join(root, 'big.bin')))).toBe(sha(BIG));
    expect(fs.readFileSync(path.join(root, 'hello.txt'))).toEqual(SMALL[0]);
    expect(sha(fs.readFileSync(path.join(root, 'sub', 'rand.bin')))).toBe(sha(SMALL[1]!));
    expect(fs.readFileSync(path.join(root, 'sub', HOSTILE[0]!))).toEqual(SMALL[2]);
    expect(fs.readdirSync(root, { recursive: true }).some((n) => String(n).endsWith('.simdeck-part'))).toBe(false);
    const activity = h.activity.list(undefined, 50).find((a) => a.action === 'files.download');
    expect(activity?.command).toMatch(new RegExp(`^scp -P ${ssh.port} .*-r ${ssh.username}@${ssh.host}:${REMOTE}/data `));

    // Again: a new destination "data (1)", the first download untouched.
    const again = await settle(files, (await files.download(A.id, `${REMOTE}/data/hello.txt`, root)).id);
    expect(again.to.path).toBe(path.join(root, 'hello (1).txt'));
    expect(fs.readFileSync(again.to.path)).toEqual(SMALL[0]);
    await expect(files.download(A.id, `${REMOTE}/data`, 'relative/dir')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(files.download(A.id, `${REMOTE}/nope`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('cancel keeps the partial file; resume continues it (reads fewer bytes than the file) and the result is identical', async () => {
    let cancelled: Promise<Transfer> | null = null;
    const watch = setInterval(() => undefined, 1000);
    const started = await quick.download(A.id, `${REMOTE}/data/big.bin`);
    await new Promise<void>((resolve) => {
      const check = () => {
        const e = quickEvents.find((x) => x.id === started.id && x.bytesDone > 0);
        if (e && !cancelled) {
          cancelled = quick.cancel(started.id);
          resolve();
        } else setTimeout(check, 1);
      };
      check();
    });
    clearInterval(watch);
    const c = await cancelled!;
    expect(c.state).toBe('cancelled');
    expect(c.message).toMatch(/resume/);
    const part = `${started.to.path}.simdeck-part`;
    const partSize = fs.statSync(part).size;
    expect(partSize).toBeGreaterThan(0);
    expect(partSize).toBeLessThan(BIG.length);
    expect(fs.readFileSync(part).equals(BIG.subarray(0, partSize))).toBe(true); // a correct prefix
    expect(fs.existsSync(started.to.path)).toBe(false);

    const r = await quick.resume(started.id);
    expect(r.state).toBe('running');
    const done = await settle(quick, started.id);
    expect(done).toMatchObject({ state: 'done', bytesDone: BIG.length });
    expect(sha(fs.readFileSync(started.to.path))).toBe(sha(BIG));
    const run = quick.manager.lastRun.get(started.id)!;
    expect(run.resumedFrom).toBe(partSize);
    expect(run.bytesMoved).toBe(BIG.length - partSize);
    expect(run.bytesMoved).toBeLessThan(BIG.length);
    await expect(quick.resume(started.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('a dropped connection pauses the transfer with what to do, and resuming finishes it intact', async () => {
    const started = await flaky.download(A.id, `${REMOTE}/data/big.bin`);
    await new Promise<void>((resolve) => {
      const check = () => (quickEvents.some((x) => x.id === started.id && x.bytesDone > 0) ? resolve() : setTimeout(check, 1));
      check();
    });
    await fragile.close(A.id); // the link goes away mid-file
    const paused = await settle(flaky, started.id);
    expect(paused.state).toBe('paused');
    expect(paused.message).toMatch(/resume/i);
    const partSize = fs.statSync(`${started.to.path}.simdeck-part`).size;
    expect(fs.readFileSync(`${started.to.path}.simdeck-part`).equals(BIG.subarray(0, partSize))).toBe(true);
    await flaky.resume(started.id);
    const done = await settle(flaky, started.id);
    expect(done.state).toBe('done');
    expect(sha(fs.readFileSync(started.to.path))).toBe(sha(BIG));
    expect(flaky.manager.lastRun.get(started.id)!.bytesMoved).toBeLessThan(BIG.length);
  });
});

describe('copies between clusters', () => {
  it('copies a folder from one profile to another, with cancel and resume, size-verified', async () => {
    const started = await quick.copy(A.id, `${REMOTE}/data`, B.id, '~/../../' + `${REMOTE.slice(1)}/b/inbox`);
    expect(started).toMatchObject({ kind: 'copy', to: { targetId: B.id, path: `${REMOTE}/b/inbox/data` } });
    await new Promise<void>((resolve) => {
      const check = () => (quickEvents.some((x) => x.id === started.id && x.bytesDone > 0) ? resolve() : setTimeout(check, 1));
      check();
    });
    const c = await quick.cancel(started.id);
    expect(['cancelled', 'done']).toContain(c.state);
    if (c.state === 'cancelled') {
      await quick.resume(started.id);
      const done = await settle(quick, started.id);
      expect(done.state).toBe('done');
      expect(quick.manager.lastRun.get(started.id)!.bytesMoved).toBeLessThan(done.bytesTotal!);
    }
    const dest = `${REMOTE}/b/inbox/data`;
    expect(sha(await pool.readFile(B, `${dest}/big.bin`, { maxBytes: 64 * 1024 * 1024 }))).toBe(sha(BIG));
    expect(sha(await pool.readFile(B, `${dest}/sub/rand.bin`))).toBe(sha(SMALL[1]!));
    expect(await pool.readFile(B, `${dest}/sub/${HOSTILE[0]}`)).toEqual(SMALL[2]);
    const listing = await files.list(B.id, `${dest}/sub`);
    expect(listing.entries.map((e) => e.name).sort()).toEqual([HOSTILE[0], 'rand.bin'].sort());
    const act = h.activity.list(undefined, 100).find((a) => a.action.startsWith('files.copy'));
    expect(act?.command).toMatch(/^scp -3 /);
    // A second copy of the same file gets its own name.
    const again = await settle(files, (await files.copy(A.id, `${REMOTE}/data/hello.txt`, B.id, dest)).id);
    expect(again).toMatchObject({ state: 'done', to: { path: `${dest}/hello (1).txt` } });
    await expect(files.copy(A.id, `${REMOTE}/data`, A.id, `${REMOTE}/data/sub`)).rejects.toBeInstanceOf(ApiError);
  });
});

describe('job files', () => {
  it('finds stdout of a real sbatch job from scontrol, and from the script once SLURM forgot it', async () => {
    const [job] = await h.service.submit({
      projectId: h.projectId,
      targetIds: [A.id],
      name: 'files it',
      template: 'cpu',
      values: { command: 'echo hello from the job' },
      folder: ['run 1'],
    });
    expect(job!.remoteId).toMatch(/^\d+$/);
    const f = await files.jobFiles(job!.id);
    expect(f.source).toBe('scontrol');
    expect(f.workDir).toBe(job!.details.dir);
    expect(f.stdoutPath).toBe(`${String(job!.details.dir)}/slurm-${job!.remoteId}.out`);
    expect(f.stderrPath).toBe(f.stdoutPath);
    expect(h.service.repo.get(job!.id)!.details).toMatchObject({ stdoutPath: f.stdoutPath, filesSource: 'scontrol' });
    // The output appears once the job ran.
    const t0 = Date.now();
    let text = '';
    while (Date.now() - t0 < 60_000) {
      const t = await files.tail(A.id, f.stdoutPath!, undefined, 4096);
      text = t.text;
      if (text.includes('hello from the job')) break;
      await sleep(700);
    }
    expect(text).toContain('hello from the job');
    // Script-derived answer for the same job agrees (as if SLURM had forgotten it).
    h.service.repo.patchDetails(job!.id, { filesSource: undefined });
    const viaScript = await service(
      Object.assign(Object.create(pool) as SshPool, { exec: async () => ({ code: 1, signal: null, stdout: '', stderr: 'Invalid job id specified' }) }),
      [],
    ).jobFiles(job!.id);
    expect(viaScript).toMatchObject({ source: 'script', workDir: f.workDir, stdoutPath: f.stdoutPath });
  });
});
