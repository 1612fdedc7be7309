// Folding@home work server (WS) and assignment server (AS): shapes shared by the UI and the core. The API as
// public clients use it: ../shared/notes/fah-api.md (sections cited as §n).
import { z } from 'zod';

/** 0…65,535: alchemiscale-fah's bound on RUN and CLONE ids (§7.4); PROJECT ids are the operator's allocated range. */
const prcgId = z.number().int().min(0).max(65_535);
const seconds = (what: string) =>
  z
    .number()
    .int()
    .min(300, `the ${what} is in seconds and at least 300 (a smaller value is read as days by the work server)`);

/** §4 ProjectData: what PUT /api/projects/{p} sends. */
export const FahProjectData = z
  .object({
    core_id: z.string().regex(/^0x[0-9a-fA-F]+$/, 'the core id is hexadecimal with 0x, e.g. 0x22'),
    contact: z.string().trim().email('the contact is an email address'),
    runs: z.number().int().min(0).default(0),
    clones: z.number().int().min(0).default(0),
    gens: z.number().int().min(1).default(1),
    atoms: z.number().int().min(1, 'the approximate number of atoms is required'),
    credit: z.number().int().min(1, 'the base credit is a whole number above 0'),
    timeout: seconds('timeout').default(86_400),
    deadline: seconds('deadline').default(172_800),
    compression: z.enum(['NONE', 'BZIP2', 'ZLIB', 'GZIP', 'LZ4']).default('ZLIB'),
  })
  .strict()
  .refine((p) => p.deadline >= p.timeout, { message: 'the deadline cannot be shorter than the timeout', path: ['deadline'] });
export type FahProjectData = z.infer<typeof FahProjectData>;

export const FahJobState = z.enum(['NEW', 'READY', 'ASSIGNED', 'FINISHED', 'FAILED', 'STOPPED', 'HELD', 'PROCESSING']);
export type FahJobState = z.infer<typeof FahJobState>;

/** Where SimDeck is with a job it creates: reserved → uploading → creating → created (§7.4, crash-safe). */
export const FahJobPhase = z.enum(['reserved', 'uploading', 'creating', 'created', 'failed']);
export type FahJobPhase = z.infer<typeof FahJobPhase>;

export const FahJob = z.object({
  project: z.number().int(),
  run: z.number().int(),
  clone: z.number().int(),
  gen: z.number().int(),
  phase: FahJobPhase,
  /** The WS's state once created; null before. */
  state: FahJobState.nullable(),
  last: z.string().nullable(),
  retries: z.number().nullable(),
  assigns: z.number().nullable(),
  progress: z.number().nullable(),
  /** Why the phase is failed, or the last error SimDeck met with this job. */
  message: z.string(),
  files: z.array(z.string()),
  updatedAt: z.string(),
});
export type FahJob = z.infer<typeof FahJob>;

export const FahCertInfo = z.object({
  subject: z.string(),
  email: z.string().nullable(),
  issuer: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  daysLeft: z.number(),
  fingerprint: z.string(),
  /** ok | expiring (renew soon) | expired | not-yet-valid */
  status: z.enum(['ok', 'expiring', 'expired', 'not-yet-valid']),
  /** What the researcher should know or do, in one sentence. */
  advice: z.string(),
  lastRenewalAt: z.string().nullable(),
  lastRenewalError: z.string().nullable(),
});
export type FahCertInfo = z.infer<typeof FahCertInfo>;

export const FahProjectView = z.object({
  id: z.number().int(),
  data: z.record(z.string(), z.unknown()),
  /** From GET /api/projects/{p}: gens_completed, histogram, runs, … (whatever the WS sends). */
  stats: z.object({ gensCompleted: z.number().nullable(), histogram: z.array(z.number()).nullable(), totalJobs: z.number().nullable() }),
  /** SimDeck's own jobs in this project, by phase and WS state. */
  counts: z.record(z.string(), z.number()),
});
export type FahProjectView = z.infer<typeof FahProjectView>;

export const FahJobRef = z.object({ run: prcgId, clone: prcgId }).strict();
export type FahJobRef = z.infer<typeof FahJobRef>;

export const FahJobAction = z.enum(['stop', 'restart', 'reset', 'fail']);
export type FahJobAction = z.infer<typeof FahJobAction>;

/** A file to upload into every new clone's folder (RUN{r}/CLONE{c}/name); "{clone}" in the path picks a file per clone. */
export const FahJobFile = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'a file name such as core.xml or system.xml.bz2 (letters, digits, . _ - and /)')
      .refine((v) => !v.split('/').includes('..'), 'no ".." in a file name'),
    path: z.string().min(1, 'a local file path is required'),
  })
  .strict();
export type FahJobFile = z.infer<typeof FahJobFile>;

/** Work of one clone's forward (A→B) and reverse (B→A) switch, in kT (protocol_work / kT, last minus first). */
export const FahWorkPoint = z.object({ run: z.number().int(), clone: z.number().int(), forward: z.number().nullable(), reverse: z.number().nullable() });
export type FahWorkPoint = z.infer<typeof FahWorkPoint>;

export const FahProgressSample = z.object({ at: z.string(), counts: z.record(z.string(), z.number()) });
export type FahProgressSample = z.infer<typeof FahProgressSample>;

export { prcgId };
