// Health of every SLURM cluster: connection state (live from `clusters.status` events), last poll, next retry,
// "Poll now" and "Check connection".
import { useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Target } from '../../../shared/domain.js';
import type { ClusterStatus } from '../../../shared/slurm.js';
import { api } from '../../api/index.js';
import { StateBadge, type Tone } from '../../components/StateBadge.js';
import { formatAgo, formatTime } from '../../lib/format.js';
import { summarizeSettings } from '../../lib/targets.js';
import { useClusters } from '../../store/clusters.js';
import { HostKeyDeclined, withHostKeyTrust } from '../../store/hostKeyTrust.js';
import { toast } from '../../store/toasts.js';

const TONE: Record<ClusterStatus['state'], Tone> = { idle: 'neutral', connecting: 'pending', connected: 'success', unreachable: 'danger', paused: 'warning' };

export function clusterStateLabel(s: ClusterStatus | undefined): string {
  if (!s) return 'no status yet';
  switch (s.state) {
    case 'unreachable':
      return `unreachable since ${formatTime(s.since)}`;
    case 'paused':
      return 'paused';
    case 'connecting':
      return 'connecting…';
    default:
      return s.state;
  }
}

type Busy = { poll?: boolean; check?: boolean; result?: { ok: boolean; text: string } };

export function ClustersPanel({ clusters }: { clusters: readonly Target[] }) {
  const byTarget = useClusters((s) => s.byTarget);
  const error = useClusters((s) => s.error);
  const [busy, setBusy] = useState<Record<string, Busy>>({});
  const patch = (id: string, b: Busy) => setBusy((x) => ({ ...x, [id]: { ...x[id], ...b } }));

  const poll = async (t: Target) => {
    patch(t.id, { poll: true });
    try {
      await withHostKeyTrust(() => api().slurm.poll({ targetId: t.id }));
      toast('info', `Polling ${t.name}…`);
    } catch (err) {
      if (!(err instanceof HostKeyDeclined)) toast('error', toApiError(err).message, `Could not poll ${t.name}`);
    } finally {
      patch(t.id, { poll: false });
    }
  };
  const check = async (t: Target) => {
    patch(t.id, { check: true, result: undefined });
    try {
      const r = await withHostKeyTrust(() => api().targets.check({ id: t.id }));
      patch(t.id, { result: { ok: r.ok, text: r.summary } });
    } catch (err) {
      if (!(err instanceof HostKeyDeclined)) patch(t.id, { result: { ok: false, text: toApiError(err).message } });
    } finally {
      patch(t.id, { check: false });
      void useClusters.getState().refresh();
    }
  };

  return (
    <section className="panel clusters-panel" data-testid="clusters-panel" aria-label="Clusters">
      <div className="panel-head">
        <h2 className="panel-title">Clusters</h2>
        {error ? <span className="muted" title={error}>Live status unavailable: {error}</span> : null}
      </div>
      {clusters.length === 0 ? (
        <p className="muted">No SLURM cluster yet. Add one under Targets with “Add SLURM cluster”.</p>
      ) : (
        <ul className="cluster-list">
          {clusters.map((t) => {
            const s = byTarget[t.id];
            const b = busy[t.id] ?? {};
            return (
              <li key={t.id} className="cluster-row" data-testid="cluster-row" data-target-id={t.id} data-state={s?.state ?? 'none'}>
                <div className="cluster-id">
                  <strong>{t.name}</strong>
                  <span className="mono muted truncate">{summarizeSettings(t)}</span>
                </div>
                <div className="cluster-status">
                  <span data-testid="cluster-state" data-state={s?.state ?? 'none'}>
                    <StateBadge state={s?.state ?? 'idle'} tone={s ? TONE[s.state] : 'neutral'} label={clusterStateLabel(s)} />
                  </span>
                  {s?.detail ? (
                    <span className={s.state === 'paused' ? 'cluster-advice' : 'muted'} title={s.detail}>
                      {s.state === 'paused' ? `What to do: ${s.detail}` : s.detail}
                    </span>
                  ) : null}
                </div>
                <div className="cluster-times muted">
                  <span title={s?.lastPollAt ? formatAgo(s.lastPollAt) : undefined}>Last poll {s?.lastPollAt ? formatTime(s.lastPollAt) : '—'}</span>
                  {s?.nextRetryAt ? <span>Next retry {formatTime(s.nextRetryAt)}</span> : null}
                </div>
                <div className="row-actions">
                  <button type="button" className="button button-small" data-testid="cluster-poll" disabled={b.poll} onClick={() => void poll(t)} aria-label={`Poll ${t.name} now`}>
                    {b.poll ? 'Polling…' : 'Poll now'}
                  </button>
                  <button type="button" className="button button-small" data-testid="cluster-check" disabled={b.check} onClick={() => void check(t)} aria-label={`Check connection to ${t.name}`}>
                    {b.check ? 'Checking…' : 'Check connection'}
                  </button>
                </div>
                {b.result ? (
                  <p className={`cluster-check ${b.result.ok ? '' : 'form-error'}`} role="status" data-testid="cluster-check-result">
                    {b.result.text}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
