// Downloads and cluster-to-cluster copies, newest first, live from `transfers.changed`: route, progress, state,
// message, Cancel (running) and Resume (paused, failed, cancelled). Hidden while there are none.
import { useState } from 'react';
import type { Transfer } from '../../../shared/files.js';
import { api } from '../../api/index.js';
import { StateBadge, type Tone } from '../../components/StateBadge.js';
import { formatBytes, transferFraction } from '../../lib/files.js';
import { formatTime } from '../../lib/format.js';
import { useTargets } from '../../store/targets.js';
import { toastError } from '../../store/toasts.js';
import { useTransfers } from '../../store/transfers.js';

const TONE: Record<Transfer['state'], Tone> = { running: 'info', paused: 'warning', done: 'success', failed: 'danger', cancelled: 'neutral' };
const RESUMABLE: readonly Transfer['state'][] = ['paused', 'failed', 'cancelled'];

const baseName = (p: string) => p.replace(/\/+$/, '').split('/').pop() || p;

export function TransfersPanel() {
  const transfers = useTransfers((s) => s.transfers);
  const error = useTransfers((s) => s.error);
  const targets = useTargets((s) => s.targets);
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  if (transfers.length === 0 && !error) return null;

  const name = (id: string | null) => (id === null ? 'this computer' : (targets.find((t) => t.id === id)?.name ?? id));
  const act = async (t: Transfer, what: 'cancel' | 'resume') => {
    setBusy((b) => ({ ...b, [t.id]: true }));
    try {
      const next = what === 'cancel' ? await api().transfers.cancel({ id: t.id }) : await api().transfers.resume({ id: t.id });
      useTransfers.getState().onChanged(next);
    } catch (err) {
      toastError(err, what === 'cancel' ? `Could not cancel ${baseName(t.from.path)}` : `Could not resume ${baseName(t.from.path)}`);
    } finally {
      setBusy(({ [t.id]: _done, ...rest }) => rest);
    }
  };

  return (
    <section className="panel transfers-panel" data-testid="transfers-panel" aria-label="Transfers">
      <div className="panel-head">
        <h2 className="panel-title">Transfers</h2>
        {error ? <span className="muted" title={error}>Transfers unavailable: {error}</span> : null}
      </div>
      <ul className="transfer-list">
        {transfers.map((t) => {
          const f = transferFraction(t);
          const label = baseName(t.from.path);
          return (
            <li key={t.id} className="transfer-row" data-testid="transfer-row" data-state={t.state} data-transfer-id={t.id}>
              <div className="transfer-main">
                <strong className="truncate" title={t.from.path}>
                  {label}
                </strong>
                <span className="muted truncate transfer-route" title={`${name(t.from.targetId)}:${t.from.path} → ${name(t.to.targetId)}:${t.to.path}`}>
                  {name(t.from.targetId)} → {name(t.to.targetId)}
                  <span className="mono"> {t.to.path}</span>
                </span>
              </div>
              <div className="transfer-progress">
                <progress
                  max={1}
                  value={f ?? undefined}
                  aria-label={`Progress of ${label}`}
                  data-testid="transfer-progress"
                />
                <span className="muted nowrap">
                  {formatBytes(t.bytesDone)}
                  {t.bytesTotal !== null ? ` of ${formatBytes(t.bytesTotal)}` : ''}
                  {t.filesTotal !== null ? ` · files ${t.filesDone}/${t.filesTotal}` : t.filesDone ? ` · ${t.filesDone} files` : ''}
                </span>
              </div>
              <div className="transfer-state">
                <StateBadge state={t.state} tone={TONE[t.state]} />
                {t.message ? (
                  <span className="muted truncate" title={t.message}>
                    {t.message}
                  </span>
                ) : (
                  <span className="muted">{formatTime(t.updatedAt)}</span>
                )}
              </div>
              <div className="row-actions">
                {t.state === 'running' ? (
                  <button type="button" className="button button-small button-danger-quiet" disabled={busy[t.id]} onClick={() => void act(t, 'cancel')} aria-label={`Cancel transfer of ${label}`} data-testid="transfer-cancel">
                    Cancel
                  </button>
                ) : null}
                {RESUMABLE.includes(t.state) ? (
                  <button type="button" className="button button-small" disabled={busy[t.id]} onClick={() => void act(t, 'resume')} aria-label={`Resume transfer of ${label}`} data-testid="transfer-resume">
                    Resume
                  </button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
