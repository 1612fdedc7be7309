// One project of a work server, live: the server's statistics and SimDeck's counts by state, the jobs (filter,
// multi-select actions, "Create jobs", "Retry failed", "Refresh status"), a job's drawer with its results, and
// the charts (loaded on first open, so recharts stays out of the bundle until someone looks).
import { Suspense, lazy, useState } from 'react';
import { useFah } from '../../store/fah.js';
import { JobDrawer } from './JobDrawer.js';
import { JobsPanel } from './JobsPanel.js';
import { ProjectStats } from './ProjectStats.js';
import { useFahProject } from './useFahProject.js';

const FahCharts = lazy(() => import('./FahCharts.js'));

export default function ProjectPage({ targetId, project }: { targetId: string; project: number }) {
  const [filter, setFilter] = useState('');
  const [openJob, setOpenJob] = useState<{ run: number; clone: number } | null>(null);
  const [charts, setCharts] = useState(false);
  const state = useFahProject(targetId, project, filter);
  const openProject = useFah((s) => s.openProject);

  return (
    <div className="stack" data-testid="fah-project-page" data-project={project}>
      {/* An h2: the area's heading (Folding@home, the work server picker) stays the page's one h1. */}
      <div className="page-header">
        <div>
          <h2 className="fah-project-title">Project {project}</h2>
          {state.view ? (
            <p className="page-lede">
              <ProjectSummary data={state.view.data} />
            </p>
          ) : null}
        </div>
        <div className="page-actions">
          <button type="button" className="button" onClick={() => openProject(null)} data-testid="fah-project-back">
            ← Work server
          </button>
          <button type="button" className="button" onClick={() => setCharts((c) => !c)} aria-expanded={charts} data-testid="fah-charts-open">
            {charts ? 'Hide charts' : 'Charts'}
          </button>
        </div>
      </div>
      {state.error ? (
        <p className="form-error" role="alert" data-testid="fah-project-error">
          {state.error}
        </p>
      ) : null}
      {state.view ? <ProjectStats view={state.view} /> : null}
      {charts ? (
        <Suspense fallback={<p className="muted">Loading charts…</p>}>
          <FahCharts targetId={targetId} project={project} />
        </Suspense>
      ) : null}
      <JobsPanel targetId={targetId} project={project} jobs={state.jobs} filter={filter} onFilter={setFilter} onOpen={setOpenJob} reload={state.reload} />
      {openJob ? <JobDrawer key={`${openJob.run}:${openJob.clone}`} targetId={targetId} project={project} run={openJob.run} clone={openJob.clone} onClose={() => setOpenJob(null)} /> : null}
    </div>
  );
}

function ProjectSummary({ data }: { data: Record<string, unknown> }) {
  const v = (k: string) => (data[k] === undefined ? '?' : String(data[k]));
  return (
    <>
      core {v('core_id')} · {v('atoms')} atoms · credit {v('credit')} · timeout {v('timeout')} s · deadline {v('deadline')} s · {v('compression')} · contact {v('contact')}
    </>
  );
}
