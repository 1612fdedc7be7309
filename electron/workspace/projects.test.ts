import { afterEach, describe, expect, it } from 'vitest';
import type { Project } from '../../shared/domain.js';
import { fails, ok, openTempCore, type TempCore } from '../testing/temp-core.js';

let t: TempCore;
afterEach(async () => t && (await t.dispose()));

describe('projects through the router', () => {
  it('creates, renames, describes, tags and archives, and all of it survives a restart', async () => {
    t = openTempCore();
    const p = await ok<Project>(t.core, 'projects.create', { name: 'Barnase mutants', description: 'ddG scan', tags: ['rosetta', 'rosetta', 'gpu'] });
    expect(p).toMatchObject({ name: 'Barnase mutants', description: 'ddG scan', tags: ['rosetta', 'gpu'], archived: false, jobCount: 0 });
    await ok(t.core, 'projects.rename', { id: p.id, name: 'Barnase ddG' });
    await ok(t.core, 'projects.describe', { id: p.id, description: 'Full saturation scan' });
    await ok(t.core, 'projects.setTags', { id: p.id, tags: ['production'] });
    await ok(t.core, 'projects.setArchived', { id: p.id, archived: true });
    expect(await ok<Project[]>(t.core, 'projects.list', {})).toEqual([]);

    t = await t.reopen();
    const [back] = await ok<Project[]>(t.core, 'projects.list', { includeArchived: true });
    expect(back).toMatchObject({ id: p.id, name: 'Barnase ddG', description: 'Full saturation scan', tags: ['production'], archived: true });
    expect(t.events).toEqual([]); // a fresh core has emitted nothing yet
  });

  it('emits projects.changed so every window refreshes', async () => {
    t = openTempCore();
    const p = await ok<Project>(t.core, 'projects.create', { name: 'A' });
    expect(t.events).toContainEqual({ event: 'projects.changed', payload: { projectId: p.id } });
  });

  it('refuses duplicate names regardless of case, with a message that says what to do', async () => {
    t = openTempCore();
    await ok(t.core, 'projects.create', { name: 'Lysozyme' });
    const err = await fails(t.core, 'projects.create', { name: 'LYSOZYME' });
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(/already exists.*Pick another name/);
  });

  it('names the field that is wrong', async () => {
    t = openTempCore();
    const empty = await fails(t.core, 'projects.create', { name: '   ' });
    expect(empty).toMatchObject({ code: 'INVALID_INPUT' });
    expect(empty.message).toContain('name: a project needs a name');
    const badTag = await fails(t.core, 'projects.create', { name: 'x', tags: ['ok', 'no;rm -rf'] });
    expect(badTag.message).toMatch(/tags\.1: a tag may hold/);
    const extra = await fails(t.core, 'projects.create', { name: 'x', owner: 'me' });
    expect(extra.message).toMatch(/owner/);
  });

  it('deletes only with the name typed back, and never while jobs are unfinished', async () => {
    t = openTempCore();
    const p = await ok<Project>(t.core, 'projects.create', { name: 'T4 lysozyme' });
    expect((await fails(t.core, 'projects.delete', { id: p.id, confirmName: 't4 lysozyme' })).code).toBe('CONFIRMATION_REQUIRED');
    // A running job blocks deletion.
    const { Jobs } = await import('../workspace/jobs.js');
    const { openWorkspaceDb } = await import('../workspace/db.js');
    const db = openWorkspaceDb(t.dir);
    const jobs = new Jobs(db);
    const job = jobs.create({ projectId: p.id, targetId: null, kind: 'slurm', name: 'md-1' });
    jobs.setState(job.id, 'running', '1234');
    const busy = await fails(t.core, 'projects.delete', { id: p.id, confirmName: 'T4 lysozyme' });
    expect(busy).toMatchObject({ code: 'CONFLICT' });
    expect(busy.message).toMatch(/1 job\(s\) that are not finished/);
    jobs.setState(job.id, 'completed');
    db.close();
    expect(await ok(t.core, 'projects.delete', { id: p.id, confirmName: 'T4 lysozyme' })).toEqual({ deleted: true });
    expect((await fails(t.core, 'projects.get', { id: p.id })).code).toBe('NOT_FOUND');
  });
});

describe('events', () => {
  it('are checked against the contract before they leave the core', async () => {
    t = openTempCore();
    const { createCore } = await import('../core/core.js');
    const { FileVault, loadOrCreateKey } = await import('../secrets/file-vault.js');
    const seen: unknown[] = [];
    const core = createCore({
      shell: 'browser',
      version: 'test',
      workspaceDir: t.dir,
      vault: new FileVault(loadOrCreateKey(t.dir)),
      emit: (event, payload) => seen.push({ event, payload }),
    });
    await ok(core, 'projects.create', { name: 'emits' });
    expect(seen).toEqual([{ event: 'projects.changed', payload: { projectId: expect.any(String) } }]);
    await core.close();
  });
});
