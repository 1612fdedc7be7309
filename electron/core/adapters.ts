// Backend registry: target kind → adapter. Adapters load on first use, so a researcher who only uses SLURM
// never pays for the Docker or Kubernetes client libraries at start-up.
import type { TargetKind } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { BackendAdapter } from './adapter.js';

const loaders: Partial<Record<TargetKind, () => Promise<BackendAdapter>>> = {
  slurm: async () => (await import('../slurm/adapter.js')).slurmAdapter,
  'local-docker': async () => (await import('../docker/adapter.js')).dockerAdapter,
  swarm: async () => (await import('../docker/adapter.js')).dockerAdapter,
  kubernetes: async () => (await import('../kube/adapter.js')).kubeAdapter,
};

const loaded = new Map<TargetKind, BackendAdapter>();

export async function adapterFor(kind: TargetKind): Promise<BackendAdapter> {
  const cached = loaded.get(kind);
  if (cached) return cached;
  const load = loaders[kind];
  if (!load) {
    throw new ApiError('UNAVAILABLE', `SimDeck cannot connect to ${kind} targets yet. That backend arrives in a later version.`);
  }
  const adapter = await load();
  loaded.set(kind, adapter);
  return adapter;
}

export async function disposeAdapters(): Promise<void> {
  await Promise.allSettled([...new Set(loaded.values())].map((a) => a.dispose?.()));
  loaded.clear();
}
