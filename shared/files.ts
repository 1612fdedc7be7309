// Shapes of the files and tunnels part of the contract: browsing a cluster folder, tailing a job's output,
// downloads and cluster-to-cluster copies (transfers, resumable), and named port forwards through a cluster.
import { z } from 'zod';

const isoTime = z.string().describe('ISO-8601 timestamp (UTC)');

/** A remote path: absolute, or relative to the cluster home ("~" and "~/…" accepted). One line, no NUL. */
export const RemotePath = z
  .string()
  .min(1, 'a path on the cluster is required')
  .max(4096)
  .refine((v) => !/[\r\n\0]/.test(v), 'a path is one line without NUL characters');

export const RemoteEntry = z.object({
  name: z.string(),
  /** Absolute path on the cluster. */
  path: z.string(),
  type: z.enum(['file', 'dir', 'link', 'other']),
  size: z.number().nonnegative(),
  mtime: isoTime.nullable(),
  /** Permission bits (e.g. 0o644). */
  mode: z.number().int(),
});
export type RemoteEntry = z.infer<typeof RemoteEntry>;

export const DirListing = z.object({
  targetId: z.string(),
  /** The listed folder, absolute (after ~ expansion). */
  path: z.string(),
  /** Folders first, then files, each by name. */
  entries: z.array(RemoteEntry),
  /** More entries than SimDeck lists at once (the listing is cut, not sampled). */
  truncated: z.boolean(),
});
export type DirListing = z.infer<typeof DirListing>;

/** Where a job's files are: SLURM's own answer while it knows the job, else the script's #SBATCH lines. */
export const JobFiles = z.object({
  jobId: z.string(),
  targetId: z.string(),
  workDir: z.string().nullable(),
  stdoutPath: z.string().nullable(),
  stderrPath: z.string().nullable(),
  source: z.enum(['scontrol', 'script', 'unknown']),
});
export type JobFiles = z.infer<typeof JobFiles>;

/** A piece of a growing file. Ask again with from = end for what was appended since. */
export const TailChunk = z.object({
  path: z.string(),
  exists: z.boolean(),
  /** File size when read. */
  size: z.number().nonnegative(),
  /** Byte range of text in the file. */
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  text: z.string(),
  /** The file shrank or was replaced since `from`: throw away what was shown and show text instead. */
  reset: z.boolean(),
});
export type TailChunk = z.infer<typeof TailChunk>;

export const TransferState = z.enum(['running', 'paused', 'done', 'failed', 'cancelled']);
export type TransferState = z.infer<typeof TransferState>;

/** A download to this machine (to.targetId null) or a copy between clusters, streamed through SimDeck. */
export const Transfer = z.object({
  id: z.string(),
  kind: z.enum(['download', 'copy']),
  state: TransferState,
  from: z.object({ targetId: z.string(), path: z.string() }),
  to: z.object({ targetId: z.string().nullable(), path: z.string() }),
  bytesDone: z.number().nonnegative(),
  /** Null until the source has been measured. */
  bytesTotal: z.number().nonnegative().nullable(),
  filesDone: z.number().int().nonnegative(),
  filesTotal: z.number().int().nonnegative().nullable(),
  /** What is happening or what went wrong and what to do. */
  message: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Transfer = z.infer<typeof Transfer>;

export const TunnelState = z.enum(['stopped', 'listening', 'failing']);
export const TunnelInfo = z.object({
  id: z.string(),
  name: z.string(),
  targetId: z.string(),
  localPort: z.number().int(),
  remoteHost: z.string(),
  remotePort: z.number().int(),
  /** Started with SimDeck (and kept up) without being asked. */
  autoStart: z.boolean(),
  state: TunnelState,
  /** Route when listening; the reason when failing (and when SimDeck tries again). */
  detail: z.string(),
  activeConnections: z.number().int().nonnegative(),
  /** Last time SimDeck checked that the far end answers. */
  checkedAt: isoTime.nullable(),
});
export type TunnelInfo = z.infer<typeof TunnelInfo>;

const hostName = z
  .string()
  .trim()
  .min(1, 'the remote host is required (e.g. localhost or a node name)')
  .max(255)
  .regex(/^[A-Za-z0-9._:-]+$/, 'a host name or address: letters, digits, . _ : -');

export const TunnelCreate = z
  .object({
    name: z.string().trim().min(1, 'a tunnel needs a name').max(100),
    targetId: z.string().min(1),
    /** 0 lets SimDeck pick a free port (then kept for next time). */
    localPort: z.number().int().min(0).max(65535),
    remoteHost: hostName,
    remotePort: z.number().int().min(1, 'a remote port is 1–65535').max(65535, 'a remote port is 1–65535'),
    autoStart: z.boolean().default(true),
  })
  .strict();
export type TunnelCreate = z.infer<typeof TunnelCreate>;
