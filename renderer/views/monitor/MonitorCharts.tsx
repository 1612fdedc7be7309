// One GPU's utilization over a range (monitor.query: at most 2,000 points, per-point min and max from the rollups),
// loaded lazily so recharts stays out of the main bundle. Range buttons (1 h … 7 d, custom), drag across the chart to
// zoom (the range is queried again, so detail comes back), the mean and max of what is shown, and exports as PNG
// (the chart's SVG drawn into a canvas) and CSV (t ISO, value, min, max).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Area, CartesianGrid, ComposedChart, Legend, Line, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MouseHandlerDataParam } from 'recharts';
import { toApiError } from '../../../shared/client.js';
import type { SeriesQuery } from '../../../shared/monitor.js';
import { api } from '../../api/index.js';
import { RANGE_LABELS, RANGE_MS, chartPoints, checkCustomRange, gpuLabel, hhmm, seriesCsv, seriesFileName, seriesStats, toLocalInput, type RangeKey } from '../../lib/monitor.js';
import { useMonitor } from '../../store/monitor.js';
import { toastError } from '../../store/toasts.js';
import type { DashboardState } from './useDashboard.js';

const MAX_POINTS = 2000;
const RANGES: RangeKey[] = ['1h', '6h', '24h', '7d', 'custom'];

interface Range {
  from: number;
  to: number;
}

export default function MonitorCharts({ dashboard }: { dashboard: DashboardState }) {
  const chosen = useMonitor((s) => s.chartSeries);
  const showChart = useMonitor((s) => s.showChart);
  const threshold = useMonitor((s) => s.underusePercent);
  const options = useMemo(() => {
    const out: { series: string; label: string }[] = [];
    for (const t of dashboard.targets ?? [])
      for (const g of t.gpus) out.push({ series: g.series, label: `${t.name} · ${gpuLabel(g)}${g.jobName || g.jobId ? ` · ${g.jobName ?? g.jobId}` : ''}` });
    return out;
  }, [dashboard.targets]);
  const series = chosen ?? options[0]?.series ?? null;
  const allOptions = series && !options.some((o) => o.series === series) ? [{ series, label: series }, ...options] : options;

  const [rangeKey, setRangeKey] = useState<RangeKey>('1h');
  const [range, setRange] = useState<Range>(() => ({ from: Date.now() - RANGE_MS['1h'], to: Date.now() }));
  const [zoomed, setZoomed] = useState<Range | null>(null);
  const [customFrom, setCustomFrom] = useState(() => toLocalInput(Date.now() - RANGE_MS['24h']));
  const [customTo, setCustomTo] = useState(() => toLocalInput(Date.now()));
  const [customError, setCustomError] = useState<string | null>(null);
  const [result, setResult] = useState<SeriesQuery | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const shown = zoomed ?? range;

  const pickRange = (k: RangeKey) => {
    setRangeKey(k);
    setZoomed(null);
    if (k !== 'custom') setRange({ from: Date.now() - RANGE_MS[k], to: Date.now() });
  };
  const applyCustom = () => {
    const c = checkCustomRange(customFrom, customTo);
    setCustomError(c.error);
    if (c.range) {
      setZoomed(null);
      setRange(c.range);
    }
  };

  const load = useCallback(async () => {
    if (!series) return;
    setLoading(true);
    try {
      setResult(await api().monitor.query({ series, from: Math.floor(shown.from), to: Math.ceil(shown.to), maxPoints: MAX_POINTS }));
      setError(null);
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setLoading(false);
    }
  }, [series, shown.from, shown.to]);
  useEffect(() => {
    void load();
  }, [load]);

  const points = useMemo(() => (result ? chartPoints(result) : []), [result]);
  const stats = useMemo(() => seriesStats(points), [points]);

  // Drag-select zoom: from the point under the press to the point under the release.
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);
  const tAt = (s: MouseHandlerDataParam): number | null => {
    const i = Number(s.activeTooltipIndex);
    return Number.isInteger(i) && points[i] ? points[i].t : null;
  };
  const onDown = (s: MouseHandlerDataParam) => {
    const t = tAt(s);
    if (t !== null) setDrag({ a: t, b: t });
  };
  const onMove = (s: MouseHandlerDataParam) => {
    const t = tAt(s);
    if (drag && t !== null) setDrag({ a: drag.a, b: t });
  };
  const onUp = () => {
    if (drag && drag.a !== drag.b) setZoomed({ from: Math.min(drag.a, drag.b), to: Math.max(drag.a, drag.b) });
    setDrag(null);
  };

  const chartRef = useRef<HTMLDivElement>(null);
  const exportPng = async () => {
    // The chart's own surface, not the legend's icons (also svg.recharts-surface).
    const svg = chartRef.current?.querySelector('.recharts-wrapper > svg.recharts-surface');
    if (!svg || !series) return;
    const caption = `${allOptions.find((o) => o.series === series)?.label ?? series} · ${new Date(shown.from).toLocaleString()} – ${new Date(shown.to).toLocaleString()} · mean ${stats.mean ?? '—'} % · max ${stats.max ?? '—'} %`;
    try {
      await downloadPng(svg as SVGSVGElement, caption, seriesFileName(series, 'png'));
    } catch (err) {
      toastError(err, 'Could not export the chart');
    }
  };
  const exportCsv = () => {
    if (!result || !series) return;
    downloadUrl(URL.createObjectURL(new Blob([seriesCsv(result)], { type: 'text/csv' })), seriesFileName(series, 'csv'), true);
  };

  if (!series) {
    return (
      <section className="panel" data-testid="monitor-charts" data-points={0}>
        <p className="muted" data-testid="chart-no-series">
          No GPU to chart yet: GPUs appear on the dashboard once jobs run and SimDeck samples them.
        </p>
      </section>
    );
  }

  return (
    <section className="panel chart-panel" aria-label="GPU utilization over time" data-testid="monitor-charts">
      <div className="monitor-chart-toolbar">
        <label className="inline-field">
          <span className="field-label">GPU</span>
          <select value={series} onChange={(e) => showChart(e.target.value)} data-testid="chart-series">
            {allOptions.map((o) => (
              <option key={o.series} value={o.series}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <div className="segmented" role="group" aria-label="Range">
          {RANGES.map((k) => (
            <button key={k} type="button" className="button button-small" aria-pressed={rangeKey === k} onClick={() => pickRange(k)} data-testid={`chart-range-${k}`}>
              {RANGE_LABELS[k]}
            </button>
          ))}
        </div>
        <span className="toolbar-spacer" />
        <button
          type="button"
          className="button button-small"
          onClick={() => (rangeKey !== 'custom' && !zoomed ? setRange({ from: Date.now() - RANGE_MS[rangeKey], to: Date.now() }) : void load())}
          disabled={loading}
          data-testid="chart-reload"
        >
          Reload
        </button>
        <button type="button" className="button button-small" onClick={() => void exportPng()} disabled={points.length === 0} data-testid="chart-export-png">
          PNG
        </button>
        <button type="button" className="button button-small" onClick={exportCsv} disabled={!result || result.points.length === 0} data-testid="chart-export-csv">
          CSV
        </button>
      </div>
      {rangeKey === 'custom' ? (
        <div className="monitor-custom-range">
          <label className="inline-field">
            <span className="field-label">From</span>
            <input type="datetime-local" value={customFrom} onChange={(e) => setCustomFrom(e.target.value)} aria-invalid={customError ? true : undefined} data-testid="chart-from" />
          </label>
          <label className="inline-field">
            <span className="field-label">To</span>
            <input type="datetime-local" value={customTo} onChange={(e) => setCustomTo(e.target.value)} aria-invalid={customError ? true : undefined} data-testid="chart-to" />
          </label>
          <button type="button" className="button button-small" onClick={applyCustom} data-testid="chart-apply">
            Show
          </button>
          {customError ? (
            <span className="field-error" data-testid="field-error">
              {customError}
            </span>
          ) : null}
        </div>
      ) : null}
      <div className="monitor-chart-meta">
        <span data-testid="chart-range-shown">
          {new Date(shown.from).toLocaleString()} – {new Date(shown.to).toLocaleString()}
        </span>
        {zoomed ? (
          <button type="button" className="button button-small button-ghost" onClick={() => setZoomed(null)} data-testid="chart-zoom-reset">
            Reset zoom
          </button>
        ) : (
          <span className="muted">Drag across the chart to zoom in.</span>
        )}
        <span className="toolbar-spacer" />
        <span data-testid="chart-stats" data-mean={stats.mean ?? ''} data-max={stats.max ?? ''}>
          mean <strong>{stats.mean === null ? '—' : `${stats.mean} %`}</strong> · max <strong>{stats.max === null ? '—' : `${stats.max} %`}</strong>
        </span>
        {result ? (
          <span className="muted" data-testid="chart-resolution">
            {result.resolution === 'raw' ? 'raw samples' : `${result.resolution} means`}
            {result.downsampled ? `, ${result.points.length.toLocaleString()} of ${result.sourcePoints.toLocaleString()} points` : ''}
          </span>
        ) : null}
      </div>
      {error ? (
        <p className="form-error" data-testid="chart-error">
          {error}
        </p>
      ) : null}
      <div className="chart monitor-chart" ref={chartRef} data-testid="chart-util" data-points={points.length} data-series={series}>
        {result && points.length === 0 ? <p className="muted">No samples of this GPU in this range.</p> : null}
        <ResponsiveContainer width="100%" height={320}>
          <ComposedChart data={points} margin={{ top: 8, right: 16, bottom: 4, left: 0 }} onMouseDown={onDown} onMouseMove={onMove} onMouseUp={onUp}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={[shown.from, shown.to]}
              allowDataOverflow
              tickFormatter={(t: number) => (shown.to - shown.from > 36 * 3_600_000 ? new Date(t).toLocaleDateString(undefined, { month: 'short', day: 'numeric' }) + ' ' + hhmm(t) : hhmm(t))}
              stroke="var(--text-muted)"
              fontSize={11}
            />
            <YAxis domain={[0, 100]} unit="%" stroke="var(--text-muted)" fontSize={11} width={48} />
            <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} formatter={(v) => `${Math.round(Number(v) * 10) / 10} %`} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            <ReferenceLine y={threshold} stroke="var(--warning)" strokeDasharray="4 4" label={{ value: `${threshold} %`, fontSize: 10, fill: 'var(--warning)', position: 'insideTopRight' }} />
            <Area dataKey="max" name="max" type="monotone" stroke="var(--danger)" fill="var(--danger-soft)" strokeWidth={1} isAnimationActive={false} dot={false} />
            <Line dataKey="mean" name="mean" type="monotone" stroke="var(--accent)" strokeWidth={1.5} isAnimationActive={false} dot={false} />
            {drag ? <ReferenceArea x1={Math.min(drag.a, drag.b)} x2={Math.max(drag.a, drag.b)} fill="var(--accent-soft)" fillOpacity={0.5} /> : null}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}

function downloadUrl(url: string, name: string, revoke: boolean): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (revoke) setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const CAPTION_PX = 24;

/**
 * The chart as a PNG: the SVG is serialized with the colours it was drawn with (CSS variables resolved, since the
 * image has no stylesheet), drawn into a canvas at device resolution on the page's background under a caption (GPU,
 * range, mean and max; the legend is HTML, not part of the SVG), then saved.
 */
async function downloadPng(svg: SVGSVGElement, caption: string, name: string): Promise<void> {
  const { width, height } = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineColours(svg, clone);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const text = new XMLSerializer().serializeToString(clone);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('The chart could not be drawn as an image.'));
      img.src = url;
    });
    const scale = window.devicePixelRatio || 1;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round((height + CAPTION_PX) * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw into a canvas.');
    ctx.scale(scale, scale);
    const page = getComputedStyle(document.body);
    ctx.fillStyle = page.backgroundColor || '#ffffff';
    ctx.fillRect(0, 0, width, height + CAPTION_PX);
    ctx.fillStyle = page.color || '#000000';
    ctx.font = `12px ${page.fontFamily || 'sans-serif'}`;
    ctx.fillText(caption, 8, 16, width - 16);
    ctx.drawImage(img, 0, CAPTION_PX, width, height);
    downloadUrl(canvas.toDataURL('image/png'), name, false);
  } finally {
    URL.revokeObjectURL(url);
  }
}

const PAINT = ['fill', 'stroke', 'stop-color', 'color', 'font-family', 'font-size', 'opacity', 'fill-opacity', 'stroke-opacity', 'stroke-dasharray'] as const;

/** Copies the computed paint of each element onto the clone (var(--…) means nothing outside the page). */
function inlineColours(src: Element, dst: Element): void {
  const cs = getComputedStyle(src);
  const style = PAINT.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
  dst.setAttribute('style', `${dst.getAttribute('style') ?? ''};${style}`);
  for (let i = 0; i < src.children.length; i++) {
    const s = src.children[i];
    const d = dst.children[i];
    if (s && d) inlineColours(s, d);
  }
}
