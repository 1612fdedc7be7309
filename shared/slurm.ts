// Shapes of the SLURM-over-SSH part of the contract: cluster connection state, host keys, submission requests.
import { z } from 'zod';

/** A connection's life as the UI shows it: a lost cluster is "unreachable since …", its jobs "unknown". */
export const ClusterStatus = z.object({
  targetId: z.string(),
  state: z.enum(['idle', 'connecting', 'connected', 'unreachable', 'paused']),
  since: z.string(),
  detail: z.string(),
  nextRetryAt: z.string().nullable(),
  lastPollAt: z.string().nullable(),
});
export type ClusterStatus = z.infer<typeof ClusterStatus>;

export const HostKeyEntry = z.object({
  host: z.string(),
  port: z.number().int(),
  keyType: z.string(),
  fingerprint: z.string(),
  addedAt: z.string(),
});
export type HostKeyEntry = z.infer<typeof HostKeyEntry>;

/** A `Host` entry of ~/.ssh/config, ready to become a cluster profile. */
export const SshConfigHost = z.object({
  alias: z.string(),
  hostName: z.string(),
  port: z.number().int(),
  user: z.string().nullable(),
  identityFile: z.string().nullable(),
  proxyJump: z.string().nullable(),
});
export type SshConfigHost = z.infer<typeof SshConfigHost>;

/** Keyboard-interactive (2FA) questions from a cluster, shown to the researcher; answered with ssh.answerPrompt. */
export const SshPrompt = z.object({
  promptId: z.string(),
  targetId: z.string().nullable(),
  host: z.string(),
  name: z.string(),
  instructions: z.string(),
  prompts: z.array(z.object({ prompt: z.string(), echo: z.boolean() })),
});
export type SshPrompt = z.infer<typeof SshPrompt>;

/** Values for a template's {{placeholders}}: single-line text only (a newline could add #SBATCH lines). */
const templateValue = z.string().max(10_000).refine((v) => !/[\r\n\0]/.test(v), 'template values are one line (no newlines)');
const folderPart = z
  .string()
  .min(1)
  .max(200)
  .refine((v) => v !== '.' && v !== '..' && !/[/\\\0\r\n]/.test(v), 'a folder name cannot be "." or ".." or contain / \\ or newlines');

export const SubmitPolicy = z.object({
  /** When one copy starts running (or finishes), cancel the copies still pending on other clusters. */
  cancelPendingDuplicates: z.boolean().default(true),
  /** Resubmit a failed copy up to this many tries in all. */
  maxTries: z.number().int().min(1).max(20).default(1),
  backoffMinutes: z.number().min(0).max(24 * 60).default(5),
});
export type SubmitPolicy = z.infer<typeof SubmitPolicy>;

export const SubmitRequest = z
  .object({
    projectId: z.string(),
    targetIds: z.array(z.string()).min(1, 'choose at least one cluster'),
    name: z.string().min(1).max(200).refine((v) => !/[\r\n\0]/.test(v), 'a job name is one line'),
    template: z.enum(['cpu', 'gpu']),
    values: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'placeholder names are letters, digits and _'), templateValue).default({}),
    /** The job's folder under the project's folder on each cluster, e.g. ["mutant-A", "group-1", "model-3"]. */
    folder: z.array(folderPart).max(10).default([]),
    /** sbatch --array, e.g. "1-100%10". */
    array: z.string().regex(/^[0-9,%:-]+$/, 'an array spec looks like 1-100 or 1,3,5 or 1-100%10').optional(),
    /** Run after these SimDeck jobs (on the same cluster). */
    dependency: z.object({ type: z.enum(['afterok', 'afterany', 'afternotok']), jobIds: z.array(z.string()).min(1) }).optional(),
    policy: SubmitPolicy.optional(),
  })
  .strict();
export type SubmitRequest = z.infer<typeof SubmitRequest>;

export const JobAction = z.enum(['cancel', 'hold', 'release', 'resubmit']);
export type JobAction = z.infer<typeof JobAction>;

export const ActionResult = z.object({ jobId: z.string(), ok: z.boolean(), command: z.string(), message: z.string() });
export type ActionResult = z.infer<typeof ActionResult>;

/** A job on a cluster that SimDeck did not submit (no simdeck tag): it can be adopted. */
export const ForeignJob = z.object({
  remoteId: z.string(),
  name: z.string(),
  state: z.string(),
  partition: z.string(),
  submitTime: z.string().nullable(),
});
export type ForeignJob = z.infer<typeof ForeignJob>;
