// GPU node inventory, as `kubectl get nodes -L nvidia.com/gpu.product,nvidia.com/cuda.runtime.major,…` shows it, plus
// how many GPUs each node has free. Used GPUs need the pods of every namespace; many clusters (NRP) do not let a
// user list those, so "used" is then left unknown rather than guessed.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { GpuNode } from '../../shared/kube.js';

export const GPU_PRODUCT = 'nvidia.com/gpu.product';
export const CUDA_MAJOR = 'nvidia.com/cuda.runtime.major';
export const CUDA_MINOR = 'nvidia.com/cuda.runtime.minor';
export const GPU_RESOURCE = 'nvidia.com/gpu';

const num = (q: string | undefined): number => {
  const n = Number(q ?? 0);
  return Number.isFinite(n) ? n : 0;
};

/** GPUs requested by pods still holding them (not Succeeded/Failed), per node name. */
export function gpusInUse(pods: V1Pod[]): Map<string, number> {
  const used = new Map<string, number>();
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (!node || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    const containers = p.spec?.containers ?? [];
    const n = containers.reduce((sum, c) => sum + num(c.resources?.limits?.[GPU_RESOURCE] ?? c.resources?.requests?.[GPU_RESOURCE]), 0);
    if (n) used.set(node, (used.get(node) ?? 0) + n);
  }
  return used;
}

/** Nodes that carry a GPU product label, with CUDA runtime labels and GPU counts; used = -1 when unknown. */
export function gpuInventory(nodes: V1Node[], used: Map<string, number> | null): GpuNode[] {
  return nodes
    .filter((n) => n.metadata?.labels?.[GPU_PRODUCT] !== undefined || num(n.status?.allocatable?.[GPU_RESOURCE]) > 0)
    .map((n) => {
      const labels = n.metadata?.labels ?? {};
      const name = n.metadata?.name ?? '';
      return {
        name,
        gpuProduct: labels[GPU_PRODUCT] ?? null,
        cudaMajor: labels[CUDA_MAJOR] ?? null,
        cudaMinor: labels[CUDA_MINOR] ?? null,
        allocatableGpus: num(n.status?.allocatable?.[GPU_RESOURCE]),
        usedGpus: used ? (used.get(name) ?? 0) : -1,
        ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Distinct CUDA runtime versions on GPU nodes, newest first, with free GPUs per version (for the wizard's affinity). */
export function cudaChoices(inv: GpuNode[]): { major: string; minor: string; nodes: number; freeGpus: number | null }[] {
  const by = new Map<string, { major: string; minor: string; nodes: number; freeGpus: number | null }>();
  for (const n of inv) {
    if (!n.cudaMajor || !n.cudaMinor) continue;
    const key = `${n.cudaMajor}.${n.cudaMinor}`;
    const e = by.get(key) ?? { major: n.cudaMajor, minor: n.cudaMinor, nodes: 0, freeGpus: 0 };
    e.nodes++;
    e.freeGpus = e.freeGpus === null || n.usedGpus < 0 ? null : e.freeGpus + Math.max(0, n.allocatableGpus - n.usedGpus);
    by.set(key, e);
  }
  return [...by.values()].sort((a, b) => Number(b.major) - Number(a.major) || Number(b.minor) - Number(a.minor));
}
