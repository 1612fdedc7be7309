// One project of a work server: the server's statistics with SimDeck's counts (fah.project) and SimDeck's jobs
// (fah.jobs, optionally one state or phase). `fah.changed` for this project reloads both; bursts of events (a
// creation reports every phase) collapse into one follow-up load.
import { useEffect, useMemo, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { FahJob, FahProjectView } from '../../../shared/fah.js';
import { api } from '../../api/index.js';
import { coalesce } from '../../lib/coalesce.js';

export interface ProjectState {
  view: FahProjectView | null;
  jobs: FahJob[] | null;
  error: string | null;
  reload(): Promise<void>;
}

export function useFahProject(targetId: string, project: number, state: string): ProjectState {
  const [view, setView] = useState<FahProjectView | null>(null);
  const [jobs, setJobs] = useState<FahJob[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useMemo(
    () =>
      coalesce(async () => {
        // The jobs are SimDeck's own (no WS round trip), so they show even when the work server does not answer.
        const [v, j] = await Promise.allSettled([api().fah.project({ targetId, project }), api().fah.jobs({ targetId, project, ...(state ? { state } : {}) })]);
        if (v.status === 'fulfilled') setView(v.value);
        if (j.status === 'fulfilled') setJobs(j.value);
        const failed = [v, j].find((r) => r.status === 'rejected');
        setError(failed ? toApiError(failed.reason).message : null);
      }),
    [targetId, project, state],
  );

  useEffect(() => {
    setJobs(null); // another filter: no stale rows under the new one
    void reload();
    return api().on('fah.changed', (e) => {
      if (e.targetId === targetId && e.project === project) void reload();
    });
  }, [targetId, project, reload]);

  return { view, jobs, error, reload };
}
