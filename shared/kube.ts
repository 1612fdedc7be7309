// Shapes of the Kubernetes part of the contract: umbrella-sampling campaigns (one Job per replica × window, as in
// openforcefield/proteinbenchmark-nrp), their windows' observed state and progress, and the cluster inventory.
import { z } from 'zod';

const isoTime = z.string().describe('ISO-8601 timestamp (UTC)');

/** A Kubernetes quantity as the API takes it: "5Gi", "1", "100m", "20Gi". */
export const Quantity = z
  .string()
  .trim()
  .regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/, 'a Kubernetes quantity, e.g. 5Gi, 1, 500m');

/** Values that reach a manifest as data (labels, env values, names of secrets): one line, printable. */
const oneLine = (what: string, max = 253) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(max)
    .refine((v) => !/[\r\n\0]/.test(v), `${what} is one line`);

const dnsName = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, `${what}: lowercase letters, digits, "-" and "." (a Kubernetes name)`);

export const UmbrellaWindow = z.object({
  /** 0-based; shown two-digit (00, 01, …) as the scripts expect. */
  index: z.number().int().min(0).max(999),
  /** The restraint centre (e.g. fraction of native contacts Q0 = 1.00 … 0.40). */
  centre: z.number(),
});
export type UmbrellaWindow = z.infer<typeof UmbrellaWindow>;

/**
 * Everything the campaign wizard asks. Defaults follow the seed (proteinbenchmark-nrp's k8s_template.yaml and
 * run-umbrella-windows.py); where the seed leaves a gap (no TTL, image :latest) SimDeck says so in the preview.
 */
export const CampaignSpec = z
  .object({
    projectId: z.string().min(1),
    /** A Kubernetes target (context + namespace). */
    targetId: z.string().min(1),
    /** The researcher's initials, first part of every Job name ("jm"). */
    initials: z
      .string()
      .trim()
      .min(1, 'initials are required')
      .max(10)
      .regex(/^[A-Za-z0-9]+$/, 'initials are letters and digits'),
    /** Benchmark target, e.g. gb3, hewl-4LZT (case kept in env vars and paths, lowercased in names). */
    target: oneLine('the target', 100).refine((v) => /^[A-Za-z0-9._-]+$/.test(v), 'a target is letters, digits, ".", "_" or "-"'),
    /** Force field key, e.g. null-0.0.3-pair-opc3. */
    forceField: oneLine('the force field', 200).refine((v) => /^[A-Za-z0-9._-]+$/.test(v), 'a force field key is letters, digits, ".", "_" or "-"'),
    replicas: z.number().int().min(1).max(100),
    /** Window indices and centres; the wizard offers linspace(1.0, 0.4, 31). */
    windows: z.array(UmbrellaWindow).min(1, 'at least one window').max(1000),
    repoUrl: oneLine('the script repository URL', 2000).refine((v) => /^(https?|git|ssh):\/\/|^git@/.test(v), 'a git URL (https://…, ssh://… or git@…)'),
    /** Full 40-hex commit: the Job checks it out, so it must be pushed. */
    commit: z.string().trim().regex(/^[0-9a-f]{40}$/, 'a full 40-character commit SHA1'),
    scriptPath: oneLine('the script path', 1000).refine((v) => !v.startsWith('/') && !v.split('/').includes('..'), 'a path inside the repository'),
    /**
     * Files each window needs in the bucket, one pattern per line; {S} = target-ff, {R} = replica, {WW} = window.
     * Trailing "/" is a folder. Default: the seed's four entries.
     */
    requiredFiles: z.array(oneLine('a required file', 1000)).max(100),
    image: oneLine('the image', 500),
    resources: z.object({
      gpu: z.number().int().min(0).max(16),
      cpu: Quantity,
      memory: Quantity,
      ephemeralStorage: Quantity,
    }),
    /** Required node labels nvidia.com/cuda.runtime.major/minor; null: no CUDA affinity. */
    cuda: z.object({ major: z.string().regex(/^\d+$/), minor: z.string().regex(/^\d+$/) }).nullable(),
    secrets: z.object({
      /** Secret holding rclone.conf (key rclone.conf). */
      rcloneConfig: dnsName('the rclone secret'),
      /** Secret holding the OpenEye licence (key oe_license.txt); null: not mounted. */
      licence: dnsName('the licence secret').nullable(),
    }),
    /** rclone remote the pods use (inside the cluster), e.g. nrp-internal. */
    remote: oneLine('the rclone remote', 100).refine((v) => /^[A-Za-z0-9._-]+$/.test(v), 'an rclone remote name'),
    bucket: oneLine('the bucket', 63).refine((v) => /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(v), 'an S3 bucket name'),
    /** Prefix inside the bucket; the seed uses results. */
    prefix: z.string().trim().max(500).default('results'),
    /** The library the main container pip-installs (the seed: git+https://github.com/openforcefield/proteinbenchmark.git@nagl). */
    pipInstall: z.string().trim().max(2000).default(''),
    backoffLimit: z.number().int().min(0).max(100).default(10),
    /**
     * Folder on this machine for provenance manifests and saved logs (the seed's local results/); default
     * ~/SimDeck/<project>/results.
     */
    resultsDir: z.string().trim().min(1).max(4096).optional(),
    /** Seconds a finished Job stays before Kubernetes deletes it; null keeps it (the seed sets none). */
    ttlSecondsAfterFinished: z.number().int().min(0).nullable().default(null),
  })
  .strict();
export type CampaignSpec = z.infer<typeof CampaignSpec>;

/** Where a window is, as SimDeck reads it from the Job, its pod and its progress file. */
export const WindowPhase = z.enum([
  'planned', // not applied yet
  'queued', // Job exists, pod pending / unscheduled
  'init-git',
  'init-rclone',
  'equilibration',
  'production',
  'done', // last step reached n_steps
  'failed',
  'evicted',
  'unknown',
]);
export type WindowPhase = z.infer<typeof WindowPhase>;

export const WindowStatus = z.object({
  campaignId: z.string(),
  replica: z.number().int(),
  window: z.number().int(),
  jobName: z.string(),
  phase: WindowPhase,
  /** 0–100 from the last step in production.out over n_steps; null before production writes. */
  percent: z.number().nullable(),
  lastStep: z.number().nullable(),
  nSteps: z.number().nullable(),
  nsPerDay: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  pod: z.string().nullable(),
  node: z.string().nullable(),
  restarts: z.number().int(),
  /** Why: scheduling events (no matching GPU), OOMKilled, evicted, "Job complete but step 1.2M of 125M". */
  message: z.string(),
  updatedAt: isoTime,
});
export type WindowStatus = z.infer<typeof WindowStatus>;

export const GpuNode = z.object({
  name: z.string(),
  gpuProduct: z.string().nullable(),
  cudaMajor: z.string().nullable(),
  cudaMinor: z.string().nullable(),
  allocatableGpus: z.number(),
  usedGpus: z.number(),
  ready: z.boolean(),
});
export type GpuNode = z.infer<typeof GpuNode>;

export const Campaign = z.object({
  id: z.string(),
  projectId: z.string(),
  targetId: z.string(),
  /** "{target}-{ff}", the seed's {S}. */
  name: z.string(),
  spec: CampaignSpec,
  /** Where provenance manifests and saved logs go: <results>/{S}/replica-{R}/… */
  resultsDir: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
  /** Counts by phase, for lists. */
  summary: z.record(z.string(), z.number()),
  /** The namespace watch: "watching", or why not and when SimDeck tries again. */
  watch: z.object({ state: z.string(), detail: z.string() }),
});
export type Campaign = z.infer<typeof Campaign>;

export const WindowRef = z.object({ replica: z.number().int().min(1), window: z.number().int().min(0) }).strict();
export type WindowRef = z.infer<typeof WindowRef>;

export const ManifestPreview = z.object({
  replica: z.number().int(),
  window: z.number().int(),
  jobName: z.string(),
  provenancePath: z.string(),
  yaml: z.string(),
});
export type ManifestPreview = z.infer<typeof ManifestPreview>;

export const CampaignPreview = z.object({
  name: z.string(),
  resultsDir: z.string(),
  manifests: z.array(ManifestPreview),
  /** Things a careful researcher should know before launching: image not pinned, no TTL, names shortened, … */
  warnings: z.array(z.string()),
  /** The equivalent commands (kubectl apply -f … per window). */
  commands: z.array(z.string()),
});
export type CampaignPreview = z.infer<typeof CampaignPreview>;

export const WindowAction = z.enum(['delete', 'restart']);

export const ProgressSample = z.object({
  replica: z.number().int(),
  window: z.number().int(),
  at: isoTime,
  percent: z.number().nullable(),
  nsPerDay: z.number().nullable(),
  gpuUtil: z.number().nullable(),
});
export type ProgressSample = z.infer<typeof ProgressSample>;

export const HistogramView = z.object({
  replica: z.number().int(),
  binWidth: z.number(),
  /** One line per window: bin centres and normalised counts (only non-empty bins). */
  windows: z.array(z.object({ window: z.number().int(), centre: z.number(), samples: z.number().int(), bins: z.array(z.tuple([z.number(), z.number()])) })),
  /** Overlap of each window with the next; "gap" below the threshold. */
  /** overlap null while either window has no samples yet. */
  neighbours: z.array(z.object({ a: z.number().int(), b: z.number().int(), overlap: z.number().nullable(), gap: z.boolean() })),
  /** Windows whose samples could not be read (no pod any more, file not written yet). */
  missing: z.array(z.number().int()),
});
export type HistogramView = z.infer<typeof HistogramView>;

/** A results download of a campaign (`rclone copy --update` from the bucket into the results folder). */
export const ResultsDownload = z.object({
  campaignId: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  filesDone: z.number().int(),
  filesTotal: z.number().int(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  /** Where the files go, and what happened (or what to do). */
  message: z.string(),
});
export type ResultsDownload = z.infer<typeof ResultsDownload>;
