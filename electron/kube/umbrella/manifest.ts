// One batch/v1 Job per (replica, window), semantically the manifest proteinbenchmark-nrp's run-umbrella-windows.py
// renders from k8s_template.yaml (notes A2/A3; fixtures/nrp-rendered-manifest-example.yaml is its real dry run):
// init-git clones the script repository and checks out the pinned commit, init-rclone copies the window's inputs
// from the bucket, main pip-installs the library, runs the window script and uploads /results, and preStop uploads
// again when Kubernetes terminates the pod. SimDeck adds only what a control room needs: labels to select a
// campaign's pods, annotations with the exact values (names and labels are lossy), a namespace, an optional TTL.
//
// Shell safety: everything the researcher types reaches the pod as env var DATA, never as text of a `sh -c`
// script. The only values written into scripts are the rclone remote, bucket and prefix (the contract restricts
// them) and even those go through POSIX single-quoting. Container commands and env values also get the kubelet's
// `$$` escape, because the kubelet expands `$(VAR)` in them before any shell sees them (not in preStop hooks).
//
// Deliberate differences from the seed's text (same behaviour for the seed's values, see manifest.test.ts):
// - the repository URL is read from $SIMDECK_REPO_URL instead of being written into the init-git script;
// - the pip requirement is read from $SIMDECK_PIP_INSTALL instead of being written into the main script;
// - the script path is expanded by the shell ("/opt/repo/$PROTBENCH_SCRIPT_PATH") rather than spliced into the
//   script by the kubelet's $(PROTBENCH_SCRIPT_PATH), which would let a path with shell syntax run as code.
// Kept on purpose, because it is the seed's behaviour and SimDeck reports it rather than changing it: the main
// script has no `set -e`, so the container's exit code is the upload's and a crashed window can still end as a
// "Complete" Job (notes A6; progress.ts describeDisagreement tells the researcher).
import { dump } from 'js-yaml';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { Job } from 'kubernetes-models/batch/v1/Job';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { ApiError } from '../../../shared/errors.js';
import { CampaignSpec, type UmbrellaWindow } from '../../../shared/kube.js';
import { quote } from '../../core/shell-quote.js';
import { isDnsLabel, isLabelValue, jobName, labelValue, windowLabel } from './names.js';

/** The seed's four inputs per window; {S} = target-ff, {R} = replica, {WW} = window. Trailing "/" is a folder. */
export const DEFAULT_REQUIRED_FILES: readonly string[] = Object.freeze([
  '{S}/setup/',
  '{S}/replica-{R}/{S}-equilibration-1.xml',
  '{S}/replica-{R}/{S}-window-{WW}.pdb',
  '{S}/replica-{R}/window-{WW}/',
]);

// Images and sizes of the seed's init containers (unpinned there too; the preview says so).
export const INIT_GIT_IMAGE = 'alpine/git';
export const INIT_RCLONE_IMAGE = 'rclone/rclone';

export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'simdeck';
export const LABEL_CAMPAIGN = 'simdeck.io/campaign';
export const LABEL_TARGET = 'simdeck.io/target';
export const LABEL_FF = 'simdeck.io/ff';
export const LABEL_REPLICA = 'simdeck.io/replica';
export const LABEL_WINDOW = 'simdeck.io/window';

/** Env vars SimDeck adds beyond the seed's, to carry researcher values that the seed wrote into scripts. */
export const ENV_REPO_URL = 'SIMDECK_REPO_URL';
export const ENV_PIP_INSTALL = 'SIMDECK_PIP_INSTALL';

const SECRETS_DIR = '/secrets';
const RCLONE_CONF = 'rclone.conf';
const OE_LICENSE_FILE = 'oe_license.txt';
const REPO_DIR = '/opt/repo';
const RESULTS_DIR = '/results';
const VOL_RCLONE = 'rclone-config';
const VOL_LICENCE = 'openeye-license';
const VOL_REPO = 'repo-vol';
const VOL_RESULTS = 'results-vol';

export interface RenderOptions {
  /** The Kubernetes target's namespace; omitted, kubectl's context namespace applies (as in the seed). */
  namespace?: string;
  /** Extra exact-value annotations, e.g. a resolved image digest or library commit. */
  annotations?: Record<string, string>;
}

/** `{target}-{ff}`, the seed's {S}: case and dots kept (it is a path, not a name). */
export function systemName(target: string, ff: string): string {
  return `${target}-${ff}`;
}

/**
 * Expands required-file patterns for one window. Every entry must stay inside /results: it becomes both an S3 key
 * and a local path in init-rclone, which then runs `chmod -R 777` on /results.
 */
export function expandRequiredFiles(
  patterns: readonly string[],
  target: string,
  ff: string,
  replica: number,
  window: number,
): string[] {
  const S = systemName(target, ff);
  const WW = windowLabel(window);
  return patterns.map((pattern) => {
    const entry = pattern.replaceAll('{S}', S).replaceAll('{R}', String(replica)).replaceAll('{WW}', WW).trim();
    if (!entry || entry.startsWith('/') || entry.split('/').includes('..') || /[\r\n\0]/.test(entry)) {
      throw new ApiError(
        'INVALID_INPUT',
        `Required file "${pattern}" gives "${entry}", which is not a path inside the bucket prefix: use a relative path without "..", e.g. {S}/replica-{R}/window-{WW}/.`,
        { field: 'requiredFiles' },
      );
    }
    return entry;
  });
}

/** The kubelet expands $(VAR) in command strings and env values; "$$" is its escape for a literal "$". */
export function kubeletEscape(text: string): string {
  return text.replaceAll('$', () => '$$');
}

/** `{remote}:{bucket}/{prefix}` (no trailing "/"), the rclone location of the results folder. */
export function rcloneBase(spec: Pick<CampaignSpec, 'remote' | 'bucket' | 'prefix'>): string {
  const prefix = spec.prefix.replace(/^\/+|\/+$/g, '');
  return prefix ? `${spec.remote}:${spec.bucket}/${prefix}` : `${spec.remote}:${spec.bucket}`;
}

/** The location as a script word: single-quoted unless plainly safe (so the seed's values read exactly as before). */
function scriptWord(text: string): string {
  return kubeletEscape(quote(text));
}

export function initGitScript(): string {
  return [
    'set -euf',
    `cd ${REPO_DIR}`,
    `git clone "$${ENV_REPO_URL}" ${REPO_DIR} || true`,
    // The commit is 40 hex digits (contract), so the seed's unquoted expansion is kept.
    'git checkout $PROTBENCH_SCRIPT_COMMIT',
    '',
  ].join('\n');
}

export function initRcloneScript(base: string): string {
  return [
    'set -euf',
    'rclone --version',
    'echo "about to clone"',
    // Split PROTBENCH_REQUIRED_FILES on newlines only; `set -f` (in -euf) turns globbing off.
    "IFS=$'\\n'",
    'for FILE in ${PROTBENCH_REQUIRED_FILES}; do',
    `  echo "cloning to ${RESULTS_DIR}/$FILE"`,
    `  rclone copyto --progress ${scriptWord(base)}/$FILE ${RESULTS_DIR}/$FILE`,
    'done',
    'unset IFS',
    'echo "done cloning"',
    `ls ${RESULTS_DIR}`,
    // The main image runs as the unprivileged micromamba user; emptyDirs belong to root.
    `chmod -R 777 ${RESULTS_DIR}`,
    'echo "done chmoding"',
    '',
  ].join('\n');
}

/** The upload. `forKubelet`: the line goes into a container command, which the kubelet expands (see scriptWord). */
export function uploadCommand(base: string, forKubelet = true): string {
  return `rclone copy --update ${RESULTS_DIR} ${forKubelet ? scriptWord(base) : quote(base)}`;
}

export function mainScript(base: string, pipInstall: boolean): string {
  return [
    ...(pipInstall ? [`micromamba run -n base pip install "$${ENV_PIP_INSTALL}"`] : []),
    `micromamba run -n base python "${REPO_DIR}/$PROTBENCH_SCRIPT_PATH" -o${RESULTS_DIR}`,
    uploadCommand(base),
    '',
  ].join('\n');
}

/** The seed's preStop: upload once more when Kubernetes terminates the pod (it does not run on OOM-kill). */
export function preStopScript(base: string): string {
  // `2>&1 > /proc/1/fd/1` is the seed's (it sends rclone's stdout to the container log, stderr to the hook's).
  // Lifecycle hooks are NOT expanded by the kubelet (only command, args and env are), so no "$$" escape here.
  return `${uploadCommand(base, false)} 2>&1 > /proc/1/fd/1`;
}

const env = (name: string, value: string): IEnvVar => ({ name, value: kubeletEscape(value) });

function parseSpec(spec: CampaignSpec): CampaignSpec {
  const parsed = CampaignSpec.safeParse(spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError('INVALID_INPUT', `The campaign is invalid: ${issue?.path.map(String).join('.') || 'spec'}: ${issue?.message ?? 'invalid'}`);
  }
  // The prefix is the one script value the contract does not restrict to a character set.
  if (/[\p{Cc}]/u.test(parsed.data.prefix)) {
    throw new ApiError('INVALID_INPUT', 'The bucket prefix must be one line without control characters.', { field: 'prefix' });
  }
  return parsed.data;
}

/** The Job for one (replica, window) of a campaign. Pure: same inputs, same object. */
export function renderWindowManifest(
  specIn: CampaignSpec,
  campaignId: string,
  replica: number,
  window: UmbrellaWindow,
  opts: RenderOptions = {},
): IJob {
  const spec = parseSpec(specIn);
  if (!Number.isInteger(replica) || replica < 1 || replica > spec.replicas) {
    throw new ApiError('INVALID_INPUT', `Replica ${replica} is outside this campaign's replicas 1–${spec.replicas}.`);
  }
  if (!campaignId.trim()) throw new ApiError('INVALID_INPUT', 'A campaign id is required to label its Jobs.');
  const WW = windowLabel(window.index);
  const base = rcloneBase(spec);
  const patterns = spec.requiredFiles.length > 0 ? spec.requiredFiles : DEFAULT_REQUIRED_FILES;
  const required = expandRequiredFiles(patterns, spec.target, spec.forceField, replica, window.index);

  // The launcher's env, appended to every container in this order, all strings (notes A2).
  const protbench: IEnvVar[] = [
    env('PROTBENCH_REPLICA', String(replica)),
    env('PROTBENCH_TARGET', spec.target),
    env('PROTBENCH_FF', spec.forceField),
    env('PROTBENCH_WINDOW', WW),
    env('PROTBENCH_SCRIPT_COMMIT', spec.commit),
    env('PROTBENCH_SCRIPT_PATH', spec.scriptPath),
    env('PROTBENCH_REQUIRED_FILES', required.join('\n')),
  ];
  const rcloneEnv = env('RCLONE_CONFIG', `${SECRETS_DIR}/${RCLONE_CONF}`);
  const rcloneMount: IVolumeMount = { name: VOL_RCLONE, mountPath: `${SECRETS_DIR}/${RCLONE_CONF}`, subPath: RCLONE_CONF };
  const licence = spec.secrets.licence;

  const initGit: IContainer = {
    name: 'init-git',
    image: INIT_GIT_IMAGE,
    resources: { limits: { memory: '100Mi', cpu: '100m' }, requests: { memory: '100Mi', cpu: '100m' } },
    command: ['/bin/sh', '-c', initGitScript()],
    env: [...protbench, env(ENV_REPO_URL, spec.repoUrl)],
    volumeMounts: [{ mountPath: REPO_DIR, name: VOL_REPO }],
  };

  const rcloneSize = { memory: '1Gi', cpu: '200m', 'ephemeral-storage': '20Gi' };
  const initRclone: IContainer = {
    name: 'init-rclone',
    image: INIT_RCLONE_IMAGE,
    resources: { limits: { ...rcloneSize }, requests: { ...rcloneSize } },
    env: [rcloneEnv, ...protbench],
    command: ['/bin/sh', '-c', initRcloneScript(base)],
    volumeMounts: [{ mountPath: RESULTS_DIR, name: VOL_RESULTS }, rcloneMount],
  };

  // Requests equal limits: NRP asks for it with many Jobs, and the seed does it for every resource.
  const mainSize: Record<string, string | number> = {
    memory: spec.resources.memory,
    cpu: spec.resources.cpu,
    ...(spec.resources.gpu > 0 ? { 'nvidia.com/gpu': spec.resources.gpu } : {}),
    'ephemeral-storage': spec.resources.ephemeralStorage,
  };
  const main: IContainer = {
    name: 'main',
    image: spec.image,
    resources: { limits: { ...mainSize }, requests: { ...mainSize } },
    volumeMounts: [
      rcloneMount,
      ...(licence ? [{ name: VOL_LICENCE, mountPath: `${SECRETS_DIR}/${OE_LICENSE_FILE}`, subPath: OE_LICENSE_FILE }] : []),
      { mountPath: REPO_DIR, name: VOL_REPO },
      { mountPath: RESULTS_DIR, name: VOL_RESULTS },
    ],
    env: [
      ...(licence ? [env('OE_LICENSE', `${SECRETS_DIR}/${OE_LICENSE_FILE}`)] : []),
      rcloneEnv,
      { name: 'THIS_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ...protbench,
      ...(spec.pipInstall ? [env(ENV_PIP_INSTALL, spec.pipInstall)] : []),
    ],
    command: ['/bin/sh', '-c', mainScript(base, spec.pipInstall !== '')],
    lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', preStopScript(base)] } } },
  };

  const volumes: IVolume[] = [
    { name: VOL_RCLONE, secret: { secretName: spec.secrets.rcloneConfig } },
    ...(licence ? [{ name: VOL_LICENCE, secret: { secretName: licence } }] : []),
    { name: VOL_REPO, emptyDir: {} },
    { name: VOL_RESULTS, emptyDir: {} },
  ];

  const labels: Record<string, string> = {
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_CAMPAIGN]: labelValue(campaignId),
    [LABEL_TARGET]: labelValue(spec.target),
    [LABEL_FF]: labelValue(spec.forceField),
    [LABEL_REPLICA]: String(replica),
    [LABEL_WINDOW]: WW,
  };
  const annotations: Record<string, string> = {
    ...opts.annotations,
    'simdeck.io/campaign': campaignId,
    'simdeck.io/project': spec.projectId,
    'simdeck.io/initials': spec.initials,
    'simdeck.io/target': spec.target,
    'simdeck.io/force-field': spec.forceField,
    'simdeck.io/replica': String(replica),
    'simdeck.io/window': WW,
    'simdeck.io/window-centre': String(window.centre),
    'simdeck.io/repo-url': spec.repoUrl,
    'simdeck.io/script-commit': spec.commit,
    'simdeck.io/script-path': spec.scriptPath,
    'simdeck.io/image': spec.image,
    ...(spec.pipInstall ? { 'simdeck.io/pip-install': spec.pipInstall } : {}),
  };

  const job: IJob = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(spec.initials, spec.target, spec.forceField, replica, window.index),
      ...(opts.namespace ? { namespace: opts.namespace } : {}),
      labels,
      annotations,
    },
    spec: {
      backoffLimit: spec.backoffLimit,
      ...(spec.ttlSecondsAfterFinished !== null ? { ttlSecondsAfterFinished: spec.ttlSecondsAfterFinished } : {}),
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          restartPolicy: 'OnFailure',
          ...(spec.cuda
            ? {
                affinity: {
                  nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                      nodeSelectorTerms: [
                        {
                          matchExpressions: [
                            { key: 'nvidia.com/cuda.runtime.major', operator: 'In', values: [spec.cuda.major] },
                            { key: 'nvidia.com/cuda.runtime.minor', operator: 'In', values: [spec.cuda.minor] },
                          ],
                        },
                      ],
                    },
                  },
                },
              }
            : {}),
          initContainers: [initGit, initRclone],
          containers: [main],
          volumes,
        },
      },
    },
  };
  // Containers share env and mount objects above; give each its own so a caller's edit stays local (and YAML
  // output never needs anchors).
  return structuredClone(job);
}

/** The manifest as YAML the way the seed writes it (PyYAML safe_dump: sorted keys, unindented lists, 80 columns). */
export function toYaml(job: IJob): string {
  // noRefs: plain YAML without anchors/aliases, like kubectl and PyYAML's output for this tree.
  return dump(job, { sortKeys: true, noArrayIndent: true, lineWidth: 80, noRefs: true });
}

interface AjvIssue {
  instancePath?: string;
  message?: string;
  params?: { allowedValues?: unknown[] };
}

/** "/spec/template/spec/containers/0/env/1/value" → "spec.template.spec.containers[0].env[1].value". */
function dottedPath(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function schemaIssues(job: IJob): string[] {
  try {
    new Job(job).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: AjvIssue[] }).errors;
    if (!Array.isArray(errors) || errors.length === 0) return [e instanceof Error ? e.message : String(e)];
    return errors.map((err) => {
      const allowed = err.params?.allowedValues ? ` (${err.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')})` : '';
      return `${dottedPath(err.instancePath ?? '') || 'manifest'} ${err.message ?? 'is invalid'}${allowed}`;
    });
  }
}

/** Rules the OpenAPI schema does not express but the API server (or the Job controller) enforces. */
function apiServerIssues(job: IJob): string[] {
  const issues: string[] = [];
  const name = job.metadata?.name ?? '';
  if (!isDnsLabel(name)) {
    issues.push(
      `metadata.name "${name}" must be at most 63 lowercase letters, digits or "-", beginning and ending alphanumeric (the Job controller copies it into a pod label)`,
    );
  }
  const checkLabels = (where: string, labels: Record<string, string> | undefined) => {
    for (const [key, value] of Object.entries(labels ?? {})) {
      if (!isLabelValue(value)) issues.push(`${where}.labels["${key}"] value "${value}" must be a label value (≤63 of A-Z a-z 0-9 . _ -, alphanumeric at both ends)`);
    }
  };
  checkLabels('metadata', job.metadata?.labels);
  checkLabels('spec.template.metadata', job.spec?.template.metadata?.labels);
  const pod = job.spec?.template.spec;
  const policy = pod?.restartPolicy;
  if (policy !== undefined && policy !== 'OnFailure' && policy !== 'Never') {
    issues.push(`spec.template.spec.restartPolicy must be "OnFailure" or "Never" for a Job, not "${policy}"`);
  }
  const seen = new Set<string>();
  const containers = [
    ...(pod?.initContainers ?? []).map((c, i) => [`spec.template.spec.initContainers[${i}]`, c] as const),
    ...(pod?.containers ?? []).map((c, i) => [`spec.template.spec.containers[${i}]`, c] as const),
  ];
  for (const [where, c] of containers) {
    if (!isDnsLabel(c.name)) issues.push(`${where}.name "${c.name}" must be a DNS label`);
    if (seen.has(c.name)) issues.push(`${where}.name "${c.name}" is used twice`);
    seen.add(c.name);
    if (!c.image) issues.push(`${where}.image is required`);
  }
  return issues;
}

/**
 * Checks a Job against the Kubernetes OpenAPI schema (kubernetes-models) and the API server's naming rules.
 * Returns null when valid, else an INVALID_INPUT error naming the window and every bad path.
 */
export function validateJob(job: IJob): ApiError | null {
  const issues = [...schemaIssues(job), ...apiServerIssues(job)];
  if (issues.length === 0) return null;
  const labels = job.metadata?.labels ?? {};
  const which =
    labels[LABEL_REPLICA] !== undefined && labels[LABEL_WINDOW] !== undefined
      ? `replica ${labels[LABEL_REPLICA]} window ${labels[LABEL_WINDOW]}`
      : `job "${job.metadata?.name ?? '(unnamed)'}"`;
  return new ApiError('INVALID_INPUT', `manifest for ${which} is invalid: ${issues.join('; ')}`, {
    ...(job.metadata?.name ? { job: job.metadata.name } : {}),
  });
}

/** validateJob that throws: for the launcher, which must never apply a manifest the API server would reject. */
export function assertValidJob(job: IJob): IJob {
  const error = validateJob(job);
  if (error) throw error;
  return job;
}
