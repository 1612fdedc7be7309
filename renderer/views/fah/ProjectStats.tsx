// What the work server says about the project (gens completed, total jobs, its histogram) next to SimDeck's own
// counts by state. The histogram is a few CSS bars: too small to be worth loading the charting library for.
import type { FahProjectView } from '../../../shared/fah.js';
import { StateBadge } from '../../components/StateBadge.js';
import { JOB_PHASES, JOB_STATES, fahTone, histogramBars } from '../../lib/fah.js';

const ORDER = [...JOB_STATES, ...JOB_PHASES, 'created'] as readonly string[];

export function ProjectStats({ view }: { view: FahProjectView }) {
  const counts = Object.entries(view.counts).sort(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b));
  const total = counts.reduce((s, [, n]) => s + n, 0);
  return (
    <section className="panel fah-stats" aria-label="Project statistics" data-testid="fah-project-stats">
      <div className="fah-stats-grid">
        <dl className="details">
          <div className="details-row">
            <dt>Gens completed (server)</dt>
            <dd data-testid="fah-stat-gens-completed">{view.stats.gensCompleted ?? '—'}</dd>
          </div>
          <div className="details-row">
            <dt>Total jobs (server)</dt>
            <dd data-testid="fah-stat-total-jobs">{view.stats.totalJobs ?? '—'}</dd>
          </div>
          <div className="details-row">
            <dt>SimDeck’s jobs</dt>
            <dd data-testid="fah-stat-simdeck-jobs">{total}</dd>
          </div>
        </dl>
        <Histogram values={view.stats.histogram} />
      </div>
      <div className="chips" data-testid="fah-counts">
        {counts.length === 0 ? <span className="muted">SimDeck has created no jobs in this project yet.</span> : null}
        {counts.map(([state, n]) => (
          <span key={state} className="fah-count" data-testid="fah-count" data-state={state} data-count={n}>
            <StateBadge state={state} tone={fahTone(state)} /> {n}
          </span>
        ))}
      </div>
    </section>
  );
}

function Histogram({ values }: { values: number[] | null }) {
  const bars = histogramBars(values);
  if (!bars.length) return <p className="muted">The work server sent no histogram.</p>;
  return (
    <figure className="fah-histogram" data-testid="fah-histogram" data-bins={bars.length}>
      <div className="fah-histogram-bars" role="img" aria-label={`Server histogram, ${values!.length} bins shown as ${bars.length} bars`}>
        {bars.map((b, i) => (
          <span key={i} className="fah-histogram-bar" title={`${i}: ${b.value}`} data-testid="fah-histogram-bar" style={{ height: `${Math.max(2, b.height * 100)}%` }} />
        ))}
      </div>
      <figcaption className="muted">Server histogram (jobs by completion, {values!.length} bins)</figcaption>
    </figure>
  );
}
