import { create } from 'zustand';
import type { ActivityEntry } from '../../shared/domain.js';
import { api } from '../api/index.js';
import { coalesce } from '../lib/coalesce.js';
import { toastError } from './toasts.js';

export const ACTIVITY_LIMIT = 200;

/** Adds or replaces entries by id and keeps the list newest first, capped. */
export function mergeActivity(current: readonly ActivityEntry[], incoming: readonly ActivityEntry[], limit = 1000): ActivityEntry[] {
  const byId = new Map<number, ActivityEntry>();
  for (const e of current) byId.set(e.id, e);
  for (const e of incoming) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, limit);
}

interface ActivityStore {
  entries: ActivityEntry[];
  loaded: boolean;
  refresh(): Promise<void>;
  append(entry: ActivityEntry): void;
}

export const useActivity = create<ActivityStore>()((set, get) => {
  const load = coalesce(async () => {
    const fresh = await api().activity.list({ limit: ACTIVITY_LIMIT });
    // Keep entries that arrived live while the list was loading.
    set({ entries: mergeActivity(fresh, get().entries.filter((e) => e.id > (fresh[0]?.id ?? -Infinity))), loaded: true });
  });
  return {
    entries: [],
    loaded: false,
    refresh: () => load().catch((err) => void toastError(err, 'Could not load the activity log')),
    append(entry) {
      set((s) => ({ entries: mergeActivity(s.entries, [entry]) }));
    },
  };
});
