// One fleet, live: header (state + why, target, created), crash-loop banner, scale and teardown, members with
// restart/stop/remove and a logs panel, the Swarm's nodes, and charts (loaded lazily, like the campaign charts).
import { Suspense, lazy, useState } from 'react';
import type { Target } from '../../../shared/domain.js';
import { api } from '../../api/index.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { PageHeader } from '../../components/PageHeader.js';
import { StateBadge } from '../../components/StateBadge.js';
import { fleetTone } from '../../lib/fleets.js';
import { formatTime } from '../../lib/format.js';
import { useFleets } from '../../store/fleets.js';
import { toast } from '../../store/toasts.js';
import { CrashLoopBanner } from './CrashLoopBanner.js';
import { MemberLogs } from './MemberLogs.js';
import { MembersPanel } from './MembersPanel.js';
import { NodesTable } from './NodesTable.js';
import { ScaleControl } from './ScaleControl.js';
import { useFleetDetail } from './useFleetDetail.js';

const FleetCharts = lazy(() => import('./FleetCharts.js'));

export default function FleetPage({ fleetId, targets }: { fleetId: string; targets: readonly Target[] }) {
  const { detail, error, reload } = useFleetDetail(fleetId);
  // The list's copy is newer when an event arrived between two polls.
  const listed = useFleets((s) => s.fleets.find((f) => f.id === fleetId));
  const open = useFleets((s) => s.open);
  const fleet = newer(listed, detail?.fleet);
  const [logsOf, setLogsOf] = useState<string | null>(null);
  const [tearingDown, setTearingDown] = useState(false);
  const target = targets.find((t) => t.id === fleet?.targetId);
  const gone = fleet?.state === 'removed' || fleet?.state === 'removing';

  return (
    <div className="view view-wide" data-testid="fleet-page" data-fleet-id={fleetId} data-state={fleet?.state}>
      <PageHeader
        title={fleet?.name ?? 'Fleet'}
        actions={
          <>
            <button type="button" className="button" onClick={() => open(null)} data-testid="fleet-back">
              ← All fleets
            </button>
            <button type="button" className="button" onClick={() => void reload()}>
              Refresh
            </button>
            <button type="button" className="button button-danger-quiet" disabled={!fleet || gone} onClick={() => setTearingDown(true)} data-testid="fleet-teardown">
              Tear down…
            </button>
          </>
        }
      >
        {fleet ? (
          <>
            {target?.name ?? fleet.targetId} ({fleet.target}) · from {fleet.source === 'cli-stack' ? 'a CLI stack' : fleet.source} · created {formatTime(fleet.createdAt)}
          </>
        ) : null}
      </PageHeader>
      {error ? (
        <p className="form-error" role="alert" data-testid="fleet-error">
          {error}
        </p>
      ) : null}
      {fleet ? (
        <>
          <div className="campaign-status" data-testid="fleet-status">
            <StateBadge state={fleet.state} tone={fleetTone(fleet.state)} />
            <span data-testid="fleet-message">{fleet.message}</span>
            <span className="toolbar-spacer" />
            <span className="muted" data-testid="fleet-workers">
              workers {fleet.workers.running} / {fleet.workers.desired}
              {fleet.monitor ? ` · monitoring ${fleet.monitor.kind} ${fleet.monitor.state}` : ''}
            </span>
          </div>
          <CrashLoopBanner members={fleet.crashLooping} />
          <ScaleControl fleet={fleet} disabled={gone} />
        </>
      ) : (
        <p className="muted">Loading the fleet…</p>
      )}
      {detail ? (
        <>
          <MembersPanel fleetId={fleetId} members={detail.members} onLogs={setLogsOf} onActed={() => void reload()} />
          {logsOf ? <MemberLogs fleetId={fleetId} member={logsOf} members={detail.members.map((m) => m.name)} onPick={setLogsOf} onClose={() => setLogsOf(null)} /> : null}
          {fleet?.target === 'swarm' ? <NodesTable nodes={detail.nodes} /> : null}
        </>
      ) : null}
      <Suspense fallback={<p className="muted">Loading charts…</p>}>
        <FleetCharts fleetId={fleetId} />
      </Suspense>
      {tearingDown && fleet ? (
        <ConfirmDialog
          title={`Tear down ${fleet.name}?`}
          confirmText={fleet.name}
          confirmLabel="Tear down"
          onClose={() => setTearingDown(false)}
          onConfirm={async () => {
            await api().fleets.teardown({ fleetId, confirm: true });
            toast('success', `Removing “${fleet.name}”.`);
          }}
        >
          <p>{TEARDOWN_TEXT[fleet.target]}</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

const TEARDOWN_TEXT = {
  'local-docker': 'SimDeck removes exactly the containers, network and volumes this fleet created (by its label). Tasks still in the queue are lost.',
  swarm: 'SimDeck removes the stack, like “docker stack rm”. Tasks still in the queue are lost.',
  slurm: 'SimDeck cancels the worker array (scancel) and closes its monitoring tunnel. The broker and backend keep running.',
} as const;

/** The later of two copies of a fleet, by updatedAt. */
function newer<T extends { updatedAt: string }>(a: T | undefined, b: T | undefined): T | undefined {
  if (!a || !b) return a ?? b;
  return a.updatedAt >= b.updatedAt ? a : b;
}
