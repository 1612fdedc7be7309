// GPU use of a Kubernetes cluster from its Prometheus (NVIDIA dcgm-exporter metrics), in ONE instant query
// (`GET /api/v1/query`): utilization, memory-controller use, framebuffer used/free, power and temperature of every
// GPU, grouped per node, GPU index and — when dcgm-exporter attributes the GPU to a pod — pod and namespace.
//
// dcgm-exporter labels each series with `gpu` (index), `UUID`, `device`, `modelName`, `Hostname` (the node) and,
// with Kubernetes attribution, `pod`, `namespace`, `container`. Scraped through a ServiceMonitor/PodMonitor with
// honorLabels false, Prometheus keeps its own target labels (`pod` = the exporter's pod) and renames the exporter's
// to `exported_pod`, `exported_namespace`, `exported_container`. Both forms are accepted; `exported_*` wins, and
// when one scrape target (job + instance) shows `exported_*` anywhere, its plain `pod` is the exporter's own and is
// not taken as a workload (the GPU is unattributed). A `pod` that names a dcgm-exporter pod is never a workload.
//
// Never throws for what the server does or answers (unreachable, timeout, HTTP errors, `{"status":"error"}`,
// odd series): each becomes a line in `problems`. ApiError only for bad arguments.
import { ApiError } from '../../../shared/errors.js';
import type { GpuSample } from '../nvidia-smi.js';
import { promApiUrl, promData, promError, promRequest, secondsOf } from '../../core/prometheus-http.js';

export interface PrometheusGpuOptions {
  /** Prometheus base URL; a path prefix (Prometheus behind a proxy at /prometheus) is kept. */
  baseUrl: string;
  /** Only GPUs attributed to pods of this namespace. */
  namespace?: string;
  /** Only GPUs attributed to pods whose name starts with this. */
  podPrefix?: string;
  /** For the one request. */
  timeoutMs: number;
  /** Injected fetch (tests); defaults to the global one. */
  fetch?: typeof fetch;
  /** For a Prometheus behind an authenticating proxy. */
  bearerToken?: string;
}

export interface PrometheusGpuReading {
  /** `Hostname` (dcgm-exporter), else `node` / `kubernetes_node` (relabelling), else `instance`. */
  node: string;
  gpu: number;
  /** The workload using the GPU, null when unattributed. */
  pod: string | null;
  namespace: string | null;
  sample: GpuSample;
}

export interface PrometheusGpuResult {
  readings: PrometheusGpuReading[];
  problems: string[];
}

/** dcgm-exporter metric → GpuSample field. FB_FREE / FB_RESERVED only feed memTotalMiB. */
export const DCGM_METRICS = {
  DCGM_FI_DEV_GPU_UTIL: 'utilGpu',
  DCGM_FI_DEV_MEM_COPY_UTIL: 'utilMemory',
  DCGM_FI_DEV_FB_USED: 'memUsedMiB',
  DCGM_FI_DEV_FB_FREE: null,
  // Not in dcgm-exporter's default counters, used when a deployment enables them.
  DCGM_FI_DEV_FB_RESERVED: null,
  DCGM_FI_DEV_POWER_MGMT_LIMIT: 'powerLimitW',
  DCGM_FI_DEV_POWER_USAGE: 'powerDrawW',
  DCGM_FI_DEV_GPU_TEMP: 'temperatureC',
} as const satisfies Record<string, keyof GpuSample | null>;
type DcgmMetric = keyof typeof DCGM_METRICS;

const NAMES = Object.keys(DCGM_METRICS) as DcgmMetric[];

/** A PromQL double-quoted string literal. */
export function promString(value: string): string {
  return `"${value.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? c)}"`;
}

/** RE2 metacharacters escaped, so a pod prefix is matched literally. */
const reLiteral = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The instant query: every DCGM metric above, filtered by namespace / pod prefix when given — once on the
 * exporter's own labels and once on the renamed `exported_*` ones (`or`: a series matching both is kept once).
 */
export function prometheusGpuQuery(opts: { namespace?: string; podPrefix?: string } = {}): string {
  const names = `__name__=~${promString(NAMES.join('|'))}`;
  const ns = opts.namespace?.trim();
  const prefix = opts.podPrefix?.trim();
  if (!ns && !prefix) return `{${names}}`;
  const filter = (nsLabel: string, podLabel: string) => {
    const parts = [names];
    if (ns) parts.push(`${nsLabel}=${promString(ns)}`);
    if (prefix) parts.push(`${podLabel}=~${promString(`${reLiteral(prefix)}.*`)}`);
    return `{${parts.join(', ')}}`;
  };
  return `${filter('namespace', 'pod')} or ${filter('exported_namespace', 'exported_pod')}`;
}

export async function samplePrometheusGpus(opts: PrometheusGpuOptions): Promise<PrometheusGpuResult> {
  const url = queryUrl(opts.baseUrl, prometheusGpuQuery(opts));
  if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) {
    throw new ApiError('INVALID_INPUT', 'timeoutMs: must be a positive number of milliseconds', { field: 'timeoutMs' });
  }
  const problems: string[] = [];
  const got = await fetchJson(url, opts);
  if ('problem' in got) return { readings: [], problems: [got.problem] };
  const data = got.data;
  if (data.resultType !== 'vector') {
    return { readings: [], problems: [`Prometheus at ${opts.baseUrl} answered with a "${String(data.resultType)}" result where a vector was expected`] };
  }
  const series = (Array.isArray(data.result) ? data.result : []).filter(
    (s): s is { metric: Record<string, unknown>; value?: unknown } => typeof s === 'object' && s !== null && typeof (s as { metric?: unknown }).metric === 'object' && (s as { metric?: unknown }).metric !== null,
  );

  // Scrape targets whose exporter labels were renamed: their plain `pod`/`namespace` are the exporter's.
  const renamed = new Set(series.filter((s) => str(s.metric.exported_pod) || str(s.metric.exported_namespace)).map((s) => scrapeKey(s.metric)));

  const groups = new Map<string, { reading: PrometheusGpuReading; free: number | null; reserved: number | null }>();
  let unreadable = 0;
  let noGpu = 0;
  for (const s of series) {
    const m = s.metric;
    const name = str(m.__name__) as DcgmMetric | undefined;
    if (!name || !(name in DCGM_METRICS)) continue;
    const gpuText = str(m.gpu);
    if (!gpuText || !/^\d+$/.test(gpuText)) {
      noGpu++;
      continue;
    }
    const node = str(m.Hostname) ?? str(m.node) ?? str(m.kubernetes_node) ?? str(m.instance) ?? 'unknown node';
    const gpu = Number(gpuText);
    const { pod, namespace } = workload(m, renamed.has(scrapeKey(m)));
    const key = JSON.stringify([node, gpu, pod, namespace]);
    let g = groups.get(key);
    if (!g) {
      g = { reading: { node, gpu, pod, namespace, sample: emptySample(gpu, str(m.UUID) ?? null, str(m.modelName) ?? null) }, free: null, reserved: null };
      groups.set(key, g);
    }
    g.reading.sample.uuid ??= str(m.UUID) ?? null;
    g.reading.sample.name ??= str(m.modelName) ?? null;
    const v = value(s.value);
    if (v === undefined) {
      unreadable++;
      continue;
    }
    if (v === null) continue; // NaN / ±Inf: no reading of this metric
    // A series scraped twice (two jobs) or per MIG instance: the first value wins.
    if (name === 'DCGM_FI_DEV_FB_FREE') g.free ??= v;
    else if (name === 'DCGM_FI_DEV_FB_RESERVED') g.reserved ??= v;
    else {
      const field = DCGM_METRICS[name];
      (g.reading.sample as unknown as Record<string, number | null>)[field] ??= v;
    }
  }
  if (noGpu > 0) problems.push(`${noGpu} DCGM series without a GPU index ("gpu" label) ignored`);
  if (unreadable > 0) problems.push(`${unreadable} DCGM series with an unreadable value ignored`);

  const readings = [...groups.values()].map(({ reading, free, reserved }) => {
    const used = reading.sample.memUsedMiB;
    if (used !== null && free !== null) reading.sample.memTotalMiB = used + free + (reserved ?? 0);
    return reading;
  });
  readings.sort((a, b) => a.node.localeCompare(b.node) || a.gpu - b.gpu || (a.pod ?? '').localeCompare(b.pod ?? '') || (a.namespace ?? '').localeCompare(b.namespace ?? ''));
  // Filtered by namespace / pods, an empty answer just means nothing of theirs holds a GPU right now.
  if (series.length === 0 && !opts.namespace?.trim() && !opts.podPrefix?.trim()) {
    problems.push(`Prometheus at ${opts.baseUrl} has no dcgm-exporter GPU metrics (is dcgm-exporter deployed and scraped?)`);
  }
  return { readings, problems };
}

// ---- internals ---------------------------------------------------------------------------------------------------

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const scrapeKey = (m: Record<string, unknown>) => `${str(m.job) ?? ''}\u0000${str(m.instance) ?? ''}`;

const EXPORTER_POD = /(^|-)dcgm-exporter(-|$)/;

function workload(m: Record<string, unknown>, renamedTarget: boolean): { pod: string | null; namespace: string | null } {
  const exportedPod = str(m.exported_pod);
  if (exportedPod) return { pod: exportedPod, namespace: str(m.exported_namespace) ?? null };
  if (renamedTarget || str(m.exported_namespace)) return { pod: null, namespace: null };
  const pod = str(m.pod);
  if (!pod || EXPORTER_POD.test(pod)) return { pod: null, namespace: null };
  return { pod, namespace: str(m.namespace) ?? null };
}

function emptySample(index: number, uuid: string | null, name: string | null): GpuSample {
  return { index, uuid, name, utilGpu: null, utilMemory: null, memUsedMiB: null, memTotalMiB: null, powerDrawW: null, powerLimitW: null, temperatureC: null };
}

/** `[<unix seconds>, "<value>"]` → a finite number; null for NaN/±Inf; undefined when malformed. */
function value(pair: unknown): number | null | undefined {
  if (!Array.isArray(pair) || typeof pair[1] !== 'string') return undefined;
  const t = pair[1].trim();
  if (/^[+-]?(nan|inf)$/i.test(t)) return null;
  if (t === '') return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

function queryUrl(baseUrl: string, query: string): URL {
  const url = promApiUrl(baseUrl, '/api/v1/query', { query });
  if (url === 'not-a-url') throw new ApiError('INVALID_INPUT', `"${baseUrl}" is not a URL (e.g. https://prometheus.example.org)`, { field: 'baseUrl' });
  if (url === 'not-http') throw new ApiError('INVALID_INPUT', `"${baseUrl}" is not an http(s) URL`, { field: 'baseUrl' });
  return url;
}

interface PromData {
  resultType?: unknown;
  result?: unknown;
}

async function fetchJson(url: URL, opts: PrometheusGpuOptions): Promise<{ data: PromData } | { problem: string }> {
  const where = `Prometheus at ${opts.baseUrl}`;
  const reply = await promRequest(url, opts);
  if (reply.kind === 'timeout') return { problem: `${where} did not answer within ${secondsOf(opts.timeoutMs)} s` };
  if (reply.kind === 'unreachable') return { problem: `${where} cannot be reached (${reply.reason})` };
  const { status, text, body } = reply;
  const rejected = promError(body);
  if (rejected) return { problem: `${where} rejected the query (HTTP ${status}, ${rejected.errorType}): ${rejected.error}` };
  if (status < 200 || status > 299) {
    const hint = status === 401 || status === 403 ? ' (check the URL and token)' : '';
    return { problem: `${where} answered HTTP ${status}${hint}: ${text.trim().slice(0, 200) || 'no body'}` };
  }
  const data = promData(body);
  if (!data) return { problem: `${where} did not answer like a Prometheus server (HTTP ${status}): ${text.trim().slice(0, 200) || 'no body'}` };
  return { data };
}
