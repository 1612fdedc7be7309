// The Prometheus client against a local HTTP server serving canned answers in the shapes of the Prometheus HTTP
// API docs (https://prometheus.io/docs/prometheus/latest/querying/api/): query building and escaping, the
// exported_* fallback, NaN/±Inf handling and the mapping of errors to ApiError.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import { gpuUtilByPod, gpuUtilHistory, gpuUtilQuery, promString } from './prometheus.js';

interface Seen {
  path: string;
  params: URLSearchParams;
  headers: IncomingMessage['headers'];
}

let server: Server;
let base: string;
let seen: Seen[] = [];
let reply: (req: Seen, res: ServerResponse) => void;

const json = (res: ServerResponse, code: number, body: unknown) => {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const vector = (result: unknown[]) => ({ status: 'success', data: { resultType: 'vector', result } });

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const s = { path: url.pathname, params: url.searchParams, headers: req.headers };
    seen.push(s);
    reply(s, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
});

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected an ApiError');
}

describe('PromQL building', () => {
  it('escapes backslashes, double quotes and newlines in label values', () => {
    expect(promString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(promString('pb-jm-gb3-.*')).toBe('"pb-jm-gb3-.*"');
    // A regex's own backslashes are doubled so that Prometheus sees `\.` again.
    expect(promString('pb\\.x')).toBe('"pb\\\\.x"');
  });

  it('asks for the direct labels or the exported_* ones, averaged per pod', () => {
    const q = gpuUtilQuery('openforcefield', 'pb-jm-.*');
    expect(q).toBe(
      'avg by (pod) (DCGM_FI_DEV_GPU_UTIL{namespace="openforcefield", pod=~"pb-jm-.*"}) or ' +
        'avg by (pod) (label_replace(DCGM_FI_DEV_GPU_UTIL{exported_namespace="openforcefield", exported_pod=~"pb-jm-.*"}, "pod", "$1", "exported_pod", "(.*)"))',
    );
  });
});

describe('gpuUtilByPod', () => {
  it('sends one GET /api/v1/query with the escaped query and parses the vector', async () => {
    reply = (_s, res) =>
      json(
        res,
        200,
        vector([
          { metric: { pod: 'pb-1-00-abcde' }, value: [1_700_000_000.123, '96'] },
          { metric: { pod: 'pb-1-01-fghjk' }, value: [1_700_000_000.123, '93.5'] },
          { metric: { pod: 'pb-1-02-nan' }, value: [1_700_000_000.123, 'NaN'] },
          { metric: { pod: 'pb-1-03-inf' }, value: [1_700_000_000.123, '+Inf'] },
          { metric: { pod: 'pb-1-04-ninf' }, value: [1_700_000_000.123, '-Inf'] },
          { metric: {}, value: [1_700_000_000.123, '50'] },
        ]),
      );
    const ns = 'we"ird\\ns';
    const m = await gpuUtilByPod(`${base}/`, ns, 'pb-1-.*', { bearerToken: 'tok' });
    expect([...m.entries()]).toEqual([
      ['pb-1-00-abcde', 96],
      ['pb-1-01-fghjk', 93.5],
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.path).toBe('/api/v1/query');
    expect(seen[0]?.params.get('query')).toBe(gpuUtilQuery(ns, 'pb-1-.*'));
    expect(seen[0]?.params.get('query')).toContain('namespace="we\\"ird\\\\ns"');
    expect(seen[0]?.headers.authorization).toBe('Bearer tok');
  });

  it('keeps a path prefix and returns the exported_* answer (label_replace gives it a pod key)', async () => {
    reply = (_s, res) => json(res, 200, vector([{ metric: { pod: 'pb-2-00-xyzab' }, value: [1_700_000_000, '97'] }]));
    const m = await gpuUtilByPod(`${base}/prometheus`, 'openforcefield', 'pb-2-.*');
    expect(m.get('pb-2-00-xyzab')).toBe(97);
    expect(seen[0]?.path).toBe('/prometheus/api/v1/query');
    expect(seen[0]?.params.get('query')).toContain('exported_namespace="openforcefield", exported_pod=~"pb-2-.*"');
    expect(seen[0]?.headers.authorization).toBeUndefined();
  });

  it('returns an empty map when nothing matches', async () => {
    reply = (_s, res) => json(res, 200, vector([]));
    expect((await gpuUtilByPod(base, 'openforcefield', 'nothing-.*')).size).toBe(0);
  });

  it('maps a bad query to REMOTE_FAILED with the text Prometheus gave', async () => {
    reply = (_s, res) => json(res, 400, { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:60: parse error: unexpected "}"' });
    const e = await apiError(gpuUtilByPod(base, 'openforcefield', 'pb-.*'));
    expect(e.code).toBe('REMOTE_FAILED');
    expect(e.message).toContain('bad_data');
    expect(e.message).toContain('parse error: unexpected "}"');
    expect(e.details).toMatchObject({ errorType: 'bad_data', httpStatus: '400' });
  });

  it('maps an execution error (422) to REMOTE_FAILED too', async () => {
    reply = (_s, res) => json(res, 422, { status: 'error', errorType: 'execution', error: 'query processing would load too many samples into memory' });
    const e = await apiError(gpuUtilByPod(base, 'openforcefield', 'pb-.*'));
    expect(e.code).toBe('REMOTE_FAILED');
    expect(e.message).toContain('too many samples');
  });

  it('maps an unreachable server to UNAVAILABLE pointing at the settings', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const e = await apiError(gpuUtilByPod(`http://127.0.0.1:${port}`, 'openforcefield', 'pb-.*'));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toContain('ECONNREFUSED');
    expect(e.message).toContain("check the Prometheus URL in the cluster's settings");
  });

  it('maps a timeout to UNAVAILABLE', async () => {
    reply = (_s, res) => setTimeout(() => json(res, 200, vector([])), 1000); // too late
    const e = await apiError(gpuUtilByPod(base, 'openforcefield', 'pb-.*', { timeoutMs: 200 }));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toContain('did not answer within 0.2 s');
  });

  it('maps a non-Prometheus answer (an HTML page) to UNAVAILABLE', async () => {
    reply = (_s, res) => {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html>Not Found</html>');
    };
    const e = await apiError(gpuUtilByPod(base, 'openforcefield', 'pb-.*'));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toContain('did not answer like a Prometheus server (HTTP 404, text/html)');
  });

  it('maps 401 from an authenticating proxy to UNAUTHORIZED', async () => {
    reply = (_s, res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end('Unauthorized');
    };
    expect((await apiError(gpuUtilByPod(base, 'openforcefield', 'pb-.*'))).code).toBe('UNAUTHORIZED');
  });

  it('refuses a malformed URL and empty arguments without a request', async () => {
    expect((await apiError(gpuUtilByPod('prometheus.nrp-nautilus.io', 'ns', '.+'))).code).toBe('INVALID_INPUT');
    expect((await apiError(gpuUtilByPod('ftp://x', 'ns', '.+'))).code).toBe('INVALID_INPUT');
    expect((await apiError(gpuUtilByPod(base, '', '.+'))).code).toBe('INVALID_INPUT');
    expect(seen).toHaveLength(0);
  });

  it('uses an injected fetch', async () => {
    const calls: string[] = [];
    const fake: typeof fetch = (input) => {
      calls.push(String(input));
      return Promise.resolve(new Response(JSON.stringify(vector([{ metric: { pod: 'p' }, value: [1, '42'] }])), { headers: { 'content-type': 'application/json' } }));
    };
    const m = await gpuUtilByPod('https://prometheus.nrp-nautilus.io', 'ns', '.+', { fetch: fake });
    expect(m.get('p')).toBe(42);
    expect(calls[0]).toMatch(/^https:\/\/prometheus\.nrp-nautilus\.io\/api\/v1\/query\?query=/);
  });
});

describe('gpuUtilHistory', () => {
  it('sends one GET /api/v1/query_range and returns per-pod series without NaN/Inf points', async () => {
    reply = (_s, res) =>
      json(res, 200, {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: { pod: 'pb-1-00-abcde' },
              values: [
                [1_700_000_000, '95'],
                [1_700_000_015, 'NaN'],
                [1_700_000_030, '97'],
              ],
            },
            { metric: { pod: 'pb-1-01-fghjk' }, values: [[1_700_000_000, '+Inf']] },
          ],
        },
      });
    const start = new Date(1_700_000_000_000);
    const m = await gpuUtilHistory(base, 'open"ff', 'pb-1-.*', start, 1_700_000_060, 15);
    expect([...m.keys()]).toEqual(['pb-1-00-abcde']);
    expect(m.get('pb-1-00-abcde')).toEqual([
      { t: 1_700_000_000_000, util: 95 },
      { t: 1_700_000_030_000, util: 97 },
    ]);
    expect(seen[0]?.path).toBe('/api/v1/query_range');
    expect(seen[0]?.params.get('query')).toBe(gpuUtilQuery('open"ff', 'pb-1-.*'));
    expect(Object.fromEntries(['start', 'end', 'step'].map((k) => [k, seen[0]?.params.get(k)]))).toEqual({ start: '1700000000', end: '1700000060', step: '15' });
  });

  it('widens the step to stay under 11,000 points and refuses a reversed range', async () => {
    reply = (_s, res) => json(res, 200, { status: 'success', data: { resultType: 'matrix', result: [] } });
    await gpuUtilHistory(base, 'ns', '.+', 0, 30 * 86_400, 1);
    expect(Number(seen[0]?.params.get('step'))).toBe(Math.ceil((30 * 86_400) / 11_000));
    expect((await apiError(gpuUtilHistory(base, 'ns', '.+', 10, 5, 1))).code).toBe('INVALID_INPUT');
  });

  it('maps errors like the instant query', async () => {
    reply = (_s, res) => json(res, 400, { status: 'error', errorType: 'bad_data', error: 'exceeded maximum resolution of 11,000 points per timeseries' });
    const e = await apiError(gpuUtilHistory(base, 'ns', '.+', 0, 60, 1));
    expect(e.code).toBe('REMOTE_FAILED');
    expect(e.message).toContain('exceeded maximum resolution');
  });
});
