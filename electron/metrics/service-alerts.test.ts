// The Monitor turns what the core emits into alert observations: window restarts and evictions (after a first
// sighting), fleet crash loops starting and ending, failed jobs. Real workspace, no remote systems.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { AlertEvent } from '../../shared/alerts.js';
import type { WindowStatus } from '../../shared/kube.js';
import { openWorkspaceDb, type Db } from '../workspace/db.js';
import { Jobs } from '../workspace/jobs.js';
import { Targets } from '../workspace/targets.js';
import { MonitorService, type MonitorServices } from './service.js';

let dir: string;
let db: Db;
let svc: MonitorService;
const fired: AlertEvent[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-monitor-alerts-'));
  db = openWorkspaceDb(dir);
  fired.length = 0;
  const emit = ((event: string, payload: unknown) => event === 'monitor.alert' && fired.push(payload as AlertEvent)) as MonitorServices['emit'];
  svc = new MonitorService({ db, targets: new Targets(db), jobs: new Jobs(db), log: console, emit, adapterContext: {} as MonitorServices['adapterContext'] }, { exec: vi.fn() });
});
afterEach(() => {
  svc.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const win = (over: Partial<WindowStatus>): WindowStatus => ({
  campaignId: 'c1', replica: 1, window: 7, jobName: 'w7', phase: 'production', percent: 50, lastStep: 1, nSteps: 2, nsPerDay: 100, etaSeconds: 60,
  pod: 'w7-pod', node: 'gpu-1', restarts: 0, message: '', updatedAt: new Date().toISOString(), ...over,
});

it('raises a window restart and an eviction once each, not for what happened before SimDeck looked', () => {
  svc.onEvent('umbrella.changed', { campaignId: 'c1', windows: [win({ restarts: 2 })] });
  expect(fired).toEqual([]);
  svc.onEvent('umbrella.changed', { campaignId: 'c1', windows: [win({ restarts: 3, message: 'OOMKilled', updatedAt: new Date(Date.now() + 1000).toISOString() })] });
  svc.onEvent('umbrella.changed', { campaignId: 'c1', windows: [win({ restarts: 3, phase: 'evicted', message: 'node drained', updatedAt: new Date(Date.now() + 2000).toISOString() })] });
  expect(fired.map((e) => [e.kind, e.resolvedAt])).toEqual([
    ['window-restarted', null],
    ['window-evicted', null],
  ]);
  expect(fired[0]!.link).toMatchObject({ area: 'umbrella', id: 'c1' });
});

it('raises a fleet crash loop when it starts and resolves it when it ends', () => {
  const fleet = { id: 'f1', name: 'bigchem', targetId: 't1', crashLooping: ['bigchem-worker-2'] };
  svc.onEvent('fleets.changed', fleet);
  svc.onEvent('fleets.changed', fleet);
  svc.onEvent('fleets.changed', { ...fleet, crashLooping: [] });
  expect(fired.map((e) => [e.kind, e.subject, e.resolvedAt === null])).toEqual([
    ['fleet-crashloop', 'fleet:f1/bigchem-worker-2', true],
    ['fleet-crashloop', 'fleet:f1/bigchem-worker-2', false],
  ]);
});

it('raises "unreachable" for a Docker target whose engine stays away through the samples, and the dashboard says so', async () => {
  const targets = new Targets(db);
  db.prepare("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p', 'P', 'x', 'x')").run();
  const t = targets.create({ name: 'gpu box', kind: 'local-docker', settings: { socketPath: path.join(dir, 'no-docker.sock') } });
  db.prepare("INSERT INTO fleets (id, project_id, target_id, name, target_kind, source, state, spec, created_at, updated_at) VALUES ('f', 'p', ?, 'gpus', 'local-docker', 'wizard', 'running', ?, 'x', 'x')").run(
    t.id,
    JSON.stringify({ workers: { gpu: 'all' } }),
  );
  const t0 = Date.now();
  const first = await svc.sampleTarget(t, t0);
  expect(first.problems[0]).toMatch(/No Docker engine/);
  expect(svc.dashboard(t0).find((x) => x.targetId === t.id)!.reachability.state).toBe('unreachable');
  expect(fired).toEqual([]); // not after one failed look
  await svc.sampleTarget(t, t0 + 6 * 60_000);
  expect(fired.map((e) => [e.kind, e.subject])).toEqual([['cluster-unreachable', `target:${t.id}`]]);
});
