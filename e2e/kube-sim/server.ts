// A Kubernetes API simulator for SimDeck's tests: plain HTTP on 127.0.0.1, bearer-token auth, JSON only.
// Serves batch/v1 Jobs, core/v1 Pods (log, exec), Events, Nodes, Secrets and Namespaces with list/watch
// semantics (resourceVersion, bookmarks, 410 Expired), discovery for kubectl, and server-side Table printing.
// The controller (controller.ts) plays scheduler, kubelet and job-controller. See README.md.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { Controller, type ControllerOptions } from './controller.js';
import { API_GROUPS, apiVersions, BATCH_GROUP, BATCH_V1, CORE_V1, VERSION } from './discovery.js';
import { ExecServer } from './exec.js';
import { serveLogs } from './logs.js';
import { parseFieldSelector, parseLabelSelector, matchesFields, matchesLabels } from './selectors.js';
import { RESOURCE_INFO, Store, type KObject, type Resource } from './store.js';
import { toTable, wantsTable, type IncludeObject } from './tables.js';
import { selfSignedCert } from './tls.js';
import { ApiError, clone, isoNow, Rng, statusFailure } from './util.js';
import { WatchHub } from './watch.js';

export interface KubeSimOptions extends ControllerOptions {
  port?: number;
  token?: string;
  seed?: number;
  /** Real ms between watch bookmarks (default 3000). */
  bookmarkMs?: number;
  /** How many changes watches can replay before 410 Expired (default 20000). */
  historyLimit?: number;
  /** Record every request (method + path + query) in `requests`, e.g. to see what kubectl asks for. */
  logRequests?: boolean;
  /**
   * Serve https with a fresh self-signed certificate (needs the openssl CLI). Required for kubectl, which sends
   * the bearer token only over TLS; the kubeconfig then carries the certificate as certificate-authority-data.
   */
  tls?: boolean;
}

export interface Faults {
  /** Cut every open watch connection abruptly. Returns how many were cut. */
  dropWatches(): number;
  /** Forget the change history: watches from any older resourceVersion get 410 Expired. */
  compact(): void;
  evict: Controller['evict'];
  crashScript: Controller['crashScript'];
  oomKill: Controller['oomKill'];
  failScheduling: Controller['failScheduling'];
}

export interface KubeSim {
  url: string;
  /** PEM of the serving certificate when started with tls. */
  caCert?: string;
  token: string;
  store: Store;
  controller: Controller;
  faults: Faults;
  watches: WatchHub;
  /** Filled when logRequests is set. */
  requests: string[];
  writeKubeconfig(path: string, opts?: { namespace?: string; context?: string }): string;
  /** Convenience for tests: a Secret (e.g. jm-rclone-config with rclone.conf). Values are plain text. */
  addSecret(namespace: string, name: string, data: Record<string, string>): void;
  close(): Promise<void>;
}

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'BadRequest', 'the request body is not valid JSON (this simulator speaks JSON only)');
  }
}

/** A label value in the Prometheus text exposition format: backslash, double quote and newline escaped. */
function promLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** GET /metrics: dcgm-exporter's DCGM_FI_DEV_GPU_UTIL for the running pods (text exposition format 0.0.4). */
function sendMetrics(res: ServerResponse, controller: Controller): void {
  const lines = ['# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).', '# TYPE DCGM_FI_DEV_GPU_UTIL gauge'];
  for (const s of controller.gpuMetrics()) {
    const labels = { gpu: String(s.gpu), UUID: s.uuid, device: `nvidia${s.gpu}`, Hostname: s.node, container: s.container, namespace: s.namespace, pod: s.pod };
    lines.push(`DCGM_FI_DEV_GPU_UTIL{${Object.entries(labels).map(([k, v]) => `${k}="${promLabel(v)}"`).join(',')}} ${s.util}`);
  }
  const text = `${lines.join('\n')}\n`;
  res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

/** JSON merge patch (RFC 7386); strategic merge patches are applied the same way, which covers labels and flags. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function invalid(kind: string, name: string, causes: string[]): ApiError {
  return new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${causes.length > 1 ? `[${causes.join(', ')}]` : causes[0]}`, {
    name,
    group: kind === 'Job.batch' ? 'batch' : '',
    kind: kind.split('.')[0],
  });
}

/** Defaults and validation the API server applies to a new Job (the checks a SimDeck launcher can trip over). */
function admitJob(job: IJob, rng: Rng): IJob {
  const name = job.metadata?.name ?? '';
  const causes: string[] = [];
  if (!NAME_RE.test(name)) {
    causes.push(
      `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  }
  if (name.length > 63) causes.push(`spec.template.labels: Invalid value: "${name}": must be no more than 63 characters`);
  const podSpec = job.spec?.template?.spec;
  if (!podSpec?.containers?.length) causes.push('spec.template.spec.containers: Required value');
  const rp = podSpec?.restartPolicy;
  if (rp !== 'OnFailure' && rp !== 'Never') causes.push(`spec.template.spec.restartPolicy: ${rp ? `Unsupported value: "${rp}"` : 'Required value'}: supported values: "OnFailure", "Never"`);
  if (causes.length) throw invalid('Job.batch', name, causes);
  const uid = rng.uid();
  const labels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
  const spec = job.spec ?? { template: {} };
  job.metadata = { ...job.metadata, uid, labels: { ...labels, ...job.metadata?.labels } };
  job.spec = {
    parallelism: 1,
    completions: 1,
    backoffLimit: 6,
    completionMode: 'NonIndexed',
    suspend: false,
    podReplacementPolicy: 'TerminatingOrFailed',
    manualSelector: undefined,
    ...spec,
    selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
    template: { ...spec.template, metadata: { ...spec.template.metadata, labels: { ...spec.template.metadata?.labels, ...labels } } },
  };
  job.status = {};
  return job;
}

export async function startKubeSim(opts: KubeSimOptions = {}): Promise<KubeSim> {
  const rng = new Rng(opts.seed ?? 42);
  const store = new Store(rng, opts.historyLimit);
  const token = opts.token ?? randomBytes(24).toString('hex');
  const watches = new WatchHub(store, opts.bookmarkMs ?? 3000);
  const controller = new Controller(store, rng, opts);
  const exec = new ExecServer(store, controller);
  const requests: string[] = [];
  const namespaces = new Map<string, KObject>();

  const namespaceObj = (name: string): KObject => {
    let ns = namespaces.get(name);
    if (!ns) {
      ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: rng.uid(), creationTimestamp: isoNow(), resourceVersion: String(store.resourceVersion), labels: { 'kubernetes.io/metadata.name': name } } };
      Object.assign(ns, { spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
      namespaces.set(name, ns);
    }
    return ns;
  };
  namespaceObj('default');

  const authorised = (req: IncomingMessage) => req.headers.authorization === `Bearer ${token}`;

  const cert = opts.tls ? selfSignedCert() : undefined;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof ApiError) sendJson(res, err.code, err.toStatus());
      else sendJson(res, 500, statusFailure(500, 'BadRequest', String(err)));
    });
  };
  const server: Server = cert ? createTlsServer({ key: cert.key, cert: cert.cert }, onRequest) : createServer(onRequest);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    if (opts.logRequests) requests.push(`${method} ${url.pathname}${url.search}`);
    // Like an exporter's endpoint (dcgm-exporter :9400/metrics): no authentication.
    if (method === 'GET' && url.pathname === '/metrics') return sendMetrics(res, controller);
    if (!authorised(req)) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    const p = url.pathname.replace(/\/+$/, '') || '/';
    const q = url.searchParams;
    const host = req.headers.host ?? '127.0.0.1';

    // Discovery.
    if (method === 'GET') {
      if (p === '/version') return sendJson(res, 200, VERSION);
      if (p === '/api') return sendJson(res, 200, apiVersions(host));
      if (p === '/apis') return sendJson(res, 200, API_GROUPS);
      if (p === '/api/v1') return sendJson(res, 200, CORE_V1);
      if (p === '/apis/batch') return sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...BATCH_GROUP });
      if (p === '/apis/batch/v1') return sendJson(res, 200, BATCH_V1);
      if (p === '/healthz' || p === '/readyz' || p === '/livez') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
        return;
      }
    }

    // Namespaces (any name exists; they are not stored).
    if (p === '/api/v1/namespaces' && method === 'GET') {
      const items = [...namespaces.values()];
      return listResponse(req, res, 'namespaces', items, q);
    }
    let m = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(p);
    if (m && method === 'GET') return getResponse(req, res, 'namespaces', namespaceObj(decodeURIComponent(m[1] ?? '')), q);

    m = /^\/(?:api\/v1|apis\/batch\/v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?(?:\/([a-z]+))?$/.exec(p);
    if (!m) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    const ns = m[1] ? decodeURIComponent(m[1]) : undefined;
    const resource = m[2] as Resource;
    const name = m[3] ? decodeURIComponent(m[3]) : undefined;
    const sub = m[4];
    const info = RESOURCE_INFO[resource];
    const isBatch = p.startsWith('/apis/batch/');
    if (!info || (resource === 'jobs') !== isBatch || resource === 'namespaces') {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (ns) namespaceObj(ns);
    if (info.namespaced && name && !ns) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');

    if (sub) {
      if (resource === 'pods' && sub === 'log' && method === 'GET' && ns && name) return serveLogs(store, controller, ns, name, q, res);
      if (resource === 'pods' && sub === 'exec') {
        throw new ApiError(400, 'BadRequest', 'Upgrade request required (this simulator serves exec over WebSocket only: v4/v5.channel.k8s.io, not SPDY)');
      }
      if (sub === 'status' && method === 'GET' && name) return getResponse(req, res, resource, store.mustGet(resource, ns, name), q);
      throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    }

    if (!name) {
      if (method === 'GET') {
        const watch = q.get('watch');
        if (watch === 'true' || watch === '1') return serveWatch(req, res, resource, ns, undefined, q);
        const labels = parseLabelSelector(q.get('labelSelector'));
        const fields = parseFieldSelector(q.get('fieldSelector'));
        const items = store.list(resource, info.namespaced ? ns : undefined).filter((o) => matchesLabels(labels, o.metadata?.labels) && matchesFields(fields, o));
        return listResponse(req, res, resource, items, q);
      }
      if (method === 'POST' && ns) {
        const body = (await readBody(req)) as KObject | undefined;
        if (!body || typeof body !== 'object') throw new ApiError(400, 'BadRequest', 'request body required');
        if (body.metadata?.namespace && body.metadata.namespace !== ns) {
          throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
        }
        if (resource !== 'jobs' && resource !== 'secrets' && resource !== 'events') {
          throw new ApiError(405, 'MethodNotAllowed', `the simulator does not create ${resource} through the API (Jobs create pods)`);
        }
        let obj: KObject = clone(body);
        obj.metadata = { ...obj.metadata, namespace: ns };
        for (const k of ['uid', 'resourceVersion', 'creationTimestamp'] as const) delete obj.metadata[k];
        if (resource === 'jobs') {
          if (obj.metadata.name && store.get('jobs', ns, obj.metadata.name)) {
            throw new ApiError(409, 'AlreadyExists', `jobs.batch "${obj.metadata.name}" already exists`, { name: obj.metadata.name, group: 'batch', kind: 'jobs' });
          }
          obj = admitJob(obj as IJob, rng);
        }
        if (resource === 'secrets') Object.assign(obj, { type: (obj as { type?: string }).type ?? 'Opaque' });
        if (q.get('dryRun') === 'All') return sendJson(res, 201, obj);
        const created = store.create(resource, obj);
        return sendJson(res, 201, created);
      }
      throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }

    // A single object.
    if (method === 'GET') {
      const watch = q.get('watch');
      if (watch === 'true' || watch === '1') return serveWatch(req, res, resource, ns, name, q);
      return getResponse(req, res, resource, store.mustGet(resource, info.namespaced ? ns : undefined, name), q);
    }
    if (method === 'DELETE') {
      const body = ((await readBody(req)) ?? {}) as { propagationPolicy?: string; gracePeriodSeconds?: number; orphanDependents?: boolean };
      if (resource === 'jobs' && ns) {
        const policy = (q.get('propagationPolicy') ?? body.propagationPolicy ?? (body.orphanDependents === false ? 'Background' : 'Orphan')) as 'Orphan' | 'Background' | 'Foreground';
        return sendJson(res, 200, controller.deleteJob(ns, name, policy));
      }
      if (resource === 'pods' && ns) {
        const g = q.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
        return sendJson(res, 200, controller.deletePod(ns, name, g === undefined || g === null ? undefined : Number(g)));
      }
      if (resource === 'secrets' || resource === 'events') return sendJson(res, 200, store.delete(resource, ns, name));
      throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
    if (method === 'PATCH' && (resource === 'jobs' || resource === 'pods' || resource === 'secrets')) {
      const type = req.headers['content-type'] ?? '';
      if (!/merge-patch\+json|strategic-merge-patch\+json/.test(type)) {
        throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json (got "${type}")`);
      }
      const patch = (await readBody(req)) as Record<string, unknown>;
      const cur = store.mustGet(resource, ns, name);
      // Only metadata and (for jobs) spec.suspend / parallelism may change; status belongs to the controller.
      const next = mergePatch(cur, { ...patch, status: undefined }) as KObject & { status?: unknown };
      next.status = (cur as { status?: unknown }).status;
      next.metadata = { ...next.metadata, name: cur.metadata?.name, namespace: cur.metadata?.namespace, uid: cur.metadata?.uid };
      return sendJson(res, 200, store.update(resource, next));
    }
    throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }

  function include(q: URLSearchParams): IncludeObject {
    const v = q.get('includeObject');
    return v === 'None' || v === 'Object' ? v : 'Metadata';
  }

  function getResponse(req: IncomingMessage, res: ServerResponse, resource: Resource, obj: KObject, q: URLSearchParams): void {
    if (wantsTable(req.headers.accept)) return sendJson(res, 200, toTable(resource, [obj], obj.metadata?.resourceVersion ?? '', include(q)));
    sendJson(res, 200, obj);
  }

  function listResponse(req: IncomingMessage, res: ServerResponse, resource: Resource, all: KObject[], q: URLSearchParams): void {
    const info = RESOURCE_INFO[resource];
    const rv = String(store.resourceVersion);
    all.sort((a, b) => `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(`${b.metadata?.namespace}/${b.metadata?.name}`));
    // limit/continue: the continue token is the offset (the real one is opaque; clients must not parse it).
    const offset = Number(q.get('continue') ? Buffer.from(q.get('continue') ?? '', 'base64').toString() : 0) || 0;
    const limit = Number(q.get('limit')) || 0;
    const page = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
    const more = limit > 0 && offset + limit < all.length;
    const metadata = { resourceVersion: rv, ...(more ? { continue: Buffer.from(String(offset + limit)).toString('base64'), remainingItemCount: all.length - offset - limit } : {}) };
    if (wantsTable(req.headers.accept)) {
      const t = toTable(resource, page, rv, include(q)) as { metadata: object };
      t.metadata = metadata;
      return sendJson(res, 200, t);
    }
    // Items in a list carry no kind/apiVersion, as from the real API server.
    const items = page.map((o) => {
      const c = clone(o);
      delete c.kind;
      delete c.apiVersion;
      return c;
    });
    sendJson(res, 200, { kind: `${info.kind}List`, apiVersion: info.apiVersion, metadata, items });
  }

  function serveWatch(req: IncomingMessage, res: ServerResponse, resource: Resource, ns: string | undefined, name: string | undefined, q: URLSearchParams): void {
    const table = wantsTable(req.headers.accept);
    const inc = include(q);
    const fields = parseFieldSelector(q.get('fieldSelector'));
    const nameFromField = fields.find((f) => f.path === 'metadata.name' && f.op === 'eq');
    watches.serve(req, res, {
      resource,
      namespace: RESOURCE_INFO[resource].namespaced ? ns : undefined,
      name: name ?? nameFromField?.value,
      labels: parseLabelSelector(q.get('labelSelector')),
      fields,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      allowBookmarks: q.get('allowWatchBookmarks') === 'true',
      timeoutSeconds: q.get('timeoutSeconds') ? Number(q.get('timeoutSeconds')) : undefined,
      transform: (o, first) => (table ? toTable(resource, [o], o.metadata?.resourceVersion ?? '', inc, first) : o),
    });
  }

  server.on('upgrade', (req, socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (opts.logRequests) requests.push(`UPGRADE ${url.pathname}${url.search}`);
    if (!authorised(req)) {
      const body = JSON.stringify(statusFailure(401, 'Unauthorized', 'Unauthorized'));
      socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      return;
    }
    exec.handleUpgrade(req, socket, head, url);
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `${cert ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    url,
    token,
    caCert: cert?.cert,
    store,
    controller,
    watches,
    requests,
    faults: {
      dropWatches: () => watches.dropAll(),
      compact: () => store.compact(),
      evict: (...a) => controller.evict(...a),
      crashScript: (...a) => controller.crashScript(...a),
      oomKill: (...a) => controller.oomKill(...a),
      failScheduling: (...a) => controller.failScheduling(...a),
    },
    writeKubeconfig(path, o = {}) {
      const context = o.context ?? 'kube-sim';
      const text = [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: ${context}`,
        '  cluster:',
        `    server: ${url}`,
        // client-node refuses plain http unless TLS verification is off; with TLS the self-signed cert is the CA.
        cert ? `    certificate-authority-data: ${Buffer.from(cert.cert).toString('base64')}` : '    insecure-skip-tls-verify: true',
        'users:',
        `- name: ${context}-user`,
        '  user:',
        `    token: ${token}`,
        'contexts:',
        `- name: ${context}`,
        '  context:',
        `    cluster: ${context}`,
        `    user: ${context}-user`,
        `    namespace: ${o.namespace ?? 'default'}`,
        `current-context: ${context}`,
        '',
      ].join('\n');
      writeFileSync(path, text, { mode: 0o600 });
      return path;
    },
    addSecret(namespace, name, data) {
      const enc: Record<string, string> = {};
      for (const [k, v] of Object.entries(data)) enc[k] = Buffer.from(v).toString('base64');
      store.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', data: enc } as KObject);
    },
    async close() {
      const disposed = controller.dispose(); // stops the clock; lets S3 transfers (s3 option) finish
      watches.endAll();
      exec.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await disposed;
    },
  };
}

