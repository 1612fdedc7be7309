// Discovery documents: kubectl maps "jobs", "po" or "job/x" to REST paths through /api, /apis and the
// per-group APIResourceLists, so these must list every resource and verb the simulator serves.
export const VERSION = {
  major: '1',
  minor: '30',
  gitVersion: 'v1.30.4',
  gitCommit: 'a51b3b711150f57ffc1f526a640ec058514ed596',
  gitTreeState: 'clean',
  buildDate: '2024-08-14T18:58:53Z',
  goVersion: 'go1.22.5',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const rw = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function apiVersions(host: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] };
}

export const API_GROUPS = {
  kind: 'APIGroupList',
  apiVersion: 'v1',
  groups: [{ name: 'batch', versions: [{ groupVersion: 'batch/v1', version: 'v1' }], preferredVersion: { groupVersion: 'batch/v1', version: 'v1' } }],
};

export const BATCH_GROUP = API_GROUPS.groups[0];

export const CORE_V1 = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    { name: 'events', singularName: 'event', namespaced: true, kind: 'Event', verbs: rw, shortNames: ['ev'] },
    { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'] },
    { name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: rw, shortNames: ['no'] },
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: rw, shortNames: ['po'], categories: ['all'] },
    { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
    { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    { name: 'secrets', singularName: 'secret', namespaced: true, kind: 'Secret', verbs: rw },
  ],
};

export const BATCH_V1 = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'batch/v1',
  resources: [
    { name: 'jobs', singularName: 'job', namespaced: true, kind: 'Job', verbs: rw, categories: ['all'] },
    { name: 'jobs/status', singularName: '', namespaced: true, kind: 'Job', verbs: ['get', 'patch', 'update'] },
  ],
};
