// Domain types shared by the core and the UI. Every type is defined once, as a zod schema,
// and the TypeScript type is inferred from it, so validation and typing never drift apart.
import { z } from 'zod';

const isoTime = z.string().describe('ISO-8601 timestamp (UTC)');
const id = z.string().min(1).max(64);

/** Tags are short labels a researcher attaches to projects and jobs ("mutant-A", "production"). */
export const Tag = z
  .string()
  .trim()
  .min(1, 'a tag cannot be empty')
  .max(40, 'a tag is at most 40 characters')
  .regex(/^[\p{L}\p{N}_.:+\-/ ]+$/u, 'a tag may hold letters, digits, spaces and _ . : + - /');

export const ProjectName = z
  .string()
  .trim()
  .min(1, 'a project needs a name')
  .max(120, 'a project name is at most 120 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'a project name cannot contain control characters');

export const Project = z.object({
  id,
  name: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  archived: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
  jobCount: z.number().int().nonnegative(),
});
export type Project = z.infer<typeof Project>;

/** The kinds of compute SimDeck drives. Each has one backend folder under electron/. */
export const TargetKind = z.enum(['local-docker', 'swarm', 'slurm', 'kubernetes', 'fah']);
export type TargetKind = z.infer<typeof TargetKind>;

/**
 * Connection settings of a target. Never secrets: passwords, passphrases, tokens and private keys live in the
 * vault, and settings only name them through `secretRefs` (vault ids).
 */
export const TargetSettings = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type TargetSettings = z.infer<typeof TargetSettings>;

export const Target = z.object({
  id,
  name: z.string(),
  kind: TargetKind,
  settings: TargetSettings,
  secretRefs: z.record(z.string(), z.string()),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Target = z.infer<typeof Target>;

/**
 * One state model for every backend's jobs (SLURM's states are the richest; other backends use a subset).
 * `unknown` means SimDeck lost contact and cannot tell: a lost cluster never turns running jobs into failed ones.
 */
export const JobState = z.enum([
  'draft',
  'submitting',
  'pending',
  'running',
  'completing',
  'suspended',
  'completed',
  'failed',
  'cancelled',
  'timeout',
  'out-of-memory',
  'node-fail',
  'preempted',
  'unknown',
]);
export type JobState = z.infer<typeof JobState>;
/** States a job does not leave by itself. */
export const TERMINAL_JOB_STATES: readonly JobState[] = [
  'completed',
  'failed',
  'cancelled',
  'timeout',
  'out-of-memory',
  'node-fail',
  'preempted',
];
export const isTerminal = (s: JobState) => TERMINAL_JOB_STATES.includes(s);

export const Job = z.object({
  id,
  projectId: id,
  targetId: id.nullable(),
  kind: TargetKind,
  name: z.string(),
  state: JobState,
  remoteId: z.string().nullable(),
  tags: z.array(z.string()),
  attempts: z.number().int().nonnegative(),
  createdAt: isoTime,
  updatedAt: isoTime,
  submittedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  /** Why it is in its state: SLURM's pending reason, an exit code explanation, "lost contact since ...". */
  reason: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  stateSince: isoTime.nullable(),
  /** Copies of one model submitted to several clusters share a group (the multi-cluster policy acts on it). */
  groupId: z.string().nullable(),
  /** Backend details: partition, array parent/task, work dir, script path, resources ... */
  details: z.record(z.string(), z.unknown()),
});
export type Job = z.infer<typeof Job>;

export const JobTransition = z.object({
  at: isoTime,
  from: JobState.nullable(),
  to: JobState,
  reason: z.string(),
});
export type JobTransition = z.infer<typeof JobTransition>;

export const ActivityOutcome = z.enum(['started', 'ok', 'error']);
export const ActivityEntry = z.object({
  id: z.number().int(),
  at: isoTime,
  targetId: z.string().nullable(),
  projectId: z.string().nullable(),
  action: z.string(),
  /** The equivalent shell command a researcher could run by hand, already quoted. */
  command: z.string(),
  outcome: ActivityOutcome,
  detail: z.string(),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;

export const SecretInfo = z.object({
  id,
  label: z.string(),
  createdAt: isoTime,
});
export type SecretInfo = z.infer<typeof SecretInfo>;

/** What a target check found out: enough for the user to trust the connection settings. */
export const TargetCheck = z.object({
  ok: z.boolean(),
  summary: z.string(),
  details: z.record(z.string(), z.string()),
});
export type TargetCheck = z.infer<typeof TargetCheck>;
