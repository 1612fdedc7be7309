// A fleet's history (fleets.history, oldest first), loaded only when a fleet page opens so recharts stays out of
// the main bundle: queue depth with consumers, workers online, CPU % and memory over time; refreshed every 30 s.
import { memo, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { toApiError } from '../../../shared/client.js';
import type { FleetSample } from '../../../shared/fleet.js';
import { api } from '../../api/index.js';

const HISTORY_EVERY_MS = 30_000;
const MIB = 1024 * 1024;

type Point = { t: number; depth: number | null; consumers: number | null; workers: number; cpu: number | null; mem: number | null };

const toPoints = (samples: readonly FleetSample[]): Point[] =>
  samples.map((s) => ({
    t: new Date(s.at).getTime(),
    depth: s.queueDepth,
    consumers: s.consumers,
    workers: s.workersOnline,
    cpu: s.cpuPercent,
    mem: s.memBytes === null ? null : Math.round(s.memBytes / MIB),
  }));

const timeTick = (t: number) => {
  const d = new Date(t);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

function FleetChartsImpl({ fleetId }: { fleetId: string }) {
  const [samples, setSamples] = useState<FleetSample[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setSamples(await api().fleets.history({ fleetId }));
      setError(null);
    } catch (err) {
      setError(toApiError(err).message);
    }
  }, [fleetId]);

  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), HISTORY_EVERY_MS);
    return () => clearInterval(t);
  }, [load]);

  const points = useMemo(() => toPoints(samples ?? []), [samples]);
  const queueSampled = points.some((p) => p.depth !== null || p.consumers !== null);
  return (
    <section className="panel chart-panel" aria-label="Fleet over time" data-testid="fleet-charts">
      <div className="panel-head">
        <h2 className="panel-title">Over time</h2>
        <span className="muted">every 30 s</span>
      </div>
      {error ? <p className="form-error">{error}</p> : null}
      {samples !== null && samples.length === 0 ? <p className="muted">No samples yet: SimDeck records them while it follows the fleet.</p> : null}
      <div className="chart-pair">
        <TimeChart title="Queue" testId="chart-queue" points={queueSampled ? points : []}>
          {line('depth', 'queue depth', 'var(--accent)')}
          {line('consumers', 'consumers', 'var(--success)')}
        </TimeChart>
        <TimeChart title="Workers online" testId="chart-workers" points={points}>
          {line('workers', 'workers online', 'var(--accent)')}
        </TimeChart>
        <TimeChart title="CPU (%)" testId="chart-cpu" points={points}>
          {line('cpu', 'CPU %', 'var(--warning)')}
        </TimeChart>
        <TimeChart title="Memory (MiB)" testId="chart-memory" points={points}>
          {line('mem', 'memory MiB', 'var(--danger)')}
        </TimeChart>
      </div>
      {samples !== null && samples.length > 0 && !queueSampled ? <p className="muted">No queue readings: set up monitoring (RabbitMQ or Redis) to see queue depth and consumers.</p> : null}
    </section>
  );
}

export const FleetCharts = memo(FleetChartsImpl);
export default FleetCharts;

function line(key: keyof Point, name: string, colour: string) {
  return <Line key={key} dataKey={key} name={name} type="monotone" dot={false} isAnimationActive={false} stroke={colour} strokeWidth={1.5} connectNulls />;
}

function TimeChart({ title, testId, points, children }: { title: string; testId: string; points: Point[]; children: ReactNode }) {
  return (
    <div className="chart" data-testid={testId} data-points={points.length}>
      <h3 className="subsection-title">{title}</h3>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={points} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={timeTick} stroke="var(--text-muted)" fontSize={11} />
          <YAxis stroke="var(--text-muted)" fontSize={11} width={44} />
          <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {children}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
