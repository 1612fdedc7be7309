import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_SETTINGS, type ActivitySummary, type AppErrorReport, type AppSettings } from '../../../shared/app.js';
import type { Project } from '../../../shared/domain.js';
import { openWorkspaceDb } from '../../workspace/db.js';
import { Settings } from '../../workspace/settings.js';
import { FileVault, loadOrCreateKey } from '../../secrets/file-vault.js';
import { fails, ok, openTempCore, tempWorkspace, type TempCore } from '../../testing/temp-core.js';
import { createCore } from '../core.js';
import { newReport } from '../unhandled.js';
import { APP_SETTINGS_KEY, activitySummary } from './app.js';

let t: TempCore | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

/** A second connection to the workspace, as another part of SimDeck would write it. */
function withDb<T>(dir: string, fn: (db: ReturnType<typeof openWorkspaceDb>) => T): T {
  const db = openWorkspaceDb(dir);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe('app.settings', () => {
  it('defaults, merges a partial update, stores it and announces it', async () => {
    t = openTempCore();
    expect(await ok(t.core, 'app.settings')).toEqual(DEFAULT_APP_SETTINGS);
    const feedUrl = 'https://updates.example.edu/simdeck/';
    await ok(t.core, 'app.setSettings', { updates: { feedUrl } });
    const after = await ok<AppSettings>(t.core, 'app.setSettings', { updates: { enabled: false } });
    expect(after).toEqual({ updates: { enabled: false, feedUrl } });
    expect(t.events.filter((e) => e.event === 'app.settings').map((e) => e.payload)).toEqual([{ updates: { enabled: true, feedUrl } }, after]);

    t = await t.reopen();
    expect(await ok(t.core, 'app.settings')).toEqual(after);
  });

  it('refuses a feed that is not https', async () => {
    t = openTempCore();
    expect(await fails(t.core, 'app.setSettings', { updates: { feedUrl: 'http://updates.example.edu/' } })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await ok(t.core, 'app.settings')).toEqual(DEFAULT_APP_SETTINGS);
  });

  it.each([['not json {'], [JSON.stringify({ updates: { enabled: 'yes' } })], [JSON.stringify({ updates: { enabled: true, feedUrl: 'http://x' } })]])(
    'falls back to the defaults when the stored value is corrupt (%s), and a save repairs it',
    async (stored) => {
      t = openTempCore();
      withDb(t.dir, (db) => new Settings(db).set(APP_SETTINGS_KEY, stored));
      expect(await ok(t.core, 'app.settings')).toEqual(DEFAULT_APP_SETTINGS);
      expect(await ok(t.core, 'app.setSettings', { updates: { enabled: false } })).toEqual({ updates: { enabled: false, feedUrl: null } });
      expect(withDb(t.dir, (db) => new Settings(db).get(APP_SETTINGS_KEY))).toBe(JSON.stringify({ updates: { enabled: false, feedUrl: null } }));
    },
  );
});

describe('app.summary', () => {
  it('counts running, pending and recently failed jobs and umbrella windows', async () => {
    t = openTempCore();
    const project = await ok<Project>(t.core, 'projects.create', { name: 'summary' });
    const now = Date.parse('2026-06-01T12:00:00.000Z');
    const recent = new Date(now - 60 * 60 * 1000).toISOString();
    const old = new Date(now - 30 * 60 * 60 * 1000).toISOString();
    withDb(t.dir, (db) => {
      const job = db.prepare(
        `INSERT INTO jobs (id, project_id, target_id, kind, name, state, created_at, updated_at, finished_at) VALUES (?, ?, NULL, 'slurm', ?, ?, ?, ?, ?)`,
      );
      const states: [string, string | null][] = [
        ['running', null], ['completing', null], // running: 2
        ['submitting', null], ['pending', null], ['suspended', null], // pending: 3
        ['failed', recent], ['timeout', recent], ['out-of-memory', recent], ['node-fail', recent], // failed: 4
        ['failed', old], ['completed', recent], ['cancelled', recent], ['draft', null], ['unknown', null], // not counted
      ];
      states.forEach(([state, finished], i) => job.run(`j${i}`, project.id, `job ${i}`, state, old, finished ?? old, finished));
      db.prepare(`INSERT INTO targets (id, name, kind, settings, created_at, updated_at) VALUES ('k', 'kube', 'kubernetes', '{}', ?, ?)`).run(old, old);
      db.prepare(`INSERT INTO campaigns (id, project_id, target_id, name, spec, results_dir, created_at, updated_at) VALUES ('c', ?, 'k', 'c', '{}', '/r', ?, ?)`).run(project.id, old, old);
      const win = db.prepare(`INSERT INTO campaign_windows (campaign_id, replica, window, centre, job_name, phase, updated_at) VALUES ('c', 0, ?, 0, ?, ?, ?)`);
      const phases: [string, string][] = [
        ['production', old], ['equilibration', old], ['init-git', old], // running: 3
        ['planned', old], ['queued', old], // pending: 2
        ['failed', recent], ['failed', old], ['done', recent], ['evicted', recent], // failed: 1
      ];
      phases.forEach(([phase, at], i) => win.run(i, `w${i}`, phase, at));
    });
    const summary = withDb(t.dir, (db) => activitySummary({ db }, now));
    expect(summary).toEqual({ running: 5, pending: 5, failed: 5, at: new Date(now).toISOString() });
    // Through the router too (with the real clock every "recent" row is long gone, so failed is 0).
    expect(await ok<ActivitySummary>(t.core, 'app.summary')).toMatchObject({ running: 5, pending: 5, failed: 0 });
  });

  it('is all zeros in an empty workspace', async () => {
    t = openTempCore();
    expect(await ok<ActivitySummary>(t.core, 'app.summary')).toMatchObject({ running: 0, pending: 0, failed: 0 });
  });
});

describe('app.errors', () => {
  it('lists unhandled errors newest first, announces them, and keeps at most 50', async () => {
    t = openTempCore();
    expect(await ok(t.core, 'app.errors')).toEqual([]);
    const first = t.core.reportUnhandled(new Error('socket hang up'), 'rejection');
    expect(first).toMatchObject({ source: 'core', message: 'socket hang up', restarted: false });
    const fatal = t.core.reportUnhandled(new TypeError('x is undefined'), 'exception');
    expect(fatal.restarted).toBe(true);
    expect(await ok<AppErrorReport[]>(t.core, 'app.errors')).toEqual([fatal, first]);
    expect(t.events.filter((e) => e.event === 'app.error').map((e) => e.payload)).toEqual([first, fatal]);
    for (let i = 0; i < 60; i++) t.core.reportUnhandled(`rejected ${i}`, 'rejection');
    const ring = await ok<AppErrorReport[]>(t.core, 'app.errors');
    expect(ring).toHaveLength(50);
    expect(ring[0]!.message).toBe('rejected 59');
  });

  it('starts with the reports carried over from an earlier core, newest first', async () => {
    const dir = tempWorkspace();
    const earlier = [newReport('shell', 'core stopped (signal SIGKILL)', true), newReport('core', 'uncaught boom', true)];
    const core = createCore({ shell: 'browser', version: 't', workspaceDir: dir, vault: new FileVault(loadOrCreateKey(dir)), emit: () => undefined, errors: earlier });
    const later = core.reportUnhandled(new Error('later'), 'rejection');
    expect(await ok(core, 'app.errors')).toEqual([later, ...earlier]);
    await core.close();
  });

  it('masks secrets in the report', async () => {
    t = openTempCore();
    await ok(t.core, 'secrets.store', { label: 'pw', value: 'hunter2-long-secret' });
    const r = t.core.reportUnhandled(new Error('login as https://me:pw@host failed with hunter2-long-secret'), 'rejection');
    expect(r.message).toBe('login as https://[redacted]@host failed with [redacted]');
  });
});
