import { create } from 'zustand';
import type { Job } from '../../shared/domain.js';
import { api } from '../api/index.js';
import { coalesce } from '../lib/coalesce.js';
import { useApp } from './app.js';
import { toastError } from './toasts.js';

interface JobsStore {
  jobs: Job[];
  /** The project filter the list was loaded for (null = all projects). */
  projectId: string | null;
  loaded: boolean;
  refresh(): Promise<void>;
}

export const useJobs = create<JobsStore>()((set) => {
  const load = coalesce(async () => {
    const projectId = useApp.getState().projectId;
    // The table is virtualized: it can hold every job of a large campaign at once.
    const jobs = await api().jobs.list({ ...(projectId ? { projectId } : {}), limit: 200_000 });
    set({ jobs, projectId, loaded: true });
  });
  return {
    jobs: [],
    projectId: null,
    loaded: false,
    refresh: () => load().catch((err) => void toastError(err, 'Could not load jobs')),
  };
});
