// Worker fleets of the current project: loaded with fleets.list, kept live by `fleets.changed` (each event carries
// the whole fleet, so it is upserted in place), and which fleet's page is open. Members and nodes are not here:
// they have no event of their own, so the open page polls fleets.get itself (views/fleets/useFleetDetail).
import { create } from 'zustand';
import { toApiError } from '../../shared/client.js';
import type { Fleet } from '../../shared/fleet.js';
import { api } from '../api/index.js';
import { coalesce } from '../lib/coalesce.js';
import { useApp } from './app.js';

interface FleetsStore {
  fleets: Fleet[];
  loaded: boolean;
  /** Why the list could not be loaded (e.g. the core does not have fleets.list yet). */
  listError: string | null;
  /** The fleet page shown, or null for the list. */
  openId: string | null;
  refresh(): Promise<void>;
  onChanged(f: Fleet): void;
  open(id: string | null): void;
}

export const useFleets = create<FleetsStore>()((set, get) => {
  const load = coalesce(async () => {
    const projectId = useApp.getState().projectId;
    const fleets = await api().fleets.list(projectId ? { projectId } : {});
    set({ fleets, loaded: true, listError: null });
  });
  return {
    fleets: [],
    loaded: false,
    listError: null,
    openId: null,
    refresh: () => load().catch((err: unknown) => set({ loaded: true, listError: toApiError(err).message })),
    onChanged(f) {
      const s = get();
      const i = s.fleets.findIndex((x) => x.id === f.id);
      if (i >= 0) {
        const fleets = s.fleets.slice();
        fleets[i] = f;
        set({ fleets });
        return;
      }
      // A new fleet: shown only when it belongs to the project on screen; newest first, like fleets.list.
      const projectId = useApp.getState().projectId;
      if (!projectId || projectId === f.projectId) set({ fleets: [f, ...s.fleets] });
    },
    open: (id) => set({ openId: id }),
  };
});
