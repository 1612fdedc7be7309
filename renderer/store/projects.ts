import { create } from 'zustand';
import type { Project } from '../../shared/domain.js';
import { api } from '../api/index.js';
import { coalesce } from '../lib/coalesce.js';
import { toastError } from './toasts.js';

interface ProjectsStore {
  /** All projects, archived included, newest first (as the core sends them). */
  projects: Project[];
  loaded: boolean;
  /** Loads and throws on failure (startup); `refresh` reports failures as a toast instead. */
  load(): Promise<void>;
  refresh(): Promise<void>;
}

export const useProjects = create<ProjectsStore>()((set) => {
  const load = coalesce(async () => {
    const projects = await api().projects.list({ includeArchived: true });
    set({ projects, loaded: true });
  });
  return {
    projects: [],
    loaded: false,
    load,
    refresh: () => load().catch((err) => void toastError(err, 'Could not load projects')),
  };
});

export const activeProjects = (projects: readonly Project[]) => projects.filter((p) => !p.archived);
