// Folding@home work servers behind the `fah.*` calls: one HTTP client per target (mutual TLS, keep-alive, bounded
// concurrency, retries), projects, crash-safe job creation, incremental status (GET /jobs?since=), actions,
// results and their analysis, and the certificate kept alive (renewed at start and daily, warned ahead of expiry).
import path from 'node:path';
import type { Target, TargetCheck } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { FahCertInfo, FahJob, FahJobAction, FahJobFile, FahJobRef, FahProgressSample, FahProjectData, FahProjectView, FahWorkPoint } from '../../shared/fah.js';
import type { Services } from '../core/services.js';
import { FahAllocator, remoteIds } from './allocator.js';
import { certInfo } from './certs/pem.js';
import { renewalDue } from './certs/renew.js';
import { confirm, createReserved, reconcile, type CreateDeps } from './create-jobs.js';
import { FahCredentials, asUrlOf, wsUrlOf } from './credentials.js';
import { FahHttpClient } from './http/client.js';
import { FahRepo, type JobRow, type WsJobData } from './repo.js';
import { downloadResult, workValues } from './results.js';
import { toWsTime } from './time.js';

export interface FahServiceOptions {
  /** Time between GET /jobs?since= per project. Default 60 s (the public client's poll interval). */
  pollMs?: number;
  /** Time between renewal checks. Default 1 hour (a renewal itself happens at start and then daily). */
  certCheckMs?: number;
  /** Requests in flight per work server. Default 8. */
  concurrency?: number;
  /** Where downloads go. Default ~/Downloads/SimDeck/fah. */
  downloadDir?: string;
}

export type FahServices = Pick<Services, 'db' | 'targets' | 'secrets' | 'log' | 'emit' | 'adapterContext' | 'info'>;

const base = (p: number) => `/api/projects/${p}`;

/** The contract's view of a job row (what the workspace keeps for itself left out). */
const toFahJob = ({ targetId: _t, fileSpecs: _f, ...j }: JobRow): FahJob => j;

export class FahService {
  readonly repo: FahRepo;
  readonly creds: FahCredentials;
  private readonly allocator: FahAllocator;
  private readonly clients = new Map<string, FahHttpClient>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly opts: Required<FahServiceOptions>;
  private starting: Promise<void> | null = null;
  private readonly warned = new Set<string>();

  constructor(
    private readonly s: FahServices,
    opts: FahServiceOptions = {},
  ) {
    this.repo = new FahRepo(s.db);
    this.allocator = new FahAllocator(s.db);
    this.creds = new FahCredentials(this.repo, s.secrets);
    this.opts = {
      pollMs: opts.pollMs ?? 60_000,
      certCheckMs: opts.certCheckMs ?? 3_600_000,
      concurrency: opts.concurrency ?? 8,
      downloadDir: opts.downloadDir ?? path.join(process.env.HOME ?? '.', 'Downloads', 'SimDeck', 'fah'),
    };
  }

  // ---- targets and clients ---------------------------------------------------------------------------------

  target(targetId: string): Target {
    const t = this.s.targets.get(targetId);
    if (t.kind !== 'fah') throw new ApiError('INVALID_INPUT', `${t.name} is not a Folding@home work server.`, { field: 'targetId' });
    return t;
  }

  async client(targetId: string): Promise<FahHttpClient> {
    const existing = this.clients.get(targetId);
    if (existing) return existing;
    const t = this.target(targetId);
    const c = new FahHttpClient({ baseUrl: wsUrlOf(t), tls: await this.creds.tls(t), label: `work server ${t.name}`, concurrency: this.opts.concurrency });
    this.clients.set(targetId, c);
    return c;
  }

  private deps(targetId: string, client: FahHttpClient, project?: number): CreateDeps {
    return { repo: this.repo, client, targetId, changed: () => project !== undefined && this.s.emit('fah.changed', { targetId, project }) };
  }

  private activity<T>(targetId: string, action: string, command: string, work: () => Promise<T>): Promise<T> {
    return this.s.adapterContext.activity.run({ action, command, targetId }, work);
  }

  /** targets.check: the certificate, then GET /api/projects over mutual TLS. */
  async check(target: Target): Promise<TargetCheck> {
    const cert = this.creds.view(target);
    if (!cert) return { ok: false, summary: 'No client certificate yet: import yours or generate a key and CSR.', details: { wsUrl: String(target.settings.wsUrl ?? '') } };
    if (cert.status === 'expired') return { ok: false, summary: cert.advice, details: { notAfter: cert.notAfter } };
    const projects = await (await this.client(target.id)).getJson<Record<string, unknown>>('/api/projects');
    return {
      ok: true,
      summary: `Work server answered with ${Object.keys(projects).length} project(s); certificate for ${cert.subject} valid ${cert.daysLeft} more day(s).`,
      details: { projects: Object.keys(projects).join(', '), certificate: cert.subject, notAfter: cert.notAfter },
    };
  }

  // ---- certificates ----------------------------------------------------------------------------------------

  cert(targetId: string): FahCertInfo | null {
    return this.creds.view(this.target(targetId));
  }

  pendingCsr(targetId: string): { csrPem: string } | null {
    const csr = this.repo.certStatus(this.target(targetId).id).pendingCsr;
    return csr ? { csrPem: csr } : null;
  }

  async importCert(targetId: string, certPem: string, keyPem?: string): Promise<FahCertInfo> {
    const t = this.target(targetId);
    const info = await this.creds.importCert(t, certPem, keyPem);
    await this.rebuild(targetId);
    this.s.emit('fah.cert', { targetId, cert: info });
    return info;
  }

  async generateCsr(targetId: string, email: string): Promise<{ csrPem: string; steps: string }> {
    return this.creds.generateCsr(this.target(targetId), email);
  }

  async renew(targetId: string): Promise<FahCertInfo> {
    const t = this.target(targetId);
    const r = await this.activity(targetId, 'fah.renew', `POST ${asUrlOf(t)}/api/auth/csr`, () => this.creds.renew(t));
    (await this.client(targetId)).rebuild(r.tls);
    this.s.emit('fah.cert', { targetId, cert: r.info });
    return r.info;
  }

  private async rebuild(targetId: string): Promise<void> {
    const c = this.clients.get(targetId);
    if (c) c.rebuild(await this.creds.tls(this.target(targetId)));
  }

  /** Renews every certificate that is due (at start, then daily) and warns before expiry. */
  async keepCertificatesAlive(now = new Date()): Promise<void> {
    for (const t of this.s.targets.list().filter((x) => x.kind === 'fah')) {
      const active = this.repo.activeCert(t.id);
      if (!active) continue;
      const info = certInfo(active.certPem);
      const last = this.repo.certStatus(t.id).lastRenewalAt;
      if (renewalDue(info, now, last ? new Date(last) : null)) {
        await this.renew(t.id).catch((err: unknown) => this.s.log.warn('fah certificate renewal failed', { target: t.name, error: String(err) }));
      }
      const view = this.creds.view(t, now);
      if (!view) continue;
      // The Monitor's certificate rule watches this event (it fires once per episode, the notice each check).
      this.s.emit('fah.cert', { targetId: t.id, cert: view });
      // A notice once per status and session (the Monitor's alert history keeps the record).
      const key = `${t.id}:${view.status}`;
      if (view.status !== 'ok' && !this.warned.has(key)) {
        this.warned.add(key);
        this.s.emit('notice', { level: view.status === 'expiring' ? 'warning' : 'error', message: view.advice });
      }
    }
  }

  // ---- projects --------------------------------------------------------------------------------------------

  async projects(targetId: string): Promise<{ id: number; data: Record<string, unknown> }[]> {
    const all = await (await this.client(targetId)).getJson<Record<string, Record<string, unknown>>>('/api/projects');
    return Object.entries(all)
      .map(([id, data]) => ({ id: Number(id), data }))
      .sort((a, b) => a.id - b.id);
  }

  async project(targetId: string, project: number): Promise<FahProjectView> {
    const data = await (await this.client(targetId)).getJson<Record<string, unknown>>(base(project));
    const num = (k: string) => (typeof data[k] === 'number' ? (data[k] as number) : null);
    return {
      id: project,
      data,
      stats: { gensCompleted: num('gens_completed'), histogram: Array.isArray(data.histogram) ? (data.histogram as number[]) : null, totalJobs: num('total_jobs') },
      counts: this.repo.counts(targetId, project),
    };
  }

  async saveProject(targetId: string, project: number, data: FahProjectData): Promise<FahProjectView> {
    const c = await this.client(targetId);
    await this.activity(targetId, 'fah.project.save', `PUT ${wsUrlOf(this.target(targetId))}${base(project)} ${JSON.stringify(data)}`, () => c.putJson(base(project), data));
    return this.project(targetId, project);
  }

  async deleteProject(targetId: string, project: number): Promise<void> {
    const c = await this.client(targetId);
    await this.activity(targetId, 'fah.project.delete', `DELETE ${wsUrlOf(this.target(targetId))}${base(project)}`, () => c.delete(base(project)));
  }

  // ---- jobs ------------------------------------------------------------------------------------------------

  /** Reserves ids (above anything local or on the WS), then uploads and creates the jobs. */
  async createJobs(targetId: string, project: number, run: number | 'new', clones: number, files: FahJobFile[]): Promise<{ run: number; clones: number[]; jobs: FahJob[] }> {
    const c = await this.client(targetId);
    const [wsJobs, wsFiles] = await Promise.all([
      c.getJson<{ jobs?: WsJobData[] }>(`${base(project)}/jobs`),
      c.getJson<{ path: string }[]>(`${base(project)}/files`).catch(() => []),
    ]);
    const remote = remoteIds(wsJobs.jobs ?? [], wsFiles.map((f) => f.path));
    const perClone = (clone: number) => files.map((f) => ({ name: f.name, path: f.path.replaceAll('{clone}', String(clone)) }));
    const r = this.allocator.reserve(targetId, project, run === 'new' ? { run: 'new' } : { run }, clones, perClone, remote);
    this.s.emit('fah.changed', { targetId, project });
    const reserved = r.clones.map((cl) => this.repo.job(targetId, project, r.run, cl)!);
    await this.activity(targetId, 'fah.jobs.create', `# P${project} RUN ${r.run} CLONE ${r.clones[0]}–${r.clones.at(-1)}: PUT files, then PUT ${base(project)}/runs/${r.run}/create`, () =>
      createReserved(this.deps(targetId, c, project), reserved),
    );
    // The progress chart starts with the jobs as they were just created.
    this.repo.addSample(targetId, project, this.repo.counts(targetId, project));
    return { run: r.run, clones: r.clones, jobs: r.clones.map((cl) => this.repo.job(targetId, project, r.run, cl)!) };
  }

  /** Failed creations of a project get another try (same ids). */
  async retryFailed(targetId: string, project: number): Promise<number> {
    const failed = this.repo.jobs(targetId, project, { state: 'failed' }).filter((j) => j.phase === 'failed');
    for (const j of failed) this.repo.setPhase(targetId, project, j.run, j.clone, 'reserved');
    await createReserved(this.deps(targetId, await this.client(targetId), project), failed.map((j) => this.repo.job(targetId, project, j.run, j.clone)!));
    return failed.length;
  }

  jobs(targetId: string, project: number, state?: string): FahJob[] {
    return this.repo.jobs(targetId, project, { state }).map(toFahJob);
  }

  async job(targetId: string, project: number, ref: FahJobRef): Promise<{ job: FahJob | null; ws: Record<string, unknown> | null; files: { path: string; size: number; modified: string }[]; results: { path: string; size: number; modified: string }[] }> {
    const c = await this.client(targetId);
    const clonePath = `${base(project)}/runs/${ref.run}/clones/${ref.clone}`;
    const [ws, files, results] = await Promise.all([
      c.getJson<WsJobData & Record<string, unknown>>(clonePath).catch((err: unknown) => (err instanceof ApiError && err.code === 'NOT_FOUND' ? null : Promise.reject(err))),
      c.getJson<{ path: string; size: number; modified: string }[]>(`${clonePath}/files`).catch(() => []),
      c.getJson<{ path: string; size: number; modified: string }[]>(`${clonePath}/gens/0/files`).catch(() => []),
    ]);
    if (ws) this.repo.applyWsJobs(targetId, [{ ...ws, project }]);
    const row = this.repo.job(targetId, project, ref.run, ref.clone);
    return { job: row ? toFahJob(row) : null, ws, files, results };
  }

  async act(targetId: string, project: number, refs: FahJobRef[], action: FahJobAction): Promise<{ run: number; clone: number; ok: boolean; message: string }[]> {
    const c = await this.client(targetId);
    const ws = wsUrlOf(this.target(targetId));
    const out = await Promise.all(
      refs.map(async (r) => {
        const p = `${base(project)}/runs/${r.run}/clones/${r.clone}/${action}`;
        try {
          await this.activity(targetId, `fah.${action}`, `PUT ${ws}${p}`, () => c.putJson(p));
          return { ...r, ok: true, message: `${action} sent` };
        } catch (err) {
          return { ...r, ok: false, message: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
    await this.poll(targetId, project).catch(() => undefined);
    return out;
  }

  /** One incremental status round for a project: GET /jobs?since=<last ts>. */
  async poll(targetId: string, project: number): Promise<number> {
    const c = await this.client(targetId);
    const since = this.repo.cursor(targetId, project);
    const r = await c.getJson<{ jobs?: WsJobData[]; ts?: string }>(`${base(project)}/jobs`, since ? { since } : undefined);
    const changed = this.repo.applyWsJobs(targetId, (r.jobs ?? []).map((j) => ({ ...j, project })));
    // The WS's own ts is the next cursor (its clock, its format); without one, ours minus a minute of overlap.
    this.repo.setCursor(targetId, project, r.ts ?? toWsTime(new Date(Date.now() - 60_000)));
    this.repo.addSample(targetId, project, this.repo.counts(targetId, project));
    if (changed > 0) this.s.emit('fah.changed', { targetId, project });
    return changed;
  }

  history(targetId: string, project: number): FahProgressSample[] {
    return this.repo.samples(targetId, project);
  }

  // ---- results ---------------------------------------------------------------------------------------------

  async download(targetId: string, project: number, ref: FahJobRef, gen: number, file: string): Promise<{ path: string; bytes: number }> {
    const c = await this.client(targetId);
    return downloadResult(c, { project, ...ref, gen, file }, this.opts.downloadDir, (received, total) =>
      this.s.emit('fah.download', { targetId, project, run: ref.run, clone: ref.clone, file, received, total }),
    );
  }

  /** Forward/reverse nonequilibrium work per finished clone (globals.csv fetched once, cached in the workspace). */
  async work(targetId: string, project: number, run?: number): Promise<{ points: FahWorkPoint[]; problems: string[] }> {
    const finished = this.repo.jobs(targetId, project, { state: 'FINISHED' }).filter((j) => run === undefined || j.run === run);
    const c = await this.client(targetId);
    return workValues(c, path.join(this.s.info.workspaceDir, 'fah-cache', targetId), project, finished);
  }

  // ---- life cycle ------------------------------------------------------------------------------------------

  /** At start: finish creations a crash interrupted, renew due certificates, then poll and check on timers. */
  async start(): Promise<void> {
    if (this.starting) return this.starting;
    this.starting = this.startOnce();
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    for (const targetId of new Set(this.repo.unsettled().map((j) => j.targetId))) {
      const c = await this.client(targetId).catch(() => null);
      if (c) await reconcile(this.deps(targetId, c)).catch((err: unknown) => this.s.log.warn('fah reconcile failed', { targetId, error: String(err) }));
    }
    await this.keepCertificatesAlive();
    const pollAll = async () => {
      for (const t of this.s.targets.list().filter((x) => x.kind === 'fah' && this.repo.activeCert(x.id))) {
        for (const p of this.repo.projectsWithJobs(t.id)) await this.poll(t.id, p).catch((err: unknown) => this.s.log.warn('fah poll failed', { target: t.name, project: p, error: String(err) }));
      }
    };
    this.timers.push(setInterval(() => void pollAll(), this.opts.pollMs), setInterval(() => void this.keepCertificatesAlive(), this.opts.certCheckMs));
    for (const t of this.timers) t.unref?.();
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  /** Confirms a project's jobs now (tests, and the UI's refresh). */
  async confirm(targetId: string, project: number): Promise<number> {
    return confirm(this.deps(targetId, await this.client(targetId), project), project);
  }
}
