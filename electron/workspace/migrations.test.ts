import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempWorkspace } from '../testing/temp-core.js';
import { DB_FILE, openWorkspaceDb } from './db.js';
import { MIGRATIONS, MigrationError, runMigrations, type Migration } from './migrations.js';

const dirs: string[] = [];
const fresh = () => {
  const d = tempWorkspace();
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('workspace migrations', () => {
  it('opens in WAL mode and records every migration once', () => {
    const dir = fresh();
    const db = openWorkspaceDb(dir);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const rows = db.prepare('SELECT version, name FROM schema_migrations').all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    db.close();
    const again = openWorkspaceDb(dir);
    expect(runMigrations(again)).toEqual([]); // nothing left to run
    expect(again.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length });
    again.close();
  });

  it('creates the tables later issues build on', () => {
    const db = openWorkspaceDb(fresh());
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['projects', 'targets', 'jobs', 'activity', 'secrets', 'settings']));
    expect(() => db.prepare("INSERT INTO targets (id, name, kind, created_at, updated_at) VALUES ('t', 'x', 'mainframe', '', '')").run()).toThrow(
      /CHECK constraint/,
    );
    db.close();
  });

  it('applies only new migrations to an existing workspace', () => {
    const db = new Database(path.join(fresh(), DB_FILE));
    const first: Migration[] = [{ version: 1, name: 'a', sql: 'CREATE TABLE a (x)' }];
    expect(runMigrations(db, first)).toEqual([1]);
    db.prepare('INSERT INTO a VALUES (42)').run();
    const second = [...first, { version: 2, name: 'b', sql: 'CREATE TABLE b (y)' }];
    expect(runMigrations(db, second)).toEqual([2]);
    expect(db.prepare('SELECT x FROM a').get()).toEqual({ x: 42 }); // data kept
    db.close();
  });

  it('refuses a migration that changed after it was applied', () => {
    const db = new Database(path.join(fresh(), DB_FILE));
    runMigrations(db, [{ version: 1, name: 'a', sql: 'CREATE TABLE a (x)' }]);
    expect(() => runMigrations(db, [{ version: 1, name: 'a', sql: 'CREATE TABLE a (x, y)' }])).toThrow(MigrationError);
    expect(() => runMigrations(db, [{ version: 1, name: 'a', sql: 'CREATE TABLE a (x, y)' }])).toThrow(/was changed after/);
    db.close();
  });

  it('refuses a workspace written by a newer SimDeck', () => {
    const db = new Database(path.join(fresh(), DB_FILE));
    runMigrations(db, [
      { version: 1, name: 'a', sql: 'CREATE TABLE a (x)' },
      { version: 2, name: 'b', sql: 'CREATE TABLE b (x)' },
    ]);
    expect(() => runMigrations(db, [{ version: 1, name: 'a', sql: 'CREATE TABLE a (x)' }])).toThrow(/newer SimDeck/);
    db.close();
  });

  it('rolls back a failing migration completely', () => {
    const db = new Database(path.join(fresh(), DB_FILE));
    expect(() => runMigrations(db, [{ version: 1, name: 'bad', sql: 'CREATE TABLE ok (x); CREATE TABLE oops (' }])).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ok'").get()).toBeUndefined();
    expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: 0 });
    db.close();
  });
});
