// The desktop side of the UI: app settings and the updater's status (the Settings dialog), unexpected errors
// (the error banner), and what the OS or the Electron menu asked to open (app.open).
import { create } from 'zustand';
import type { AppErrorReport, AppSettings, OpenRequest, UpdateSettings, UpdateStatus } from '../../shared/app.js';
import { toApiError } from '../../shared/client.js';
import { api } from '../api/index.js';
import { DISMISSED_KEY, addDismissed, mergeErrors, parseDismissed, type Dismissed } from '../lib/desktop.js';
import { useApp } from './app.js';
import { useProjects } from './projects.js';
import { useReproduce } from './reproduce.js';
import { toast } from './toasts.js';

interface DesktopStore {
  settingsOpen: boolean;
  settings: AppSettings | null;
  settingsError: string | null;
  /** The latest 'app.update' from the Electron shell; null in the browser shell (or before the first one). */
  update: UpdateStatus | null;
  /** Unexpected errors not dismissed yet, newest first. */
  errors: AppErrorReport[];
  openSettings(): void;
  closeSettings(): void;
  loadSettings(): Promise<void>;
  /** Saves and returns the new settings; throws the core's error (INVALID_INPUT for a bad feed URL). */
  saveUpdates(patch: Partial<UpdateSettings>): Promise<AppSettings>;
  onSettings(s: AppSettings): void;
  onUpdate(s: UpdateStatus): void;
  onError(r: AppErrorReport): void;
  /** Errors from before this window opened (e.g. before a reload); dismissed ones stay hidden. */
  loadErrors(): Promise<void>;
  dismissErrors(): void;
}

// sessionStorage: dismissals belong to this window, so a new window (or a restart) shows what is still recent.
function session(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

function readDismissed(): Dismissed {
  try {
    return parseDismissed(session()?.getItem(DISMISSED_KEY) ?? null);
  } catch {
    return parseDismissed(null);
  }
}

function writeDismissed(d: Dismissed): void {
  try {
    session()?.setItem(DISMISSED_KEY, JSON.stringify(d));
  } catch {
    /* storage full or disabled: the banner may show an old error again after a reload */
  }
}

export const useDesktop = create<DesktopStore>()((set, get) => ({
  settingsOpen: false,
  settings: null,
  settingsError: null,
  update: null,
  errors: [],
  openSettings() {
    set({ settingsOpen: true });
    void get().loadSettings();
  },
  closeSettings: () => set({ settingsOpen: false }),
  async loadSettings() {
    try {
      set({ settings: await api().app.settings(), settingsError: null });
    } catch (err) {
      set({ settingsError: toApiError(err).message });
    }
  },
  async saveUpdates(patch) {
    const settings = await api().app.setSettings({ updates: patch });
    set({ settings });
    return settings;
  },
  onSettings: (settings) => set({ settings }),
  onUpdate: (update) => set({ update }),
  onError: (r) => set({ errors: mergeErrors(get().errors, [r], readDismissed()) }),
  async loadErrors() {
    try {
      const earlier = await api().app.errors();
      set({ errors: mergeErrors(get().errors, earlier, readDismissed()) });
    } catch {
      /* the banner is a courtesy; a core that cannot list its errors will still send new ones */
    }
  },
  dismissErrors() {
    writeDismissed(addDismissed(readDismissed(), get().errors));
    set({ errors: [] });
  },
}));

/** Does what an 'app.open' request asks: a file goes to Reproduce, a project or job opens its area, or Settings. */
export function openRequestAction(req: OpenRequest): void {
  const app = useApp.getState();
  switch (req.kind) {
    case 'file':
      app.navigate('reproduce');
      void useReproduce.getState().addPath(req.path);
      return;
    case 'project':
      if (!useProjects.getState().projects.some((p) => p.id === req.projectId)) {
        toast('warning', `SimDeck has no project ${req.projectId} in this workspace.`);
        return;
      }
      app.setProject(req.projectId);
      app.navigate('projects');
      return;
    case 'job':
      app.openJob(req.jobId);
      return;
    case 'settings':
      useDesktop.getState().openSettings();
      return;
  }
}
