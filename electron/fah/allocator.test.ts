// The allocator against a real SQLite workspace: ids never reused, above what the WS reports, bounded by 65,535.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWorkspaceDb } from '../workspace/db.js';
import type { Db } from '../workspace/db.js';
import { FahAllocator, MAX_ID, remoteIds } from './allocator.js';

let dir: string;
let db: Db;
const none = { runs: [], maxClone: new Map<number, number>() };
const files = () => [{ name: 'core.xml', path: '/tmp/core.xml' }];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-fah-alloc-'));
  db = openWorkspaceDb(dir);
  db.prepare("INSERT INTO targets (id, name, kind, settings, secret_refs, created_at, updated_at) VALUES ('t1', 'ws', 'fah', '{}', '{}', 'x', 'x')").run();
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('FahAllocator', () => {
  it('hands out new RUNs and CLONEs above everything reserved before, across reopenings of the workspace', () => {
    const a = new FahAllocator(db);
    expect(a.reserve('t1', 90001, { run: 'new' }, 3, files, none)).toEqual({ project: 90001, run: 0, clones: [0, 1, 2] });
    expect(a.reserve('t1', 90001, { run: 0 }, 2, files, none).clones).toEqual([3, 4]);
    expect(a.reserve('t1', 90001, { run: 'new' }, 1, files, none).run).toBe(1);
    db.close();
    db = openWorkspaceDb(dir);
    const b = new FahAllocator(db);
    expect(b.reserve('t1', 90001, { run: 0 }, 1, files, none).clones).toEqual([5]);
    expect(b.reserve('t1', 90001, { run: 'new' }, 1, files, none).run).toBe(2);
    // Another project and another target count on their own.
    expect(b.reserve('t1', 90002, { run: 'new' }, 1, files, none)).toEqual({ project: 90002, run: 0, clones: [0] });
  });

  it('starts above RUNs and CLONEs the work server already has (made by someone else)', () => {
    const a = new FahAllocator(db);
    const remote = remoteIds([{ run: 4, clone: 9 }], ['alchemiscale-project.txt', 'RUN7/alchemiscale-transformation.txt', 'RUN4/CLONE12/core.xml']);
    expect(remote.runs.sort()).toEqual([4, 7]);
    expect(a.reserve('t1', 1, { run: 'new' }, 1, files, remote).run).toBe(8);
    expect(a.reserve('t1', 1, { run: 4 }, 2, files, remote).clones).toEqual([13, 14]);
  });

  it('stores the files each reserved clone needs, with {clone} resolved by the caller', () => {
    const a = new FahAllocator(db);
    a.reserve('t1', 1, { run: 'new' }, 2, (c) => [{ name: 'state.xml.bz2', path: `/data/clone-${c}/state.xml.bz2` }], none);
    const rows = db.prepare('SELECT clone, phase, files FROM fah_jobs ORDER BY clone').all() as { clone: number; phase: string; files: string }[];
    expect(rows.map((r) => [r.clone, r.phase, JSON.parse(r.files)[0].path])).toEqual([
      [0, 'reserved', '/data/clone-0/state.xml.bz2'],
      [1, 'reserved', '/data/clone-1/state.xml.bz2'],
    ]);
  });

  it('refuses to pass 65,535 and says what to do', () => {
    const a = new FahAllocator(db);
    const full = { runs: [MAX_ID], maxClone: new Map([[3, MAX_ID - 1]]) };
    expect(() => a.reserve('t1', 1, { run: 'new' }, 1, files, full)).toThrow(/used every RUN id up to 65535: start a new project/);
    expect(() => a.reserve('t1', 1, { run: 3 }, 2, files, full)).toThrow(/room for 1 more clone\(s\), not 2: use a new RUN/);
    expect(a.reserve('t1', 1, { run: 3 }, 1, files, full).clones).toEqual([MAX_ID]);
    // Nothing half-reserved by the refused calls.
    expect(db.prepare('SELECT COUNT(*) AS n FROM fah_jobs').get()).toEqual({ n: 1 });
  });
});
