import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWorkspaceDb } from '../workspace/db.js';
import type { Db } from '../workspace/db.js';
import { Targets } from '../workspace/targets.js';
import { TransferRepo } from './transfer-repo.js';

let dir: string;
let db: Db;
let targetId: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-transfers-'));
  db = openWorkspaceDb(dir);
  targetId = new Targets(db).create({ name: 'c1', kind: 'slurm', settings: { host: 'h' } }).id;
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('TransferRepo', () => {
  it('creates running transfers, updates progress, lists newest first', async () => {
    const repo = new TransferRepo(db);
    const a = repo.create({ kind: 'download', from: { targetId, path: '/a' }, to: { targetId: null, path: '/tmp/a' } });
    await new Promise((r) => setTimeout(r, 5));
    const b = repo.create({ kind: 'copy', from: { targetId, path: '/b' }, to: { targetId, path: '/c/b' } });
    expect(a).toMatchObject({ state: 'running', bytesDone: 0, bytesTotal: null, filesTotal: null, to: { targetId: null } });
    const u = repo.update(a.id, { bytesDone: 10, bytesTotal: 100, filesDone: 1, filesTotal: 3, message: 'x' });
    expect(u).toMatchObject({ bytesDone: 10, bytesTotal: 100, filesDone: 1, filesTotal: 3, message: 'x', state: 'running' });
    expect(repo.list().map((t) => t.id)).toEqual([b.id, a.id]);
    expect(() => repo.get('nope')).toThrow(/No transfer/);
  });

  it("turns transfers left 'running' (SimDeck quit) into 'paused' with where they will continue", () => {
    const repo = new TransferRepo(db);
    const a = repo.create({ kind: 'download', from: { targetId, path: '/a' }, to: { targetId: null, path: '/tmp/a' } });
    repo.update(a.id, { bytesDone: 4096 });
    const done = repo.create({ kind: 'download', from: { targetId, path: '/d' }, to: { targetId: null, path: '/tmp/d' } });
    repo.update(done.id, { state: 'done' });
    const paused = new TransferRepo(db).pauseInterrupted();
    expect(paused.map((t) => t.id)).toEqual([a.id]);
    expect(repo.get(a.id)).toMatchObject({ state: 'paused', message: 'SimDeck stopped during this transfer; resume to continue from 4096 bytes.' });
    expect(repo.get(done.id).state).toBe('done');
  });
});
