// SQL for Folding@home work servers: the client certificate in use (and its history), renewal bookkeeping, the
// jobs SimDeck created (with their phase in the crash-safe create sequence), GET /jobs cursors and samples.
import type { Statement } from 'better-sqlite3';
import type { FahJob, FahJobFile, FahJobPhase, FahJobState } from '../../shared/fah.js';
import type { Db } from '../workspace/db.js';
import { now, parseJson } from '../workspace/rows.js';

export interface CertRow {
  id: number;
  targetId: string;
  certPem: string;
  keySecretId: string;
  notAfter: string;
  fingerprint: string;
  source: 'import' | 'renewal';
  createdAt: string;
}

export interface CertStatusRow {
  lastRenewalAt: string | null;
  lastRenewalError: string | null;
  pendingKeySecretId: string | null;
  pendingCsr: string | null;
}

interface RawJob {
  target_id: string;
  project: number;
  run: number;
  clone: number;
  gen: number;
  phase: FahJobPhase;
  state: FahJobState | null;
  last: string | null;
  retries: number | null;
  assigns: number | null;
  progress: number | null;
  message: string;
  files: string;
  updated_at: string;
}

export interface JobRow extends FahJob {
  targetId: string;
  fileSpecs: FahJobFile[];
}

const toJob = (r: RawJob): JobRow => {
  const fileSpecs = parseJson<FahJobFile[]>(r.files, []);
  return {
    targetId: r.target_id,
    project: r.project,
    run: r.run,
    clone: r.clone,
    gen: r.gen,
    phase: r.phase,
    state: r.state,
    last: r.last,
    retries: r.retries,
    assigns: r.assigns,
    progress: r.progress,
    message: r.message,
    files: fileSpecs.map((f) => f.name),
    fileSpecs,
    updatedAt: r.updated_at,
  };
};

/** One WS job record as GET /jobs or GET clone returns it (§4 JobData). */
export interface WsJobData {
  project: number;
  run: number;
  clone: number;
  gen: number;
  state: string;
  last?: string | null;
  retries?: number | null;
  assigns?: number | null;
  progress?: number | null;
}

export class FahRepo {
  constructor(private readonly db: Db) {}

  // ---- certificates --------------------------------------------------------------------------------------

  activeCert(targetId: string): CertRow | undefined {
    return this.db
      .prepare(
        `SELECT id, target_id AS targetId, cert_pem AS certPem, key_secret_id AS keySecretId, not_after AS notAfter, fingerprint, source,
                created_at AS createdAt FROM fah_certs WHERE target_id = ? AND active = 1`,
      )
      .get(targetId) as CertRow | undefined;
  }

  /** The new certificate becomes the active one in one transaction: never none, never two. */
  activateCert(c: Omit<CertRow, 'id' | 'createdAt'>): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE fah_certs SET active = 0 WHERE target_id = ? AND active = 1').run(c.targetId);
      this.db
        .prepare('INSERT INTO fah_certs (target_id, cert_pem, key_secret_id, not_after, fingerprint, source, active, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)')
        .run(c.targetId, c.certPem, c.keySecretId, c.notAfter, c.fingerprint, c.source, now());
    })();
  }

  certStatus(targetId: string): CertStatusRow {
    const r = this.db
      .prepare(
        `SELECT last_renewal_at AS lastRenewalAt, last_renewal_error AS lastRenewalError, pending_key_secret_id AS pendingKeySecretId,
                pending_csr AS pendingCsr FROM fah_cert_status WHERE target_id = ?`,
      )
      .get(targetId) as CertStatusRow | undefined;
    return r ?? { lastRenewalAt: null, lastRenewalError: null, pendingKeySecretId: null, pendingCsr: null };
  }

  setCertStatus(targetId: string, patch: Partial<CertStatusRow>): void {
    const next = { ...this.certStatus(targetId), ...patch };
    this.db
      .prepare(
        `INSERT INTO fah_cert_status (target_id, last_renewal_at, last_renewal_error, pending_key_secret_id, pending_csr) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (target_id) DO UPDATE SET last_renewal_at = excluded.last_renewal_at, last_renewal_error = excluded.last_renewal_error,
           pending_key_secret_id = excluded.pending_key_secret_id, pending_csr = excluded.pending_csr`,
      )
      .run(targetId, next.lastRenewalAt, next.lastRenewalError, next.pendingKeySecretId, next.pendingCsr);
  }

  // ---- jobs ----------------------------------------------------------------------------------------------

  job(targetId: string, project: number, run: number, clone: number): JobRow | undefined {
    const r = this.db.prepare('SELECT * FROM fah_jobs WHERE target_id = ? AND project = ? AND run = ? AND clone = ?').get(targetId, project, run, clone) as RawJob | undefined;
    return r ? toJob(r) : undefined;
  }

  jobs(targetId: string, project: number, opts: { state?: string; limit?: number } = {}): JobRow[] {
    const where = ['target_id = ?', 'project = ?'];
    const args: unknown[] = [targetId, project];
    if (opts.state) {
      // A WS state (READY, FINISHED, …) or one of SimDeck's phases before the job exists there.
      where.push('(state = ? OR (state IS NULL AND phase = ?))');
      args.push(opts.state, opts.state);
    }
    const sql = `SELECT * FROM fah_jobs WHERE ${where.join(' AND ')} ORDER BY run, clone LIMIT ${Math.max(1, Math.min(opts.limit ?? 100_000, 100_000))}`;
    return (this.db.prepare(sql).all(...args) as RawJob[]).map(toJob);
  }

  /** Jobs not yet confirmed on the WS, oldest first (what a restart must finish). */
  unsettled(targetId?: string): JobRow[] {
    const rows = targetId
      ? this.db.prepare("SELECT * FROM fah_jobs WHERE target_id = ? AND phase IN ('reserved', 'uploading', 'creating') ORDER BY project, run, clone").all(targetId)
      : this.db.prepare("SELECT * FROM fah_jobs WHERE phase IN ('reserved', 'uploading', 'creating') ORDER BY target_id, project, run, clone").all();
    return (rows as RawJob[]).map(toJob);
  }

  private setPhaseStmt: Statement | null = null;

  /** Called twice per job while creating thousands: the statement is prepared once. */
  setPhase(targetId: string, project: number, run: number, clone: number, phase: FahJobPhase, message = ''): void {
    this.setPhaseStmt ??= this.db.prepare('UPDATE fah_jobs SET phase = ?, message = ?, updated_at = ? WHERE target_id = ? AND project = ? AND run = ? AND clone = ?');
    this.setPhaseStmt.run(phase, message, now(), targetId, project, run, clone);
  }

  /** Applies the WS's view of jobs SimDeck knows (others' jobs are not imported); returns how many changed. */
  applyWsJobs(targetId: string, list: readonly WsJobData[]): number {
    const update = this.db.prepare(
      `UPDATE fah_jobs SET state = ?, gen = ?, last = ?, retries = ?, assigns = ?, progress = ?,
         phase = CASE WHEN phase IN ('creating', 'uploading', 'reserved') THEN 'created' ELSE phase END, updated_at = ?
       WHERE target_id = ? AND project = ? AND run = ? AND clone = ?
         AND (state IS NOT ? OR gen IS NOT ? OR last IS NOT ? OR progress IS NOT ? OR phase <> 'created')`,
    );
    let changed = 0;
    const at = now();
    this.db.transaction(() => {
      for (const j of list) {
        const r = update.run(
          j.state,
          j.gen,
          j.last ?? null,
          j.retries ?? null,
          j.assigns ?? null,
          j.progress ?? null,
          at,
          targetId,
          j.project,
          j.run,
          j.clone,
          j.state,
          j.gen,
          j.last ?? null,
          j.progress ?? null,
        );
        changed += r.changes;
      }
    })();
    return changed;
  }

  counts(targetId: string, project: number): Record<string, number> {
    const rows = this.db
      .prepare("SELECT COALESCE(state, phase) AS k, COUNT(*) AS n FROM fah_jobs WHERE target_id = ? AND project = ? GROUP BY COALESCE(state, phase)")
      .all(targetId, project) as { k: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  }

  projectsWithJobs(targetId: string): number[] {
    return (this.db.prepare('SELECT DISTINCT project FROM fah_jobs WHERE target_id = ? ORDER BY project').all(targetId) as { project: number }[]).map((r) => r.project);
  }

  // ---- cursors and samples -------------------------------------------------------------------------------

  cursor(targetId: string, project: number): string | null {
    const r = this.db.prepare('SELECT since FROM fah_cursors WHERE target_id = ? AND project = ?').get(targetId, project) as { since: string } | undefined;
    return r?.since ?? null;
  }

  setCursor(targetId: string, project: number, since: string): void {
    this.db
      .prepare('INSERT INTO fah_cursors (target_id, project, since) VALUES (?, ?, ?) ON CONFLICT (target_id, project) DO UPDATE SET since = excluded.since')
      .run(targetId, project, since);
  }

  addSample(targetId: string, project: number, counts: Record<string, number>): void {
    this.db.prepare('INSERT INTO fah_samples (target_id, project, at, counts) VALUES (?, ?, ?, ?)').run(targetId, project, now(), JSON.stringify(counts));
  }

  samples(targetId: string, project: number): { at: string; counts: Record<string, number> }[] {
    return (this.db.prepare('SELECT at, counts FROM fah_samples WHERE target_id = ? AND project = ? ORDER BY at').all(targetId, project) as { at: string; counts: string }[]).map(
      (r) => ({ at: r.at, counts: parseJson<Record<string, number>>(r.counts, {}) }),
    );
  }
}
