// Creating Folding@home jobs crash-safely (notes §7.4): reserve RUN/CLONE ids in the workspace → upload every
// clone's files into RUN{r}/CLONE{c}/ (raw bytes) → PUT runs/{r}/create {"clones": c+1} → confirm from the WS's
// job list. Each step is recorded before the next, so a restart finishes exactly the jobs that were in flight.
// Files of all clones upload in parallel (the client bounds concurrency); creates within a RUN go in clone order,
// because `{"clones": c+1}` asks the WS for clones 0…c, and a clone must have its files before it exists there.
// RUNs proceed in parallel.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ApiError } from '../../shared/errors.js';
import type { FahHttpClient, StreamBody } from './http/client.js';
import { toWsTime } from './time.js';
import type { FahRepo, JobRow, WsJobData } from './repo.js';

export interface CreateDeps {
  repo: FahRepo;
  client: FahHttpClient;
  targetId: string;
  /** Called after every phase change of a batch (the UI refreshes). */
  changed?: () => void;
}

const base = (p: number) => `/api/projects/${p}`;

/** A job's files as replayable streams (read only when the upload has its slot, so memory stays bounded); a file
 *  that is gone fails the job with a message that names it. */
async function openFiles(job: JobRow): Promise<{ name: string; body: StreamBody }[]> {
  const out: { name: string; body: StreamBody }[] = [];
  for (const f of job.fileSpecs) {
    try {
      const { size } = await stat(f.path);
      out.push({ name: f.name, body: { size, open: () => createReadStream(f.path) } });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ApiError('NOT_FOUND', `${f.path} (${f.name} of RUN ${job.run} CLONE ${job.clone}) cannot be read: ${code ?? String(err)}. Put the file back and retry.`);
    }
  }
  return out;
}

async function upload(d: CreateDeps, job: JobRow): Promise<void> {
  d.repo.setPhase(d.targetId, job.project, job.run, job.clone, 'uploading');
  const files = await openFiles(job);
  await Promise.all(files.map((f) => d.client.upload(`${base(job.project)}/files/RUN${job.run}/CLONE${job.clone}/${f.name}`, f.body)));
  d.repo.setPhase(d.targetId, job.project, job.run, job.clone, 'creating');
}

async function create(d: CreateDeps, job: JobRow): Promise<void> {
  // Urgent: a create waits for nothing but its own files, so it goes ahead of other clones' queued uploads.
  await d.client.putJson(`${base(job.project)}/runs/${job.run}/create`, { clones: job.clone + 1 }, { urgent: true });
}

/** Runs the jobs of one RUN: all uploads, then the creates in clone order, each after its own upload. */
async function runOne(d: CreateDeps, jobs: JobRow[]): Promise<void> {
  const sorted = [...jobs].sort((a, b) => a.clone - b.clone);
  const uploads = sorted.map((j) => {
    const p = j.phase === 'creating' ? Promise.resolve() : upload(d, j);
    // Awaited in clone order below; until then a failure must not count as unhandled (it would end the process).
    p.catch(() => undefined);
    return p;
  });
  for (let i = 0; i < sorted.length; i++) {
    const j = sorted[i]!;
    try {
      await uploads[i];
      await create(d, j);
    } catch (err) {
      // This clone and every later one of the RUN stop here: creating c+1 would also ask for clone c. They keep
      // their ids (never handed out again) and "Retry failed" runs them again.
      const why = err instanceof Error ? err.message : String(err);
      for (const k of sorted.slice(i)) d.repo.setPhase(d.targetId, k.project, k.run, k.clone, 'failed', k === j ? why : `not created: CLONE ${j.clone} of this RUN failed first`);
      await Promise.allSettled(uploads.slice(i + 1));
      d.changed?.();
      return;
    }
  }
}

/**
 * Asks the WS which of these jobs exist and marks them created: one GET /jobs?since= for the whole batch (jobs
 * created since it started), and a full list only if some are still missing (since= semantics are not public).
 */
export async function confirm(d: CreateDeps, project: number, jobs?: readonly { run: number; clone: number }[], since?: Date): Promise<number> {
  const want = jobs ? new Set(jobs.map((j) => `${j.run}/${j.clone}`)) : null;
  const mine = (list: readonly WsJobData[]) => list.filter((j) => !want || want.has(`${j.run}/${j.clone}`)).map((j) => ({ ...j, project }));
  let changed = 0;
  if (since && want) {
    const r = await d.client.getJson<{ jobs?: WsJobData[] }>(`${base(project)}/jobs`, { since: toWsTime(new Date(since.getTime() - 60_000)) });
    const found = mine(r.jobs ?? []);
    changed += d.repo.applyWsJobs(d.targetId, found);
    if (found.length >= want.size) return changed;
  }
  const r = await d.client.getJson<{ jobs?: WsJobData[] }>(`${base(project)}/jobs`);
  return changed + d.repo.applyWsJobs(d.targetId, mine(r.jobs ?? []));
}

/** Uploads and creates the given reserved jobs (several RUNs in parallel), then confirms them. */
export async function createReserved(d: CreateDeps, jobs: JobRow[]): Promise<void> {
  const started = new Date();
  const byRun = new Map<string, JobRow[]>();
  for (const j of jobs) {
    const k = `${j.project}/${j.run}`;
    byRun.set(k, [...(byRun.get(k) ?? []), j]);
  }
  await Promise.all([...byRun.values()].map((list) => runOne(d, list)));
  d.changed?.();
  for (const project of new Set(jobs.map((j) => j.project))) {
    await confirm(d, project, jobs.filter((j) => j.project === project), started);
  }
  d.changed?.();
}

/**
 * After a restart: jobs left in 'creating' may already exist on the WS (the crash came after the PUT), so each is
 * looked up first; the rest are created (uploads repeated: a PUT of the same bytes is harmless).
 */
export async function reconcile(d: CreateDeps): Promise<number> {
  const open = d.repo.unsettled(d.targetId);
  if (open.length === 0) return 0;
  for (const project of new Set(open.map((j) => j.project))) await confirm(d, project);
  const left = d.repo.unsettled(d.targetId);
  await createReserved(d, left);
  return open.length;
}
