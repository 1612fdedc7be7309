// Opens the SQLite workspace: one file per workspace directory, WAL mode so the UI's reads never wait for a
// backend's writes, foreign keys on, and migrations applied before anything else touches it.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { runMigrations } from './migrations.js';

export type Db = Database.Database;
export const DB_FILE = 'workspace.sqlite';

export function openWorkspaceDb(workspaceDir: string): Db {
  fs.mkdirSync(workspaceDir, { recursive: true, mode: 0o700 });
  // Under Electron the core needs better-sqlite3 built for Electron's ABI; the shell points us at that build.
  const nativeBinding = process.env.SIMDECK_SQLITE_BINDING || undefined;
  const db = new Database(path.join(workspaceDir, DB_FILE), nativeBinding ? { nativeBinding } : {});
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL'); // safe with WAL: a crash may lose the last commit, never corrupts
    runMigrations(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
