// The desktop side of SimDeck: app settings (updates), update status, open requests (files, deep links), the
// "what is running" summary for the tray, and unexpected errors with their diagnostics. Calls are answered by the
// core; the update and open events come from the Electron shell, which owns the updater and the OS integration.
import { z } from 'zod';

const isoTime = z.string();

/** A self-hosted update feed (electron-updater "generic" provider); only https, so updates cannot be swapped in transit. */
export const UpdateFeedUrl = z
  .string()
  .trim()
  .url('the update feed must be a URL such as https://updates.example.edu/simdeck/')
  .refine((u) => u.startsWith('https://'), 'the update feed must use https://');

export const UpdateSettings = z.object({
  /** Off on institutional machines where IT installs SimDeck; SIMDECK_DISABLE_UPDATES=1 turns it off for everyone. */
  enabled: z.boolean(),
  /** null = the feed the release was built with (GitHub releases by default). */
  feedUrl: UpdateFeedUrl.nullable(),
});
export type UpdateSettings = z.infer<typeof UpdateSettings>;

export const AppSettings = z.object({ updates: UpdateSettings });
export type AppSettings = z.infer<typeof AppSettings>;

export const DEFAULT_APP_SETTINGS: AppSettings = { updates: { enabled: true, feedUrl: null } };

export const UpdateState = z.enum([
  'unsupported', // browser shell, or an unpacked/dev Electron: SimDeck does not update itself
  'disabled', // turned off in settings or by SIMDECK_DISABLE_UPDATES
  'idle',
  'checking',
  'downloading',
  'ready', // downloaded; installs on restart (SimDeck asks first)
  'error',
]);
export const UpdateStatus = z.object({
  state: UpdateState,
  /** The running version. */
  current: z.string(),
  /** The version found or downloaded, when there is one. */
  available: z.string().nullable(),
  percent: z.number().min(0).max(100).nullable(),
  message: z.string(),
  checkedAt: isoTime.nullable(),
});
export type UpdateStatus = z.infer<typeof UpdateStatus>;

/** What the OS asked SimDeck to open: a file ("Open with SimDeck", a second launch), a simdeck:// link, or a panel. */
export const OpenRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), path: z.string().min(1) }),
  z.object({ kind: z.literal('project'), projectId: z.string().min(1).max(64) }),
  z.object({ kind: z.literal('job'), jobId: z.string().min(1).max(64) }),
  z.object({ kind: z.literal('settings') }),
]);
export type OpenRequest = z.infer<typeof OpenRequest>;

/** Counts for the tray and the dock badge. */
export const ActivitySummary = z.object({
  running: z.number().int().min(0),
  pending: z.number().int().min(0),
  /** Failed in the last 24 hours (jobs that ended failed, timed out, out of memory or on a failed node). */
  failed: z.number().int().min(0),
  at: isoTime,
});
export type ActivitySummary = z.infer<typeof ActivitySummary>;

/** An unexpected error (a bug, not a refused call): shown to the researcher with "Copy diagnostics". */
export const AppErrorReport = z.object({
  id: z.string(),
  at: isoTime,
  source: z.enum(['core', 'shell']),
  message: z.string(),
  /** true when the core had to restart because of it. */
  restarted: z.boolean(),
});
export type AppErrorReport = z.infer<typeof AppErrorReport>;
