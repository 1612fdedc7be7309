// Monitor alerts: the rules a researcher edits and the alert events the core's AlertEngine
// (electron/metrics/alerts/engine.ts) fires and resolves. Shapes shared by the rule editor, the toasts,
// the desktop notifications and the alert history.
//
// An alert fires ONCE per episode: when its condition starts (a job enters a failed state, a GPU has stayed below the
// threshold for N minutes, a cluster has not answered for N minutes, …). It resolves when the condition ends and
// fires again only in a new episode, so a condition that lasts a day is one alert, not one per poll.
import { z } from 'zod';
import { JobState } from './domain.js';

const isoTime = z.string().describe('ISO-8601 timestamp (UTC)');

export const AlertKind = z.enum([
  /** A job entered a failed state (by default failed, timeout, out-of-memory or node-fail). */
  'job-failed',
  /** An umbrella window's container restarted (Kubernetes restartPolicy OnFailure). */
  'window-restarted',
  /** An umbrella window's pod was evicted from its node. */
  'window-evicted',
  /** A GPU stayed below `belowPercent` utilisation for `minutes` (default: under 5% for 10 minutes). */
  'gpu-idle',
  /** A GPU stayed below `belowPercent` for `minutes` (default: under 40% for 15 minutes, NRP's 40% rule). */
  'gpu-underused',
  /** A fleet worker keeps restarting (electron/fleets/monitor/crash-loop.ts decides). */
  'fleet-crashloop',
  /** A target's certificate expires within `days` (default 14), or has expired. */
  'cert-expiry',
  /** A target did not answer for `minutes` (default 5). */
  'cluster-unreachable',
]);
export type AlertKind = z.infer<typeof AlertKind>;

export const AlertSeverity = z.enum(['info', 'warning', 'error']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

/** Where a click on the alert goes: an area of the app, the object's id there and, optionally, a part of it. */
export const AlertLink = z.object({
  area: z.enum(['jobs', 'umbrella', 'fleets', 'fah', 'targets', 'monitor']),
  id: z.string(),
  sub: z.string().optional(),
});
export type AlertLink = z.infer<typeof AlertLink>;

const ruleId = z
  .string()
  .trim()
  .min(1, 'a rule id is required')
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a rule id is letters, digits, "_", "." and "-"');
const minutes = (def: number) =>
  z.number().positive('the number of minutes is above 0').max(7 * 24 * 60, 'at most a week (10,080 minutes)').default(def);
/**
 * A sample is "below" when util < belowPercent, strictly: with the default 40, a GPU at exactly 40% is NOT under-used
 * (NRP asks for utilisation of at least 40% of the requested GPUs).
 */
const belowPercent = (def: number) =>
  z.number().gt(0, 'the threshold is above 0%').max(100, 'the threshold is a percentage, at most 100').default(def);

/** The failure states a job-failed rule alerts on by default. `preempted` is left out: SLURM often requeues those. */
export const DEFAULT_FAILED_JOB_STATES: readonly JobState[] = ['failed', 'timeout', 'out-of-memory', 'node-fail'];

export const JobFailedParams = z
  .object({ states: z.array(JobState).min(1, 'choose at least one job state').default([...DEFAULT_FAILED_JOB_STATES]) })
  .strict();
/**
 * Restarts (or evictions) of one window that follow each other with less than `quietMinutes` between them are one
 * episode: one alert, resolved once the window has been quiet that long.
 */
export const WindowParams = z.object({ quietMinutes: minutes(30) }).strict();
export const GpuIdleParams = z
  .object({
    minutes: minutes(10),
    belowPercent: belowPercent(5),
    /** Only GPUs a job, window or worker of yours is using; false also watches unowned GPUs (e.g. your workstation). */
    ownedOnly: z.boolean().default(true),
  })
  .strict();
export const GpuUnderusedParams = z
  .object({ minutes: minutes(15), belowPercent: belowPercent(40), ownedOnly: z.boolean().default(true) })
  .strict();
export const FleetCrashloopParams = z.object({}).strict();
export const CertExpiryParams = z
  .object({ days: z.number().int('a whole number of days').min(1, 'at least 1 day').max(365, 'at most 365 days').default(14) })
  .strict();
export const ClusterUnreachableParams = z.object({ minutes: minutes(5) }).strict();

const rule = <K extends AlertKind, P extends z.ZodType>(kind: K, params: P) =>
  z
    .object({
      id: ruleId,
      kind: z.literal(kind),
      enabled: z.boolean().default(true),
      /** Only observations from this target (cluster, swarm, FAH server); absent: every target. */
      targetId: z.string().min(1).max(64).optional(),
      params: params.prefault({} as z.input<P>),
    })
    .strict();

export const AlertRule = z.discriminatedUnion('kind', [
  rule('job-failed', JobFailedParams),
  rule('window-restarted', WindowParams),
  rule('window-evicted', WindowParams),
  rule('gpu-idle', GpuIdleParams),
  rule('gpu-underused', GpuUnderusedParams),
  rule('fleet-crashloop', FleetCrashloopParams),
  rule('cert-expiry', CertExpiryParams),
  rule('cluster-unreachable', ClusterUnreachableParams),
]);
export type AlertRule = z.infer<typeof AlertRule>;
export type AlertRuleInput = z.input<typeof AlertRule>;
export type AlertRuleOf<K extends AlertKind> = Extract<AlertRule, { kind: K }>;

export const AlertRules = z
  .array(AlertRule)
  .max(200, 'at most 200 rules')
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', message: `two rules have the id "${r.id}"`, path: [i, 'id'] });
      seen.add(r.id);
    });
  });

/** One enabled rule per kind with the default parameters, every target; the rule id is the kind. */
export const DEFAULT_ALERT_RULES: readonly AlertRule[] = AlertKind.options.map((kind) => AlertRule.parse({ id: kind, kind }));

/** Labels for the rule editor and the history's filter. */
export const ALERT_KIND_LABELS: Readonly<Record<AlertKind, string>> = {
  'job-failed': 'Job failed',
  'window-restarted': 'Umbrella window restarted',
  'window-evicted': 'Umbrella window evicted',
  'gpu-idle': 'GPU idle',
  'gpu-underused': 'GPU under-used',
  'fleet-crashloop': 'Fleet worker crash-looping',
  'cert-expiry': 'Certificate near expiry',
  'cluster-unreachable': 'Cluster unreachable',
};

/**
 * What an alert is about, one key per thing:
 * `job:<id>` · `gpu:<target>/<node>/<index>` · `window:<campaign>/<replica>/<window>` · `fleet:<id>/<member>` ·
 * `cert:<target>` · `target:<id>`.
 */
export const AlertSubject = z.string().regex(/^(job|gpu|window|fleet|cert|target):.+$/, 'not an alert subject');
export const alertSubject = {
  job: (jobId: string) => `job:${jobId}`,
  gpu: (targetId: string, node: string, gpu: number | string) => `gpu:${targetId}/${node}/${gpu}`,
  window: (campaignId: string, replica: number | string, window: number | string) => `window:${campaignId}/${replica}/${window}`,
  fleet: (fleetId: string, member: string) => `fleet:${fleetId}/${member}`,
  cert: (targetId: string) => `cert:${targetId}`,
  target: (targetId: string) => `target:${targetId}`,
} as const;

/**
 * An alert as the engine emits it and the history stores it. The same id comes twice at most: when it fires
 * (resolvedAt null) and when it resolves (resolvedAt set).
 */
export const AlertEvent = z.object({
  id: z.string().min(1).max(1000),
  ruleId,
  kind: AlertKind,
  subject: AlertSubject,
  title: z.string(),
  /** One sentence: what happened and what to do. */
  message: z.string(),
  severity: AlertSeverity,
  firedAt: isoTime,
  resolvedAt: isoTime.nullable(),
  link: AlertLink,
});
export type AlertEvent = z.infer<typeof AlertEvent>;
