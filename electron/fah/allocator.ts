// RUN/CLONE allocation for Folding@home jobs, kept in the workspace. A PROJECT/RUN/CLONE handed out once is never
// handed out again: reservations are committed (one transaction per batch) before any file is uploaded, rows are
// never deleted, and new ids start above both what SimDeck ever reserved and what the work server reports (jobs
// or RUN folders made by someone else). GEN is always 0: SimDeck creates jobs, the WS makes their generations.
// 65,535 is the upper bound for RUN and CLONE (alchemiscale-fah's; the WS's own limit is unknown, notes §7.4, §11).
import { ApiError } from '../../shared/errors.js';
import type { FahJobFile } from '../../shared/fah.js';
import type { Db } from '../workspace/db.js';
import { now } from '../workspace/rows.js';

export const MAX_ID = 65_535;

export interface Reservation {
  project: number;
  run: number;
  clones: number[];
}

/** What the WS already has in a project (from GET /jobs and the RUN folders of GET /files). */
export interface RemoteIds {
  runs: number[];
  /** run → highest clone seen on the WS */
  maxClone: Map<number, number>;
}

export class FahAllocator {
  constructor(private readonly db: Db) {}

  private maxLocalRun(targetId: string, project: number): number {
    const r = this.db.prepare('SELECT MAX(run) AS m FROM fah_runs WHERE target_id = ? AND project = ?').get(targetId, project) as { m: number | null };
    return r.m ?? -1;
  }

  private maxLocalClone(targetId: string, project: number, run: number): number {
    const r = this.db.prepare('SELECT MAX(clone) AS m FROM fah_jobs WHERE target_id = ? AND project = ? AND run = ?').get(targetId, project, run) as { m: number | null };
    return r.m ?? -1;
  }

  /**
   * Reserves `count` new clones, in a new RUN or an existing one, in one transaction: the rows exist (phase
   * 'reserved', with the files they need) before anything is sent, so a crash can never hand them out again.
   */
  reserve(targetId: string, project: number, where: { run: 'new' } | { run: number }, count: number, files: (clone: number) => FahJobFile[], remote: RemoteIds): Reservation {
    if (!Number.isInteger(count) || count < 1 || count > MAX_ID + 1) throw new ApiError('INVALID_INPUT', `The number of jobs must be 1 to ${MAX_ID + 1}.`, { field: 'clones' });
    const tx = this.db.transaction((): Reservation => {
      let run: number;
      if (where.run === 'new') {
        run = Math.max(this.maxLocalRun(targetId, project), ...remote.runs, -1) + 1;
        if (run > MAX_ID) throw new ApiError('CONFLICT', `Project ${project} has used every RUN id up to ${MAX_ID}: start a new project.`, { field: 'run' });
      } else {
        run = where.run;
        if (!Number.isInteger(run) || run < 0 || run > MAX_ID) throw new ApiError('INVALID_INPUT', `A RUN id is 0 to ${MAX_ID}.`, { field: 'run' });
      }
      const at = now();
      this.db.prepare('INSERT OR IGNORE INTO fah_runs (target_id, project, run, created_at) VALUES (?, ?, ?, ?)').run(targetId, project, run, at);
      const first = Math.max(this.maxLocalClone(targetId, project, run), remote.maxClone.get(run) ?? -1) + 1;
      const last = first + count - 1;
      if (last > MAX_ID) {
        throw new ApiError('CONFLICT', `RUN ${run} of project ${project} has room for ${Math.max(0, MAX_ID - first + 1)} more clone(s), not ${count}: use a new RUN.`, { field: 'clones' });
      }
      const insert = this.db.prepare(
        "INSERT INTO fah_jobs (target_id, project, run, clone, gen, phase, files, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 'reserved', ?, ?, ?)",
      );
      const clones: number[] = [];
      for (let c = first; c <= last; c++) {
        insert.run(targetId, project, run, c, JSON.stringify(files(c)), at, at);
        clones.push(c);
      }
      return { project, run, clones };
    });
    return tx.immediate();
  }
}

/** RUN ids and highest CLONE per RUN from the WS's job list and its RUN{r}/ folders (§7.1). */
export function remoteIds(jobs: readonly { run: number; clone: number }[], filePaths: readonly string[]): RemoteIds {
  const maxClone = new Map<number, number>();
  const runs = new Set<number>();
  for (const j of jobs) {
    runs.add(j.run);
    maxClone.set(j.run, Math.max(maxClone.get(j.run) ?? -1, j.clone));
  }
  for (const p of filePaths) {
    const m = /^RUN(\d+)(?:\/CLONE(\d+))?/.exec(p);
    if (!m) continue;
    const run = Number(m[1]);
    runs.add(run);
    if (m[2] !== undefined) maxClone.set(run, Math.max(maxClone.get(run) ?? -1, Number(m[2])));
  }
  return { runs: [...runs], maxClone };
}
