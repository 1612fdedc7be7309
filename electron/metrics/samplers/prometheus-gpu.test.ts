// The Prometheus (dcgm-exporter) GPU sampler against a tiny HTTP server that answers like Prometheus's query API.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import { prometheusGpuQuery, samplePrometheusGpus } from './prometheus-gpu.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let base: string;
let handler: Handler;
const seen: URL[] = [];

const T = 1_718_000_000.123;
const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const vector = (result: unknown[]) => ({ status: 'success', data: { resultType: 'vector', result } });

/** dcgm-exporter's labels for a GPU of node `host` (as scraped with honorLabels: true, i.e. no renaming). */
const gpuLabels = (host: string, gpu: number, extra: Record<string, string> = {}) => ({
  gpu: String(gpu),
  UUID: `GPU-${host}-${gpu}`,
  device: `nvidia${gpu}`,
  modelName: 'NVIDIA A100-SXM4-40GB',
  Hostname: host,
  DCGM_FI_DRIVER_VERSION: '535.104.05',
  instance: `10.0.0.${host.length}:9400`,
  job: 'gpu-metrics',
  ...extra,
});
const series = (name: string, labels: Record<string, string>, v: string) => ({ metric: { __name__: name, ...labels }, value: [T, v] });
const all = (labels: Record<string, string>, v: { util: string; mem: string; used: string; free: string; power: string; temp: string }) => [
  series('DCGM_FI_DEV_GPU_UTIL', labels, v.util),
  series('DCGM_FI_DEV_MEM_COPY_UTIL', labels, v.mem),
  series('DCGM_FI_DEV_FB_USED', labels, v.used),
  series('DCGM_FI_DEV_FB_FREE', labels, v.free),
  series('DCGM_FI_DEV_POWER_USAGE', labels, v.power),
  series('DCGM_FI_DEV_GPU_TEMP', labels, v.temp),
];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(new URL(req.url ?? '/', 'http://x'));
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  seen.length = 0;
});

describe('prometheusGpuQuery', () => {
  it('asks for every DCGM metric at once; filters on both label forms, the pod prefix matched literally', () => {
    expect(prometheusGpuQuery()).toBe(
      '{__name__=~"DCGM_FI_DEV_GPU_UTIL|DCGM_FI_DEV_MEM_COPY_UTIL|DCGM_FI_DEV_FB_USED|DCGM_FI_DEV_FB_FREE|DCGM_FI_DEV_FB_RESERVED|DCGM_FI_DEV_POWER_MGMT_LIMIT|DCGM_FI_DEV_POWER_USAGE|DCGM_FI_DEV_GPU_TEMP"}',
    );
    const q = prometheusGpuQuery({ namespace: 'lab"x', podPrefix: 'umb.w' });
    expect(q).toContain('namespace="lab\\"x", pod=~"umb\\\\.w.*"}');
    expect(q).toContain(' or {__name__=~');
    expect(q).toContain('exported_namespace="lab\\"x", exported_pod=~"umb\\\\.w.*"}');
    expect(prometheusGpuQuery({ podPrefix: 'w-' })).not.toContain('namespace=');
  });
});

describe('samplePrometheusGpus', () => {
  it('groups per node, GPU and pod; NaN and missing metrics give null; total memory is used + free', async () => {
    handler = (_req, res) =>
      json(
        res,
        200,
        vector([
          ...all(gpuLabels('gpu-a01', 0, { pod: 'umb-w-1', namespace: 'lab', container: 'worker' }), {
            util: '87',
            mem: '41',
            used: '30210',
            free: '10750',
            power: '312.55',
            temp: '61',
          }),
          // MIG / not supported: utilization is NaN; no FB_FREE, so no total; no temperature series at all.
          series('DCGM_FI_DEV_GPU_UTIL', gpuLabels('gpu-a01', 1), 'NaN'),
          series('DCGM_FI_DEV_FB_USED', gpuLabels('gpu-a01', 1), '10'),
          series('DCGM_FI_DEV_POWER_USAGE', gpuLabels('gpu-a01', 1), '+Inf'),
          // Older exporter + ServiceMonitor (honorLabels false): exporter labels renamed, target's own kept.
          ...all(
            gpuLabels('gpu-b02', 3, {
              pod: 'nvidia-dcgm-exporter-x7k2p',
              namespace: 'gpu-operator',
              container: 'nvidia-dcgm-exporter',
              exported_pod: 'umb-w-2',
              exported_namespace: 'lab',
              exported_container: 'worker',
              job: 'nvidia-dcgm-exporter',
              instance: '10.0.1.7:9400',
            }),
            { util: '12', mem: '3', used: '2210', free: '38750', power: '88.1', temp: '44' },
          ),
          // The same scrape target, an idle GPU: `pod` is the exporter's own, so the GPU is unattributed.
          series(
            'DCGM_FI_DEV_GPU_UTIL',
            gpuLabels('gpu-b02', 4, { pod: 'nvidia-dcgm-exporter-x7k2p', namespace: 'gpu-operator', job: 'nvidia-dcgm-exporter', instance: '10.0.1.7:9400' }),
            '0',
          ),
          // Node from a relabelled `node` label (no Hostname).
          series('DCGM_FI_DEV_GPU_TEMP', { gpu: '0', node: 'gpu-c03', modelName: 'NVIDIA L40S' }, '35'),
          // No GPU index: ignored with a problem.
          series('DCGM_FI_DEV_GPU_UTIL', { Hostname: 'gpu-z' }, '5'),
          // Unrelated series are ignored.
          series('up', { job: 'gpu-metrics' }, '1'),
        ]),
      );
    const r = await samplePrometheusGpus({ baseUrl: `${base}/`, timeoutMs: 2000 });
    expect(seen[0]?.pathname).toBe('/api/v1/query');
    expect(seen[0]?.searchParams.get('query')).toBe(prometheusGpuQuery());
    expect(r.problems).toEqual(['1 DCGM series without a GPU index ("gpu" label) ignored']);
    expect(r.readings.map((x) => [x.node, x.gpu, x.pod, x.namespace])).toEqual([
      ['gpu-a01', 0, 'umb-w-1', 'lab'],
      ['gpu-a01', 1, null, null],
      ['gpu-b02', 3, 'umb-w-2', 'lab'],
      ['gpu-b02', 4, null, null],
      ['gpu-c03', 0, null, null],
    ]);
    expect(r.readings[0]?.sample).toEqual({
      index: 0,
      uuid: 'GPU-gpu-a01-0',
      name: 'NVIDIA A100-SXM4-40GB',
      utilGpu: 87,
      utilMemory: 41,
      memUsedMiB: 30210,
      memTotalMiB: 40960,
      powerDrawW: 312.55,
      powerLimitW: null,
      temperatureC: 61,
    });
    expect(r.readings[1]?.sample).toMatchObject({ index: 1, utilGpu: null, memUsedMiB: 10, memTotalMiB: null, powerDrawW: null, temperatureC: null });
    expect(r.readings[2]?.sample).toMatchObject({ utilGpu: 12, memTotalMiB: 40960, powerDrawW: 88.1 });
    expect(r.readings[3]?.sample.utilGpu).toBe(0);
    expect(r.readings[4]?.sample).toMatchObject({ name: 'NVIDIA L40S', uuid: null, temperatureC: 35, utilGpu: null });
  });

  it('sends the namespace / pod filter and a bearer token; an empty filtered answer is not a problem', async () => {
    const auth: (string | undefined)[] = [];
    handler = (req, res) => {
      auth.push(req.headers.authorization);
      json(res, 200, vector([]));
    };
    const r = await samplePrometheusGpus({ baseUrl: `${base}/prom`, namespace: 'lab', podPrefix: 'umb-', timeoutMs: 2000, bearerToken: 'tok' });
    expect(r).toEqual({ readings: [], problems: [] });
    expect(seen[0]?.pathname).toBe('/prom/api/v1/query');
    expect(seen[0]?.searchParams.get('query')).toBe(prometheusGpuQuery({ namespace: 'lab', podPrefix: 'umb-' }));
    expect(auth).toEqual(['Bearer tok']);
    const unfiltered = await samplePrometheusGpus({ baseUrl: base, timeoutMs: 2000 });
    expect(unfiltered.problems[0]).toMatch(/has no dcgm-exporter GPU metrics/);
  });

  it('turns a Prometheus error reply, HTTP errors, non-Prometheus answers, timeouts and refusals into problems', async () => {
    handler = (_req, res) => json(res, 400, { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:2: parse error' });
    expect(await samplePrometheusGpus({ baseUrl: base, timeoutMs: 2000 })).toEqual({
      readings: [],
      problems: [`Prometheus at ${base} rejected the query (HTTP 400, bad_data): invalid parameter "query": 1:2: parse error`],
    });

    handler = (_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('Service Unavailable');
    };
    expect((await samplePrometheusGpus({ baseUrl: base, timeoutMs: 2000 })).problems).toEqual([`Prometheus at ${base} answered HTTP 503: Service Unavailable`]);

    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    };
    expect((await samplePrometheusGpus({ baseUrl: base, timeoutMs: 2000 })).problems[0]).toMatch(/did not answer like a Prometheus server/);

    handler = (_req, res) => json(res, 200, { status: 'success', data: { resultType: 'matrix', result: [] } });
    expect((await samplePrometheusGpus({ baseUrl: base, timeoutMs: 2000 })).problems[0]).toMatch(/"matrix" result where a vector was expected/);

    handler = (_req, res) => setTimeout(() => json(res, 200, vector([])), 1000);
    expect((await samplePrometheusGpus({ baseUrl: base, timeoutMs: 100 })).problems).toEqual([`Prometheus at ${base} did not answer within 0.1 s`]);

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect((await samplePrometheusGpus({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 })).problems).toEqual([
      `Prometheus at http://127.0.0.1:${port} cannot be reached (ECONNREFUSED)`,
    ]);
  });

  it('throws ApiError only for bad arguments', async () => {
    await expect(samplePrometheusGpus({ baseUrl: 'not a url', timeoutMs: 1000 })).rejects.toBeInstanceOf(ApiError);
    await expect(samplePrometheusGpus({ baseUrl: 'ftp://x', timeoutMs: 1000 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(samplePrometheusGpus({ baseUrl: base, timeoutMs: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { field: 'timeoutMs' } });
  });
});
