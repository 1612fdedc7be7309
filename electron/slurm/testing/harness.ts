// A temporary workspace (real SQLite, real migrations) with a project, SLURM targets and a SlurmService, for unit
// tests, the integration test and the benchmark.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Target } from '../../../shared/domain.js';
import type { AdapterContext } from '../../core/adapter.js';
import type { SshRunner } from '../../ssh/runner.js';
import { openWorkspaceDb } from '../../workspace/db.js';
import type { Db } from '../../workspace/db.js';
import { Activity } from '../../workspace/activity.js';
import { Projects } from '../../workspace/projects.js';
import { Targets } from '../../workspace/targets.js';
import { SlurmService } from '../service.js';

export interface Harness {
  dir: string;
  db: Db;
  projectId: string;
  targets: Target[];
  service: SlurmService;
  changed: string[][];
  activity: Activity;
  logs: string[];
  ctx: AdapterContext;
  clock: { now: Date };
  close(): void;
}

export function openHarness(opts: {
  runner: SshRunner;
  targets: { name: string; settings: Target['settings'] }[];
  projectName?: string;
  graceMs?: number;
  fakeClock?: boolean;
}): Harness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-slurm-'));
  const db = openWorkspaceDb(dir);
  const projects = new Projects(db);
  const targetsRepo = new Targets(db);
  const activity = new Activity(db);
  const project = projects.create({ name: opts.projectName ?? 'Mutants A', description: '', tags: [] });
  const targets = opts.targets.map((t) => targetsRepo.create({ name: t.name, kind: 'slurm', settings: t.settings }));
  const logs: string[] = [];
  const ctx: AdapterContext = {
    activity: {
      async run(entry, work) {
        const row = activity.append({ ...entry, outcome: 'started' });
        try {
          const r = await work();
          activity.finish(row.id, 'ok', '');
          return r;
        } catch (err) {
          activity.finish(row.id, 'error', err instanceof Error ? err.message : String(err));
          throw err;
        }
      },
    },
    secrets: {
      async reveal(id) {
        throw new Error(`no secret ${id}`);
      },
    },
    log: {
      info: (m, f) => logs.push(`info ${m} ${JSON.stringify(f ?? {})}`),
      warn: (m, f) => logs.push(`warn ${m} ${JSON.stringify(f ?? {})}`),
      error: (m, f) => logs.push(`error ${m} ${JSON.stringify(f ?? {})}`),
    },
  };
  const changed: string[][] = [];
  const clock = { now: new Date() };
  const service = new SlurmService({
    db,
    runner: opts.runner,
    ctx,
    getTarget: (id) => targetsRepo.get(id),
    projectName: (id) => projects.get(id).name,
    onChanged: (ids) => changed.push(ids),
    graceMs: opts.graceMs,
    now: opts.fakeClock ? () => clock.now : undefined,
  });
  return {
    dir,
    db,
    projectId: project.id,
    targets,
    service,
    changed,
    activity,
    logs,
    ctx,
    clock,
    close() {
      service.stopPolling();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
