// The fleet's members (containers, Swarm tasks or array tasks) with a selection and restart / stop / remove
// (fleets.act); the per-member results, with the command SimDeck ran, stay under the table until the next action.
import { useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Result } from '../../../shared/contract.js';
import type { FleetMember, FleetMemberAction } from '../../../shared/fleet.js';
import { api } from '../../api/index.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { StateBadge } from '../../components/StateBadge.js';
import { memberTone } from '../../lib/fleets.js';
import { formatBytes } from '../../lib/files.js';
import { formatAgo, formatTime } from '../../lib/format.js';
import { FormError } from '../../components/FormField.js';

type ActResults = Result<'fleets.act'>;
const ACTIONS: readonly { action: FleetMemberAction; label: string }[] = [
  { action: 'restart', label: 'Restart' },
  { action: 'stop', label: 'Stop' },
  { action: 'remove', label: 'Remove' },
];

interface Props {
  fleetId: string;
  members: readonly FleetMember[];
  onLogs: (member: string) => void;
  onActed: () => void;
}

export function MembersPanel({ fleetId, members, onLogs, onActed }: Props) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState<FleetMemberAction | null>(null);
  const [results, setResults] = useState<{ action: FleetMemberAction; rows: ActResults } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Members that went away (removed, rescheduled) drop out of the selection.
  const chosen = members.filter((m) => selected.has(m.name)).map((m) => m.name);

  const toggle = (name: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });

  const act = async (action: FleetMemberAction) => {
    setBusy(action);
    setError(null);
    try {
      setResults({ action, rows: await api().fleets.act({ fleetId, members: chosen, action }) });
      setSelected(new Set());
      onActed();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(null);
    }
  };

  const columns = memberColumns(selected, toggle, onLogs);
  return (
    <section className="panel" aria-label="Members" data-testid="fleet-members">
      <div className="panel-head">
        <h2 className="panel-title">Members ({members.length})</h2>
      </div>
      <div className="selection-bar">
        <span className="muted" data-testid="member-selection-count">
          {chosen.length ? `${chosen.length} selected` : 'Tick members to restart, stop or remove them.'}
        </span>
        <span className="toolbar-spacer" />
        <button type="button" className="button button-small button-ghost" onClick={() => setSelected(new Set(chosen.length === members.length ? [] : members.map((m) => m.name)))} data-testid="member-select-all">
          {chosen.length === members.length && members.length ? 'Select none' : 'Select all'}
        </button>
        {ACTIONS.map((a) => (
          <button
            key={a.action}
            type="button"
            className={`button button-small${a.action === 'restart' ? '' : ' button-danger-quiet'}`}
            disabled={!chosen.length || busy !== null}
            onClick={() => void act(a.action)}
            data-testid={`member-act-${a.action}`}
          >
            {busy === a.action ? 'Working…' : `${a.label}${chosen.length ? ` ${chosen.length}` : ''}`}
          </button>
        ))}
      </div>
      <FormError message={error} />
      {results ? <ActResultList action={results.action} rows={results.rows} onDismiss={() => setResults(null)} /> : null}
      {members.length ? (
        <DataTable
          label="Members"
          testId="members-table"
          columns={columns}
          rows={members}
          rowKey={(m) => m.name}
          rowTestId="member-row"
          rowAttrs={(m) => ({ 'data-member': m.name, 'data-role': m.role, 'data-state': m.state })}
          initialSort={{ key: 'role', dir: 'asc' }}
        />
      ) : (
        <p className="muted">No members yet.</p>
      )}
    </section>
  );
}

function memberColumns(selected: ReadonlySet<string>, toggle: (name: string, on: boolean) => void, onLogs: (name: string) => void): Column<FleetMember>[] {
  const num = (v: number | null, digits = 0) => (v === null ? '—' : v.toFixed(digits));
  return [
    {
      key: 'select',
      header: 'Select',
      hiddenHeader: true,
      render: (m) => <input type="checkbox" checked={selected.has(m.name)} onChange={(ev) => toggle(m.name, ev.target.checked)} aria-label={`Select ${m.name}`} data-testid="member-select" />,
    },
    { key: 'name', header: 'Name', sortValue: (m) => m.name, render: (m) => <span className="mono">{m.name}</span> },
    { key: 'role', header: 'Role', sortValue: (m) => `${m.role}:${m.name}`, render: (m) => m.role },
    { key: 'state', header: 'State', sortValue: (m) => m.state, render: (m) => <StateBadge state={m.state} tone={memberTone(m.state)} /> },
    { key: 'node', header: 'Node', sortValue: (m) => m.node ?? '', render: (m) => m.node ?? '—' },
    { key: 'slot', header: 'Slot', className: 'col-num', sortValue: (m) => m.slot ?? -1, render: (m) => m.slot ?? '—' },
    { key: 'restarts', header: 'Restarts', className: 'col-num', sortValue: (m) => m.restarts, render: (m) => m.restarts },
    { key: 'cpu', header: 'CPU %', className: 'col-num', sortValue: (m) => m.cpuPercent ?? -1, render: (m) => num(m.cpuPercent, 1) },
    { key: 'mem', header: 'Memory', className: 'col-num', sortValue: (m) => m.memBytes ?? -1, render: (m) => (m.memBytes === null ? '—' : formatBytes(m.memBytes)) },
    { key: 'since', header: 'Since', className: 'nowrap', sortValue: (m) => m.since ?? '', render: (m) => (m.since ? <span title={formatTime(m.since)}>{formatAgo(m.since)}</span> : '—') },
    { key: 'message', header: 'Message', render: (m) => <span className="member-message">{m.message}</span> },
    {
      key: 'logs',
      header: 'Logs',
      hiddenHeader: true,
      render: (m) => (
        <button type="button" className="button button-small" onClick={() => onLogs(m.name)} data-testid="member-logs">
          Logs
        </button>
      ),
    },
  ];
}

function ActResultList({ action, rows, onDismiss }: { action: FleetMemberAction; rows: ActResults; onDismiss: () => void }) {
  const failed = rows.filter((r) => !r.ok).length;
  return (
    <div className="act-results" data-testid="member-act-results" role="status">
      <div className="section-head">
        <strong>
          {action}: {rows.length - failed} done{failed ? `, ${failed} failed` : ''}
        </strong>
        <button type="button" className="button button-small button-ghost" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      <ul className="issue-list">
        {rows.map((r) => (
          <li key={r.member} data-testid="member-act-result" data-ok={r.ok}>
            <StateBadge state={r.ok ? 'ok' : 'error'} /> <span className="mono">{r.member}</span> {r.message ? `— ${r.message}` : ''}
            <code className="act-command">{r.command}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}
