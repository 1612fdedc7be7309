// Umbrella campaigns: the list for the current project, the open campaign and its windows keyed by
// `${replica}:${window}`. `umbrella.changed` events merge only the windows that changed, so a grid cell subscribed to
// its own key re-renders only when its window does.
import { create } from 'zustand';
import { toApiError } from '../../shared/client.js';
import type { Campaign, ResultsDownload, WindowStatus } from '../../shared/kube.js';
import { api } from '../api/index.js';
import { coalesce } from '../lib/coalesce.js';
import { NO_GRID_SELECTION, cellKey, type GridSelection } from '../lib/umbrella.js';
import { useApp } from './app.js';

interface UmbrellaStore {
  campaigns: Campaign[];
  loaded: boolean;
  /** Why the list could not be loaded (e.g. the backend is not in this build yet). */
  listError: string | null;
  /** The campaign page shown, or null for the list. */
  openId: string | null;
  current: Campaign | null;
  cells: Record<string, WindowStatus>;
  detailError: string | null;
  detailLoading: boolean;
  selection: GridSelection;
  /** The latest results download of each campaign, from umbrella.downloadResults and umbrella.download events. */
  downloads: Record<string, ResultsDownload>;
  refresh(): Promise<void>;
  open(id: string | null): void;
  loadDetail(): Promise<void>;
  onChanged(p: { campaignId: string; windows: WindowStatus[]; campaign?: Campaign }): void;
  setSelection(next: GridSelection | ((s: GridSelection) => GridSelection)): void;
  onDownload(d: ResultsDownload): void;
  startDownload(campaignId: string, replica?: number): Promise<void>;
  cancelDownload(campaignId: string): Promise<void>;
}

export const useUmbrella = create<UmbrellaStore>()((set, get) => {
  const loadList = coalesce(async () => {
    const projectId = useApp.getState().projectId;
    const campaigns = await api().umbrella.list(projectId ? { projectId } : {});
    set({ campaigns, loaded: true, listError: null });
  });
  return {
    campaigns: [],
    loaded: false,
    listError: null,
    openId: null,
    current: null,
    cells: {},
    detailError: null,
    detailLoading: false,
    selection: NO_GRID_SELECTION,
    downloads: {},
    refresh: () =>
      loadList().catch((err: unknown) => {
        set({ loaded: true, listError: toApiError(err).message });
      }),
    open(id) {
      if (id === get().openId) return;
      const known = id ? (get().campaigns.find((c) => c.id === id) ?? null) : null;
      set({ openId: id, current: known, cells: {}, detailError: null, selection: NO_GRID_SELECTION });
      if (id) void get().loadDetail();
    },
    async loadDetail() {
      const id = get().openId;
      if (!id) return;
      set({ detailLoading: true });
      try {
        const { campaign, windows } = await api().umbrella.get({ campaignId: id });
        if (get().openId !== id) return;
        const cells: Record<string, WindowStatus> = {};
        for (const w of windows) cells[cellKey(w.replica, w.window)] = w;
        set({ current: campaign, cells, detailError: null, detailLoading: false });
      } catch (err) {
        if (get().openId !== id) return;
        set({ detailError: toApiError(err).message, detailLoading: false });
      }
    },
    onChanged(p) {
      const s = get();
      const patch: Partial<UmbrellaStore> = {};
      if (p.campaign) {
        const c = p.campaign;
        const i = s.campaigns.findIndex((x) => x.id === c.id);
        if (i >= 0) patch.campaigns = s.campaigns.map((x) => (x.id === c.id ? c : x));
        else {
          const projectId = useApp.getState().projectId;
          if (!projectId || projectId === c.projectId) patch.campaigns = [c, ...s.campaigns];
        }
        if (s.openId === c.id) patch.current = c;
      }
      if (s.openId === p.campaignId && p.windows.length) {
        // Copy the record once per event; untouched windows keep their identity.
        const cells = { ...s.cells };
        for (const w of p.windows) cells[cellKey(w.replica, w.window)] = w;
        patch.cells = cells;
      }
      if (Object.keys(patch).length) set(patch);
    },
    onDownload(d) {
      set((s) => ({ downloads: { ...s.downloads, [d.campaignId]: d } }));
    },
    async startDownload(campaignId, replica) {
      // The reply is a snapshot from when the download started; events may overtake it on the WebSocket, so it
      // is only kept when no event came in meanwhile.
      const before = get().downloads[campaignId];
      const d = await api().umbrella.downloadResults(replica ? { campaignId, replica } : { campaignId });
      if (get().downloads[campaignId] === before) get().onDownload(d);
    },
    async cancelDownload(campaignId) {
      const before = get().downloads[campaignId];
      const d = await api().umbrella.cancelDownload({ campaignId });
      if (get().downloads[campaignId] === before) get().onDownload(d);
    },
    setSelection(next) {
      set((s) => ({ selection: typeof next === 'function' ? next(s.selection) : next }));
    },
  };
});
