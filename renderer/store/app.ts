// App-wide UI state: current area (synced with location.hash), current project, theme, startup state.
import { create } from 'zustand';
import type { Result } from '../../shared/contract.js';
import { PROJECT_KEY, THEME_KEY, readLocal, writeLocal } from '../lib/storage.js';
import { effectiveTheme, otherTheme, parseTheme, type Theme } from '../lib/theme.js';
import { DEFAULT_VIEW, hashForView, viewFromHash, type ViewId } from '../lib/views.js';

export type AppState = 'loading' | 'ready' | 'error';

interface AppStore {
  view: ViewId;
  /** null = all projects. */
  projectId: string | null;
  themeChoice: Theme | null;
  systemDark: boolean;
  appState: AppState;
  fatal: { title: string; message: string } | null;
  info: Result<'app.info'> | null;
  shell: 'electron' | 'browser';
  /** Set when a keyboard jump asks the new area's heading to take focus. */
  focusHeading: boolean;
  /** A job another area asked the Jobs area to show (its drawer opens); cleared once shown. */
  focusJobId: string | null;
  navigate(view: ViewId): void;
  /** Opens the Jobs area with this job's drawer (links from Monitor, alerts, …). */
  openJob(jobId: string): void;
  clearJobFocus(): void;
  /** Alt+N: open an area and move focus to its heading. */
  jumpTo(view: ViewId): void;
  setViewFromHash(hash: string): void;
  setProject(id: string | null): void;
  toggleTheme(): void;
  setSystemDark(dark: boolean): void;
}

export const useApp = create<AppStore>()((set, get) => ({
  view: DEFAULT_VIEW,
  projectId: readLocal(PROJECT_KEY) || null,
  themeChoice: parseTheme(readLocal(THEME_KEY)),
  systemDark: false,
  appState: 'loading',
  fatal: null,
  info: null,
  shell: 'browser',
  focusHeading: false,
  focusJobId: null,
  openJob(jobId) {
    set({ focusJobId: jobId });
    get().navigate('jobs');
  },
  clearJobFocus() {
    set({ focusJobId: null });
  },
  jumpTo(view) {
    set({ focusHeading: true });
    get().navigate(view);
  },
  navigate(view) {
    set({ view });
    const hash = hashForView(view);
    if (typeof window !== 'undefined' && window.location.hash !== hash) window.location.hash = hash;
  },
  setViewFromHash(hash) {
    const view = viewFromHash(hash);
    if (view) {
      if (view !== get().view) set({ view });
    } else if (typeof window !== 'undefined') {
      // Unknown or empty address: show the default area without adding a history entry.
      const url = new URL(window.location.href);
      url.hash = hashForView(get().view);
      window.history.replaceState(window.history.state, '', url.toString());
    }
  },
  setProject(id) {
    writeLocal(PROJECT_KEY, id);
    set({ projectId: id });
  },
  toggleTheme() {
    const { themeChoice, systemDark } = get();
    const next = otherTheme(effectiveTheme(themeChoice, systemDark));
    writeLocal(THEME_KEY, next);
    set({ themeChoice: next });
  },
  setSystemDark(dark) {
    set({ systemDark: dark });
  },
}));

export const selectTheme = (s: AppStore): Theme => effectiveTheme(s.themeChoice, s.systemDark);
