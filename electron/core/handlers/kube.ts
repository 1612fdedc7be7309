// Kubernetes: kubeconfig contexts, the GPU node inventory, and umbrella campaigns (see electron/kube/).
// The Kubernetes client library is loaded on first use, so researchers who never use Kubernetes do not pay for it
// at start-up.
import { ApiError } from '../../../shared/errors.js';
import type { UmbrellaBackend } from '../../kube/campaigns/backend.js';
import type { Handlers } from '../router.js';
import type { Services } from '../services.js';

type KubeMethod = Extract<keyof Handlers, `kube.${string}` | `umbrella.${string}`>;

export function kubeHandlers(s: Services, u: UmbrellaBackend): Pick<Handlers, KubeMethod> {
  const kubeTarget = (id: string) => {
    const t = s.targets.get(id);
    if (t.kind !== 'kubernetes') throw new ApiError('INVALID_INPUT', `${t.name} is a ${t.kind} target, not a Kubernetes one.`, { field: 'targetId' });
    return t;
  };
  return {
    'kube.contexts': async (p) => (await import('../../kube/kubeconfig.js')).listContexts(p.path),
    'kube.nodes': async (p) => {
      const target = kubeTarget(p.targetId);
      const [{ kubeClients }, { readInventory }, { cudaChoices }] = await Promise.all([
        import('../../kube/client.js'),
        import('../../kube/adapter.js'),
        import('../../kube/nodes.js'),
      ]);
      const nodes = await readInventory(kubeClients(target));
      return { nodes, cuda: cudaChoices(nodes) };
    },
    'umbrella.preview': (p) => u.preview(p),
    'umbrella.launch': (p) => u.launch(p.spec),
    'umbrella.bucketImport': async (p) => {
      const d = await u.importBucket(p.targetId, p.remote, p.from);
      return { name: d.name, provider: d.provider, endpoint: d.endpoint, region: d.region, source: d.source };
    },
    'umbrella.downloadResults': (p) => u.downloadResults(p.campaignId, p.replica),
    'umbrella.uploadInputs': (p) => u.uploadInputs(p),
    'umbrella.manifests': (p) => u.manifests(p.campaignId, p.replica, p.window),
    'umbrella.bucketList': (p) => u.bucketList(p.campaignId, p.replica),
    'umbrella.cancelDownload': (p) => u.cancelDownload(p.campaignId),
    'umbrella.inputs': async (p) => {
      const missing = await u.missingInputs(p);
      return { checked: missing !== null, missing: missing ?? [] };
    },
    'umbrella.list': (p) => u.list(p.projectId),
    'umbrella.get': (p) => u.get(p.campaignId),
    'umbrella.act': (p) => u.act(p.campaignId, p.action, p.windows),
    'umbrella.extend': (p) => u.extend(p.campaignId, { replicas: p.replicas, windows: p.windows }),
    'umbrella.logs': (p) => u.logs(p.campaignId, p, { container: p.container, previous: p.previous, timestamps: p.timestamps, tailLines: p.tailLines }),
    'umbrella.saveLog': (p) => u.saveLog(p.campaignId, p),
    'umbrella.history': (p) => u.history(p.campaignId),
    'umbrella.histogram': (p) => u.histogram(p.campaignId, p.replica),
  };
}
