// Named port forwards through clusters (tunnels.*): 127.0.0.1:L → host:port via a cluster's SSH connection, with
// their state live from `tunnels.changed` / `tunnels.removed`; Start, Stop, Delete and the "Add tunnel" form.
import { useMemo, useState } from 'react';
import type { TunnelInfo } from '../../../shared/files.js';
import type { Target } from '../../../shared/domain.js';
import { api } from '../../api/index.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { StateBadge, type Tone } from '../../components/StateBadge.js';
import { formatAgo } from '../../lib/format.js';
import { HostKeyDeclined, withHostKeyTrust } from '../../store/hostKeyTrust.js';
import { useTargets } from '../../store/targets.js';
import { toast, toastError } from '../../store/toasts.js';
import { useTunnels } from '../../store/tunnels.js';
import { TunnelForm } from './TunnelForm.js';

const TONE: Record<TunnelInfo['state'], Tone> = { listening: 'success', failing: 'danger', stopped: 'neutral' };

export function TunnelsPanel() {
  const tunnels = useTunnels((s) => s.tunnels);
  const loaded = useTunnels((s) => s.loaded);
  const error = useTunnels((s) => s.error);
  const targets = useTargets((s) => s.targets);
  const clusters = useMemo(() => targets.filter((t) => t.kind === 'slurm'), [targets]);
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [deleting, setDeleting] = useState<TunnelInfo | null>(null);

  const clusterName = (id: string) => targets.find((t: Target) => t.id === id)?.name ?? id;
  const act = async (t: TunnelInfo, what: 'start' | 'stop') => {
    setBusy((b) => ({ ...b, [t.id]: true }));
    try {
      const next = await withHostKeyTrust(() => (what === 'start' ? api().tunnels.start({ id: t.id }) : api().tunnels.stop({ id: t.id })));
      useTunnels.getState().onChanged(next);
    } catch (err) {
      if (!(err instanceof HostKeyDeclined)) toastError(err, `Could not ${what} tunnel “${t.name}”`);
    } finally {
      setBusy(({ [t.id]: _done, ...rest }) => rest);
    }
  };

  const columns: Column<TunnelInfo>[] = [
    { key: 'name', header: 'Name', sortValue: (t) => t.name, className: 'col-name', render: (t) => <strong>{t.name}</strong> },
    { key: 'cluster', header: 'Cluster', sortValue: (t) => clusterName(t.targetId), className: 'nowrap', render: (t) => clusterName(t.targetId) },
    {
      key: 'route',
      header: 'Route',
      className: 'tunnel-route',
      render: (t) => (
        <span className="mono" data-testid="tunnel-route">
          127.0.0.1:{t.localPort || '(free port)'} → {t.remoteHost}:{t.remotePort}
        </span>
      ),
    },
    {
      key: 'state',
      header: 'State',
      render: (t) => (
        <span className="tunnel-state">
          <span data-testid="tunnel-state" data-state={t.state}>
            <StateBadge state={t.state} tone={TONE[t.state]} />
          </span>
          {t.detail ? (
            <span className="muted" title={t.checkedAt ? `Checked ${formatAgo(t.checkedAt)}` : undefined}>
              {t.detail}
            </span>
          ) : null}
        </span>
      ),
    },
    { key: 'connections', header: 'Connections', className: 'col-num', sortValue: (t) => t.activeConnections, render: (t) => t.activeConnections },
    {
      key: 'actions',
      header: 'Actions',
      hiddenHeader: true,
      className: 'col-actions',
      render: (t) => (
        <span className="row-actions">
          {t.state === 'stopped' ? (
            <button type="button" className="button button-small" disabled={busy[t.id]} onClick={() => void act(t, 'start')} aria-label={`Start tunnel ${t.name}`} data-testid="tunnel-start">
              Start
            </button>
          ) : (
            <button type="button" className="button button-small" disabled={busy[t.id]} onClick={() => void act(t, 'stop')} aria-label={`Stop tunnel ${t.name}`} data-testid="tunnel-stop">
              Stop
            </button>
          )}
          <button type="button" className="button button-small button-danger-quiet" onClick={() => setDeleting(t)} aria-label={`Delete tunnel ${t.name}`} data-testid="tunnel-delete">
            Delete
          </button>
        </span>
      ),
    },
  ];

  return (
    <section className="panel" data-testid="tunnels-panel" aria-labelledby="tunnels-title">
      <div className="panel-head">
        <h2 className="panel-title" id="tunnels-title">
          Tunnels
        </h2>
        {error ? <span className="inline-error">Could not load tunnels: {error}</span> : null}
      </div>
      <p className="muted">
        Reach a service on a cluster (a notebook, a dashboard, a database on a compute node) from this computer: SimDeck listens on 127.0.0.1 and
        forwards each connection through the cluster’s SSH connection.
      </p>
      {tunnels.length ? (
        <DataTable
          label="Tunnels"
          testId="tunnels-table"
          columns={columns}
          rows={tunnels}
          rowKey={(t) => t.id}
          rowTestId="tunnel-row"
          rowAttrs={(t) => ({ 'data-tunnel-name': t.name, 'data-state': t.state })}
        />
      ) : loaded && !error ? (
        <p className="muted" data-testid="tunnels-empty">
          No tunnels yet.
        </p>
      ) : null}
      <TunnelForm clusters={clusters} />
      {deleting ? (
        <ConfirmDialog
          title={`Delete tunnel “${deleting.name}”?`}
          confirmText={deleting.name}
          confirmLabel="Delete tunnel"
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api().tunnels.delete({ id: deleting.id });
            useTunnels.getState().onRemoved(deleting.id);
            toast('success', `Deleted tunnel “${deleting.name}”.`);
          }}
        >
          <p>
            SimDeck stops listening on 127.0.0.1:{deleting.localPort}, closes its {deleting.activeConnections} open connection
            {deleting.activeConnections === 1 ? '' : 's'} and forgets the tunnel. Nothing changes on the cluster.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
