// SQL for umbrella campaigns: the campaign (its wizard spec as JSON), one row per replica × window with what SimDeck
// last saw, and progress samples over time for the charts.
import { randomUUID } from 'node:crypto';
import type { CampaignSpec, WindowPhase, WindowStatus } from '../../../shared/kube.js';
import { ApiError } from '../../../shared/errors.js';
import type { Db } from '../../workspace/db.js';

export interface CampaignRow {
  id: string;
  projectId: string;
  targetId: string;
  name: string;
  spec: CampaignSpec;
  resultsDir: string;
  createdAt: string;
  updatedAt: string;
}

export interface WindowRow extends WindowStatus {
  centre: number;
  attempt: number;
  provenancePath: string | null;
  appliedAt: string | null;
}

interface RawCampaign {
  id: string;
  project_id: string;
  target_id: string;
  name: string;
  spec: string;
  results_dir: string;
  created_at: string;
  updated_at: string;
}

interface RawWindow {
  campaign_id: string;
  replica: number;
  window: number;
  centre: number;
  job_name: string;
  attempt: number;
  phase: string;
  percent: number | null;
  last_step: number | null;
  n_steps: number | null;
  ns_per_day: number | null;
  eta_seconds: number | null;
  pod: string | null;
  node: string | null;
  restarts: number;
  message: string;
  provenance_path: string | null;
  applied_at: string | null;
  updated_at: string;
}

const toCampaign = (r: RawCampaign): CampaignRow => ({
  id: r.id,
  projectId: r.project_id,
  targetId: r.target_id,
  name: r.name,
  spec: JSON.parse(r.spec) as CampaignSpec,
  resultsDir: r.results_dir,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toWindow = (r: RawWindow): WindowRow => ({
  campaignId: r.campaign_id,
  replica: r.replica,
  window: r.window,
  centre: r.centre,
  jobName: r.job_name,
  attempt: r.attempt,
  phase: r.phase as WindowPhase,
  percent: r.percent,
  lastStep: r.last_step,
  nSteps: r.n_steps,
  nsPerDay: r.ns_per_day,
  etaSeconds: r.eta_seconds,
  pod: r.pod,
  node: r.node,
  restarts: r.restarts,
  message: r.message,
  provenancePath: r.provenance_path,
  appliedAt: r.applied_at,
  updatedAt: r.updated_at,
});

/** The fields a watch or the progress reader may change. */
export type WindowPatch = Partial<Pick<WindowRow, 'phase' | 'percent' | 'lastStep' | 'nSteps' | 'nsPerDay' | 'etaSeconds' | 'pod' | 'node' | 'restarts' | 'message'>>;

const COLUMNS: Record<keyof WindowPatch, string> = {
  phase: 'phase',
  percent: 'percent',
  lastStep: 'last_step',
  nSteps: 'n_steps',
  nsPerDay: 'ns_per_day',
  etaSeconds: 'eta_seconds',
  pod: 'pod',
  node: 'node',
  restarts: 'restarts',
  message: 'message',
};

export class CampaignRepo {
  constructor(private readonly db: Db) {}

  create(c: Omit<CampaignRow, 'id' | 'createdAt' | 'updatedAt'>): CampaignRow {
    const now = new Date().toISOString();
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO campaigns (id, project_id, target_id, name, spec, results_dir, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, c.projectId, c.targetId, c.name, JSON.stringify(c.spec), c.resultsDir, now, now);
    return this.get(id);
  }

  get(id: string): CampaignRow {
    const r = this.db.prepare('SELECT * FROM campaigns WHERE id = ?').get(id) as RawCampaign | undefined;
    if (!r) throw new ApiError('NOT_FOUND', `No campaign with id ${id}.`);
    return toCampaign(r);
  }

  list(projectId?: string): CampaignRow[] {
    const rows = projectId
      ? (this.db.prepare('SELECT * FROM campaigns WHERE project_id = ? ORDER BY created_at DESC').all(projectId) as RawCampaign[])
      : (this.db.prepare('SELECT * FROM campaigns ORDER BY created_at DESC').all() as RawCampaign[]);
    return rows.map(toCampaign);
  }

  setSpec(id: string, spec: CampaignSpec): void {
    this.db.prepare('UPDATE campaigns SET spec = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(spec), new Date().toISOString(), id);
  }

  addWindow(w: { campaignId: string; replica: number; window: number; centre: number; jobName: string; provenancePath: string | null }): void {
    this.db
      .prepare(
        `INSERT INTO campaign_windows (campaign_id, replica, window, centre, job_name, phase, provenance_path, updated_at)
         VALUES (?, ?, ?, ?, ?, 'planned', ?, ?)`,
      )
      .run(w.campaignId, w.replica, w.window, w.centre, w.jobName, w.provenancePath, new Date().toISOString());
  }

  windows(campaignId: string): WindowRow[] {
    return (this.db.prepare('SELECT * FROM campaign_windows WHERE campaign_id = ? ORDER BY replica, window').all(campaignId) as RawWindow[]).map(toWindow);
  }

  window(campaignId: string, replica: number, window: number): WindowRow {
    const r = this.db.prepare('SELECT * FROM campaign_windows WHERE campaign_id = ? AND replica = ? AND window = ?').get(campaignId, replica, window) as
      | RawWindow
      | undefined;
    if (!r) throw new ApiError('NOT_FOUND', `The campaign has no replica ${replica} window ${String(window).padStart(2, '0')}.`);
    return toWindow(r);
  }

  byJobName(jobName: string): WindowRow | null {
    const r = this.db.prepare('SELECT * FROM campaign_windows WHERE job_name = ?').get(jobName) as RawWindow | undefined;
    return r ? toWindow(r) : null;
  }

  /** Applies a patch; returns the row when something actually changed (so callers emit only real changes). */
  patch(campaignId: string, replica: number, window: number, p: WindowPatch): WindowRow | null {
    const before = this.window(campaignId, replica, window);
    const keys = (Object.keys(p) as (keyof WindowPatch)[]).filter((k) => p[k] !== undefined && p[k] !== before[k]);
    if (!keys.length) return null;
    const sets = keys.map((k) => `${COLUMNS[k]} = ?`).join(', ');
    this.db
      .prepare(`UPDATE campaign_windows SET ${sets}, updated_at = ? WHERE campaign_id = ? AND replica = ? AND window = ?`)
      .run(...keys.map((k) => p[k] as string | number | null), new Date().toISOString(), campaignId, replica, window);
    return this.window(campaignId, replica, window);
  }

  markApplied(campaignId: string, replica: number, window: number, provenancePath: string, jobName: string): void {
    this.db
      .prepare(
        `UPDATE campaign_windows SET applied_at = ?, provenance_path = ?, job_name = ?, phase = 'queued', message = '', updated_at = ?
         WHERE campaign_id = ? AND replica = ? AND window = ?`,
      )
      .run(new Date().toISOString(), provenancePath, jobName, new Date().toISOString(), campaignId, replica, window);
  }

  /** A restart: a new attempt starts from scratch (the old provenance record stays on disk). */
  restart(campaignId: string, replica: number, window: number): void {
    this.db
      .prepare(
        `UPDATE campaign_windows SET attempt = attempt + 1, phase = 'planned', percent = NULL, last_step = NULL, ns_per_day = NULL,
         eta_seconds = NULL, pod = NULL, node = NULL, restarts = 0, message = 'restarting', applied_at = NULL, updated_at = ?
         WHERE campaign_id = ? AND replica = ? AND window = ?`,
      )
      .run(new Date().toISOString(), campaignId, replica, window);
  }

  /** The workspace's own copy of an applied (or failed) manifest, next to the provenance file on disk. */
  recordManifest(m: { campaignId: string; replica: number; window: number; path: string; yaml: string; outcome: 'applied' | 'failed'; detail?: string }): void {
    const attempt = this.window(m.campaignId, m.replica, m.window).attempt;
    this.db
      .prepare('INSERT INTO window_manifests (campaign_id, replica, window, attempt, path, yaml, outcome, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(m.campaignId, m.replica, m.window, attempt, m.path, m.yaml, m.outcome, m.detail ?? '', new Date().toISOString());
  }

  manifests(campaignId: string, replica: number, window: number): { attempt: number; path: string; yaml: string; outcome: string; detail: string; at: string }[] {
    return this.db
      .prepare('SELECT attempt, path, yaml, outcome, detail, at FROM window_manifests WHERE campaign_id = ? AND replica = ? AND window = ? ORDER BY id')
      .all(campaignId, replica, window) as { attempt: number; path: string; yaml: string; outcome: string; detail: string; at: string }[];
  }

  addSample(s: { campaignId: string; replica: number; window: number; percent: number | null; nsPerDay: number | null; gpuUtil: number | null }): void {
    this.db
      .prepare('INSERT INTO window_samples (campaign_id, replica, window, at, percent, ns_per_day, gpu_util) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(s.campaignId, s.replica, s.window, new Date().toISOString(), s.percent, s.nsPerDay, s.gpuUtil);
  }

  samples(campaignId: string, limit = 50_000): { replica: number; window: number; at: string; percent: number | null; nsPerDay: number | null; gpuUtil: number | null }[] {
    return (
      this.db
        .prepare('SELECT replica, window, at, percent, ns_per_day AS nsPerDay, gpu_util AS gpuUtil FROM window_samples WHERE campaign_id = ? ORDER BY at LIMIT ?')
        .all(campaignId, limit) as { replica: number; window: number; at: string; percent: number | null; nsPerDay: number | null; gpuUtil: number | null }[]
    ).map((r) => r);
  }

  /** Campaigns with windows not yet done or failed: their namespaces are watched. */
  unfinished(): CampaignRow[] {
    const ids = (
      this.db.prepare("SELECT DISTINCT campaign_id AS id FROM campaign_windows WHERE phase NOT IN ('done', 'failed', 'planned')").all() as { id: string }[]
    ).map((r) => r.id);
    return ids.map((id) => this.get(id));
  }

  summary(campaignId: string): Record<string, number> {
    const rows = this.db.prepare('SELECT phase, COUNT(*) AS n FROM campaign_windows WHERE campaign_id = ? GROUP BY phase').all(campaignId) as { phase: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.phase, r.n]));
  }
}
