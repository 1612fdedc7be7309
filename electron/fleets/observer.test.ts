// The fleet observer against a real workspace and a fake driver: a look that was under way when a teardown began
// never writes over "removing"/"removed" (seen once in the UI flow: a torn-down Swarm fleet came back "degraded").
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { FleetMember } from '../../shared/fleet.js';
import { openWorkspaceDb, type Db } from '../workspace/db.js';
import type { FleetDriver } from './drivers/driver.js';
import { FleetObserver } from './observer.js';
import { FleetRepo } from './repo.js';

let dir: string;
let db: Db;
let repo: FleetRepo;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-observer-'));
  db = openWorkspaceDb(dir);
  db.prepare("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p1', 'P', 'x', 'x')").run();
  db.prepare("INSERT INTO targets (id, name, kind, settings, secret_refs, created_at, updated_at) VALUES ('t1', 'swarm', 'swarm', '{}', '{}', 'x', 'x')").run();
  repo = new FleetRepo(db);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const worker = (name: string, state: string): FleetMember => ({ name, role: 'worker', state, node: null, slot: 1, restarts: 0, cpuPercent: null, memBytes: null, message: '', since: null });

it('drops a look that finishes after a teardown began, and writes normally otherwise', async () => {
  const f = repo.create({ projectId: 'p1', targetId: 't1', name: 'chem', target: 'swarm', source: 'cli-stack', spec: null, details: {}, desired: 0 });
  repo.update(f.id, { state: 'running' });
  let release: (m: FleetMember[]) => void = () => undefined;
  const driver = { members: () => new Promise<FleetMember[]>((r) => (release = r)) } as unknown as FleetDriver;
  const changed: string[] = [];
  const o = new FleetObserver(f.id, { repo, driver, readBroker: async () => null, changed: (id) => changed.push(id), crashLooping: () => undefined, log: console }, { intervalMs: 60_000, sampleMs: 60_000, maxBackoffMs: 60_000 });

  const look = o.tick();
  repo.update(f.id, { state: 'removing', message: 'tearing down' }); // teardown starts while the look waits
  release([worker('chem_worker.1', 'exited')]);
  await look;
  expect(repo.get(f.id)).toMatchObject({ state: 'removing', message: 'tearing down' });
  expect(changed).toEqual([]);

  repo.update(f.id, { state: 'running', message: '' });
  const again = o.tick();
  release([worker('chem_worker.1', 'running')]);
  await again;
  expect(repo.get(f.id)).toMatchObject({ state: 'running', message: '1 of 1 workers running', running: 1 });
  o.stop();
});
