// Connection state of every SLURM cluster: loaded with clusters.status, kept live by `clusters.status` events.
import { create } from 'zustand';
import type { ClusterStatus } from '../../shared/slurm.js';
import { api } from '../api/index.js';
import { coalesce } from '../lib/coalesce.js';

interface ClustersStore {
  byTarget: Record<string, ClusterStatus>;
  loaded: boolean;
  /** Why the list could not be loaded (e.g. the core does not offer it yet). */
  error: string | null;
  refresh(): Promise<void>;
  onStatus(s: ClusterStatus): void;
}

export const useClusters = create<ClustersStore>()((set) => {
  const load = coalesce(async () => {
    const list = await api().clusters.status();
    set({ byTarget: Object.fromEntries(list.map((s) => [s.targetId, s])), loaded: true, error: null });
  });
  return {
    byTarget: {},
    loaded: false,
    error: null,
    refresh: () =>
      load().catch((err: unknown) => {
        set({ loaded: true, error: err instanceof Error ? err.message : String(err) });
      }),
    onStatus: (s) => set((st) => ({ byTarget: { ...st.byTarget, [s.targetId]: s } })),
  };
});
