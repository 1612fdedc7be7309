// The Monitor dashboard: per target its job counts, the last sampling problem and a heat strip of every sampled GPU
// over the last hour (one cell a minute), then the GPUs whose jobs under-use them (below the user's threshold over the
// last 15 minutes; idle = under 5 %), each a link to its job in the Jobs area.
import { memo, useState } from 'react';
import type { GpuRow, TargetSummary } from '../../../shared/monitor.js';
import { EmptyState } from '../../components/EmptyState.js';
import { StateBadge } from '../../components/StateBadge.js';
import { HEAT_BANDS, formatPercent, gpuLabel, heatLevel, hhmm, parseThreshold, stripSlotStart, totalGpus, underusedGpus } from '../../lib/monitor.js';
import { api } from '../../api/index.js';
import { followAlertLink, useMonitor } from '../../store/monitor.js';
import { toast, toastError } from '../../store/toasts.js';
import type { DashboardState } from './useDashboard.js';

export default function Dashboard({ dashboard }: { dashboard: DashboardState }) {
  const { targets, loadedAt, error } = dashboard;
  if (targets === null) return <p className="muted">Loading the dashboard…</p>;
  const gpus = totalGpus(targets);
  return (
    <div className="stack monitor-dashboard" data-testid="monitor-dashboard" data-gpus={gpus}>
      {error ? (
        <p className="form-error" data-testid="monitor-error">
          {error}
        </p>
      ) : null}
      {gpus === 0 ? <NoSamples /> : null}
      {gpus > 0 ? <HeatLegend /> : null}
      <div className="monitor-targets">
        {targets.map((t) => (
          <TargetCard key={t.targetId} target={t} loadedAt={loadedAt} onSampled={dashboard.reload} />
        ))}
      </div>
      <Underuse targets={targets} />
    </div>
  );
}

function NoSamples() {
  return (
    <EmptyState title="No GPU samples yet" icon="◔" testId="monitor-empty">
      <p>
        GPUs appear here once jobs run. While a job of yours runs on a SLURM cluster, SimDeck samples the GPUs it was given about once a minute (
        <code>nvidia-smi</code> on the job’s nodes through <code>srun --overlap</code>) and shows the last hour of each as a heat strip, with the
        jobs that under-use their GPUs.
      </p>
      <p>
        If <code>nvidia-smi</code> is not on the compute nodes’ PATH, set the cluster target’s nvidia-smi setting (<code>nvidiaSmi</code>: its
        full path on the nodes, e.g. <code>/usr/bin/nvidia-smi</code>); a sampling problem shows on the target’s card below.
      </p>
    </EmptyState>
  );
}

function HeatLegend() {
  return (
    <div className="heat-legend" data-testid="heat-legend" aria-label="Utilization colours">
      <span className="muted">GPU utilization, one cell a minute:</span>
      {HEAT_BANDS.map((b) => (
        <span key={b.level} className="heat-legend-item">
          <span className={`heat-swatch heat-l${b.level}`} aria-hidden="true" />
          {b.label}
        </span>
      ))}
      <span className="heat-legend-item">
        <span className="heat-swatch heat-none" aria-hidden="true" />
        no sample
      </span>
    </div>
  );
}

function TargetCard({ target: t, loadedAt, onSampled }: { target: TargetSummary; loadedAt: number; onSampled: () => Promise<void> }) {
  const [sampling, setSampling] = useState(false);
  const sampleNow = async () => {
    setSampling(true);
    try {
      const r = await api().monitor.sample({ targetId: t.targetId });
      if (r.problems.length) toast('warning', r.problems.join('; '), `Sampling ${t.name}`);
      else toast('info', r.jobs === 0 ? `No running jobs on ${t.name} to sample.` : `${r.samples} samples from ${r.jobs} running jobs.`, `Sampled ${t.name}`);
      await onSampled();
    } catch (err) {
      toastError(err, `Could not sample ${t.name}`);
    } finally {
      setSampling(false);
    }
  };
  return (
    <section className="panel monitor-target" aria-label={t.name} data-testid="monitor-target" data-target-id={t.targetId} data-target-name={t.name} data-kind={t.kind}>
      <div className="panel-head">
        <h2 className="panel-title plain">{t.name}</h2>
        <span className="muted">{t.kind}</span>
        <span
          className={`reach reach-${t.reachability.state}`}
          title={t.reachability.detail}
          data-testid="monitor-reachability"
          data-state={t.reachability.state}
        >
          {t.reachability.state === 'reachable' ? '● reachable' : t.reachability.state === 'unreachable' ? '● unreachable' : '○ not checked yet'}
        </span>
        {t.kind === 'slurm' || t.kind === 'kubernetes' || t.kind === 'local-docker' || t.kind === 'swarm' ? (
          <button type="button" className="button button-small" onClick={() => void sampleNow()} disabled={sampling} data-testid="monitor-sample-now">
            {sampling ? 'Sampling…' : 'Sample now'}
          </button>
        ) : null}
      </div>
      <div className="monitor-counts">
        <Count state="running" n={t.counts.running} />
        <Count state="pending" n={t.counts.pending} />
        <Count state="failed" n={t.counts.failed} />
        {t.sampledAt ? (
          <span className="muted" data-testid="monitor-sampled-at">
            sampled {hhmm(Date.parse(t.sampledAt))}
          </span>
        ) : null}
      </div>
      {t.problem ? (
        <p className="monitor-problem" data-testid="monitor-problem">
          Sampling problem: {t.problem}
        </p>
      ) : null}
      {t.gpus.length > 0 ? <HeatStrip gpus={t.gpus} loadedAt={loadedAt} /> : <p className="muted">No GPU samples in the last hour.</p>}
    </section>
  );
}

function Count({ state, n }: { state: 'running' | 'pending' | 'failed'; n: number }) {
  return (
    <span className="monitor-count" data-testid="monitor-count" data-state={state} data-count={n}>
      <strong>{n}</strong> <StateBadge state={state} />
    </span>
  );
}

function HeatStrip({ gpus, loadedAt }: { gpus: readonly GpuRow[]; loadedAt: number }) {
  const sorted = [...gpus].sort((a, b) => a.node.localeCompare(b.node) || a.gpu - b.gpu);
  const first = stripSlotStart(loadedAt, 0);
  return (
    <div className="heat-strip" data-testid="heat-strip" data-count={sorted.length} role="table" aria-label="GPU utilization over the last hour">
      <div className="heat-row heat-axis" role="row" aria-hidden="true">
        <span className="heat-label" />
        <span className="heat-axis-times">
          <span>{hhmm(first)}</span>
          <span>{hhmm(stripSlotStart(loadedAt, 30))}</span>
          <span>{hhmm(loadedAt)}</span>
        </span>
        <span className="heat-mean">15 min</span>
      </div>
      {sorted.map((g) => (
        <HeatRow key={g.series} gpu={g} loadedAt={loadedAt} />
      ))}
    </div>
  );
}

const HeatRow = memo(function HeatRow({ gpu: g, loadedAt }: { gpu: GpuRow; loadedAt: number }) {
  const showChart = useMonitor((s) => s.showChart);
  return (
    <div
      className="heat-row"
      role="row"
      data-testid="heat-row"
      data-series={g.series}
      data-node={g.node}
      data-gpu={g.gpu}
      data-job-id={g.jobId ?? ''}
      data-underused={g.underused}
      data-idle={g.idle}
    >
      <span className="heat-label" role="rowheader">
        <button type="button" className="link-button" onClick={() => showChart(g.series)} title="Chart this GPU" data-testid="heat-row-chart">
          {gpuLabel(g)}
        </button>
        {g.owner ? (
          <button type="button" className="link-button heat-job" onClick={() => followAlertLink(g.owner!.link)} data-testid="heat-row-job" data-owner-kind={g.owner.kind}>
            {g.owner.name}
          </button>
        ) : (
          <span className="muted heat-job">nobody</span>
        )}
      </span>
      <span className="heat-cells" role="cell">
        {g.strip.map((v, i) => {
          const level = heatLevel(v);
          return (
            <span
              key={i}
              className={`heat-cell ${level === null ? 'heat-none' : `heat-l${level}`}`}
              title={`${hhmm(stripSlotStart(loadedAt, i, g.strip.length))}: ${v === null ? 'no sample' : formatPercent(v)}`}
              data-testid="heat-cell"
              data-slot={i}
              data-level={level ?? 'none'}
            />
          );
        })}
      </span>
      <span className="heat-mean" role="cell" data-testid="heat-row-mean">
        {formatPercent(g.meanUtil)}
        {g.idle ? <StateBadge state="idle" label="idle" tone="danger" /> : g.underused ? <StateBadge state="underused" label="low" tone="warning" /> : null}
      </span>
    </div>
  );
});

function Underuse({ targets }: { targets: readonly TargetSummary[] }) {
  const threshold = useMonitor((s) => s.underusePercent);
  const setThreshold = useMonitor((s) => s.setUnderusePercent);
  const showChart = useMonitor((s) => s.showChart);
  const [text, setText] = useState(String(threshold));
  const parsed = parseThreshold(text);
  const list = underusedGpus(targets);
  const idle = list.filter((e) => e.gpu.idle).length;
  return (
    <section className="panel" aria-label="Under-using their GPUs" data-testid="underuse-panel">
      <div className="panel-head">
        <h2 className="panel-title">Under-using their GPUs</h2>
        <label className="inline-field">
          <span className="field-label">Below</span>
          <input
            type="text"
            inputMode="decimal"
            className="input-narrow"
            value={text}
            aria-invalid={parsed.error ? true : undefined}
            onChange={(e) => {
              setText(e.target.value);
              const p = parseThreshold(e.target.value);
              if (p.value !== null) setThreshold(p.value);
            }}
            data-testid="monitor-threshold"
          />
          <span className="muted">% over 15 min</span>
        </label>
      </div>
      {parsed.error ? (
        <span className="field-error" data-testid="field-error">
          {parsed.error}
        </span>
      ) : null}
      <p className="muted">
        Jobs whose GPUs averaged under {threshold} % over the last 15 minutes; “idle” means under 5 %. Shared clusters flag under-used GPUs (NRP asks
        for at least 40 %).
        {idle ? ` ${idle} idle.` : ''}
      </p>
      {list.length === 0 ? (
        <p className="muted" data-testid="underuse-empty">
          No job is under-using its GPUs.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" data-testid="underuse-list" data-count={list.length}>
            <thead>
              <tr>
                <th>Job</th>
                <th>Target</th>
                <th>GPU</th>
                <th className="align-right">Mean 15 min</th>
                <th>Flag</th>
              </tr>
            </thead>
            <tbody>
              {list.map(({ gpu: g, targetName }) => (
                <tr key={g.series} data-testid="underuse-row" data-job-id={g.jobId ?? ''} data-series={g.series} data-idle={g.idle}>
                  <td>
                    {g.owner ? (
                      <button type="button" className="link-button" onClick={() => followAlertLink(g.owner!.link)} data-testid="underuse-open-job" data-owner-kind={g.owner.kind}>
                        {g.owner.name}
                      </button>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{targetName}</td>
                  <td>
                    <button type="button" className="link-button" onClick={() => showChart(g.series)} data-testid="underuse-chart">
                      {gpuLabel(g)}
                    </button>
                  </td>
                  <td className="align-right">{formatPercent(g.meanUtil)}</td>
                  <td>{g.idle ? <StateBadge state="idle" label="idle" tone="danger" /> : <StateBadge state="underused" label="under-used" tone="warning" />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
