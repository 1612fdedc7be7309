// Toasts: short notes bottom-right. Errors stay until closed; the rest fade after a few seconds.
import { create } from 'zustand';
import { toApiError } from '../../shared/client.js';

export type ToastLevel = 'info' | 'success' | 'warning' | 'error';

export interface Toast {
  id: number;
  level: ToastLevel;
  title?: string;
  message: string;
}

interface ToastState {
  toasts: Toast[];
  push(t: Omit<Toast, 'id'>): number;
  dismiss(id: number): void;
  clear(): void;
}

const LIFETIME: Record<ToastLevel, number | null> = { info: 5000, success: 4000, warning: 9000, error: null };
const MAX_TOASTS = 6;
let nextId = 1;

export const useToasts = create<ToastState>()((set, get) => ({
  toasts: [],
  push(t) {
    const id = nextId++;
    set((s) => {
      // Same message already on screen: do not stack duplicates.
      const rest = s.toasts.filter((x) => !(x.message === t.message && x.title === t.title && x.level === t.level));
      let toasts = [...rest, { ...t, id }];
      while (toasts.length > MAX_TOASTS) {
        const i = toasts.findIndex((x) => x.level !== 'error');
        toasts = toasts.filter((_, j) => j !== (i === -1 ? 0 : i));
      }
      return { toasts };
    });
    const life = LIFETIME[t.level];
    if (life !== null) setTimeout(() => get().dismiss(id), life);
    return id;
  },
  dismiss(id) {
    set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
  },
  clear() {
    set({ toasts: [] });
  },
}));

export function toast(level: ToastLevel, message: string, title?: string): number {
  return useToasts.getState().push({ level, message, ...(title ? { title } : {}) });
}

/** An error toast with the ApiError's message (what went wrong and what to do). */
export function toastError(err: unknown, title?: string): number {
  return toast('error', toApiError(err).message, title);
}

/**
 * For forms: error toasts from earlier attempts go away once the user gets it right, so a corrected form
 * does not leave stale errors on screen.
 */
export function formErrorToasts() {
  let ids: number[] = [];
  return {
    report(err: unknown, title: string) {
      ids.push(toastError(err, title));
    },
    clear() {
      const { dismiss } = useToasts.getState();
      for (const id of ids) dismiss(id);
      ids = [];
    },
  };
}
