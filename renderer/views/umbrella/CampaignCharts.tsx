// Charts of a campaign (recharts, loaded only when a campaign page opens): progress, speed and GPU utilization
// (with NRP's 40 % minimum marked) over time from
// umbrella.history (replica averages, or one line per window of a replica), refreshed every 30 s; the umbrella
// histogram of a replica (one line per window over Q, centres marked) with the neighbour-overlap strip below.
// Props are primitives, so grid events (which change the store, not these props) never re-render the charts.
import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { toApiError } from '../../../shared/client.js';
import type { HistogramView, ProgressSample } from '../../../shared/kube.js';
import { api } from '../../api/index.js';
import { NRP_GPU_MINIMUM, formatCentre, pad2, seriesColour, seriesFromSamples } from '../../lib/umbrella.js';

const HISTORY_EVERY_MS = 30_000;
const Q_DOMAIN: [number, number] = [0.35, 1.0];

interface Props {
  campaignId: string;
  replicas: number;
  /** Window centres, "index:centre" joined by ",", so the prop is a stable string. */
  windowsKey: string;
}

function parseWindows(key: string): { index: number; centre: number }[] {
  if (!key) return [];
  return key.split(',').map((p) => {
    const [i, c] = p.split(':');
    return { index: Number(i), centre: Number(c) };
  });
}

const timeTick = (t: number) => {
  const d = new Date(t);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

function CampaignChartsImpl({ campaignId, replicas, windowsKey }: Props) {
  const windows = useMemo(() => parseWindows(windowsKey), [windowsKey]);
  return (
    <div className="charts">
      <HistoryCharts campaignId={campaignId} replicas={replicas} windowsPerReplica={windows.length} />
      <HistogramChart campaignId={campaignId} replicas={replicas} windows={windows} />
    </div>
  );
}

export const CampaignCharts = memo(CampaignChartsImpl);
export default CampaignCharts;

function HistoryCharts({ campaignId, replicas, windowsPerReplica }: { campaignId: string; replicas: number; windowsPerReplica: number }) {
  const [samples, setSamples] = useState<ProgressSample[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [by, setBy] = useState<'replica' | 'window'>('replica');
  const [replica, setReplica] = useState(1);

  const load = useCallback(async () => {
    try {
      setSamples(await api().umbrella.history({ campaignId }));
      setError(null);
    } catch (err) {
      setError(toApiError(err).message);
    }
  }, [campaignId]);

  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), HISTORY_EVERY_MS);
    return () => clearInterval(t);
  }, [load]);

  const progress = useMemo(() => seriesFromSamples(samples ?? [], 'percent', { by, replica, windowsPerReplica }), [samples, by, replica, windowsPerReplica]);
  const speed = useMemo(() => seriesFromSamples(samples ?? [], 'nsPerDay', { by, replica, windowsPerReplica }), [samples, by, replica, windowsPerReplica]);
  const gpu = useMemo(() => seriesFromSamples(samples ?? [], 'gpuUtil', { by, replica, windowsPerReplica }), [samples, by, replica, windowsPerReplica]);
  const gpuSampled = useMemo(() => (samples ?? []).some((s) => s.gpuUtil !== null), [samples]);

  const empty = samples !== null && samples.length === 0;
  return (
    <section className="panel chart-panel" aria-label="Progress, speed and GPU utilization over time">
      <div className="panel-head">
        <h2 className="panel-title">Progress over time</h2>
        <label className="inline-field">
          <span className="field-label">Lines</span>
          <select value={by} onChange={(e) => setBy(e.target.value as 'replica' | 'window')} data-testid="history-by">
            <option value="replica">replica average</option>
            <option value="window">each window of one replica</option>
          </select>
        </label>
        {by === 'window' ? (
          <label className="inline-field">
            <span className="field-label">Replica</span>
            <select value={replica} onChange={(e) => setReplica(Number(e.target.value))} data-testid="history-replica">
              {Array.from({ length: replicas }, (_, i) => i + 1).map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <span className="muted">every 30 s</span>
      </div>
      {error ? <p className="form-error">{error}</p> : null}
      {empty ? <p className="muted">No progress samples yet: they are recorded while SimDeck watches the windows.</p> : null}
      <div className="chart-pair">
        <div className="chart" data-testid="chart-progress" data-points={progress.points.length}>
          <h3 className="subsection-title">Progress (%)</h3>
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={progress.points} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={timeTick} stroke="var(--text-muted)" fontSize={11} />
              <YAxis domain={[0, 100]} stroke="var(--text-muted)" fontSize={11} width={36} />
              <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} />
              {progress.series.length <= 12 ? <Legend wrapperStyle={{ fontSize: 11 }} /> : null}
              {progress.series.map((s, i) => (
                <Line key={s} dataKey={s} type="monotone" dot={false} isAnimationActive={false} stroke={seriesColour(i, progress.series.length)} strokeWidth={1.5} connectNulls />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
        <div className="chart" data-testid="chart-speed" data-points={speed.points.length}>
          <h3 className="subsection-title">Speed (ns/day)</h3>
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={speed.points} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={timeTick} stroke="var(--text-muted)" fontSize={11} />
              <YAxis stroke="var(--text-muted)" fontSize={11} width={44} />
              <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} />
              {speed.series.length <= 12 ? <Legend wrapperStyle={{ fontSize: 11 }} /> : null}
              {speed.series.map((s, i) => (
                <Line key={s} dataKey={s} type="monotone" dot={false} isAnimationActive={false} stroke={seriesColour(i, speed.series.length)} strokeWidth={1.5} connectNulls />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
        <div className="chart" data-testid="chart-gpu" data-points={gpuSampled ? gpu.points.length : 0}>
          <h3 className="subsection-title">GPU utilization (%)</h3>
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={gpu.points} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={timeTick} stroke="var(--text-muted)" fontSize={11} />
              <YAxis domain={[0, 100]} stroke="var(--text-muted)" fontSize={11} width={36} />
              <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} />
              {gpu.series.length <= 12 ? <Legend wrapperStyle={{ fontSize: 11 }} /> : null}
              {/* NRP flags pods that use less than 40 % of their GPUs. */}
              <ReferenceLine
                y={NRP_GPU_MINIMUM}
                stroke="var(--danger)"
                strokeDasharray="4 3"
                label={{ value: `NRP minimum (${NRP_GPU_MINIMUM} %)`, position: 'insideTopRight', fontSize: 11, fill: 'var(--danger)' }}
              />
              {gpu.series.map((s, i) => (
                <Line key={s} dataKey={s} type="monotone" dot={false} isAnimationActive={false} stroke={seriesColour(i, gpu.series.length)} strokeWidth={1.5} connectNulls />
              ))}
            </LineChart>
          </ResponsiveContainer>
          {samples !== null && samples.length > 0 && !gpuSampled ? <p className="muted">No GPU readings yet (nvidia-smi is read in the pod on every third progress read).</p> : null}
        </div>
      </div>
    </section>
  );
}

function HistogramChart({ campaignId, replicas, windows }: { campaignId: string; replicas: number; windows: { index: number; centre: number }[] }) {
  const [replica, setReplica] = useState(1);
  const [state, setState] = useState<{ key: string; view: HistogramView | null; error: string | null; loading: boolean }>({ key: '', view: null, error: null, loading: false });
  const key = `${campaignId}:${replica}`;

  const load = useCallback(async () => {
    setState((s) => ({ ...s, key, loading: true }));
    try {
      const view = await api().umbrella.histogram({ campaignId, replica });
      setState({ key, view, error: null, loading: false });
    } catch (err) {
      setState({ key, view: null, error: toApiError(err).message, loading: false });
    }
  }, [campaignId, replica, key]);

  useEffect(() => {
    void load();
  }, [load]);

  const view = state.key === key ? state.view : null;
  const lines = useMemo(
    () =>
      (view?.windows ?? []).map((w) => ({
        window: w.window,
        centre: w.centre,
        samples: w.samples,
        data: w.bins.filter(([q]) => q >= Q_DOMAIN[0] && q <= Q_DOMAIN[1]).map(([q, y]) => ({ q, y })),
      })),
    [view],
  );
  const centres = view ? view.windows.map((w) => w.centre) : windows.map((w) => w.centre);
  const neighbours = view?.neighbours ?? [];
  const maxOverlap = Math.max(1e-9, ...neighbours.map((n) => n.overlap ?? 0));
  const missing = view?.missing ?? [];

  return (
    <section className="panel chart-panel" aria-label="Umbrella histogram">
      <div className="panel-head">
        <h2 className="panel-title">Umbrella histogram (fraction of native contacts Q)</h2>
        <label className="inline-field">
          <span className="field-label">Replica</span>
          <select value={replica} onChange={(e) => setReplica(Number(e.target.value))} data-testid="histogram-replica">
            {Array.from({ length: replicas }, (_, i) => i + 1).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button button-small" onClick={() => void load()} disabled={state.loading}>
          {state.loading ? 'Loading…' : 'Refresh'}
        </button>
      </div>
      {state.key === key && state.error ? <p className="form-error">{state.error}</p> : null}
      <div className="chart" data-testid="chart-histogram" data-lines={lines.length}>
        <ResponsiveContainer width="100%" height={260}>
          <LineChart margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="q" type="number" domain={Q_DOMAIN} allowDataOverflow tickCount={14} tickFormatter={(q: number) => q.toFixed(2)} stroke="var(--text-muted)" fontSize={11} />
            <YAxis stroke="var(--text-muted)" fontSize={11} width={44} />
            {centres.map((c, i) => (
              <ReferenceLine key={`c${i}`} x={c} stroke="var(--text-faint)" strokeDasharray="2 3" ifOverflow="discard" />
            ))}
            {lines.map((l, i) => (
              <Line key={l.window} data={l.data} dataKey="y" name={`window ${pad2(l.window)} (Q₀ ${formatCentre(l.centre)}, ${l.samples} samples)`} type="linear" dot={false} isAnimationActive={false} stroke={seriesColour(i, lines.length)} strokeWidth={1.2} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <div className="overlap-strip" data-testid="overlap-strip" aria-label="Overlap of neighbouring windows">
        {neighbours.length === 0 ? <span className="muted">No overlaps yet.</span> : null}
        {neighbours.map((n) => (
          <div
            key={`${n.a}-${n.b}`}
            className={`overlap-cell${n.gap ? ' overlap-gap' : ''}${n.overlap === null ? ' overlap-none' : ''}`}
            data-testid="overlap-cell"
            data-gap={n.gap}
            title={`windows ${pad2(n.a)}–${pad2(n.b)}: ${n.overlap === null ? 'no samples yet' : `overlap ${n.overlap.toFixed(3)}`}${n.gap ? ' (gap: add a window between them)' : ''}`}
          >
            {n.overlap !== null ? <span className="overlap-bar" style={{ height: `${Math.max(4, Math.round((n.overlap / maxOverlap) * 100))}%` }} /> : null}
          </div>
        ))}
      </div>
      {missing.length ? (
        <p className="muted" data-testid="histogram-missing">
          No samples could be read for window{missing.length === 1 ? '' : 's'} {missing.map(pad2).join(', ')} (no pod any more, or the file is not written yet).
        </p>
      ) : null}
    </section>
  );
}
