// The fleets of the current project: name, target, state, workers running/desired, monitoring and a crash-loop
// marker; "New fleet" opens the wizard; below, the stacks found on Swarm targets.
import { Suspense, lazy, useEffect, useState } from 'react';
import type { Target } from '../../../shared/domain.js';
import type { Fleet } from '../../../shared/fleet.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { EmptyState } from '../../components/EmptyState.js';
import { PageHeader } from '../../components/PageHeader.js';
import { StateBadge } from '../../components/StateBadge.js';
import { fleetTone } from '../../lib/fleets.js';
import { formatTime } from '../../lib/format.js';
import { useApp } from '../../store/app.js';
import { useFleets } from '../../store/fleets.js';
import { useProjects } from '../../store/projects.js';
import { StacksPanel } from './StacksPanel.js';

// The wizard (and its compose import) loads when "New fleet" is first pressed.
const FleetWizard = lazy(() => import('./FleetWizard.js'));

export function FleetList({ fleetTargets }: { fleetTargets: readonly Target[] }) {
  const fleets = useFleets((s) => s.fleets);
  const loaded = useFleets((s) => s.loaded);
  const listError = useFleets((s) => s.listError);
  const refresh = useFleets((s) => s.refresh);
  const open = useFleets((s) => s.open);
  const projectId = useApp((s) => s.projectId);
  const project = useProjects((s) => s.projects.find((p) => p.id === projectId));
  const [wizard, setWizard] = useState(false);
  // fleets.list keeps torn-down fleets (their history stays readable); they are hidden unless asked for.
  const [showRemoved, setShowRemoved] = useState(false);
  const removed = fleets.filter((f) => f.state === 'removed').length;
  const shown = showRemoved ? fleets : fleets.filter((f) => f.state !== 'removed');

  // The list follows the project switcher.
  useEffect(() => {
    void refresh();
  }, [refresh, projectId]);

  const swarms = fleetTargets.filter((t) => t.kind === 'swarm');
  return (
    <div className="view" data-testid="view-fleets">
      <PageHeader
        title="Fleets"
        actions={
          <button type="button" className="button button-primary" onClick={() => setWizard(true)} data-testid="fleet-new">
            New fleet
          </button>
        }
      >
        Worker fleets: a broker, a result backend and many identical Celery workers on local Docker, a Docker Swarm or a SLURM job array
        {project ? (
          <>
            {' '}
            — project <strong>{project.name}</strong>
          </>
        ) : (
          ' — all projects'
        )}
        .
      </PageHeader>

      {listError ? (
        <p className="callout callout-info" role="status" data-testid="fleets-unavailable">
          {listError}
        </p>
      ) : null}
      {removed ? (
        <label className="check">
          <input type="checkbox" checked={showRemoved} onChange={(ev) => setShowRemoved(ev.target.checked)} data-testid="fleets-show-removed" />
          Show {removed} torn-down fleet{removed === 1 ? '' : 's'}
        </label>
      ) : null}
      {shown.length === 0 ? <NoFleets loaded={loaded} hasTargets={fleetTargets.length > 0} onNew={() => setWizard(true)} /> : <FleetTable fleets={shown} targets={fleetTargets} onOpen={open} />}
      {swarms.length ? <StacksPanel swarms={swarms} /> : null}
      {wizard ? (
        <Suspense fallback={<p className="muted">Loading the wizard…</p>}>
          <FleetWizard
          targets={fleetTargets}
          onClose={() => setWizard(false)}
          onDeployed={(f) => {
            setWizard(false);
            useFleets.getState().onChanged(f);
            open(f.id);
          }}
          />
        </Suspense>
      ) : null}
    </div>
  );
}

function NoFleets({ loaded, hasTargets, onNew }: { loaded: boolean; hasTargets: boolean; onNew: () => void }) {
  const navigate = useApp((s) => s.navigate);
  if (!loaded) return <p className="muted">Loading fleets…</p>;
  return (
    <EmptyState
      title="No fleets yet"
      icon="⊞"
      testId="fleets-empty"
      action={
        hasTargets ? (
          <button type="button" className="button button-primary" onClick={onNew}>
            New fleet
          </button>
        ) : (
          <button type="button" className="button button-primary" onClick={() => navigate('targets')}>
            Add a target
          </button>
        )
      }
    >
      <p>
        A fleet is one broker (RabbitMQ or Redis), one result backend (Redis) and any number of identical Celery workers that take tasks from
        the queue, as BigChem runs them. SimDeck previews every container, service or array script before it deploys, then follows the
        workers, the queue and restarts.
      </p>
      {hasTargets ? null : <p>It needs a Local Docker, Docker Swarm or SLURM target: add one under Targets first.</p>}
    </EmptyState>
  );
}

function FleetTable({ fleets, targets, onOpen }: { fleets: readonly Fleet[]; targets: readonly Target[]; onOpen: (id: string) => void }) {
  const targetName = (id: string) => targets.find((t) => t.id === id)?.name ?? id;
  const columns: Column<Fleet>[] = [
    {
      key: 'name',
      header: 'Name',
      sortValue: (f) => f.name,
      render: (f) => (
        <button type="button" className="link-button" onClick={() => onOpen(f.id)} data-testid="fleet-open">
          <strong>{f.name}</strong>
        </button>
      ),
    },
    { key: 'target', header: 'Target', sortValue: (f) => targetName(f.targetId), render: (f) => <>{targetName(f.targetId)} <span className="muted">({f.target})</span></> },
    { key: 'state', header: 'State', sortValue: (f) => f.state, render: (f) => <StateBadge state={f.state} tone={fleetTone(f.state)} /> },
    {
      key: 'workers',
      header: 'Workers',
      className: 'col-num',
      sortValue: (f) => f.workers.running,
      render: (f) => <span data-testid="fleet-workers">{`${f.workers.running} / ${f.workers.desired}`}</span>,
    },
    { key: 'monitor', header: 'Monitoring', render: (f) => <span data-testid="fleet-monitor">{f.monitor ? `${f.monitor.kind}: ${f.monitor.state}` : '—'}</span> },
    {
      key: 'crash',
      header: 'Crash loops',
      render: (f) =>
        f.crashLooping.length ? (
          <span className="badge badge-danger" data-testid="fleet-crashloop" title={f.crashLooping.join(', ')}>
            {f.crashLooping.length} crash-looping
          </span>
        ) : null,
    },
    { key: 'created', header: 'Created', className: 'nowrap', sortValue: (f) => f.createdAt, render: (f) => formatTime(f.createdAt) },
  ];
  return (
    <DataTable
      label="Fleets"
      testId="fleets-list"
      columns={columns}
      rows={fleets}
      rowKey={(f) => f.id}
      rowTestId="fleet-row"
      rowAttrs={(f) => ({ 'data-fleet-name': f.name, 'data-fleet-id': f.id, 'data-state': f.state })}
    />
  );
}
