import type { Job } from '../../shared/domain.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { EmptyState } from '../components/EmptyState.js';
import { PageHeader } from '../components/PageHeader.js';
import { StateBadge } from '../components/StateBadge.js';
import { formatAgo, formatTime } from '../lib/format.js';
import { kindLabel } from '../lib/targets.js';
import { useApp } from '../store/app.js';
import { useJobs } from '../store/jobs.js';
import { useProjects } from '../store/projects.js';
import { targetName, useTargets } from '../store/targets.js';

export function JobsView() {
  const jobs = useJobs((s) => s.jobs);
  const loaded = useJobs((s) => s.loaded);
  const targets = useTargets((s) => s.targets);
  const projectId = useApp((s) => s.projectId);
  const navigate = useApp((s) => s.navigate);
  const project = useProjects((s) => s.projects.find((p) => p.id === projectId));
  const visible = projectId ? jobs.filter((j) => j.projectId === projectId) : jobs;

  const columns: Column<Job>[] = [
    { key: 'name', header: 'Name', sortValue: (j) => j.name, className: 'col-name', render: (j) => <strong>{j.name}</strong> },
    { key: 'kind', header: 'Kind', sortValue: (j) => j.kind, className: 'nowrap', render: (j) => kindLabel(j.kind) },
    { key: 'target', header: 'Target', className: 'nowrap', sortValue: (j) => targetName(targets, j.targetId), render: (j) => targetName(targets, j.targetId) },
    { key: 'state', header: 'State', sortValue: (j) => j.state, render: (j) => <StateBadge state={j.state} /> },
    { key: 'remote', header: 'Remote id', sortValue: (j) => j.remoteId, render: (j) => (j.remoteId ? <span className="mono">{j.remoteId}</span> : <span className="muted">—</span>) },
    { key: 'attempts', header: 'Attempts', sortValue: (j) => j.attempts, className: 'col-num', render: (j) => j.attempts },
    {
      key: 'updated',
      header: 'Updated',
      sortValue: (j) => j.updatedAt,
      className: 'col-time',
      render: (j) => <time dateTime={j.updatedAt} title={formatAgo(j.updatedAt)}>{formatTime(j.updatedAt)}</time>,
    },
  ];

  return (
    <div className="view" data-testid="view-jobs">
      <PageHeader title="Jobs">
        Every job SimDeck submitted, on every backend{project ? <> — showing project <strong>{project.name}</strong></> : ' — all projects'}. A job in state
        “unknown” means SimDeck lost contact and cannot tell, not that it failed.
      </PageHeader>
      {visible.length === 0 ? (
        loaded ? (
          <EmptyState
            title="No jobs yet"
            icon="≡"
            testId="jobs-empty"
            action={
              <button type="button" className="button button-primary" onClick={() => navigate('targets')}>
                Add a target
              </button>
            }
          >
            <p>
              No jobs yet{project ? ` in “${project.name}”` : ''}. Add a target, then submit from Umbrella windows, Fleets or Folding@home once their
              launchers arrive with the backends. Jobs appear here with their state as SimDeck follows them.
            </p>
          </EmptyState>
        ) : (
          <p className="muted">Loading jobs…</p>
        )
      ) : (
        <DataTable
          label="Jobs"
          testId="jobs-table"
          columns={columns}
          rows={visible}
          rowKey={(j) => j.id}
          rowTestId="job-row"
          rowAttrs={(j) => ({ 'data-job-name': j.name, 'data-state': j.state })}
        />
      )}
    </div>
  );
}
