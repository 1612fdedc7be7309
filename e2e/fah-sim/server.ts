// A Folding@home work server (WS) + assignment server (AS) simulator for SimDeck's tests: the "adaptive
// sampling" REST API of /work/shared/notes/fah-api.md (§2 endpoints, §3 certificates, §4 models, §5 times,
// §6 job states, §7 results, §8 errors), over HTTPS with mutual TLS against an in-memory test CA.
// Where the real server's behaviour is UNKNOWN (notes §11) the simulator either accepts every documented
// variant or has an option; each such place says so. See README.md.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { gzipSync } from 'node:zlib';
import { DAY, readCsr, rdnValue, TestCa, type IssuedCert, type KeyType } from './ca.js';
import { Faults, type FaultRule, type RequestRecord, type ServerName } from './faults.js';
import {
  COMPRESSIONS, fmtTime, jobName, MAX_ID, SimClock, WsModel,
  type Compression, type Job, type JobPlan, type JobState, type Project, type ProjectData, type ResultsOptions, type Schedule, type StoredFile,
} from './model.js';

export type { FaultRule, RequestRecord, IssuedCert, JobState, Schedule, ResultsOptions, JobPlan };
export { Faults, SimClock };

/** Reply shape of AS POST /api/auth/csr (notes §2.3 A1, §3.4; UNKNOWN which one the real AS uses). */
export type AsReplyShape =
  | 'pem' //          leaf PEM only (current alchemiscale-fah client + its mock)
  | 'pem-chain' //    leaf PEM followed by the CA PEM
  | 'json' //         {"certificate": leaf, "as-cert": CA}   (@jcoffland's description)
  | 'json-as_cert'; // {"certificate": leaf, "as_cert": CA}   (the first client's pydantic model)

export interface FahSimBehaviour {
  asReplyShape: AsReplyShape;
  /** Client certificate problems: 'tls' = handshake rejected (default); 'http403' = TLS accepted, every request 403 (notes §8: UNKNOWN which). */
  certRejection: 'tls' | 'http403';
  /** ProjectData timeout/deadline < 300: 'reject' = 400 (default); 'days' = accepted and read as days, the legacy meaning the client-side check warns about (notes §5, §8). */
  shortTimeouts: 'reject' | 'days';
  /** GET jobs?since: `last >= since` (true, default; notes §12) or `last > since`. UNKNOWN (§11.5). */
  sinceInclusive: boolean;
  /** Accept `+00:00`-style offsets in `since` (default false: cbang's ISO parser rejects them, notes §5). */
  sinceAcceptOffset: boolean;
  /** GET jobs without since: every job (default) or only active ones (not FINISHED/FAILED). UNKNOWN (§11.5). */
  jobsWithoutSince: 'all' | 'active';
  /** JobData.core as an integer (default) or the hex string of the project (UNKNOWN, §11.7). */
  coreFormat: 'int' | 'hex';
  /** Error bodies: {"error": m} ('plain'), {"error": m, "code": n} ('with-code', default; cbang sendJSONError), {"error": {"message", "code"}} ('nested'). */
  errorShape: 'plain' | 'with-code' | 'nested';
  /** restart on a job that is not FAILED/STOPPED/HELD: 409 (true) or a 200 no-op (false, default). UNKNOWN (§11.4). */
  strictActions: boolean;
  /** AS CSR: the CSR's CN must equal the CN of the client certificate it is sent with (default true; guessed). */
  csrCnMustMatch: boolean;
  /** Lifetime of certificates the AS signs, days (default 30: "a lifetime of 1 month"). */
  certDays: number;
  /** Largest upload accepted, bytes (default 64 MiB); larger gets 413. Real limit UNKNOWN (§11.10). */
  maxUploadBytes: number;
  /** Input files (relative to RUN{r}/CLONE{c}/) that must exist before a clone is created, else 400. Default none (create-command /bin/true). */
  requiredInputs: string[];
  /** W17 PUT into a clone's job dir allowed (default true; UNKNOWN §11.9). */
  allowJobDirUpload: boolean;
  /** W18 GET of a job-dir file served (default true; UNKNOWN §11.9). */
  allowJobDirDownload: boolean;
  /** gzip file downloads when the request's Accept-Encoding allows it (default false). */
  gzipDownloads: boolean;
  /** Serve the alchemiscale-fah mock's helpers (GET /ping, PUT /reset, PUT .../clones/{c}/_finish). Default false: a real WS has none. */
  mockHelpers: boolean;
}

export interface FahSimOptions extends Partial<FahSimBehaviour> {
  /** Seed for every per-PRCG draw (schedule, failures, results). Default 42. */
  seed?: number;
  /** Simulated clock: start (default now) and speed (simulated ms per real ms; 0 = only advance(). Default 1). */
  clock?: { start?: number | Date; speed?: number };
  schedule?: Schedule;
  results?: ResultsOptions;
  wsPort?: number;
  asPort?: number;
}

export interface ClientCertOptions {
  email: string;
  /** Lifetime from notBefore, days. Default 30. May be fractional. */
  days?: number;
  /** Default: one hour ago (real time). */
  notBefore?: Date;
  /** Certify this PEM private key instead of making a new one (keyPem in the result is then ''). */
  key?: string;
  /** Key made when `key` is not given: 'rsa' (2048, default) or 'ec' (P-256). */
  keyType?: KeyType;
  /** Sign with a different CA that the servers do not trust. */
  foreignCa?: boolean;
}

/** JobData as served (notes §4). */
export interface JobData {
  server: number;
  core: number | string;
  project: number;
  run: number;
  clone: number;
  gen: number;
  state: JobState;
  last: string;
  retries: number;
  assigns: number;
  progress: number;
}

export interface FileData {
  path: string;
  size: number;
  modified: string;
}

export interface ASProjectData {
  ws?: string;
  weight: number;
  constraints: string;
}

export interface ASWorkServerData {
  max_assign_rate: number;
  weight: number;
  constraints: string;
}

export interface UploadRecord {
  project: number;
  /** 'input' = W7 project tree; 'job' = W17 clone job dir. */
  tree: 'input' | 'job';
  run?: number;
  clone?: number;
  path: string;
  size: number;
  at: string;
}

export interface FahSimState {
  projects(): { id: number; data: ProjectData; files: string[] }[];
  project(id: number): Project | undefined;
  /** Jobs as JobData, moved on to the current simulated time. */
  jobs(project?: number): JobData[];
  job(p: number, r: number, c: number): JobData | undefined;
  projectFile(p: number, path: string): Buffer | undefined;
  jobFile(p: number, r: number, c: number, path: string): Buffer | undefined;
  /** Every successful upload in order. */
  uploads: UploadRecord[];
  asWorkServers: Map<string, ASWorkServerData>;
  asProjects: Map<string, ASProjectData>;
  /** Certificates the AS signed from CSRs. */
  signed: { cn: string; serial: string; notAfter: string }[];
  /** TLS handshakes that failed (e.g. no or untrusted client certificate). */
  tlsRejections: { ws: number; as: number };
  requests: RequestRecord[];
}

export interface FahSimControl {
  /** Put a job into `state` now (test hook, e.g. FAILED or STOPPED). */
  force(p: number, r: number, c: number, state: JobState): void;
  /** Per-job overrides: outcome of returns, duplicate-header globals.csv. */
  plan(p: number, r: number, c: number, plan: JobPlan): void;
}

export interface FahSim {
  wsUrl: string;
  asUrl: string;
  /** The test CA that signs server and client certificates: what clients pass as `ca`/`--cacert`. */
  caPem: string;
  /** Shortcut for options.asReplyShape. */
  asReplyShape: AsReplyShape;
  /** Behaviour switches; may be changed while running. */
  options: FahSimBehaviour;
  issueClientCert(opts: ClientCertOptions): Promise<IssuedCert>;
  faults: Faults;
  clock: SimClock;
  state: FahSimState;
  control: FahSimControl;
  stop(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const notFound = (what: string) => new HttpError(404, `${what} not found`);
const badRequest = (msg: string) => new HttpError(400, msg);

/** 127.0.0.1 as a uint32: JobData.server is probably the WS IPv4 as an integer [G] (notes §4). */
const WS_SERVER_ID = ((127 << 24) >>> 0) + 1;

const DEFAULTS: FahSimBehaviour = {
  asReplyShape: 'pem',
  certRejection: 'tls',
  shortTimeouts: 'reject',
  sinceInclusive: true,
  sinceAcceptOffset: false,
  jobsWithoutSince: 'all',
  coreFormat: 'int',
  errorShape: 'with-code',
  strictActions: false,
  csrCnMustMatch: true,
  certDays: 30,
  maxUploadBytes: 64 * 1024 * 1024,
  requiredInputs: [],
  allowJobDirUpload: true,
  allowJobDirDownload: true,
  gzipDownloads: false,
  mockHelpers: false,
};

interface Ctx {
  server: ServerName;
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  segs: string[];
  query: URLSearchParams;
  body: Buffer;
  cn?: string;
  midDestroy: boolean;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function peerCn(req: IncomingMessage): string | undefined {
  const sock = req.socket as TLSSocket;
  if (typeof sock.getPeerCertificate !== 'function') return undefined;
  const cert = sock.getPeerCertificate();
  const cn = cert?.subject?.CN as string | string[] | undefined;
  return Array.isArray(cn) ? cn[0] : cn;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > limit) throw new HttpError(413, `Request body larger than ${limit} bytes`, { Connection: 'close' });
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function jsonBody(ctx: Ctx): unknown {
  if (!ctx.body.length) return undefined;
  try {
    return JSON.parse(ctx.body.toString('utf8')) as unknown;
  } catch {
    throw badRequest('Invalid JSON in request body');
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Decimal id in a path: no sign, no fraction; RUN/CLONE/GEN 0..65535 (alchemiscale-fah's bound; real limit UNKNOWN §11.10). */
function parseId(s: string | undefined, what: 'Project' | 'RUN' | 'CLONE' | 'GEN'): number {
  if (s === undefined || !/^\d{1,10}$/.test(s)) throw badRequest(`Invalid ${what} id "${s ?? ''}"`);
  const n = Number(s);
  if (what === 'Project') {
    if (n < 1 || n > 0xffffffff) throw badRequest(`Invalid Project id ${n}`);
  } else if (n > MAX_ID) throw badRequest(`${what} ${n} out of range 0-${MAX_ID}`);
  return n;
}

/** A relative file path from path segments: no empty, '.', '..' or backslash parts (notes §11.11). */
function filePath(segs: string[]): string {
  const joined = segs.join('/');
  const parts = joined.split('/');
  if (!joined || parts.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) throw badRequest(`Invalid file path "${joined}"`);
  return parts.join('/');
}

/**
 * `since` per cbang's parseISO8601 (notes §5): YYYY-MM-DD[T| ]HH:MM:SS[.fraction][Z], UTC when no zone. A numeric
 * offset is rejected unless acceptOffset (then honoured). Returns epoch ms.
 */
export function parseSince(s: string, acceptOffset: boolean): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) throw badRequest(`Invalid time "${s}"`);
  const [, y, mo, d, h, mi, se, frac, zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)) + (frac ? Math.floor(Number(`0${frac}`) * 1000) : 0);
  if (zone && zone !== 'Z') {
    if (!acceptOffset) throw badRequest(`Invalid time "${s}": did not parse whole string`);
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  if (!Number.isFinite(ms)) throw badRequest(`Invalid time "${s}"`);
  return ms;
}

function fileList(files: Map<string, StoredFile>, prefix = ''): FileData[] {
  const out: FileData[] = [];
  for (const [k, f] of files) if (k.startsWith(prefix)) out.push({ path: k.slice(prefix.length), size: f.data.length, modified: fmtTime(f.modified) });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function startFahSim(opts: FahSimOptions = {}): Promise<FahSim> {
  const options: FahSimBehaviour = { ...DEFAULTS };
  for (const k of Object.keys(DEFAULTS) as (keyof FahSimBehaviour)[]) if (opts[k] !== undefined) (options as unknown as Record<string, unknown>)[k] = opts[k];
  const seed = opts.seed ?? 42;
  const start = opts.clock?.start instanceof Date ? opts.clock.start.getTime() : (opts.clock?.start ?? Date.now());
  const clock = new SimClock(start, opts.clock?.speed ?? 1);
  const model = new WsModel(clock, seed, opts.schedule, opts.results);
  const faults = new Faults();
  const ca = await TestCa.create('fah-sim test CA');
  let foreignCa: TestCa | undefined;
  const uploads: UploadRecord[] = [];
  const asWorkServers = new Map<string, ASWorkServerData>();
  const asProjects = new Map<string, ASProjectData>();
  const signed: FahSimState['signed'] = [];
  const tlsRejections = { ws: 0, as: 0 };

  // ---- responses ----
  function send(ctx: Ctx, status: number, headers: Record<string, string>, body: Buffer): void {
    const { res } = ctx;
    const h = { ...headers, 'Content-Length': String(body.length) };
    if (ctx.midDestroy) {
      res.writeHead(status, h);
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.writeHead(status, h);
    res.end(body);
  }
  const sendJson = (ctx: Ctx, status: number, value: unknown) => send(ctx, status, { 'Content-Type': 'application/json' }, Buffer.from(JSON.stringify(value)));
  const sendOk = (ctx: Ctx) => send(ctx, 200, {}, Buffer.alloc(0)); // PUT/DELETE replies: the client ignores the body (notes §2.1)
  function errorBody(status: number, message: string): unknown {
    if (options.errorShape === 'plain') return { error: message };
    if (options.errorShape === 'nested') return { error: { message, code: status } };
    return { error: message, code: status };
  }
  const sendError = (ctx: Ctx, status: number, message: string, headers: Record<string, string> = {}) =>
    send(ctx, status, { 'Content-Type': 'application/json', ...headers }, Buffer.from(JSON.stringify(errorBody(status, message))));
  function sendFile(ctx: Ctx, f: StoredFile | undefined, what: string): void {
    if (!f) throw notFound(what);
    const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream', 'Last-Modified': new Date(f.modified).toUTCString() };
    if (options.gzipDownloads && /\bgzip\b/.test(String(ctx.req.headers['accept-encoding'] ?? ''))) {
      send(ctx, 200, { ...headers, 'Content-Encoding': 'gzip' }, gzipSync(f.data));
    } else send(ctx, 200, headers, f.data);
  }
  function allow(ctx: Ctx, ...methods: string[]): void {
    if (!methods.includes(ctx.method)) throw new HttpError(405, `Method ${ctx.method} not allowed`, { Allow: methods.join(', ') });
  }

  // ---- WS ----
  function project(p: number): Project {
    const pr = model.projects.get(p);
    if (!pr) throw notFound(`Project ${p}`);
    return pr;
  }
  function job(p: number, r: number, c: number): Job {
    project(p);
    const j = model.job(p, r, c);
    if (!j) throw notFound(`Job ${jobName(p, r, c)}`); // the format of the 404 quoted in the design notes [G] (§8)
    return j;
  }
  function jobData(j: Job): JobData {
    const core = model.projects.get(j.project)?.data.core_id ?? '0x0';
    return {
      server: WS_SERVER_ID,
      core: options.coreFormat === 'hex' ? core : parseInt(core, 16),
      project: j.project,
      run: j.run,
      clone: j.clone,
      gen: j.gen,
      state: j.state,
      last: fmtTime(j.last),
      retries: j.retries,
      assigns: j.assigns,
      progress: model.progress(j),
    };
  }

  function validateProject(body: unknown): ProjectData {
    if (!isObj(body)) throw badRequest('Expected a JSON object (ProjectData)');
    // The core key: "core_id" in all public code, "core" in a discussion (UNKNOWN §11.2): both accepted; hex string or integer.
    const rawCore = body.core_id ?? body.core;
    let core_id: string;
    if (typeof rawCore === 'string' && /^0x[0-9a-f]+$/i.test(rawCore)) core_id = `0x${rawCore.slice(2).toLowerCase()}`;
    else if (typeof rawCore === 'number' && Number.isInteger(rawCore) && rawCore >= 0) core_id = `0x${rawCore.toString(16)}`;
    else if (rawCore === undefined) throw badRequest('Missing core_id');
    else throw badRequest(`Invalid core_id ${JSON.stringify(rawCore)}: expected a hex string like "0x26"`);
    if (typeof body.contact !== 'string' || !body.contact.trim()) throw badRequest('Missing or invalid contact');
    const int = (k: string, def: number | undefined, min: number): number => {
      const v = body[k] ?? def;
      if (v === undefined) throw badRequest(`Missing ${k}`);
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw badRequest(`Invalid ${k} ${JSON.stringify(v)}: expected an integer >= ${min}`);
      return v;
    };
    const seconds = (k: string, def: number): number => {
      const v = body[k] ?? def;
      if (typeof v !== 'number' || !(v > 0)) throw badRequest(`Invalid ${k} ${JSON.stringify(v)}`);
      if (v < 300) {
        if (options.shortTimeouts === 'reject') throw badRequest(`Invalid ${k} ${v}: must be at least 300 seconds (values below 300 are read as days)`);
        return Math.round(v * 86_400); // legacy: days
      }
      return v;
    };
    const compression = body.compression ?? 'ZLIB';
    // Upper case since alchemiscale-fah's live testing (notes §4); lower case is rejected.
    if (typeof compression !== 'string' || !COMPRESSIONS.includes(compression as Compression)) throw badRequest(`Invalid compression ${JSON.stringify(compression)}: one of ${COMPRESSIONS.join(', ')}`);
    const credit = body.credit;
    if (typeof credit !== 'number' || !(credit > 0)) throw badRequest(`Invalid credit ${JSON.stringify(credit)}`);
    return {
      core_id,
      contact: body.contact,
      runs: int('runs', 0, 0),
      clones: int('clones', 0, 0),
      gens: int('gens', 1, 1),
      atoms: int('atoms', undefined, 1),
      credit,
      timeout: seconds('timeout', 86_400),
      deadline: seconds('deadline', 172_800),
      compression: compression as Compression,
    };
  }

  function projectInfo(pr: Project): Record<string, unknown> {
    const jobs = model.allJobs(pr.id);
    const gens = pr.data.gens;
    const completed = (j: Job) => j.gen + (j.state === 'FINISHED' ? 1 : 0);
    const histogram = new Array<number>(1000).fill(0);
    for (const j of jobs) histogram[Math.min(999, Math.floor((completed(j) / gens) * 999))]! += 1;
    // ProjectData plus statistics. A real WS returned 20 keys incl. runs, gens, gens_completed, histogram; the
    // exact set is UNKNOWN (§11.8): id, total_jobs, active_jobs, created, updated here are guesses.
    return {
      id: pr.id,
      ...pr.data,
      runs: Math.max(pr.data.runs, ...jobs.map((j) => j.run + 1)),
      clones: Math.max(pr.data.clones, ...jobs.map((j) => j.clone + 1)),
      gens_completed: jobs.reduce((n, j) => n + completed(j), 0),
      total_jobs: jobs.length,
      active_jobs: jobs.filter((j) => j.state === 'READY' || j.state === 'ASSIGNED' || j.state === 'PROCESSING').length,
      histogram,
      created: fmtTime(pr.created),
      updated: fmtTime(pr.updated),
    };
  }

  /** W10 and its variants: create clones offset..offset+clones-1, leaving existing ones untouched (UNKNOWN §11.3). */
  function createClones(p: number, r: number, clones: unknown, offset: unknown): void {
    const pr = project(p);
    if (typeof clones !== 'number' || !Number.isInteger(clones) || clones < 1) throw badRequest(`Invalid clones ${JSON.stringify(clones)}: expected an integer >= 1`);
    const off = offset ?? 0;
    if (typeof off !== 'number' || !Number.isInteger(off) || off < 0) throw badRequest(`Invalid offset ${JSON.stringify(offset)}`);
    if (off + clones - 1 > MAX_ID) throw badRequest(`CLONE ${off + clones - 1} out of range 0-${MAX_ID}`);
    for (let c = off; c < off + clones; c++) {
      if (model.job(p, r, c)) continue;
      for (const name of options.requiredInputs) {
        if (!pr.files.has(`RUN${r}/CLONE${c}/${name}`)) throw badRequest(`Missing input file RUN${r}/CLONE${c}/${name} for ${jobName(p, r, c)}`);
      }
    }
    for (let c = off; c < off + clones; c++) model.createJob(p, r, c);
  }
  const numParam = (v: string | null): number | undefined => (v === null ? undefined : /^\d+$/.test(v) ? Number(v) : NaN);

  function ws(ctx: Ctx): void {
    const { segs, method } = ctx;
    if (options.mockHelpers && segs.length === 1) {
      if (segs[0] === 'ping' && method === 'GET') return sendJson(ctx, 200, { api: 'FahWSAPI' });
      if (segs[0] === 'reset' && method === 'PUT') {
        for (const id of [...model.projects.keys()]) model.deleteProject(id);
        return sendOk(ctx);
      }
    }
    if (segs[0] !== 'api' || segs[1] !== 'projects') throw notFound(`/${segs.join('/')}`);
    if (segs.length === 2) {
      allow(ctx, 'GET');
      // W1: object keyed by project id -> ProjectData.
      return sendJson(ctx, 200, Object.fromEntries([...model.projects.values()].sort((a, b) => a.id - b.id).map((pr) => [String(pr.id), pr.data])));
    }
    const p = parseId(segs[2], 'Project');
    const rest = segs.slice(3);
    if (rest.length === 0) {
      allow(ctx, 'GET', 'PUT', 'DELETE');
      if (method === 'PUT') {
        const data = validateProject(jsonBody(ctx));
        const now = clock.now();
        const existing = model.projects.get(p);
        if (existing) Object.assign(existing, { data, updated: now });
        else model.projects.set(p, { id: p, data, created: now, updated: now, files: new Map() });
        return sendOk(ctx);
      }
      const pr = project(p);
      if (method === 'DELETE') {
        model.deleteProject(pr.id); // removes ProjectData, input files, jobs and results (real semantics UNKNOWN, notes W4)
        return sendOk(ctx);
      }
      return sendJson(ctx, 200, projectInfo(pr));
    }
    const pr = project(p);
    if (rest[0] === 'jobs' && rest.length === 1) {
      allow(ctx, 'GET');
      const now = clock.now();
      let jobs = model.allJobs(p);
      const since = ctx.query.get('since');
      if (since !== null) {
        const t = parseSince(since, options.sinceAcceptOffset);
        // `last` is served at whole seconds, so compare at that precision.
        jobs = jobs.filter((j) => {
          const last = Math.floor(j.last / 1000) * 1000;
          return options.sinceInclusive ? last >= t : last > t;
        });
      } else if (options.jobsWithoutSince === 'active') jobs = jobs.filter((j) => j.state !== 'FINISHED' && j.state !== 'FAILED');
      return sendJson(ctx, 200, { jobs: jobs.map(jobData), ts: fmtTime(now) });
    }
    if (rest[0] === 'files') {
      if (rest.length === 1) {
        allow(ctx, 'GET');
        return sendJson(ctx, 200, fileList(pr.files));
      }
      const path = filePath(rest.slice(1));
      allow(ctx, 'GET', 'PUT', 'DELETE');
      if (method === 'PUT') {
        const now = clock.now();
        pr.files.set(path, { data: ctx.body, modified: now });
        uploads.push({ project: p, tree: 'input', path, size: ctx.body.length, at: fmtTime(now) });
        return sendOk(ctx);
      }
      if (method === 'DELETE') {
        if (!pr.files.delete(path)) throw notFound(`File ${path}`);
        return sendOk(ctx);
      }
      return sendFile(ctx, pr.files.get(path), `File ${path}`);
    }
    if (rest[0] !== 'runs') throw notFound(`/${segs.join('/')}`);
    const r = parseId(rest[1], 'RUN');
    const runRest = rest.slice(2);
    if (runRest.length === 0 || (runRest.length === 1 && runRest[0] === 'create')) {
      allow(ctx, 'PUT');
      // jcoffland: a `clone` argument in the request yields "Job P:R:C not found" (notes, seed thread).
      const qClone = ctx.query.get('clone');
      if (qClone !== null) throw notFound(`Job ${jobName(p, r, Number(qClone) || 0)}`);
      // Accepted forms (W10, UNKNOWN §11.3): JSON {"clones": N[, "offset": O]} on .../runs/{r}/create (current client),
      // and the query form ?clones=N&offset=O on either .../runs/{r}/create or .../runs/{r} (tried in b571df9).
      const body = jsonBody(ctx);
      if (body !== undefined && !isObj(body)) throw badRequest('Expected a JSON object {"clones": N}');
      const clones = isObj(body) && body.clones !== undefined ? body.clones : numParam(ctx.query.get('clones'));
      const offset = isObj(body) && body.offset !== undefined ? body.offset : numParam(ctx.query.get('offset'));
      if (clones === undefined) throw badRequest('Missing clones');
      createClones(p, r, clones, offset);
      return sendOk(ctx);
    }
    if (runRest[0] !== 'clones') throw notFound(`/${segs.join('/')}`);
    const c = parseId(runRest[1], 'CLONE');
    const cr = runRest.slice(2);
    if (cr.length === 0) {
      allow(ctx, 'GET');
      return sendJson(ctx, 200, jobData(job(p, r, c)));
    }
    if (cr.length === 1 && cr[0] === 'create') {
      // The pre-April-2024 client path (commit 4d1c173), still accepted: creates exactly this clone.
      allow(ctx, 'PUT');
      createClones(p, r, 1, c);
      return sendOk(ctx);
    }
    if (cr.length === 1 && (cr[0] === 'fail' || cr[0] === 'reset' || cr[0] === 'stop' || cr[0] === 'restart')) {
      allow(ctx, 'PUT'); // no body expected; any body is ignored
      const problem = model.act(job(p, r, c), cr[0]);
      if (problem && options.strictActions) throw new HttpError(409, problem);
      return sendOk(ctx);
    }
    if (cr.length === 1 && cr[0] === '_finish' && options.mockHelpers) {
      allow(ctx, 'PUT');
      model.force(job(p, r, c), 'FINISHED');
      return sendOk(ctx);
    }
    if (cr[0] === 'files') {
      const j = job(p, r, c);
      if (cr.length === 1) {
        allow(ctx, 'GET');
        return sendJson(ctx, 200, fileList(j.files));
      }
      const path = filePath(cr.slice(1));
      allow(ctx, 'GET', 'PUT');
      if (method === 'PUT') {
        if (!options.allowJobDirUpload) throw new HttpError(403, 'Writing to the job directory is not allowed');
        const now = clock.now();
        j.files.set(path, { data: ctx.body, modified: now });
        uploads.push({ project: p, tree: 'job', run: r, clone: c, path, size: ctx.body.length, at: fmtTime(now) });
        return sendOk(ctx);
      }
      if (!options.allowJobDirDownload) throw notFound(`/${segs.join('/')}`);
      return sendFile(ctx, j.files.get(path), `File ${path}`);
    }
    if (cr[0] === 'gens' && cr[2] === 'files') {
      const g = parseId(cr[1], 'GEN');
      const j = job(p, r, c);
      const prefix = `results${g}/`;
      if (cr.length === 3) {
        allow(ctx, 'GET');
        const list = fileList(j.files, prefix);
        if (!list.length) throw notFound(`Gen ${g} of job ${jobName(p, r, c)}`);
        return sendJson(ctx, 200, list);
      }
      allow(ctx, 'GET');
      const path = filePath(cr.slice(3));
      return sendFile(ctx, j.files.get(prefix + path), `File ${path}`);
    }
    throw notFound(`/${segs.join('/')}`);
  }

  // ---- AS ----
  async function as(ctx: Ctx): Promise<void> {
    const { segs, method } = ctx;
    if (segs[0] !== 'api') throw notFound(`/${segs.join('/')}`);
    if (segs[1] === 'auth' && segs[2] === 'csr' && segs.length === 3) {
      allow(ctx, 'POST');
      const body = jsonBody(ctx);
      if (!isObj(body) || typeof body.csr !== 'string') throw badRequest('Expected {"csr": "<PEM CSR>"}');
      let info: Awaited<ReturnType<typeof readCsr>>;
      try {
        info = await readCsr(body.csr);
      } catch (e) {
        throw badRequest((e as Error).message);
      }
      if (!info.commonName) throw badRequest('Invalid CSR: no CN (the CN must be your email address)');
      if (options.csrCnMustMatch && ctx.cn !== undefined && ctx.cn !== info.commonName) {
        throw new HttpError(403, `CSR CN "${info.commonName}" does not match the client certificate "${ctx.cn}"`);
      }
      // Real time (not the simulated clock): TLS checks validity against the wall clock.
      const now = Date.now();
      const cert = await ca.issue({ subject: `CN=${rdnValue(info.commonName)}`, publicKey: info.publicKey, notBefore: new Date(now - 60_000), notAfter: new Date(now + options.certDays * DAY), usage: 'client' });
      const leaf = cert.toString('pem') + '\n';
      signed.push({ cn: info.commonName, serial: cert.serialNumber, notAfter: cert.notAfter.toISOString() });
      switch (options.asReplyShape) {
        case 'pem':
          return send(ctx, 200, { 'Content-Type': 'application/x-pem-file' }, Buffer.from(leaf));
        case 'pem-chain':
          return send(ctx, 200, { 'Content-Type': 'application/x-pem-file' }, Buffer.from(leaf + ca.pem));
        case 'json':
          return sendJson(ctx, 200, { certificate: leaf, 'as-cert': ca.pem });
        case 'json-as_cert':
          return sendJson(ctx, 200, { certificate: leaf, as_cert: ca.pem });
      }
    }
    if (segs[1] === 'ws' && segs.length >= 3) {
      const ip = segs[2] ?? '';
      if (!/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(ip)) throw badRequest(`Invalid WS IPv4 address "${ip}"`);
      const num = (v: unknown, k: string): number => {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw badRequest(`Invalid ${k} ${JSON.stringify(v)}`);
        return v;
      };
      // "constraints" presumably; the client model's typo "contraints" is accepted too (§11.12).
      const constraints = (b: Record<string, unknown>): string => {
        const v = b.constraints ?? b.contraints ?? '';
        if (typeof v !== 'string') throw badRequest('Invalid constraints');
        return v;
      };
      if (segs.length === 3) {
        allow(ctx, 'GET', 'PUT');
        if (method === 'PUT') {
          const b = jsonBody(ctx);
          if (!isObj(b)) throw badRequest('Expected a JSON object (ASWorkServerData)');
          asWorkServers.set(ip, { max_assign_rate: num(b.max_assign_rate ?? 0, 'max_assign_rate'), weight: num(b.weight ?? 0, 'weight'), constraints: constraints(b) });
          return sendOk(ctx);
        }
        const w = asWorkServers.get(ip);
        if (!w) throw notFound(`WS ${ip}`);
        return sendJson(ctx, 200, w);
      }
      if (segs[3] === 'projects' && segs.length === 5) {
        const p = parseId(segs[4], 'Project');
        const k = `${ip}/${p}`;
        allow(ctx, 'GET', 'PUT');
        if (method === 'PUT') {
          const b = jsonBody(ctx);
          if (!isObj(b)) throw badRequest('Expected a JSON object (ASProjectData)');
          asProjects.set(k, { ws: typeof b.ws === 'string' ? b.ws : ip, weight: num(b.weight, 'weight'), constraints: constraints(b) });
          return sendOk(ctx);
        }
        const pd = asProjects.get(k);
        if (!pd) throw notFound(`Project ${p} on WS ${ip}`);
        return sendJson(ctx, 200, pd);
      }
    }
    throw notFound(`/${segs.join('/')}`);
  }

  // ---- plumbing ----
  async function handle(server: ServerName, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const pathname = q < 0 ? raw : raw.slice(0, q);
    const method = (req.method ?? 'GET').toUpperCase();
    const cn = peerCn(req);
    const rec: RequestRecord = { server, method, path: pathname, query: q < 0 ? '' : raw.slice(q), status: 0, cn, at: Date.now() };
    faults.requests.push(rec);
    res.on('finish', () => (rec.status = res.statusCode));
    res.on('close', () => (rec.status ||= res.statusCode));
    const fault = faults.take(server, method, pathname);
    const ctx: Ctx = { server, req, res, method, segs: [], query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)), body: Buffer.alloc(0), cn, midDestroy: fault?.destroy === 'mid-response' };
    try {
      if (fault?.delayMs) await sleep(fault.delayMs);
      ctx.body = await readBody(req, options.maxUploadBytes);
      if (fault?.destroy === 'before-response') {
        req.socket.destroy();
        return;
      }
      if (fault?.status) return sendError(ctx, fault.status, `Injected fault: HTTP ${fault.status}`);
      if (!(req.socket as TLSSocket).authorized) {
        // Only reachable with certRejection 'http403' (with 'tls' the handshake already failed).
        return sendError(ctx, 403, `Client certificate rejected: ${String((req.socket as TLSSocket).authorizationError ?? 'none presented')}`);
      }
      try {
        ctx.segs = pathname.split('/').slice(1).map((s) => decodeURIComponent(s));
      } catch {
        throw badRequest('Invalid percent-encoding in path');
      }
      if (ctx.segs.length > 1 && ctx.segs[ctx.segs.length - 1] === '' && !pathname.includes('/files/')) ctx.segs.pop(); // tolerate one trailing slash
      if (server === 'ws') ws(ctx);
      else await as(ctx);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) {
        sendError(ctx, err.status, err.message, err.headers);
        if (err.status === 413) req.socket.destroySoon?.();
      } else sendError(ctx, 500, String(err));
    }
  }

  async function listen(name: ServerName, port: number | undefined): Promise<{ server: Server; url: string }> {
    const now = Date.now();
    const leaf = await ca.issuePem({ subject: `CN=${name}.fah-sim.test`, usage: 'server', ips: ['127.0.0.1'], dns: ['localhost'], notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY), keyType: 'ec' });
    const server = createServer(
      { key: leaf.keyPem, cert: leaf.chainPem, ca: ca.pem, requestCert: true, rejectUnauthorized: options.certRejection === 'tls' },
      (req, res) => void handle(name, req, res),
    );
    server.on('tlsClientError', () => tlsRejections[name]++);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port ?? 0, '127.0.0.1', () => resolve());
    });
    return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  const wsSrv = await listen('ws', opts.wsPort);
  const asSrv = await listen('as', opts.asPort);

  const state: FahSimState = {
    projects: () => [...model.projects.values()].sort((a, b) => a.id - b.id).map((pr) => ({ id: pr.id, data: pr.data, files: [...pr.files.keys()].sort() })),
    project: (id) => model.projects.get(id),
    jobs: (p) => model.allJobs(p).map(jobData),
    job: (p, r, c) => {
      const j = model.job(p, r, c);
      return j && jobData(j);
    },
    projectFile: (p, path) => model.projects.get(p)?.files.get(path)?.data,
    jobFile: (p, r, c, path) => model.job(p, r, c)?.files.get(path)?.data,
    uploads,
    asWorkServers,
    asProjects,
    signed,
    tlsRejections,
    requests: faults.requests,
  };

  const mustJob = (p: number, r: number, c: number): Job => {
    const j = model.job(p, r, c);
    if (!j) throw new Error(`no job ${jobName(p, r, c)}`);
    return j;
  };

  return {
    wsUrl: wsSrv.url,
    asUrl: asSrv.url,
    caPem: ca.pem,
    get asReplyShape() {
      return options.asReplyShape;
    },
    set asReplyShape(v: AsReplyShape) {
      options.asReplyShape = v;
    },
    options,
    async issueClientCert(o: ClientCertOptions): Promise<IssuedCert> {
      const signer = o.foreignCa ? (foreignCa ??= await TestCa.create('fah-sim FOREIGN CA')) : ca;
      const notBefore = o.notBefore ?? new Date(Date.now() - 3_600_000);
      const notAfter = new Date(notBefore.getTime() + (o.days ?? 30) * DAY);
      return signer.issuePem({ subject: `CN=${rdnValue(o.email)}`, usage: 'client', notBefore, notAfter, key: o.key, keyType: o.keyType });
    },
    faults,
    clock,
    state,
    control: {
      force: (p, r, c, s) => model.force(mustJob(p, r, c), s),
      plan: (p, r, c, plan) => Object.assign(mustJob(p, r, c).plan, plan),
    },
    async stop() {
      for (const s of [wsSrv.server, asSrv.server]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}
