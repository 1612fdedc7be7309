// Which GPU work a target has, read from a real workspace: running umbrella windows with pods (only when the
// Kubernetes target names a Prometheus) and live fleets that asked for GPUs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Target } from '../../shared/domain.js';
import { openWorkspaceDb, type Db } from '../workspace/db.js';
import { gpuWorkloads } from './workloads.js';

let dir: string;
let db: Db;
const target = (id: string, kind: Target['kind'], settings: Target['settings'] = {}): Target => ({ id, name: id, kind, settings, secretRefs: {}, createdAt: 'x', updatedAt: 'x' });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-workloads-'));
  db = openWorkspaceDb(dir);
  db.prepare("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p', 'P', 'x', 'x')").run();
  for (const [id, kind] of [['k8s', 'kubernetes'], ['dock', 'local-docker']]) {
    db.prepare("INSERT INTO targets (id, name, kind, settings, secret_refs, created_at, updated_at) VALUES (?, ?, ?, '{}', '{}', 'x', 'x')").run(id, id, kind);
  }
  db.prepare("INSERT INTO campaigns (id, project_id, target_id, name, spec, results_dir, created_at, updated_at) VALUES ('c1', 'p', 'k8s', 'hewl-ff14sb', '{}', '/r', 'x', 'x')").run();
  const win = db.prepare("INSERT INTO campaign_windows (campaign_id, replica, window, centre, job_name, phase, pod, updated_at) VALUES ('c1', 1, ?, 1.0, ?, ?, ?, 'x')");
  win.run(0, 'w0', 'production', 'w0-pod');
  win.run(1, 'w1', 'done', 'w1-pod');
  win.run(2, 'w2', 'queued', null);
  const fleet = db.prepare("INSERT INTO fleets (id, project_id, target_id, name, target_kind, source, state, spec, created_at, updated_at) VALUES (?, 'p', 'dock', ?, 'local-docker', 'wizard', ?, ?, 'x', 'x')");
  fleet.run('f1', 'gpufleet', 'running', JSON.stringify({ workers: { gpu: 'per-gpu' } }));
  fleet.run('f2', 'cpufleet', 'running', JSON.stringify({ workers: { gpu: 'none' } }));
  fleet.run('f3', 'oldfleet', 'removed', JSON.stringify({ workers: { gpu: 'all' } }));
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('lists running windows with pods only when the cluster has a Prometheus, and live GPU fleets only', () => {
  expect(gpuWorkloads(db, target('k8s', 'kubernetes'))).toEqual([]);
  expect(gpuWorkloads(db, target('k8s', 'kubernetes', { prometheusUrl: 'http://prom:9090' }))).toEqual([
    { key: 'w0-pod', ownerId: 'c1/1/0', linkId: 'c1', name: 'hewl-ff14sb replica 1 window 0' },
  ]);
  expect(gpuWorkloads(db, target('dock', 'local-docker'))).toEqual([{ key: 'gpufleet', ownerId: 'gpufleet', linkId: 'f1', name: 'gpufleet' }]);
  expect(gpuWorkloads(db, target('dock', 'slurm'))).toEqual([]);
});
