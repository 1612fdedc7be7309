// Creating Folding@home jobs crash-safely (notes §7.4): reserve RUN/CLONE ids in the workspace → upload every
// clone's files into RUN{r}/CLONE{c}/ (raw bytes) → PUT runs/{r}/create {"clones": c+1} → confirm from the WS's
// job list. Each step is recorded before the next, so a restart finishes exactly the jobs that were in flight.
// Files of all clones upload in parallel (the client bounds concurrency); creates within a RUN go in clone order,
// because `{"clones": c+1}` asks the WS for clones 0…c, and a clone must have its files before it exists there.
// RUNs proceed in parallel.
import { readFile } from 'node:fs/promises';
import { ApiError } from '../../shared/errors.js';
import type { FahHttpClient } from './http/client.js';
import type { FahRepo, JobRow, WsJobData } from './repo.js';

export interface CreateDeps {
  repo: FahRepo;
  client: FahHttpClient;
  targetId: string;
  /** Called after every phase change of a batch (the UI refreshes). */
  changed?: () => void;
}

const base = (p: number) => `/api/projects/${p}`;

/** Reads a job's files; a file that is gone fails the job with a message that names it. */
async function readFiles(job: JobRow): Promise<{ name: string; bytes: Buffer }[]> {
  const out: { name: string; bytes: Buffer }[] = [];
  for (const f of job.fileSpecs) {
    try {
      out.push({ name: f.name, bytes: await readFile(f.path) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ApiError('NOT_FOUND', `${f.path} (${f.name} of RUN ${job.run} CLONE ${job.clone}) cannot be read: ${code ?? String(err)}. Put the file back and retry.`);
    }
  }
  return out;
}

async function upload(d: CreateDeps, job: JobRow): Promise<void> {
  d.repo.setPhase(d.targetId, job.project, job.run, job.clone, 'uploading');
  const files = await readFiles(job);
  await Promise.all(files.map((f) => d.client.upload(`${base(job.project)}/files/RUN${job.run}/CLONE${job.clone}/${f.name}`, f.bytes)));
  d.repo.setPhase(d.targetId, job.project, job.run, job.clone, 'creating');
}

async function create(d: CreateDeps, job: JobRow): Promise<void> {
  await d.client.putJson(`${base(job.project)}/runs/${job.run}/create`, { clones: job.clone + 1 });
}

/** Runs the jobs of one RUN: all uploads, then the creates in clone order, each after its own upload. */
async function runOne(d: CreateDeps, jobs: JobRow[]): Promise<void> {
  const sorted = [...jobs].sort((a, b) => a.clone - b.clone);
  const uploads = sorted.map((j) => (j.phase === 'creating' ? Promise.resolve() : upload(d, j)));
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

/** Asks the WS for the project's jobs and marks the created ones (one request for a whole batch). */
export async function confirm(d: CreateDeps, project: number): Promise<number> {
  const r = await d.client.getJson<{ jobs?: WsJobData[]; ts?: string }>(`${base(project)}/jobs`);
  const jobs = (r.jobs ?? []).map((j) => ({ ...j, project }));
  return d.repo.applyWsJobs(d.targetId, jobs);
}

/** Uploads and creates the given reserved jobs (several RUNs in parallel), then confirms them. */
export async function createReserved(d: CreateDeps, jobs: JobRow[]): Promise<void> {
  const byRun = new Map<string, JobRow[]>();
  for (const j of jobs) {
    const k = `${j.project}/${j.run}`;
    byRun.set(k, [...(byRun.get(k) ?? []), j]);
  }
  await Promise.all([...byRun.values()].map((list) => runOne(d, list)));
  d.changed?.();
  for (const project of new Set(jobs.map((j) => j.project))) await confirm(d, project);
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
