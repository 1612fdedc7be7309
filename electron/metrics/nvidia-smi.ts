// nvidia-smi output → GPU samples. SimDeck runs the query below on a node (over SSH for SLURM, `kubectl exec` /
// `docker exec` for pods and containers) and parses what comes back. The parser never throws: whatever it cannot
// read becomes a line in `problems` (shown beside the chart) and the row is skipped, so one odd GPU or a driver
// message never hides the others.
//
// Accepted, beyond the plain `--format=csv,noheader,nounits` output:
// - `[N/A]`, `[Not Supported]`, `N/A`, empty fields → null (other bracketed values such as `[Unknown Error]` or
//   `[GPU is lost]` → null plus a problem);
// - a header line (`--format=csv` without noheader): its column names decide the column order;
// - units (`87 %`, `31245 MiB`, `312.45 W`) when nounits was not honoured;
// - Windows line endings, blank lines, a trailing newline or none;
// - rows with too many or too few columns (problem, row skipped);
// - driver messages instead of a table ("No devices were found", "NVIDIA-SMI has failed …": problem, no GPUs).
// MIG: with MIG enabled the query still reports one row per physical GPU, with utilization [N/A]. The instances are
// listed by `nvidia-smi -L` (parseNvidiaSmiList) and attached to their GPU with attachMig.

/** The fields of the GPU query, in the order SimDeck asks for them. */
export const GPU_QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'utilization.gpu',
  'utilization.memory',
  'memory.used',
  'memory.total',
  'power.draw',
  'power.limit',
  'temperature.gpu',
] as const;
export type GpuQueryField = (typeof GPU_QUERY_FIELDS)[number];

/** argv of the GPU query (no shell needed). */
export const nvidiaSmiQueryArgs = (): string[] => [`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];

/** The GPU query as one command line, for a remote shell (`ssh node …`, `kubectl exec … -- sh -c …`). */
export const nvidiaSmiQueryCommand = (): string => ['nvidia-smi', ...nvidiaSmiQueryArgs()].join(' ');

/** Lists GPUs and, when MIG is enabled, their MIG devices (parseNvidiaSmiList). */
export const NVIDIA_SMI_LIST_COMMAND = 'nvidia-smi -L';

export interface MigInstance {
  /** The GPU instance profile, e.g. `1g.5gb`, `3g.40gb`. */
  profile: string;
  /** The MIG device number within its GPU (`Device  0`). */
  device: number;
  /** `MIG-<uuid>` (R470+) or `MIG-GPU-<uuid>/<gi>/<ci>` (R450/R460). */
  uuid: string;
}

export interface GpuSample {
  index: number;
  uuid: string | null;
  name: string | null;
  /** utilization.gpu, %. null under MIG, or when not supported. */
  utilGpu: number | null;
  /** utilization.memory (memory controller busy), %. */
  utilMemory: number | null;
  memUsedMiB: number | null;
  memTotalMiB: number | null;
  powerDrawW: number | null;
  powerLimitW: number | null;
  temperatureC: number | null;
  /** MIG devices of this GPU, when attachMig found some. */
  mig?: MigInstance[];
}

export interface NvidiaSmiResult {
  gpus: GpuSample[];
  problems: string[];
}

type NumericField = Exclude<GpuQueryField, 'index' | 'uuid' | 'name'>;

/** Field → sample property and the units nvidia-smi prints for it when nounits is not honoured. */
const NUMERIC: Record<NumericField, { key: keyof GpuSample; units: readonly string[] }> = {
  'utilization.gpu': { key: 'utilGpu', units: ['%'] },
  'utilization.memory': { key: 'utilMemory', units: ['%'] },
  'memory.used': { key: 'memUsedMiB', units: ['MiB'] },
  'memory.total': { key: 'memTotalMiB', units: ['MiB'] },
  'power.draw': { key: 'powerDrawW', units: ['W'] },
  'power.limit': { key: 'powerLimitW', units: ['W'] },
  'temperature.gpu': { key: 'temperatureC', units: ['C', '°C'] },
};

const NULL_VALUES = new Set(['', 'n/a', '[n/a]', '[not supported]', 'not supported', '[not available]']);
/** Driver messages printed instead of (or before) the table. */
const DRIVER_MESSAGES = [
  /^no devices were found/i,
  /^nvidia-smi has failed/i,
  /^failed to initialize nvml/i,
  /^unable to determine the device handle/i,
  /^nvml: driver\/library version mismatch/i,
  /command not found|not recognized as an internal or external command|no such file or directory/i,
];

/** Header column → field: `utilization.gpu [%]` → `utilization.gpu`. */
const headerField = (col: string) => col.replace(/\s*\[[^\]]*\]\s*$/, '').trim().toLowerCase();

const splitLines = (text: string) => text.split(/\r\n|\r|\n/);

/**
 * One value: null for the N/A family, a number (units stripped when they are the field's), or a problem.
 * Returns [value, problem?].
 */
function parseValue(raw: string, field: NumericField): [number | null, string?] {
  const s = raw.trim();
  if (NULL_VALUES.has(s.toLowerCase())) return [null];
  if (/^\[.*\]$/.test(s)) return [null, `${field} is ${s}`];
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([^\d\s]*)$/.exec(s);
  if (!m) return [null, `${field}: cannot read "${s}"`];
  const unit = m[2] ?? '';
  if (unit && !NUMERIC[field].units.includes(unit)) return [null, `${field}: unexpected unit in "${s}"`];
  const v = Number(m[1]);
  return Number.isFinite(v) ? [v] : [null, `${field}: cannot read "${s}"`];
}

const textOrNull = (s: string | undefined) => {
  const t = (s ?? '').trim();
  return NULL_VALUES.has(t.toLowerCase()) || /^\[.*\]$/.test(t) ? null : t;
};

/** Parses the output of nvidiaSmiQueryCommand (or the same query with a header and units). Never throws. */
export function parseNvidiaSmiQuery(text: string): NvidiaSmiResult {
  const gpus: GpuSample[] = [];
  const problems: string[] = [];
  let columns: readonly string[] = GPU_QUERY_FIELDS;
  const seen = new Set<number>();
  splitLines(text ?? '').forEach((line, i) => {
    const where = `line ${i + 1}`;
    const trimmed = line.trim();
    if (!trimmed) return;
    if (DRIVER_MESSAGES.some((re) => re.test(trimmed))) {
      problems.push(`nvidia-smi: ${trimmed}`);
      return;
    }
    const cells = line.split(',').map((c) => c.trim());
    // A header (from --format=csv): it names the columns, so use its order for the following rows.
    const fields = cells.map(headerField);
    if (fields.includes('index') && fields.every((f) => /^[a-z_]+(?:\.[a-z_]+)*$/.test(f))) {
      const missing = GPU_QUERY_FIELDS.filter((f) => !fields.includes(f));
      if (missing.length > 0) problems.push(`${where}: the header has no ${missing.join(', ')} column`);
      columns = fields;
      return;
    }
    if (cells.length !== columns.length) {
      problems.push(`${where}: expected ${columns.length} columns, found ${cells.length}; row skipped: ${trimmed.slice(0, 200)}`);
      return;
    }
    const byField = new Map<string, string>();
    columns.forEach((f, c) => byField.set(f, cells[c] ?? ''));
    const indexText = byField.get('index') ?? '';
    if (!/^\d+$/.test(indexText)) {
      problems.push(`${where}: no GPU index ("${indexText.slice(0, 40)}"); row skipped: ${trimmed.slice(0, 200)}`);
      return;
    }
    const index = Number(indexText);
    if (seen.has(index)) {
      problems.push(`${where}: GPU ${index} appears twice; the second row is skipped`);
      return;
    }
    seen.add(index);
    const sample: GpuSample = {
      index,
      uuid: textOrNull(byField.get('uuid')),
      name: textOrNull(byField.get('name')),
      utilGpu: null,
      utilMemory: null,
      memUsedMiB: null,
      memTotalMiB: null,
      powerDrawW: null,
      powerLimitW: null,
      temperatureC: null,
    };
    for (const field of Object.keys(NUMERIC) as NumericField[]) {
      const raw = byField.get(field);
      if (raw === undefined) continue;
      const [v, problem] = parseValue(raw, field);
      if (problem) problems.push(`GPU ${index}: ${problem}`);
      (sample as unknown as Record<string, number | null>)[NUMERIC[field].key] = v;
    }
    gpus.push(sample);
  });
  return { gpus, problems };
}

export interface ListedGpu {
  index: number;
  name: string;
  uuid: string | null;
  mig: MigInstance[];
}

const GPU_LINE = /^GPU\s+(\d+):\s*(.*?)\s*(?:\(UUID:\s*([^)\s]+)\s*\))?\s*$/;
const MIG_LINE = /^MIG\s+(\S+)\s+Device\s+(\d+):\s*\(UUID:\s*([^)\s]+)\s*\)\s*$/;

/**
 * `nvidia-smi -L`:
 *   GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-…)
 *     MIG 1g.5gb      Device  0: (UUID: MIG-…)
 * Never throws; unknown lines become problems.
 */
export function parseNvidiaSmiList(text: string): { gpus: ListedGpu[]; problems: string[] } {
  const gpus: ListedGpu[] = [];
  const problems: string[] = [];
  splitLines(text ?? '').forEach((line, i) => {
    const trimmed = line.trim();
    if (!trimmed) return;
    const g = GPU_LINE.exec(trimmed);
    if (g) {
      gpus.push({ index: Number(g[1]), name: g[2] ?? '', uuid: g[3] ?? null, mig: [] });
      return;
    }
    const m = MIG_LINE.exec(trimmed);
    if (m) {
      const gpu = gpus[gpus.length - 1];
      if (!gpu) problems.push(`line ${i + 1}: a MIG device before any GPU: ${trimmed}`);
      else gpu.mig.push({ profile: m[1] ?? '', device: Number(m[2]), uuid: m[3] ?? '' });
      return;
    }
    problems.push(DRIVER_MESSAGES.some((re) => re.test(trimmed)) ? `nvidia-smi: ${trimmed}` : `line ${i + 1}: not understood: ${trimmed.slice(0, 200)}`);
  });
  return { gpus, problems };
}

/** Copies the MIG devices of `nvidia-smi -L` onto the samples of the same GPU (matched by UUID, else by index). */
export function attachMig(samples: GpuSample[], listed: ListedGpu[]): GpuSample[] {
  return samples.map((s) => {
    const l = listed.find((g) => (s.uuid && g.uuid ? g.uuid === s.uuid : g.index === s.index));
    return l && l.mig.length > 0 ? { ...s, mig: l.mig } : s;
  });
}
