// A project's charts, loaded only when opened so recharts stays out of the main bundle: the forward and reverse
// nonequilibrium work of one RUN as histograms on shared bins (fah.work; in kT, from every finished clone's
// globals.csv), and the jobs by state over time (fah.history). Both reload on `fah.changed` for the project.
import { memo, useEffect, useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { toApiError } from '../../../shared/client.js';
import type { FahProgressSample, FahWorkPoint } from '../../../shared/fah.js';
import { api } from '../../api/index.js';
import { coalesce } from '../../lib/coalesce.js';
import { progressSeries, runsOf, workHistogram } from '../../lib/fah.js';

const STATE_COLOURS: Record<string, string> = {
  READY: 'var(--warning)',
  ASSIGNED: 'var(--accent)',
  PROCESSING: 'var(--accent)',
  FINISHED: 'var(--success)',
  FAILED: 'var(--danger)',
  STOPPED: 'var(--text-muted)',
};

function FahChartsImpl({ targetId, project }: { targetId: string; project: number }) {
  const [run, setRun] = useState<number | null>(null);
  const [all, setAll] = useState<FahWorkPoint[] | null>(null);
  const [work, setWork] = useState<{ points: FahWorkPoint[]; problems: string[] } | null>(null);
  const [history, setHistory] = useState<FahProgressSample[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Every RUN's points once (for the picker and the first RUN), then only the picked RUN's.
  const load = useMemo(
    () =>
      coalesce(async () => {
        try {
          const [w, h] = await Promise.all([api().fah.work({ targetId, project, ...(run === null ? {} : { run }) }), api().fah.history({ targetId, project })]);
          if (run === null) setAll(w.points);
          setWork(w);
          setHistory(h);
          setError(null);
        } catch (err) {
          setError(toApiError(err).message);
        }
      }),
    [targetId, project, run],
  );

  useEffect(() => {
    void load();
    return api().on('fah.changed', (e) => {
      if (e.targetId === targetId && e.project === project) void load();
    });
  }, [targetId, project, load]);

  const runs = useMemo(() => runsOf(all ?? []), [all]);
  const shownRun = run ?? runs[0] ?? null;
  const points = useMemo(() => (work?.points ?? []).filter((p) => p.run === shownRun), [work, shownRun]);

  return (
    <section className="panel chart-panel" aria-label="Project charts" data-testid="fah-charts">
      <div className="panel-head">
        <h2 className="panel-title">Charts</h2>
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="chart-pair">
        <div className="chart">
          <div className="section-head">
            <h3 className="subsection-title">Work distributions (kT)</h3>
            <label className="inline-field">
              <span className="field-label">RUN</span>
              <select value={shownRun ?? ''} onChange={(e) => setRun(Number(e.target.value))} disabled={!runs.length} data-testid="fah-work-run">
                {runs.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <WorkChart points={points} loading={work === null} />
          {work?.problems.length ? (
            <ul className="issue-list muted" data-testid="fah-work-problems">
              {work.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          ) : null}
        </div>
        <ProgressChart samples={history} />
      </div>
    </section>
  );
}

export const FahCharts = memo(FahChartsImpl);
export default FahCharts;

function WorkChart({ points, loading }: { points: FahWorkPoint[]; loading: boolean }) {
  const bins = useMemo(() => workHistogram(points), [points]);
  return (
    <div data-testid="fah-chart-work" data-points={points.length} data-bins={bins.length}>
      {!loading && bins.length === 0 ? <p className="muted">No work values yet: they come from the globals.csv of finished clones.</p> : null}
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={bins} margin={{ top: 8, right: 12, bottom: 4, left: 0 }} barGap={0} barCategoryGap={1}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="mid" stroke="var(--text-muted)" fontSize={11} />
          <YAxis allowDecimals={false} stroke="var(--text-muted)" fontSize={11} width={36} />
          <Tooltip labelFormatter={(m) => `≈ ${String(m)} kT`} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Bar dataKey="forward" name="forward (A→B)" fill="var(--accent)" fillOpacity={0.75} isAnimationActive={false} />
          <Bar dataKey="reverse" name="reverse (B→A)" fill="var(--warning)" fillOpacity={0.75} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

const timeTick = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function ProgressChart({ samples }: { samples: FahProgressSample[] | null }) {
  const series = useMemo(() => progressSeries(samples ?? []), [samples]);
  return (
    <div className="chart" data-testid="fah-chart-progress" data-points={series.rows.length}>
      <h3 className="subsection-title">Jobs by state over time</h3>
      {samples !== null && samples.length === 0 ? <p className="muted">No samples yet: SimDeck records one each time it asks the work server for status.</p> : null}
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={series.rows} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={timeTick} stroke="var(--text-muted)" fontSize={11} />
          <YAxis allowDecimals={false} stroke="var(--text-muted)" fontSize={11} width={44} />
          <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {series.keys.map((k) => (
            <Line key={k} dataKey={k} name={k} type="stepAfter" dot isAnimationActive={false} stroke={STATE_COLOURS[k] ?? 'var(--text-muted)'} strokeWidth={1.5} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
