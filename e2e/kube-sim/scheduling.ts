// The scheduler's filter step for the two things the proteinbenchmark Job asks for: required node affinity
// (nvidia.com/cuda.runtime.major/minor In […]) / nodeSelector, and nvidia.com/gpu capacity. The failure message
// follows kube-scheduler's "0/N nodes are available: …" form so UIs can show it verbatim.
import type { INode } from 'kubernetes-models/v1/Node';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IIoK8sApiCoreV1NodeSelectorRequirement as NodeSelectorRequirement } from 'kubernetes-models/v1/NodeSelectorRequirement';

function matchExpr(req: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const v = labels[req.key];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return v !== undefined && values.includes(v);
    case 'NotIn':
      return v === undefined || !values.includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
      return v !== undefined && Number(v) > Number(values[0]);
    case 'Lt':
      return v !== undefined && Number(v) < Number(values[0]);
    default:
      return false;
  }
}

export function nodeMatchesPod(pod: IPod, node: INode): boolean {
  const labels = node.metadata?.labels ?? {};
  const sel = pod.spec?.nodeSelector ?? {};
  for (const [k, v] of Object.entries(sel)) if (labels[k] !== v) return false;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return true;
  // Terms are ORed; the expressions inside one term are ANDed.
  return terms.some((t) => (t.matchExpressions ?? []).every((e) => matchExpr(e, labels)));
}

export function podGpuRequest(pod: IPod): number {
  let n = 0;
  for (const c of pod.spec?.containers ?? []) {
    const q = c.resources?.limits?.['nvidia.com/gpu'] ?? c.resources?.requests?.['nvidia.com/gpu'];
    if (q !== undefined) n += Number(q);
  }
  return n;
}

export function nodeReady(node: INode): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export type ScheduleResult = { node: INode } | { message: string };

/** Picks the feasible node with the most free GPUs (a spread, like the default scoring) or explains why none fits. */
export function schedule(pod: IPod, nodes: INode[], gpusUsed: (node: string) => number): ScheduleResult {
  const want = podGpuRequest(pod);
  let notReady = 0;
  let affinity = 0;
  let insufficient = 0;
  let best: { node: INode; free: number } | undefined;
  for (const node of nodes) {
    if (!nodeReady(node)) {
      notReady++;
      continue;
    }
    if (!nodeMatchesPod(pod, node)) {
      affinity++;
      continue;
    }
    const alloc = Number(node.status?.allocatable?.['nvidia.com/gpu'] ?? 0);
    const free = alloc - gpusUsed(node.metadata?.name ?? '');
    if (want > 0 && free < want) {
      insufficient++;
      continue;
    }
    if (!best || free > best.free) best = { node, free };
  }
  if (best) return { node: best.node };
  // kube-scheduler lists the reasons sorted alphabetically with their node counts.
  const parts: string[] = [];
  if (insufficient) parts.push(`${insufficient} Insufficient nvidia.com/gpu`);
  if (notReady) parts.push(`${notReady} node(s) had untolerated taint {node.kubernetes.io/not-ready: }`);
  if (affinity) parts.push(`${affinity} node(s) didn't match Pod's node affinity/selector`);
  parts.sort();
  const preemption = `preemption: 0/${nodes.length} nodes are available: ${insufficient ? `${insufficient} No preemption victims found for incoming pod, ` : ''}${nodes.length - insufficient} Preemption is not helpful for scheduling.`;
  return { message: `0/${nodes.length} nodes are available: ${parts.join(', ')}. ${preemption}` };
}
