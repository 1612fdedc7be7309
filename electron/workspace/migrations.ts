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
  {
    version: 2,
    name: 'slurm-and-ssh',
    sql: `
-- SimDeck's own trusted SSH host keys (trust on first use); ~/.ssh/known_hosts is read too, never written.
CREATE TABLE host_keys (
  host        TEXT NOT NULL,
  port        INTEGER NOT NULL,
  key_type    TEXT NOT NULL,
  key_base64  TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  added_at    TEXT NOT NULL,
  PRIMARY KEY (host, port, key_type)
);

ALTER TABLE jobs ADD COLUMN reason TEXT;
ALTER TABLE jobs ADD COLUMN exit_code INTEGER;
ALTER TABLE jobs ADD COLUMN state_since TEXT;
ALTER TABLE jobs ADD COLUMN group_id TEXT;
ALTER TABLE jobs ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
UPDATE jobs SET state = 'pending' WHERE state = 'queued';
CREATE INDEX jobs_remote ON jobs (target_id, remote_id);
CREATE INDEX jobs_group ON jobs (group_id);

-- Every state change of every job, with its time: the job drawer's timeline and the history after sacct forgets.
CREATE TABLE job_transitions (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id     TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  at         TEXT NOT NULL,
  from_state TEXT,
  to_state   TEXT NOT NULL,
  reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_transitions_job ON job_transitions (job_id, id);

-- Copies of one model on several clusters, and the policy that governs them.
CREATE TABLE job_groups (
  id         TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  policy     TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);

CREATE TABLE tunnels (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  target_id   TEXT NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
  local_port  INTEGER NOT NULL,
  remote_host TEXT NOT NULL,
  remote_port INTEGER NOT NULL,
  auto_start  INTEGER NOT NULL DEFAULT 1 CHECK (auto_start IN (0, 1)),
  created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX tunnels_name ON tunnels (name COLLATE NOCASE);
`,
  },
  {
    version: 3,
    name: 'transfers',
    sql: `
-- Downloads and cluster-to-cluster copies. Kept so an interrupted transfer (dropped link, SimDeck quit) can be
-- resumed from the bytes already written instead of starting over.
CREATE TABLE transfers (
  id           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('download', 'copy')),
  state        TEXT NOT NULL,
  from_target  TEXT NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
  from_path    TEXT NOT NULL,
  to_target    TEXT REFERENCES targets (id) ON DELETE CASCADE,
  to_path      TEXT NOT NULL,
  bytes_done   INTEGER NOT NULL DEFAULT 0,
  bytes_total  INTEGER,
  files_done   INTEGER NOT NULL DEFAULT 0,
  files_total  INTEGER,
  message      TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE INDEX transfers_created ON transfers (created_at);
`,
  },
  {
    version: 4,
    name: 'umbrella-campaigns',
    sql: `
-- Umbrella-sampling campaigns on Kubernetes: the wizard's spec, and one row per replica x window with what the
-- watch and the progress reader last saw. Samples keep progress and speed over time for the charts.
CREATE TABLE campaigns (
  id          TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  target_id   TEXT NOT NULL REFERENCES targets (id) ON DELETE RESTRICT,
  name        TEXT NOT NULL,
  spec        TEXT NOT NULL,
  results_dir TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX campaigns_project ON campaigns (project_id, created_at);

CREATE TABLE campaign_windows (
  campaign_id     TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  replica         INTEGER NOT NULL,
  window          INTEGER NOT NULL,
  centre          REAL NOT NULL,
  job_name        TEXT NOT NULL,
  attempt         INTEGER NOT NULL DEFAULT 1,
  phase           TEXT NOT NULL,
  percent         REAL,
  last_step       INTEGER,
  n_steps         INTEGER,
  ns_per_day      REAL,
  eta_seconds     REAL,
  pod             TEXT,
  node            TEXT,
  restarts        INTEGER NOT NULL DEFAULT 0,
  message         TEXT NOT NULL DEFAULT '',
  provenance_path TEXT,
  applied_at      TEXT,
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (campaign_id, replica, window)
);
CREATE INDEX campaign_windows_job ON campaign_windows (job_name);

CREATE TABLE window_samples (
  campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  replica     INTEGER NOT NULL,
  window      INTEGER NOT NULL,
  at          TEXT NOT NULL,
  percent     REAL,
  ns_per_day  REAL,
  gpu_util    REAL
);
CREATE INDEX window_samples_campaign ON window_samples (campaign_id, at);
`,
  },
  {
    version: 5,
    name: 'window-manifests',
    sql: `
-- Every manifest SimDeck applied (or tried to), as written to the provenance file: the workspace keeps its own copy,
-- so the record survives a results folder that was moved or cleaned.
CREATE TABLE window_manifests (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  replica     INTEGER NOT NULL,
  window      INTEGER NOT NULL,
  attempt     INTEGER NOT NULL,
  path        TEXT NOT NULL,
  yaml        TEXT NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome IN ('applied', 'failed')),
  detail      TEXT NOT NULL DEFAULT '',
  at          TEXT NOT NULL
);
CREATE INDEX window_manifests_window ON window_manifests (campaign_id, replica, window);
`,
  },
  {
    version: 6,
    name: 'fleets',
    sql: `
-- Worker fleets (broker + backend + N workers) on local Docker, a Swarm or as a SLURM array. The spec is the
-- wizard's (or the compose file's) so a fleet can be scaled and torn down later; details hold what the deploy
-- made (SLURM job id, tunnel id, compose text). Samples keep queue depth and worker counts for the charts.
CREATE TABLE fleets (
  id            TEXT PRIMARY KEY,
  project_id    TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  target_id     TEXT NOT NULL REFERENCES targets (id) ON DELETE RESTRICT,
  name          TEXT NOT NULL,
  target_kind   TEXT NOT NULL CHECK (target_kind IN ('local-docker', 'swarm', 'slurm')),
  source        TEXT NOT NULL CHECK (source IN ('wizard', 'compose', 'cli-stack')),
  state         TEXT NOT NULL,
  message       TEXT NOT NULL DEFAULT '',
  spec          TEXT,
  details       TEXT NOT NULL DEFAULT '{}',
  desired       INTEGER NOT NULL DEFAULT 0,
  running       INTEGER NOT NULL DEFAULT 0,
  crash_looping TEXT NOT NULL DEFAULT '[]',
  monitor_state TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX fleets_project ON fleets (project_id, created_at);
-- One live fleet per name and target: the name labels every container, service and array job it makes
-- (a failed deploy rolled back what it made, so its name is free again).
CREATE UNIQUE INDEX fleets_live_name ON fleets (target_id, name) WHERE state NOT IN ('removed', 'failed');

CREATE TABLE fleet_samples (
  fleet_id       TEXT NOT NULL REFERENCES fleets (id) ON DELETE CASCADE,
  at             TEXT NOT NULL,
  workers_online INTEGER NOT NULL,
  queue_depth    REAL,
  consumers      REAL,
  cpu_percent    REAL,
  mem_bytes      REAL
);
CREATE INDEX fleet_samples_fleet ON fleet_samples (fleet_id, at);
`,
  },
  {
    version: 7,
    name: 'folding-at-home',
    sql: `
-- Folding@home work servers (targets of kind 'fah'). The client certificate in use per target, with its history:
-- a renewal inserts the new one and flips 'active' in one transaction, so a crash never leaves none or two. The
-- private key is in the vault (key_secret_id), never here.
CREATE TABLE fah_certs (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  target_id     TEXT NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
  cert_pem      TEXT NOT NULL,
  key_secret_id TEXT NOT NULL,
  not_after     TEXT NOT NULL,
  fingerprint   TEXT NOT NULL,
  source        TEXT NOT NULL CHECK (source IN ('import', 'renewal')),
  active        INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX fah_certs_active ON fah_certs (target_id) WHERE active = 1;

-- Renewal bookkeeping and a key + CSR made in SimDeck, waiting for the certificate the AS web page signs.
CREATE TABLE fah_cert_status (
  target_id             TEXT PRIMARY KEY REFERENCES targets (id) ON DELETE CASCADE,
  last_renewal_at       TEXT,
  last_renewal_error    TEXT,
  pending_key_secret_id TEXT,
  pending_csr           TEXT
);

-- Every RUN SimDeck allocated, and every CLONE it reserved: rows are never deleted, so no PROJECT/RUN/CLONE is
-- ever handed out twice (the allocator takes the maximum of these and of what the WS reports, plus one).
CREATE TABLE fah_runs (
  target_id TEXT NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
  project   INTEGER NOT NULL,
  run       INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (target_id, project, run)
);
CREATE TABLE fah_jobs (
  target_id  TEXT NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
  project    INTEGER NOT NULL,
  run        INTEGER NOT NULL,
  clone      INTEGER NOT NULL,
  gen        INTEGER NOT NULL DEFAULT 0,
  phase      TEXT NOT NULL CHECK (phase IN ('reserved', 'uploading', 'creating', 'created', 'failed')),
  state      TEXT,
  last       TEXT,
  retries    INTEGER,
  assigns    INTEGER,
  progress   REAL,
  message    TEXT NOT NULL DEFAULT '',
  files      TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (target_id, project, run, clone)
);
CREATE INDEX fah_jobs_phase ON fah_jobs (phase);

-- The since= cursor of GET /jobs per project (the ts of the last answer), and job counts over time for charts.
CREATE TABLE fah_cursors (
  target_id TEXT NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
  project   INTEGER NOT NULL,
  since     TEXT NOT NULL,
  PRIMARY KEY (target_id, project)
);
CREATE TABLE fah_samples (
  target_id TEXT NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
  project   INTEGER NOT NULL,
  at        TEXT NOT NULL,
  counts    TEXT NOT NULL
);
CREATE INDEX fah_samples_project ON fah_samples (target_id, project, at);
`,
  },
  {
    version: 8,
    name: 'metrics',
    sql: `
-- Time series for the Monitor (electron/metrics/store.ts): GPU utilisation, memory, power and temperature per GPU,
-- attributed to a target, node, and job / window / worker. One row per series; labels is a JSON object. last_t and
-- last_v are the newest sample (kept when raw samples are pruned). raw_since, m1_since and m10_since are how far back
-- each resolution is complete: retention pruning moves them forward (0 = nothing pruned yet).
CREATE TABLE metric_series (
  id         INTEGER PRIMARY KEY,
  key        TEXT NOT NULL UNIQUE,
  metric     TEXT NOT NULL,
  labels     TEXT NOT NULL DEFAULT '{}',
  last_t     INTEGER,
  last_v     REAL,
  raw_since  INTEGER NOT NULL DEFAULT 0,
  m1_since   INTEGER NOT NULL DEFAULT 0,
  m10_since  INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE INDEX metric_series_metric ON metric_series (metric);

-- Raw samples: t in ms since the epoch. Clustered by (series, t), so a range of one series is one contiguous read.
CREATE TABLE metric_samples (
  series_id INTEGER NOT NULL REFERENCES metric_series (id) ON DELETE CASCADE,
  t         INTEGER NOT NULL,
  v         REAL NOT NULL,
  PRIMARY KEY (series_id, t)
) WITHOUT ROWID;

-- Rollups, maintained on append: res is the bucket width in ms (60000 or 600000), t the bucket's start.
-- mean = sum / count.
CREATE TABLE metric_rollups (
  series_id INTEGER NOT NULL REFERENCES metric_series (id) ON DELETE CASCADE,
  res       INTEGER NOT NULL CHECK (res IN (60000, 600000)),
  t         INTEGER NOT NULL,
  sum       REAL NOT NULL,
  count     INTEGER NOT NULL,
  min       REAL NOT NULL,
  max       REAL NOT NULL,
  PRIMARY KEY (series_id, res, t)
) WITHOUT ROWID;
`,
  },
  {
    version: 9,
    name: 'alerts',
    sql: `
-- Alert history: one row per alert episode (fired, and when it resolved). Rules and the engine's open episodes
-- are kept as JSON in settings (monitor.alertRules, monitor.alertState), so a restart never fires them again.
CREATE TABLE alert_events (
  id          TEXT PRIMARY KEY,
  rule_id     TEXT NOT NULL,
  kind        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  title       TEXT NOT NULL,
  message     TEXT NOT NULL,
  severity    TEXT NOT NULL,
  fired_at    TEXT NOT NULL,
  resolved_at TEXT,
  link        TEXT NOT NULL
);
CREATE INDEX alert_events_fired ON alert_events (fired_at);
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
