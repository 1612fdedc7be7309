// A work server's client certificate (fah.cert), kept live by `fah.cert` events: an import, a renewal (at start,
// daily, or "Renew now") or the core's expiry check updates it without a reload.
import { useCallback, useEffect, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { FahCertInfo } from '../../../shared/fah.js';
import { api } from '../../api/index.js';

export interface CertState {
  /** undefined while loading; null when the work server has no certificate yet. */
  cert: FahCertInfo | null | undefined;
  error: string | null;
  reload(): Promise<void>;
  /** A call that returned the new certificate (import, renew) shows it at once. */
  set(cert: FahCertInfo): void;
}

export function useFahCert(targetId: string): CertState {
  const [cert, setCert] = useState<FahCertInfo | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setCert(await api().fah.cert({ targetId }));
      setError(null);
    } catch (err) {
      setError(toApiError(err).message);
    }
  }, [targetId]);

  useEffect(() => {
    setCert(undefined);
    void reload();
    return api().on('fah.cert', (e) => {
      if (e.targetId === targetId) setCert(e.cert);
    });
  }, [targetId, reload]);

  return { cert, error, reload, set: setCert };
}
