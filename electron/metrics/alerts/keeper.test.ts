// Alert rules, open episodes and history kept in a real workspace: an alert fires once, survives a restart without
// firing again, and its resolution updates the same history row.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AlertEvent } from '../../../shared/alerts.js';
import { openWorkspaceDb, type Db } from '../../workspace/db.js';
import { AlertKeeper } from './keeper.js';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-alerts-'));
  db = openWorkspaceDb(dir);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('fires once per episode across a restart, keeps the history, and keeps edited rules', () => {
  const delivered: AlertEvent[] = [];
  const now = Date.now();
  const a = new AlertKeeper(db, (e) => delivered.push(e), () => now);
  const failed = { type: 'job-state' as const, jobId: 'j1', name: 'mutant-A', targetId: 't1', state: 'failed' as const, at: now };
  a.observe([failed, failed]);
  expect(delivered).toHaveLength(1);
  expect(delivered[0]).toMatchObject({ kind: 'job-failed', resolvedAt: null, link: { area: 'jobs', id: 'j1' } });
  a.setRules(a.rules().map((r) => (r.kind === 'gpu-underused' ? { ...r, params: { ...r.params, belowPercent: 30 } } : r)));

  // SimDeck restarts: the open episode is remembered, the same failure does not fire again.
  const b = new AlertKeeper(db, (e) => delivered.push(e), () => now + 1000);
  b.observe([failed]);
  expect(delivered).toHaveLength(1);
  expect(b.rules().find((r) => r.kind === 'gpu-underused')?.params).toMatchObject({ belowPercent: 30 });
  // Resubmitted: the alert resolves, the same history row records when.
  b.observe([{ ...failed, state: 'pending', at: now + 2000 }]);
  expect(delivered.at(-1)).toMatchObject({ id: delivered[0]!.id });
  expect(delivered.at(-1)!.resolvedAt).not.toBeNull();
  const history = b.history(10);
  expect(history).toHaveLength(1);
  expect(history[0]!.resolvedAt).not.toBeNull();
});
