// Downloads and cluster-to-cluster copies: loaded with transfers.list, kept live by `transfers.changed` events.
import { create } from 'zustand';
import type { Transfer } from '../../shared/files.js';
import { toApiError } from '../../shared/client.js';
import { api } from '../api/index.js';
import { coalesce } from '../lib/coalesce.js';
import { upsertTransfer } from '../lib/files.js';

interface TransfersStore {
  transfers: Transfer[];
  loaded: boolean;
  /** Why the list could not be loaded. */
  error: string | null;
  refresh(): Promise<void>;
  onChanged(t: Transfer): void;
}

export const useTransfers = create<TransfersStore>()((set) => {
  const load = coalesce(async () => {
    const list = await api().transfers.list();
    set({ transfers: [...list].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)), loaded: true, error: null });
  });
  return {
    transfers: [],
    loaded: false,
    error: null,
    refresh: () => load().catch((err: unknown) => set({ loaded: true, error: toApiError(err).message })),
    onChanged: (t) => set((s) => ({ transfers: upsertTransfer(s.transfers, t) })),
  };
});
