// State of the browser shell's event stream, for the "Disconnected…" banner. While the stream is down, a light
// probe asks the core whether this page's token still works: after `simdeck serve` restarts it has a new token,
// and reconnecting can never succeed until the user opens the new address.
import { create } from 'zustand';
import { toApiError } from '../../shared/client.js';
import type { ConnectionStatus } from '../api/browserTransport.js';

interface ConnectionStore {
  status: ConnectionStatus;
  /** Why reconnecting cannot work, when the probe found out. */
  problem: string | null;
  set(status: ConnectionStatus): void;
}

export const useConnection = create<ConnectionStore>()((set) => ({
  status: 'idle',
  problem: null,
  set: (status) => set(status === 'connected' ? { status, problem: null } : { status }),
}));

const PROBE_EVERY_MS = 5000;

/** While reconnecting, calls `probe` every few seconds; an UNAUTHORIZED answer becomes the banner's problem. */
export function watchConnection(probe: () => Promise<unknown>): () => void {
  let timer: ReturnType<typeof setInterval> | null = null;
  const check = () => {
    probe().then(
      () => useConnection.setState({ problem: null }),
      (err) => {
        const e = toApiError(err);
        if (e.code === 'UNAUTHORIZED' || e.code === 'FORBIDDEN') useConnection.setState({ problem: e.message });
      },
    );
  };
  const unsubscribe = useConnection.subscribe((s, prev) => {
    if (s.status === prev.status) return;
    if (s.status === 'reconnecting' && timer === null) timer = setInterval(check, PROBE_EVERY_MS);
    if (s.status !== 'reconnecting' && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  });
  return () => {
    unsubscribe();
    if (timer !== null) clearInterval(timer);
  };
}
