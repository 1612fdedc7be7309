// GPU nodes shaped like NRP Nautilus ones: the labels the proteinbenchmark Job's node affinity reads
// (nvidia.com/cuda.runtime.major/minor), the GPU product label, and allocatable nvidia.com/gpu.
import type { INode } from 'kubernetes-models/v1/Node';
import { isoNow } from './util.js';

export interface NodeSpec {
  name: string;
  /** e.g. NVIDIA-A10, NVIDIA-GeForce-RTX-3090; omit for a CPU-only node. */
  gpuProduct?: string;
  gpus?: number;
  cuda?: { major: number; minor: number };
  /** Simulated OpenMM throughput for GB3 on this GPU (ns/day); drives how fast windows progress. */
  nsPerDay?: number;
  /** GPU memory in MiB (nvidia-smi's memory.total). */
  gpuMemoryMiB?: number;
  ready?: boolean;
}

export const DEFAULT_NODES: NodeSpec[] = [
  { name: 'rci-nrp-gpu-01.sdsc.optiputer.net', gpuProduct: 'NVIDIA-A10', gpus: 4, cuda: { major: 12, minor: 4 }, nsPerDay: 260, gpuMemoryMiB: 23028 },
  { name: 'k8s-gpu-03.calit2.optiputer.net', gpuProduct: 'NVIDIA-GeForce-RTX-3090', gpus: 8, cuda: { major: 12, minor: 4 }, nsPerDay: 420, gpuMemoryMiB: 24576 },
  { name: 'gpu-02.nrp.mghpcc.org', gpuProduct: 'NVIDIA-GeForce-RTX-3090', gpus: 8, cuda: { major: 12, minor: 2 }, nsPerDay: 410, gpuMemoryMiB: 24576 },
  { name: 'hcc-nrp-shor-c5830.unl.edu', gpuProduct: 'NVIDIA-A100-SXM4-80GB', gpus: 4, cuda: { major: 11, minor: 8 }, nsPerDay: 610, gpuMemoryMiB: 81920 },
  { name: 'nrp-c12.nysernet.org', gpuProduct: 'NVIDIA-GeForce-RTX-2080-Ti', gpus: 8, cuda: { major: 12, minor: 4 }, nsPerDay: 300, gpuMemoryMiB: 11264 },
  { name: 'ry-cpu-01.ucsc.edu' },
];

export function buildNode(spec: NodeSpec, index: number): INode {
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': spec.name,
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
  };
  const capacity: Record<string, string> = { cpu: '64', memory: '528006316Ki', pods: '110', 'ephemeral-storage': '1843217520Ki' };
  if (spec.gpuProduct) {
    labels['nvidia.com/gpu.product'] = spec.gpuProduct;
    labels['nvidia.com/gpu.count'] = String(spec.gpus ?? 1);
    labels['nvidia.com/gpu.memory'] = String(spec.gpuMemoryMiB ?? 24576);
    labels['nvidia.com/gpu.present'] = 'true';
    if (spec.cuda) {
      labels['nvidia.com/cuda.runtime.major'] = String(spec.cuda.major);
      labels['nvidia.com/cuda.runtime.minor'] = String(spec.cuda.minor);
      labels['nvidia.com/cuda.driver.major'] = spec.cuda.major >= 12 ? '550' : '520';
    }
    capacity['nvidia.com/gpu'] = String(spec.gpus ?? 1);
  }
  const ready = spec.ready !== false;
  const now = isoNow();
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: spec.name, labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: { podCIDR: `10.244.${index}.0/24` },
    status: {
      capacity,
      allocatable: { ...capacity },
      addresses: [
        { type: 'InternalIP', address: `10.0.${index}.10` },
        { type: 'Hostname', address: spec.name },
      ],
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: now, lastTransitionTime: now },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: now, lastTransitionTime: now },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: now, lastTransitionTime: now },
        ready
          ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }
          : { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: now, lastTransitionTime: now },
      ],
      nodeInfo: {
        architecture: 'amd64',
        bootID: `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`,
        containerRuntimeVersion: 'containerd://1.7.20',
        kernelVersion: '5.15.0-119-generic',
        kubeProxyVersion: 'v1.30.4',
        kubeletVersion: 'v1.30.4',
        machineID: String(index).padStart(32, '0'),
        operatingSystem: 'linux',
        osImage: 'Ubuntu 22.04.4 LTS',
        systemUUID: `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`,
      },
    },
  };
}
