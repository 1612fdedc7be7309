import { afterEach, describe, expect, it } from 'vitest';
import { openWorkspaceDb } from './db.js';
import { Jobs } from './jobs.js';
import { Projects } from './projects.js';
import { tempWorkspace } from '../testing/temp-core.js';
import fs from 'node:fs';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('job states', () => {
  it('records every transition with its time and reason, and keeps the history', () => {
    const dir = tempWorkspace();
    dirs.push(dir);
    const db = openWorkspaceDb(dir);
    const project = new Projects(db).create({ name: 'p', description: '', tags: [] });
    const jobs = new Jobs(db);
    const job = jobs.create({ projectId: project.id, targetId: null, kind: 'slurm', name: 'md' });
    jobs.setState(job.id, 'pending', '42', 'Priority');
    jobs.setState(job.id, 'pending', null, 'Resources'); // same state: reason changes, no transition
    jobs.setState(job.id, 'running');
    jobs.setState(job.id, 'failed', null, 'exit code 3');
    expect(jobs.transitions(job.id).map((t) => [t.from, t.to, t.reason])).toEqual([
      ['draft', 'pending', 'Priority'],
      ['pending', 'running', ''],
      ['running', 'failed', 'exit code 3'],
    ]);
    const after = jobs.get(job.id)!;
    expect(after).toMatchObject({ state: 'failed', remoteId: '42', reason: 'exit code 3' });
    expect(after.finishedAt).not.toBeNull();
    expect(after.stateSince).toBe(jobs.transitions(job.id)[2]!.at);
    db.close();
  });
});
