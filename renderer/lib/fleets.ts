// Pure helpers of the Fleets area: the wizard's form (strings, as typed) → FleetDeploySpec, the shell-like command
// line → argv, the core's validation errors → wizard fields and steps, and small display helpers. Unit-tested in
// fleets.test.ts; the views stay thin.
import type { ApiError } from '../../shared/errors.js';
import type { Fleet, FleetDeploySpec, GpuAssignment } from '../../shared/fleet.js';
import type { Tone } from '../components/StateBadge.js';
import { splitPathErrors } from './fieldErrors.js';

export type FleetTargetKind = 'local-docker' | 'swarm' | 'slurm';
export const FLEET_TARGET_KINDS: readonly FleetTargetKind[] = ['local-docker', 'swarm', 'slurm'];
export const TARGET_KIND_LABELS: Record<FleetTargetKind, string> = {
  'local-docker': 'Local Docker',
  swarm: 'Docker Swarm',
  slurm: 'SLURM job array',
};
export const isFleetTargetKind = (k: string): k is FleetTargetKind => (FLEET_TARGET_KINDS as readonly string[]).includes(k);

export const GPU_CHOICES: readonly { value: GpuAssignment; label: string; explain: string }[] = [
  { value: 'none', label: 'No GPUs', explain: 'Workers run on CPUs only.' },
  { value: 'all', label: 'All GPUs', explain: 'Every worker sees all GPUs of its node (one worker drives several GPUs).' },
  {
    value: 'per-gpu',
    label: 'One worker per GPU',
    explain: 'Each worker gets one GPU (CUDA_VISIBLE_DEVICES from its slot), so a node runs as many workers as it has GPUs.',
  },
];

export interface EnvRow {
  key: string;
  value: string;
}

/** Everything the wizard asks, as typed: numbers and lists stay strings until buildDeploySpec. */
export interface FleetForm {
  projectId: string;
  targetId: string;
  name: string;
  brokerKind: 'rabbitmq' | 'redis';
  brokerImage: string;
  brokerPorts: string;
  backendImage: string;
  backendPorts: string;
  workerImage: string;
  command: string;
  env: EnvRow[];
  concurrency: string;
  queues: string;
  scratchVolume: string;
  gpu: GpuAssignment;
  gpusPerNode: string;
  replicas: string;
  global: boolean;
  constraints: string;
  pinToManagers: boolean;
  slurmSetup: string;
  slurmCpus: string;
  slurmMem: string;
  slurmTime: string;
  slurmPartition: string;
  slurmGpus: string;
  slurmBrokerUrl: string;
  slurmBackendUrl: string;
  monitorKind: 'none' | 'rabbitmq' | 'redis';
  monitorUrl: string;
  monitorUser: string;
  monitorViaTunnel: boolean;
}

// BigChem's defaults (notes B1, B8): the wizard starts from a fleet that works as is.
export const BROKER_IMAGES = { rabbitmq: 'rabbitmq:3.11-management-alpine', redis: 'redis:7-alpine' } as const;
export const DEFAULT_WORKER_COMMAND = 'celery -A bigchem.tasks worker --without-heartbeat --without-mingle --without-gossip --loglevel=INFO';

export function defaultFleetForm(projectId: string, targetId: string): FleetForm {
  return {
    projectId,
    targetId,
    name: '',
    brokerKind: 'rabbitmq',
    brokerImage: BROKER_IMAGES.rabbitmq,
    brokerPorts: '',
    backendImage: 'redis:7-alpine',
    backendPorts: '',
    workerImage: 'mtzgroup/bigchem-worker:latest',
    command: DEFAULT_WORKER_COMMAND,
    env: [],
    concurrency: '1',
    queues: '',
    scratchVolume: 'scratch',
    gpu: 'none',
    gpusPerNode: '1',
    replicas: '1',
    global: false,
    constraints: '',
    pinToManagers: true,
    slurmSetup: '',
    slurmCpus: '1',
    slurmMem: '4G',
    slurmTime: '',
    slurmPartition: '',
    slurmGpus: '0',
    slurmBrokerUrl: '',
    slurmBackendUrl: '',
    monitorKind: 'none',
    monitorUrl: '',
    monitorUser: 'guest',
    monitorViaTunnel: false,
  };
}

/**
 * A command line → argv the way a POSIX shell splits words (no expansion): blanks separate words, '…' is literal,
 * "…" keeps blanks and honours \" \\ \$ \`, a backslash outside quotes escapes the next character.
 */
export function splitCommandLine(line: string): { argv: string[]; error: string | null } {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < line.length) word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return { argv: [], error: `unterminated ${quote === '"' ? 'double' : 'single'} quote` };
  if (inWord) argv.push(word);
  return { argv, error: null };
}

export interface FleetErrors {
  /** Field key (the spec path without "spec." and without list indices, e.g. "workers.image") → message. */
  fields: Record<string, string>;
  form: string | null;
}
export const NO_FLEET_ERRORS: FleetErrors = { fields: {}, form: null };

const GROUPS = new Set(['broker', 'backend', 'workers', 'slurm', 'monitor']);

/** "spec.workers.env.FOO" → "workers.env"; "spec.broker.ports.1" → "broker.ports"; "targetId" → "targetId". */
export function fleetFieldOfPath(path: string): string {
  const parts = path.split(/[.[\]]/).filter((p) => p && p !== 'params' && p !== 'spec');
  if (parts.length === 0) return '';
  return GROUPS.has(parts[0]!) && parts[1] ? `${parts[0]}.${parts[1]}` : parts[0]!;
}

/**
 * The core's error → messages next to the wizard's fields. The router's INVALID_INPUT reads
 * "fleets.previewDeploy: spec.name: a fleet name is …; spec.workers.concurrency: …"; a handler may instead name
 * the field in details.field. `known` lists the fields the form shows; the rest become the form error. A taken
 * name (CONFLICT) goes under the name field when the form has one.
 */
export function splitFleetErrors(err: Pick<ApiError, 'code' | 'message' | 'details'>, known: ReadonlySet<string>): FleetErrors {
  const fieldOf = (path: string) => {
    const f = fleetFieldOfPath(path);
    return known.has(f) ? f : null;
  };
  return splitPathErrors(err, fieldOf, known.has('name') ? 'name' : undefined);
}

const WHOLE = /^\d+$/;

/** Splits on commas, blanks or new lines; empty parts dropped. */
export const splitList = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);
const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter(Boolean);

/** The env rows → a record; blank rows are skipped, a value without a key is an error. */
export function envRecord(rows: readonly EnvRow[]): { env: Record<string, string>; error: string | null } {
  const env: Record<string, string> = {};
  for (const r of rows) {
    const key = r.key.trim();
    if (!key && !r.value) continue;
    if (!key) return { env, error: 'a value without a variable name' };
    if (key in env) return { env, error: `${key} is set twice` };
    env[key] = r.value;
  }
  return { env, error: null };
}

/** Form → the deploy spec (+ gpuCount for per-GPU workers), with the checks that need no core: numbers, lists, argv. */
export function buildDeploySpec(f: FleetForm, kind: FleetTargetKind | null): { spec: FleetDeploySpec | null; gpuCount?: number; errors: FleetErrors } {
  const fields: Record<string, string> = {};
  const int = (v: string, field: string, what: string, min: number, max: number): number => {
    const t = v.trim();
    if (!WHOLE.test(t) || Number(t) < min || Number(t) > max) fields[field] = `${what}: a whole number from ${min} to ${max}`;
    return Number(t);
  };
  const ports = (v: string, field: string): number[] => {
    const list = splitList(v);
    if (list.some((p) => !WHOLE.test(p) || Number(p) < 1 || Number(p) > 65535)) fields[field] = 'port numbers 1–65535, separated by commas';
    return list.map(Number);
  };
  const cmd = splitCommandLine(f.command);
  if (cmd.error) fields['workers.command'] = cmd.error;
  const env = envRecord(f.env);
  if (env.error) fields['workers.env'] = env.error;
  const perGpu = f.gpu === 'per-gpu';
  const gpusPerNode = perGpu ? int(f.gpusPerNode, 'gpuCount', 'GPUs per node', 1, 64) : undefined;
  const slurm = kind === 'slurm';
  const spec: FleetDeploySpec = {
    projectId: f.projectId,
    targetId: f.targetId,
    name: f.name.trim(),
    broker: { kind: f.brokerKind, image: f.brokerImage.trim(), ports: ports(f.brokerPorts, 'broker.ports') },
    backend: { image: f.backendImage.trim(), ports: ports(f.backendPorts, 'backend.ports') },
    workers: {
      image: f.workerImage.trim(),
      command: cmd.argv,
      env: env.env,
      concurrency: int(f.concurrency, 'workers.concurrency', 'Concurrency', 0, 1024),
      queues: splitList(f.queues),
      scratchVolume: f.scratchVolume.trim() || null,
      gpu: f.gpu,
      // Per-GPU workers: one per GPU of each node, so the replicas are the GPUs per node.
      replicas: perGpu ? (gpusPerNode ?? 1) : int(f.replicas, 'workers.replicas', 'Replicas', 0, 10_000),
      global: kind === 'swarm' && f.global,
      constraints: kind === 'swarm' ? lines(f.constraints) : [],
    },
    pinServicesToManager: kind === 'swarm' ? f.pinToManagers : true,
    monitor:
      f.monitorKind === 'none'
        ? null
        : { kind: f.monitorKind, url: f.monitorUrl.trim(), username: f.monitorUser.trim(), viaTunnel: slurm && f.monitorViaTunnel },
  };
  if (slurm) {
    spec.slurm = {
      setup: f.slurmSetup.split('\n').filter((l) => l.trim()),
      cpusPerTask: int(f.slurmCpus, 'slurm.cpusPerTask', 'CPUs per task', 1, 4096),
      mem: f.slurmMem.trim(),
      ...(f.slurmTime.trim() ? { time: f.slurmTime.trim() } : {}),
      ...(f.slurmPartition.trim() ? { partition: f.slurmPartition.trim() } : {}),
      gpusPerTask: int(f.slurmGpus, 'slurm.gpusPerTask', 'GPUs per task', 0, 64),
      brokerUrl: f.slurmBrokerUrl.trim(),
      backendUrl: f.slurmBackendUrl.trim(),
    };
  }
  if (Object.keys(fields).length) return { spec: null, errors: { fields, form: null } };
  return { spec, ...(gpusPerNode !== undefined && kind !== 'slurm' ? { gpuCount: gpusPerNode } : {}), errors: NO_FLEET_ERRORS };
}

export type WizardStep = 'where' | 'services' | 'workers' | 'monitor';
export const WIZARD_STEPS: readonly { id: WizardStep; label: string }[] = [
  { id: 'where', label: 'Target and name' },
  { id: 'services', label: 'Broker and backend' },
  { id: 'workers', label: 'Workers' },
  { id: 'monitor', label: 'Monitoring' },
];

/** The step whose form shows a field, so an error from the core brings the researcher there. */
export function stepOfField(field: string): WizardStep {
  if (field === 'projectId' || field === 'targetId' || field === 'name') return 'where';
  if (field.startsWith('broker.') || field.startsWith('backend.') || field === 'pinServicesToManager') return 'services';
  if (field.startsWith('monitor') ) return 'monitor';
  return 'workers';
}

/** Every field key the wizard can show an error next to. */
export const FLEET_FIELDS: ReadonlySet<string> = new Set([
  'projectId',
  'targetId',
  'name',
  'broker.kind',
  'broker.image',
  'broker.ports',
  'backend.image',
  'backend.ports',
  'workers.image',
  'workers.command',
  'workers.env',
  'workers.concurrency',
  'workers.queues',
  'workers.scratchVolume',
  'workers.gpu',
  'workers.replicas',
  'workers.global',
  'workers.constraints',
  'pinServicesToManager',
  'gpuCount',
  'slurm.setup',
  'slurm.cpusPerTask',
  'slurm.mem',
  'slurm.time',
  'slurm.partition',
  'slurm.gpusPerTask',
  'slurm.brokerUrl',
  'slurm.backendUrl',
  'monitor.kind',
  'monitor.url',
  'monitor.username',
  'monitor.viaTunnel',
  'monitorPassword',
]);

const FLEET_TONES: Record<Fleet['state'], Tone> = {
  deploying: 'pending',
  running: 'success',
  degraded: 'warning',
  unreachable: 'warning',
  failed: 'danger',
  removing: 'pending',
  removed: 'neutral',
};
export const fleetTone = (s: Fleet['state']): Tone => FLEET_TONES[s];

/** Member states from the engine or SLURM (free text) → a badge tone. */
export function memberTone(state: string): Tone {
  const s = state.toLowerCase();
  if (s === 'running' || s === 'completed') return 'success';
  if (s === 'pending' || s === 'created' || s === 'starting' || s === 'preparing' || s === 'assigned' || s === 'restarting') return 'pending';
  if (s === 'exited' || s === 'failed' || s === 'dead' || s === 'rejected' || s === 'oom') return 'danger';
  return 'neutral';
}

/** The compose tab deploys like `docker compose up` locally and like `docker stack deploy` on a Swarm. */
export const composeModeOf = (kind: FleetTargetKind): 'compose' | 'stack' => (kind === 'swarm' ? 'stack' : 'compose');
