// The open fleet with its members and Swarm nodes (fleets.get). Members have no event of their own, so the page
// polls every 5 s while it is open, and reloads at once when `fleets.changed` reports this fleet.
import { useEffect, useMemo, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Result } from '../../../shared/contract.js';
import { api } from '../../api/index.js';
import { coalesce } from '../../lib/coalesce.js';

export const POLL_MS = 5_000;
export type FleetDetail = Result<'fleets.get'>;

export function useFleetDetail(fleetId: string): { detail: FleetDetail | null; error: string | null; reload: () => Promise<void> } {
  const [detail, setDetail] = useState<FleetDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  // One fleets.get at a time: a poll and an event arriving together collapse into one follow-up.
  const reload = useMemo(
    () =>
      coalesce(async () => {
        try {
          setDetail(await api().fleets.get({ fleetId }));
          setError(null);
        } catch (err) {
          setError(toApiError(err).message);
        }
      }),
    [fleetId],
  );

  useEffect(() => {
    void reload();
    const timer = setInterval(() => void reload(), POLL_MS);
    const off = api().on('fleets.changed', (f) => {
      if (f.id === fleetId) void reload();
    });
    return () => {
      clearInterval(timer);
      off();
    };
  }, [fleetId, reload]);

  return { detail, error, reload };
}
