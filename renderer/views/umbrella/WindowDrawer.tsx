// One window's drawer: phase, message (shown as a warning), progress, speed, ETA, pod/node/restarts, the pod's
// logs (umbrella.logs: container, previous run, timestamps, tail) and "Save log for MBAR" (umbrella.saveLog).
import { useEffect, useRef, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import { api } from '../../api/index.js';
import { CopyButton } from '../../components/CopyButton.js';
import { StateBadge, type Tone } from '../../components/StateBadge.js';
import { formatTimeSeconds } from '../../lib/format.js';
import { CONTAINERS, PHASE_LABELS, cellKey, formatCentre, formatEta, pad2 } from '../../lib/umbrella.js';
import { toast, toastError } from '../../store/toasts.js';
import { useUmbrella } from '../../store/umbrella.js';

const PHASE_TONES: Record<string, Tone> = {
  planned: 'neutral',
  queued: 'pending',
  'init-git': 'info',
  'init-rclone': 'info',
  equilibration: 'info',
  production: 'info',
  done: 'success',
  failed: 'danger',
  evicted: 'warning',
  unknown: 'warning',
};

interface Props {
  campaignId: string;
  replica: number;
  window: number;
  centre: number | null;
  onClose: () => void;
}

export function WindowDrawer({ campaignId, replica, window, centre, onClose }: Props) {
  const w = useUmbrella((s) => s.cells[cellKey(replica, window)]);
  const ref = useRef<HTMLElement>(null);
  const [container, setContainer] = useState<string>('main');
  const [previous, setPrevious] = useState(false);
  const [timestamps, setTimestamps] = useState(false);
  const [tail, setTail] = useState('500');
  const [logs, setLogs] = useState<{ state: 'idle' | 'loading' | 'ok' | 'error'; text: string; pod?: string }>({ state: 'idle', text: '' });
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    ref.current?.focus();
    setLogs({ state: 'idle', text: '' });
  }, [replica, window]);

  const loadLogs = async () => {
    setLogs((l) => ({ ...l, state: 'loading' }));
    const n = Number(tail);
    try {
      const r = await api().umbrella.logs({
        campaignId,
        replica,
        window,
        container,
        previous,
        timestamps,
        ...(Number.isInteger(n) && n >= 1 ? { tailLines: Math.min(n, 100_000) } : {}),
      });
      setLogs({ state: 'ok', text: r.text, pod: r.pod });
    } catch (err) {
      setLogs({ state: 'error', text: toApiError(err).message });
    }
  };

  const saveLog = async () => {
    setSaving(true);
    try {
      const r = await api().umbrella.saveLog({ campaignId, replica, window });
      toast('success', `Saved the log for MBAR: ${r.path}`);
    } catch (err) {
      toastError(err, 'Could not save the log');
    } finally {
      setSaving(false);
    }
  };

  const phase = w?.phase ?? 'planned';
  const pct = w?.percent ?? null;
  return (
    <aside
      ref={ref}
      className="drawer"
      aria-label={`Replica ${replica} window ${pad2(window)}`}
      data-testid="window-drawer"
      data-replica={replica}
      data-window={window}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <header className="drawer-head">
        <div className="drawer-title">
          <h2>
            Replica {replica} · window {pad2(window)}
            {centre !== null ? <span className="muted"> · Q₀ {formatCentre(centre)}</span> : null}
          </h2>
          <p className="muted mono truncate">{w?.jobName ?? 'no Job yet'}</p>
        </div>
        <button type="button" className="icon-button" aria-label="Close window details" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="drawer-body">
        <div className="drawer-state">
          <StateBadge state={phase} label={PHASE_LABELS[phase]} tone={PHASE_TONES[phase]} />
          {w ? <span className="muted"> updated {formatTimeSeconds(w.updatedAt)}</span> : null}
        </div>
        {w?.message ? (
          <div className="callout callout-warning" data-testid="window-message">
            <span className="callout-icon" aria-hidden="true">
              !
            </span>
            <div className="callout-body">
              <p>{w.message}</p>
            </div>
          </div>
        ) : null}
        <div className="drawer-section">
          <div className="wprogress-line">
            <progress max={100} value={pct ?? undefined} className="wprogress" aria-label="Progress" data-testid="window-progress" />
            <span>{pct !== null ? `${pct.toFixed(1)} %` : '—'}</span>
          </div>
          <dl className="details">
            <div className="details-row">
              <dt>Steps</dt>
              <dd className="mono">{w?.lastStep !== null && w?.lastStep !== undefined ? `${w.lastStep.toLocaleString()} / ${w.nSteps?.toLocaleString() ?? '?'}` : '—'}</dd>
            </div>
            <div className="details-row">
              <dt>Speed</dt>
              <dd>{w?.nsPerDay !== null && w?.nsPerDay !== undefined ? `${w.nsPerDay} ns/day` : '—'}</dd>
            </div>
            <div className="details-row">
              <dt>ETA</dt>
              <dd>{formatEta(w?.etaSeconds)}</dd>
            </div>
            <div className="details-row">
              <dt>Pod</dt>
              <dd className="mono">{w?.pod ?? '—'}</dd>
            </div>
            <div className="details-row">
              <dt>Node</dt>
              <dd className="mono">{w?.node ?? '—'}</dd>
            </div>
            <div className="details-row">
              <dt>Restarts</dt>
              <dd>{w?.restarts ?? 0}</dd>
            </div>
          </dl>
        </div>

        <section className="drawer-section" aria-label="Logs">
          <div className="section-head">
            <h3 className="panel-title">Logs</h3>
            <button type="button" className="button button-small" onClick={() => void saveLog()} disabled={saving} data-testid="window-save-log" title="Saves the main container log as {S}-{R}-{WW}-{pod}.out next to the results, where the MBAR scripts read k and Q0">
              {saving ? 'Saving…' : 'Save log for MBAR'}
            </button>
          </div>
          <div className="logs-toolbar">
            <label className="inline-field">
              <span className="field-label">Container</span>
              <select value={container} onChange={(e) => setContainer(e.target.value)} data-testid="window-logs-container">
                {CONTAINERS.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
            <label className="check">
              <input type="checkbox" checked={previous} onChange={(e) => setPrevious(e.target.checked)} data-testid="window-logs-previous" />
              previous run
            </label>
            <label className="check">
              <input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} data-testid="window-logs-timestamps" />
              timestamps
            </label>
            <label className="inline-field">
              <span className="field-label">Tail</span>
              <input value={tail} onChange={(e) => setTail(e.target.value)} className="input-narrow" inputMode="numeric" aria-label="Tail lines" data-testid="window-logs-tail" />
            </label>
            <button type="button" className="button button-small" onClick={() => void loadLogs()} disabled={logs.state === 'loading'} data-testid="window-logs-load">
              {logs.state === 'loading' ? 'Loading…' : logs.state === 'idle' ? 'Show log' : 'Reload'}
            </button>
          </div>
          {logs.state === 'error' ? (
            <p className="form-error" data-testid="window-logs-error">
              {logs.text}
            </p>
          ) : null}
          <div className="section-head">
            {logs.pod ? <span className="muted mono">{logs.pod}</span> : <span />}
            {logs.state === 'ok' ? <CopyButton text={logs.text} label="Copy the log" what="log" /> : null}
          </div>
          <pre className="code code-tall" data-testid="window-logs" data-state={logs.state}>
            {logs.state === 'ok' ? logs.text || '(empty)' : logs.state === 'idle' ? 'Choose a container and press “Show log”.' : ''}
          </pre>
        </section>
      </div>
    </aside>
  );
}
