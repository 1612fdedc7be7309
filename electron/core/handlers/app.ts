// The app-level calls: version and workspace, app settings (kept in the workspace's settings table), the
// running/pending/failed counts for the tray, and unexpected errors with their diagnostics.
import { AppSettings, DEFAULT_APP_SETTINGS, type ActivitySummary } from '../../../shared/app.js';
import type { Settings } from '../../workspace/settings.js';
import { buildDiagnostics } from '../diagnostics.js';
import type { Redactor } from '../redactor.js';
import type { Handlers } from '../router.js';
import type { Services } from '../services.js';
import type { ErrorRing } from '../unhandled.js';

export const APP_SETTINGS_KEY = 'app.settings';
const DAY_MS = 24 * 60 * 60 * 1000;

type AppHandlers = Pick<Handlers, 'app.info' | 'app.settings' | 'app.setSettings' | 'app.summary' | 'app.errors' | 'app.diagnostics'>;

export interface AppDeps {
  settings: Settings;
  errors: ErrorRing;
  redactor: Redactor;
  logFile: string;
  startedAt: number;
}

export function appHandlers(s: Services, d: AppDeps): AppHandlers {
  const read = () => readAppSettings(s, d.settings);
  return {
    'app.info': () => ({
      name: 'SimDeck',
      version: s.info.version,
      shell: s.info.shell,
      workspaceDir: s.info.workspaceDir,
      secretsBackend: s.info.secretsBackend,
      platform: process.platform,
    }),
    'app.settings': read,
    'app.setSettings': (p) => {
      const next = AppSettings.parse({ updates: { ...read().updates, ...p.updates } });
      d.settings.set(APP_SETTINGS_KEY, JSON.stringify(next));
      s.emit('app.settings', next);
      return next;
    },
    'app.summary': () => activitySummary(s),
    'app.errors': () => d.errors.list(),
    'app.diagnostics': () => ({
      text: buildDiagnostics({ info: s.info, db: s.db, settings: read(), errors: d.errors.list(), logFile: d.logFile, redactor: d.redactor, startedAt: d.startedAt }),
    }),
  };
}

/** The stored settings, or the defaults when none are stored or what is stored no longer reads (never throws). */
export function readAppSettings(s: Pick<Services, 'log'>, settings: Settings): AppSettings {
  const raw = settings.get(APP_SETTINGS_KEY);
  if (raw === undefined) return DEFAULT_APP_SETTINGS;
  try {
    const parsed = AppSettings.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
    s.log.warn('stored app settings are invalid; using the defaults', { issues: parsed.error.issues.map((i) => i.message).join('; ') });
  } catch (err) {
    s.log.warn('stored app settings are not JSON; using the defaults', { error: String(err) });
  }
  return DEFAULT_APP_SETTINGS;
}

// Suspended jobs count as pending: they hold their place and continue by themselves. Umbrella windows being
// prepared or simulating are running; planned and queued ones are pending.
const JOBS_SQL = `SELECT
  COALESCE(SUM(state IN ('running', 'completing')), 0) AS running,
  COALESCE(SUM(state IN ('submitting', 'pending', 'suspended')), 0) AS pending,
  COALESCE(SUM(state IN ('failed', 'timeout', 'out-of-memory', 'node-fail') AND COALESCE(finished_at, updated_at) >= ?), 0) AS failed
  FROM jobs`;
const WINDOWS_SQL = `SELECT
  COALESCE(SUM(phase IN ('init-git', 'init-rclone', 'equilibration', 'production')), 0) AS running,
  COALESCE(SUM(phase IN ('planned', 'queued')), 0) AS pending,
  COALESCE(SUM(phase = 'failed' AND updated_at >= ?), 0) AS failed
  FROM campaign_windows`;

type Counts = { running: number; pending: number; failed: number };

export function activitySummary(s: Pick<Services, 'db'>, now = Date.now()): ActivitySummary {
  const since = new Date(now - DAY_MS).toISOString();
  const jobs = s.db.prepare(JOBS_SQL).get(since) as Counts;
  const windows = s.db.prepare(WINDOWS_SQL).get(since) as Counts;
  return {
    running: jobs.running + windows.running,
    pending: jobs.pending + windows.pending,
    failed: jobs.failed + windows.failed,
    at: new Date(now).toISOString(),
  };
}
