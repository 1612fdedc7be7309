// What the UI sees of a PyRosettaCluster result file: the record, made readable, with warnings that each say
// what to do; and the plans and runs of environment recreation and reproduction.
import { z } from 'zod';

export const EnvironmentManager = z.enum(['conda', 'mamba', 'pixi', 'uv']);
export type EnvironmentManager = z.infer<typeof EnvironmentManager>;

/** What the record's environment string really is (a pixi record may hold conda YAML, a uv one requirements). */
export const EnvironmentKind = z.enum(['conda-yaml', 'pixi-lock', 'uv-lock', 'uv-requirements', 'empty', 'unknown']);
export type EnvironmentKind = z.infer<typeof EnvironmentKind>;

export const RecordWarning = z.object({
  code: z.enum([
    'empty-environment',
    'pyrosetta-not-pinned',
    'uv-pyrosetta-installer',
    'legacy-conda-channel-stripped',
    'pixi-holds-conda-yaml',
    'input-pose-not-in-record',
    'sha1-empty',
    'manager-missing',
    'toml-missing',
    'pickle-scores',
  ]),
  message: z.string(),
  /** What the researcher should do about it. */
  action: z.string(),
});
export type RecordWarning = z.infer<typeof RecordWarning>;

export const RecordView = z.object({
  decoyName: z.string(),
  protocols: z.array(z.string()),
  seeds: z.array(z.string()),
  decoyIds: z.array(z.number()),
  sha1: z.string(),
  pyrosettaBuild: z.string(),
  manager: EnvironmentManager,
  /** False for legacy records without metadata.environment_manager (treated as conda). */
  managerRecorded: z.boolean(),
  managerVersion: z.string().nullable(),
  environmentKind: EnvironmentKind,
  environment: z.string(),
  toml: z.object({ format: z.string(), text: z.string() }).nullable(),
  datetimeStart: z.string().nullable(),
  datetimeEnd: z.string().nullable(),
  totalSeconds: z.string().nullable(),
  projectName: z.string().nullable(),
  simulationName: z.string().nullable(),
  outputFile: z.string().nullable(),
  scores: z.record(z.string(), z.unknown()),
  tasks: z.unknown(),
  systemInfo: z.unknown(),
  instance: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
  warnings: z.array(RecordWarning),
});
export type RecordView = z.infer<typeof RecordView>;

export const InstalledManager = z.object({
  name: EnvironmentManager,
  path: z.string().nullable(),
  version: z.string().nullable(),
});
export type InstalledManager = z.infer<typeof InstalledManager>;

/** Everything the researcher confirms before SimDeck runs an environment manager. */
export const RecreatePlan = z.object({
  manager: EnvironmentManager,
  dir: z.string(),
  files: z.array(z.object({ name: z.string(), bytes: z.number().int() })),
  /** The exact command, as it would be typed in a shell (cwd = dir). */
  command: z.string(),
  argv: z.array(z.array(z.string())),
  channels: z.array(z.string()),
  indexes: z.array(z.string()),
  packageCount: z.number().int(),
  /** Channels or indexes outside conda-forge, PyPI and RosettaCommons: worth a second look. */
  unusualSources: z.array(z.string()),
  managerVersion: z.object({ recorded: z.string().nullable(), installed: z.string().nullable(), differs: z.boolean() }),
  warnings: z.array(z.string()),
});
export type RecreatePlan = z.infer<typeof RecreatePlan>;

export const RunState = z.enum(['running', 'succeeded', 'failed', 'cancelled']);
export const RunInfo = z.object({
  runId: z.string(),
  kind: z.enum(['recreate', 'reproduce']),
  state: RunState,
  command: z.string(),
  cwd: z.string(),
  logFile: z.string(),
  exitCode: z.number().int().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type RunInfo = z.infer<typeof RunInfo>;

export const ScoreComparison = z.object({
  rows: z.array(
    z.object({ name: z.string(), original: z.unknown(), reproduced: z.unknown(), same: z.boolean(), delta: z.number().nullable() }),
  ),
  identical: z.boolean(),
  /** Differences outside the scores that matter (seeds, protocols, environment, build). */
  recordDifferences: z.array(z.string()),
});
export type ScoreComparison = z.infer<typeof ScoreComparison>;
