// Where a job's work folder and output files are (files.jobFiles), asked once when the drawer opens. While the
// cluster cannot be reached it asks again quietly every few seconds; the error stays on screen as one line.
import { useEffect, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { JobFiles } from '../../../shared/files.js';
import { api } from '../../api/index.js';

export const RETRY_MS = 5000;

export interface JobFilesState {
  files: JobFiles | null;
  error: string | null;
}

export function useJobFiles(jobId: string, enabled: boolean): JobFilesState {
  const [state, setState] = useState<JobFilesState>({ files: null, error: null });
  useEffect(() => {
    setState({ files: null, error: null });
    if (!enabled) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async () => {
      try {
        const files = await api().files.jobFiles({ jobId });
        if (live) setState({ files, error: null });
      } catch (err) {
        if (!live) return;
        setState({ files: null, error: toApiError(err).message });
        timer = setTimeout(() => void ask(), RETRY_MS);
      }
    };
    void ask();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [jobId, enabled]);
  return state;
}
