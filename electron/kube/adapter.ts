// Kubernetes backend (e.g. NRP Nautilus). connect() only reads: the server version, whether the namespace's Jobs
// can be listed, and the GPU node inventory (products, CUDA runtime labels, free GPUs) the campaign wizard uses.
import type { Target, TargetCheck } from '../../shared/domain.js';
import type { GpuNode } from '../../shared/kube.js';
import type { AdapterContext, BackendAdapter } from '../core/adapter.js';
import { call, kubeClients, type KubeClients } from './client.js';
import { cudaChoices, gpuInventory, gpusInUse } from './nodes.js';

/** GPU nodes with free-GPU counts when the account may list pods cluster-wide (otherwise used = -1). */
export async function readInventory(k: KubeClients): Promise<GpuNode[]> {
  const nodes = await call(k, 'list nodes', () => k.core.listNode({}));
  const pods = await k.core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Running' }).catch(() => null);
  return gpuInventory(nodes.items, pods ? gpusInUse(pods.items) : null);
}

async function connect(target: Target, ctx: AdapterContext): Promise<TargetCheck> {
  const k = kubeClients(target);
  const version = await call(k, 'report its version', () => k.version.getCode(), { ctx, action: 'kube.version', kubectlArgs: ['version'] });
  const jobs = await call(k, 'list Jobs', () => k.batch.listNamespacedJob({ namespace: k.namespace, limit: 1 }), {
    ctx,
    action: 'kube.check',
    kubectlArgs: ['get', 'jobs', '--limit', '1'],
  });
  const inv = await readInventory(k).catch((err: unknown) => {
    ctx.log.warn('kube node inventory unavailable', { target: target.id, error: String(err) });
    return null;
  });
  const details: Record<string, string> = {
    server: k.server,
    context: k.context,
    namespace: k.namespace,
    version: version.gitVersion,
    jobsListed: String(jobs.items.length),
  };
  if (inv) {
    details.gpuNodes = String(inv.length);
    details.gpus = String(inv.reduce((s, n) => s + n.allocatableGpus, 0));
    const free = inv.every((n) => n.usedGpus >= 0) ? inv.reduce((s, n) => s + Math.max(0, n.allocatableGpus - n.usedGpus), 0) : null;
    if (free !== null) details.freeGpus = String(free);
    details.cuda = cudaChoices(inv)
      .map((c) => `${c.major}.${c.minor} (${c.nodes} nodes)`)
      .join(', ');
    details.gpuProducts = [...new Set(inv.map((n) => n.gpuProduct).filter(Boolean))].join(', ');
  }
  const gpuText = inv ? `, ${inv.length} GPU nodes` : '';
  return { ok: true, summary: `Kubernetes ${version.gitVersion}, namespace ${k.namespace}${gpuText}`, details };
}

export const kubeAdapter: BackendAdapter = { kinds: ['kubernetes'], connect };
