import { create } from 'zustand';
import type { Target } from '../../shared/domain.js';
import { api } from '../api/index.js';
import { coalesce } from '../lib/coalesce.js';
import { toastError } from './toasts.js';

interface TargetsStore {
  targets: Target[];
  loaded: boolean;
  refresh(): Promise<void>;
}

export const useTargets = create<TargetsStore>()((set) => {
  const load = coalesce(async () => {
    const targets = await api().targets.list();
    set({ targets, loaded: true });
  });
  return {
    targets: [],
    loaded: false,
    refresh: () => load().catch((err) => void toastError(err, 'Could not load targets')),
  };
});

export function targetName(targets: readonly Target[], id: string | null): string {
  if (!id) return '—';
  return targets.find((t) => t.id === id)?.name ?? id;
}
