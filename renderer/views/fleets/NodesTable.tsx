// The Swarm's nodes as fleets.get reports them: role, state, availability, CPUs, memory and the generic resources
// they advertise (NVIDIA-GPU counts decide where per-GPU workers can go).
import type { SwarmNodeInfo } from '../../../shared/fleet.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { StateBadge } from '../../components/StateBadge.js';
import { formatBytes } from '../../lib/files.js';

const COLUMNS: Column<SwarmNodeInfo>[] = [
  { key: 'host', header: 'Hostname', sortValue: (n) => n.hostname, render: (n) => <span className="mono">{n.hostname}</span> },
  { key: 'role', header: 'Role', sortValue: (n) => n.role, render: (n) => n.role },
  { key: 'state', header: 'State', sortValue: (n) => n.state, render: (n) => <StateBadge state={n.state} tone={n.state === 'ready' ? 'success' : 'warning'} /> },
  { key: 'avail', header: 'Availability', sortValue: (n) => n.availability, render: (n) => n.availability },
  { key: 'cpus', header: 'CPUs', className: 'col-num', sortValue: (n) => n.cpus, render: (n) => n.cpus },
  { key: 'mem', header: 'Memory', className: 'col-num', sortValue: (n) => n.memBytes, render: (n) => formatBytes(n.memBytes) },
  {
    key: 'generic',
    header: 'Generic resources',
    render: (n) =>
      Object.keys(n.generic).length ? (
        <span className="chips">
          {Object.entries(n.generic).map(([k, v]) => (
            <span key={k} className="chip" data-testid="node-generic" data-kind={k}>
              {k}: {v}
            </span>
          ))}
        </span>
      ) : (
        <span className="muted">none</span>
      ),
  },
];

export function NodesTable({ nodes }: { nodes: readonly SwarmNodeInfo[] }) {
  return (
    <section className="panel" aria-label="Swarm nodes" data-testid="fleet-nodes">
      <div className="panel-head">
        <h2 className="panel-title">Swarm nodes ({nodes.length})</h2>
      </div>
      {nodes.length ? (
        <DataTable label="Swarm nodes" columns={COLUMNS} rows={nodes} rowKey={(n) => n.hostname} rowTestId="node-row" rowAttrs={(n) => ({ 'data-hostname': n.hostname, 'data-role': n.role })} />
      ) : (
        <p className="muted">No nodes reported.</p>
      )}
    </section>
  );
}
