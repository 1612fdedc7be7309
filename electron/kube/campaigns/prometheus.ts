// GPU utilisation of window pods from a Prometheus server (on NRP Nautilus: https://prometheus.nrp-nautilus.io,
// public query API), as exported by NVIDIA's dcgm-exporter: the gauge DCGM_FI_DEV_GPU_UTIL (0–100, one series per
// GPU) with the workload's `namespace`, `pod` and `container` labels. When the exporter is scraped through a
// ServiceMonitor/PodMonitor with honorLabels false, Prometheus renames those to `exported_namespace`,
// `exported_pod` and `exported_container` (the target's own namespace/pod win), so every query asks for both forms
// in one round trip: `A or label_replace(B)`; `or` keeps a pod from A when both have it.
//
// Only the HTTP API's documented shapes are relied on: {status: "success", data: {resultType, result}} and
// {status: "error", errorType, error}. Sample values are strings; "NaN", "+Inf" and "-Inf" are dropped.
import { ApiError } from '../../../shared/errors.js';
import { promApiUrl, promData, promError, promRequest, secondsOf } from '../../core/prometheus-http.js';

export const GPU_UTIL_METRIC = 'DCGM_FI_DEV_GPU_UTIL';

export interface PrometheusOptions {
  /** Injected fetch (tests); defaults to the global one. */
  fetch?: typeof fetch;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** For a Prometheus behind an authenticating proxy; NRP's public endpoint needs none. */
  bearerToken?: string;
}

export interface UtilPoint {
  /** Milliseconds since the epoch. */
  t: number;
  /** Percent, 0–100. */
  util: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const SETTINGS_HINT = "check the Prometheus URL in the cluster's settings";

/** A PromQL double-quoted string literal: backslash, double quote and control characters escaped. */
export function promString(value: string): string {
  const escaped = value.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? c);
  return `"${escaped}"`;
}

/**
 * Mean GPU utilisation per pod (a pod with several GPUs gets their mean), keyed by `pod`, for the pods of
 * `namespace` whose name fully matches `podRegex` (RE2, anchored by Prometheus).
 */
export function gpuUtilQuery(namespace: string, podRegex: string): string {
  const ns = promString(namespace);
  const re = promString(podRegex);
  const direct = `avg by (pod) (${GPU_UTIL_METRIC}{namespace=${ns}, pod=~${re}})`;
  const exported = `avg by (pod) (label_replace(${GPU_UTIL_METRIC}{exported_namespace=${ns}, exported_pod=~${re}}, "pod", "$1", "exported_pod", "(.*)"))`;
  return `${direct} or ${exported}`;
}

/** Current utilisation per pod: ONE instant query (`/api/v1/query`). Pods without a finite sample are absent. */
export async function gpuUtilByPod(baseUrl: string, namespace: string, podRegex: string, opts: PrometheusOptions = {}): Promise<Map<string, number>> {
  checkArgs(namespace, podRegex);
  const data = await promGet(baseUrl, '/api/v1/query', { query: gpuUtilQuery(namespace, podRegex) }, opts);
  if (data.resultType !== 'vector') throw unexpected(baseUrl, `a "${String(data.resultType)}" result where a vector was expected`);
  const out = new Map<string, number>();
  for (const s of asArray(data.result)) {
    const pod = podLabel(s);
    const v = sampleValue((s as { value?: unknown }).value);
    if (pod !== undefined && v !== undefined) out.set(pod, v);
  }
  return out;
}

/**
 * Utilisation history per pod for charts: ONE range query (`/api/v1/query_range`) from `start` to `end` every
 * `stepSeconds`. Points with NaN/±Inf values are dropped; pods with no point left are absent.
 */
export async function gpuUtilHistory(
  baseUrl: string,
  namespace: string,
  podRegex: string,
  start: Date | number,
  end: Date | number,
  stepSeconds: number,
  opts: PrometheusOptions = {},
): Promise<Map<string, UtilPoint[]>> {
  checkArgs(namespace, podRegex);
  const startS = epochSeconds(start, 'start');
  const endS = epochSeconds(end, 'end');
  if (!(endS >= startS)) throw new ApiError('INVALID_INPUT', 'end: must not be before start', { field: 'end' });
  if (!Number.isFinite(stepSeconds) || stepSeconds <= 0) throw new ApiError('INVALID_INPUT', 'stepSeconds: must be a positive number of seconds', { field: 'stepSeconds' });
  // Prometheus refuses more than 11,000 points per series; widen the step rather than fail.
  const step = Math.max(stepSeconds, Math.ceil((endS - startS) / 11_000));
  const data = await promGet(baseUrl, '/api/v1/query_range', { query: gpuUtilQuery(namespace, podRegex), start: String(startS), end: String(endS), step: String(step) }, opts);
  if (data.resultType !== 'matrix') throw unexpected(baseUrl, `a "${String(data.resultType)}" result where a matrix was expected`);
  const out = new Map<string, UtilPoint[]>();
  for (const s of asArray(data.result)) {
    const pod = podLabel(s);
    if (pod === undefined) continue;
    const points: UtilPoint[] = [];
    for (const pair of asArray((s as { values?: unknown }).values)) {
      const v = sampleValue(pair);
      const t = Array.isArray(pair) ? Number(pair[0]) : NaN;
      if (v !== undefined && Number.isFinite(t)) points.push({ t: Math.round(t * 1000), util: v });
    }
    if (points.length) out.set(pod, [...(out.get(pod) ?? []), ...points].sort((a, b) => a.t - b.t));
  }
  return out;
}

// ---- internals ---------------------------------------------------------------------------------------------------

interface PromData {
  resultType?: unknown;
  result?: unknown;
}

function checkArgs(namespace: string, podRegex: string): void {
  if (!namespace) throw new ApiError('INVALID_INPUT', 'namespace: required', { field: 'namespace' });
  if (!podRegex) throw new ApiError('INVALID_INPUT', 'podRegex: required (".+" for every pod)', { field: 'podRegex' });
}

function epochSeconds(v: Date | number, field: string): number {
  const s = v instanceof Date ? v.getTime() / 1000 : v;
  if (!Number.isFinite(s)) throw new ApiError('INVALID_INPUT', `${field}: not a valid time`, { field });
  return s;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function podLabel(series: unknown): string | undefined {
  const pod = (series as { metric?: Record<string, unknown> } | null)?.metric?.pod;
  return typeof pod === 'string' && pod ? pod : undefined;
}

/** `[<unix seconds>, "<value>"]` → a finite number, or undefined for NaN, ±Inf and anything malformed. */
function sampleValue(pair: unknown): number | undefined {
  if (!Array.isArray(pair) || typeof pair[1] !== 'string') return undefined;
  const v = Number(pair[1]);
  return Number.isFinite(v) ? v : undefined;
}

function unexpected(baseUrl: string, what: string): ApiError {
  return new ApiError('REMOTE_FAILED', `Prometheus at ${baseUrl} answered with ${what}`);
}

function apiUrl(baseUrl: string, path: string, params: Record<string, string>): URL {
  const url = promApiUrl(baseUrl, path, params);
  if (url === 'not-a-url') {
    throw new ApiError('INVALID_INPUT', `"${baseUrl}" is not a URL; ${SETTINGS_HINT} (e.g. https://prometheus.nrp-nautilus.io)`, { field: 'prometheusUrl' });
  }
  if (url === 'not-http') throw new ApiError('INVALID_INPUT', `"${baseUrl}" is not an http(s) URL; ${SETTINGS_HINT}`, { field: 'prometheusUrl' });
  return url;
}

async function promGet(baseUrl: string, path: string, params: Record<string, string>, opts: PrometheusOptions): Promise<PromData> {
  const url = apiUrl(baseUrl, path, params);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const reply = await promRequest(url, { ...opts, timeoutMs });
  if (reply.kind === 'timeout') {
    throw new ApiError('UNAVAILABLE', `Prometheus at ${baseUrl} did not answer within ${secondsOf(timeoutMs)} s; ${SETTINGS_HINT}`);
  }
  if (reply.kind === 'unreachable') throw new ApiError('UNAVAILABLE', `Prometheus at ${baseUrl} cannot be reached (${reply.reason}); ${SETTINGS_HINT}`);
  const { status, contentType, body } = reply;
  const rejected = promError(body);
  if (rejected) {
    const { errorType, error } = rejected;
    throw new ApiError('REMOTE_FAILED', `Prometheus at ${baseUrl} rejected the query (${errorType}): ${error}`, { errorType, httpStatus: String(status) });
  }
  if (status === 401 || status === 403) {
    throw new ApiError(status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', `Prometheus at ${baseUrl} refused the request (HTTP ${status}); check the Prometheus URL and token in the cluster's settings`);
  }
  const data = promData(body);
  if (!data) {
    const what = contentType ? `${contentType.split(';')[0]}` : 'no content type';
    throw new ApiError('UNAVAILABLE', `${baseUrl} did not answer like a Prometheus server (HTTP ${status}, ${what}); ${SETTINGS_HINT}`, { httpStatus: String(status) });
  }
  return data;
}
