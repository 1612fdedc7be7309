// The Monitor dashboard (monitor.dashboard) while the area is open: loaded at once, again on every `monitor.sampled`
// and every 30 s (the strips move on even without new samples), with the user's under-use threshold.
import { useEffect, useMemo, useRef, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { TargetSummary } from '../../../shared/monitor.js';
import { api } from '../../api/index.js';
import { coalesce } from '../../lib/coalesce.js';

export const DASHBOARD_EVERY_MS = 30_000;

export interface DashboardState {
  targets: TargetSummary[] | null;
  /** When the dashboard shown was loaded (the strips end there). */
  loadedAt: number;
  error: string | null;
  reload(): Promise<void>;
}

export function useDashboard(underusePercent: number): DashboardState {
  const [targets, setTargets] = useState<TargetSummary[] | null>(null);
  const [loadedAt, setLoadedAt] = useState(() => Date.now());
  const [error, setError] = useState<string | null>(null);
  const threshold = useRef(underusePercent);
  threshold.current = underusePercent;

  // One request at a time; a burst of monitor.sampled events (several targets) ends in one more load.
  const reload = useMemo(
    () =>
      coalesce(async () => {
        try {
          const t = await api().monitor.dashboard({ underusePercent: threshold.current });
          setTargets(t);
          setLoadedAt(Date.now());
          setError(null);
        } catch (err) {
          setError(toApiError(err).message);
          setTargets((prev) => prev ?? []);
        }
      }),
    [],
  );

  useEffect(() => {
    const timer = setInterval(() => void reload(), DASHBOARD_EVERY_MS);
    const off = api().on('monitor.sampled', () => void reload());
    return () => {
      clearInterval(timer);
      off();
    };
  }, [reload]);

  // First load, and again when the threshold changes.
  useEffect(() => {
    void reload();
  }, [reload, underusePercent]);

  return { targets, loadedAt, error, reload };
}
