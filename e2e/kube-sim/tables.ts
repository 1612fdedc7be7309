// Server-side printing: kubectl (1.16+) asks for `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` and prints
// whatever columns the server returns, so `kubectl get` output depends on these rows. Columns and cell formats
// follow the API server's printers (pkg/printers/internalversion) for the kinds the simulator serves.
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IEvent } from 'kubernetes-models/v1/Event';
import type { INode } from 'kubernetes-models/v1/Node';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { KObject, Resource } from './store.js';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const col = (name: string, type = 'string', priority = 0, format = ''): Column => ({ name, type, format, description: name, priority });

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration. */
export function humanDuration(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < 0) return '<invalid>';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

function age(ts: string | undefined): string {
  if (!ts) return '<unknown>';
  return humanDuration((Date.now() - Date.parse(ts)) / 1000);
}

/** The STATUS column of `kubectl get pods` (printPod). */
export function podStatusText(pod: IPod): string {
  const st = pod.status ?? {};
  let reason = st.reason ?? st.phase ?? 'Unknown';
  const inits = st.initContainerStatuses ?? [];
  let initializing = false;
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i];
    const t = c?.state?.terminated;
    if (t && t.exitCode === 0) continue;
    if (t) reason = t.reason ? `Init:${t.reason}` : `Init:ExitCode:${t.exitCode}`;
    else if (c?.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${inits.length}`;
    initializing = true;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    const cs = st.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i];
      if (c?.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c?.state?.terminated) reason = c.state.terminated.reason ?? `ExitCode:${c.state.terminated.exitCode}`;
      else if (c?.state?.running && c.ready) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = 'Running';
  }
  if (st.reason === 'Evicted') reason = 'Evicted';
  if (pod.metadata?.deletionTimestamp) reason = 'Terminating';
  return reason;
}

function podRow(pod: IPod): unknown[] {
  const cs = pod.status?.containerStatuses ?? [];
  const total = pod.spec?.containers.length ?? 0;
  const ready = cs.filter((c) => c.ready).length;
  let restarts = 0;
  let lastRestart: string | undefined;
  for (const c of cs) {
    restarts += c.restartCount;
    const fin = c.lastState?.terminated?.finishedAt;
    if (fin && (!lastRestart || fin > lastRestart)) lastRestart = fin;
  }
  const restartCell = restarts > 0 && lastRestart ? `${restarts} (${age(lastRestart)} ago)` : String(restarts);
  return [pod.metadata?.name, `${ready}/${total}`, podStatusText(pod), restartCell, age(pod.metadata?.creationTimestamp), pod.status?.podIP ?? '<none>', pod.spec?.nodeName ?? '<none>', '<none>', '<none>'];
}

export function jobStatusText(job: IJob): string {
  const conds = job.status?.conditions ?? [];
  const has = (t: string) => conds.some((c) => c.type === t && c.status === 'True');
  if (has('Failed')) return 'Failed';
  if (has('Complete')) return 'Complete';
  if (job.spec?.suspend) return 'Suspended';
  return 'Running';
}

function jobRow(job: IJob): unknown[] {
  const start = job.status?.startTime;
  const end = job.status?.completionTime;
  const duration = start ? humanDuration(((end ? Date.parse(end) : Date.now()) - Date.parse(start)) / 1000) : '';
  const containers = job.spec?.template.spec?.containers ?? [];
  const sel = Object.entries(job.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return [
    job.metadata?.name,
    jobStatusText(job),
    `${job.status?.succeeded ?? 0}/${job.spec?.completions ?? 1}`,
    duration,
    age(job.metadata?.creationTimestamp),
    containers.map((c) => c.name).join(','),
    containers.map((c) => c.image).join(','),
    sel,
  ];
}

function nodeRow(node: INode): unknown[] {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const status = ready?.status === 'True' ? 'Ready' : 'NotReady';
  const roles = Object.keys(node.metadata?.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  const info = node.status?.nodeInfo;
  const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '<none>';
  return [node.metadata?.name, status, roles.length ? roles.join(',') : '<none>', age(node.metadata?.creationTimestamp), info?.kubeletVersion, ip, '<none>', info?.osImage, info?.kernelVersion, info?.containerRuntimeVersion];
}

function eventRow(ev: IEvent): unknown[] {
  const obj = `${(ev.involvedObject.kind ?? '').toLowerCase()}/${ev.involvedObject.name}`;
  const src = ev.source?.host ? `${ev.source.component}, ${ev.source.host}` : (ev.source?.component ?? '');
  return [age(ev.lastTimestamp), ev.type, ev.reason, obj, ev.involvedObject.fieldPath ?? '', ev.message, src, age(ev.firstTimestamp), ev.count ?? 1, ev.metadata.name];
}

const TABLES: Partial<Record<Resource, { columns: Column[]; row: (o: never) => unknown[] }>> = {
  pods: {
    columns: [col('Name', 'string', 0, 'name'), col('Ready'), col('Status'), col('Restarts'), col('Age'), col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    row: podRow,
  },
  jobs: {
    columns: [col('Name', 'string', 0, 'name'), col('Status'), col('Completions'), col('Duration'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: jobRow,
  },
  nodes: {
    columns: [col('Name', 'string', 0, 'name'), col('Status'), col('Roles'), col('Age'), col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
    row: nodeRow,
  },
  events: {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Subobject', 'string', 1), col('Message'), col('Source', 'string', 1), col('First Seen', 'string', 1), col('Count', 'string', 1), col('Name', 'string', 1)],
    row: eventRow,
  },
  secrets: {
    columns: [col('Name', 'string', 0, 'name'), col('Type'), col('Data', 'integer'), col('Age')],
    row: (s: ISecret) => [s.metadata?.name, s.type ?? 'Opaque', Object.keys(s.data ?? {}).length, age(s.metadata?.creationTimestamp)],
  },
  namespaces: {
    columns: [col('Name', 'string', 0, 'name'), col('Status'), col('Age')],
    row: (n: KObject & { status?: { phase?: string } }) => [n.metadata?.name, n.status?.phase ?? 'Active', age(n.metadata?.creationTimestamp)],
  },
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** A meta.k8s.io/v1 Table for `objects` (one object for get and for each watch event). */
export function toTable(resource: Resource, objects: KObject[], resourceVersion: string, include: IncludeObject, withColumns = true): unknown {
  const t = TABLES[resource];
  const columns = t?.columns ?? [col('Name', 'string', 0, 'name'), col('Age')];
  const row = t?.row ?? ((o: KObject) => [o.metadata?.name, age(o.metadata?.creationTimestamp)]);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    ...(withColumns ? { columnDefinitions: columns } : {}),
    rows: objects.map((o) => ({
      cells: (row as (o: KObject) => unknown[])(o),
      ...(include === 'None'
        ? {}
        : { object: include === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } }),
    })),
  };
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept);
}
