// Named port forwards through clusters: loaded with tunnels.list, kept live by `tunnels.changed` / `tunnels.removed`.
import { create } from 'zustand';
import type { TunnelInfo } from '../../shared/files.js';
import { toApiError } from '../../shared/client.js';
import { api } from '../api/index.js';
import { coalesce } from '../lib/coalesce.js';

interface TunnelsStore {
  tunnels: TunnelInfo[];
  loaded: boolean;
  error: string | null;
  refresh(): Promise<void>;
  onChanged(t: TunnelInfo): void;
  onRemoved(id: string): void;
}

export const useTunnels = create<TunnelsStore>()((set) => {
  const load = coalesce(async () => {
    const tunnels = await api().tunnels.list();
    set({ tunnels, loaded: true, error: null });
  });
  return {
    tunnels: [],
    loaded: false,
    error: null,
    refresh: () => load().catch((err: unknown) => set({ loaded: true, error: toApiError(err).message })),
    onChanged: (t) =>
      set((s) => {
        const i = s.tunnels.findIndex((x) => x.id === t.id);
        if (i === -1) return { tunnels: [...s.tunnels, t] };
        const tunnels = s.tunnels.slice();
        tunnels[i] = t;
        return { tunnels };
      }),
    onRemoved: (id) => set((s) => ({ tunnels: s.tunnels.filter((t) => t.id !== id) })),
  };
});
