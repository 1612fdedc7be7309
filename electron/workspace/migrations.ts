// Versioned schema migrations. Each runs once, inside a transaction, and is recorded with a checksum of its SQL.
// Editing a migration that a workspace already applied is refused: released migrations are history; change the
// schema with a new migration instead.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'foundation',
    sql: `
CREATE TABLE projects (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  tags        TEXT NOT NULL DEFAULT '[]',
  archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX projects_name ON projects (name COLLATE NOCASE);

CREATE TABLE targets (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('local-docker', 'swarm', 'slurm', 'kubernetes', 'fah')),
  settings    TEXT NOT NULL DEFAULT '{}',
  secret_refs TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX targets_name ON targets (name COLLATE NOCASE);

CREATE TABLE jobs (
  id           TEXT PRIMARY KEY,
  project_id   TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  target_id    TEXT REFERENCES targets (id) ON DELETE RESTRICT,
  kind         TEXT NOT NULL,
  name         TEXT NOT NULL,
  state        TEXT NOT NULL,
  remote_id    TEXT,
  tags         TEXT NOT NULL DEFAULT '[]',
  attempts     INTEGER NOT NULL DEFAULT 0,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  submitted_at TEXT,
  finished_at  TEXT
);
CREATE INDEX jobs_project ON jobs (project_id, created_at);
CREATE INDEX jobs_target_state ON jobs (target_id, state);

CREATE TABLE activity (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         TEXT NOT NULL,
  target_id  TEXT,
  project_id TEXT,
  action     TEXT NOT NULL,
  command    TEXT NOT NULL,
  outcome    TEXT NOT NULL CHECK (outcome IN ('started', 'ok', 'error')),
  detail     TEXT NOT NULL DEFAULT ''
);

-- Only ciphertext: the vault seals every value before it reaches this table.
CREATE TABLE secrets (
  id         TEXT PRIMARY KEY,
  label      TEXT NOT NULL,
  backend    TEXT NOT NULL,
  sealed     BLOB NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
];

export const checksum = (sql: string) => createHash('sha256').update(sql).digest('hex');

export class MigrationError extends Error {}

export function runMigrations(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as {
    version: number;
    name: string;
    checksum: string;
  }[];
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const m = known.get(row.version);
    if (!m) {
      throw new MigrationError(
        `This workspace was written by a newer SimDeck (schema version ${row.version}). Update SimDeck to open it.`,
      );
    }
    if (checksum(m.sql) !== row.checksum) {
      throw new MigrationError(
        `Migration ${row.version} (${row.name}) was changed after this workspace applied it. ` +
          'Applied migrations must never be edited; restore it and add a new migration instead.',
      );
    }
  }
  const done = new Set(applied.map((r) => r.version));
  const ran: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, checksum(m.sql), new Date().toISOString());
    })();
    ran.push(m.version);
  }
  return ran;
}
