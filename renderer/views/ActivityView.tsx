import type { ActivityEntry } from '../../shared/domain.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { EmptyState } from '../components/EmptyState.js';
import { PageHeader } from '../components/PageHeader.js';
import { StateBadge } from '../components/StateBadge.js';
import { copyText } from '../lib/clipboard.js';
import { formatAgo, formatTimeSeconds } from '../lib/format.js';
import { useActivity } from '../store/activity.js';
import { targetName, useTargets } from '../store/targets.js';
import { toast } from '../store/toasts.js';

async function copyCommand(entry: ActivityEntry) {
  const el = document.querySelector(`[data-command-id="${entry.id}"]`);
  const outcome = await copyText(entry.command, el);
  if (outcome === 'copied') toast('success', 'Command copied');
  else if (outcome === 'selected') toast('info', 'The clipboard is not available here; the command is selected, press Ctrl+C (⌘C on a Mac) to copy it.');
  else toast('warning', 'Could not copy the command; select it in the table and copy it by hand.');
}

export function ActivityView() {
  const entries = useActivity((s) => s.entries);
  const loaded = useActivity((s) => s.loaded);
  const targets = useTargets((s) => s.targets);

  const columns: Column<ActivityEntry>[] = [
    {
      key: 'time',
      header: 'Time',
      sortValue: (e) => e.id,
      className: 'col-time',
      render: (e) => <time dateTime={e.at} title={formatAgo(e.at)}>{formatTimeSeconds(e.at)}</time>,
    },
    { key: 'target', header: 'Target', className: 'nowrap', sortValue: (e) => targetName(targets, e.targetId), render: (e) => targetName(targets, e.targetId) },
    { key: 'action', header: 'Action', className: 'nowrap', sortValue: (e) => e.action, render: (e) => e.action },
    {
      key: 'command',
      header: 'Command',
      className: 'col-command',
      render: (e) => (
        <code className="command" data-command-id={e.id} title={e.command}>
          {e.command}
        </code>
      ),
    },
    { key: 'outcome', header: 'Outcome', className: 'nowrap', sortValue: (e) => e.outcome, render: (e) => <StateBadge state={e.outcome} /> },
    {
      key: 'detail',
      header: 'Detail',
      className: 'col-detail',
      render: (e) =>
        e.detail ? (
          <span className="truncate" title={e.detail}>
            {e.detail}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    {
      key: 'copy',
      header: 'Copy',
      hiddenHeader: true,
      className: 'col-actions',
      render: (e) => (
        <button type="button" className="button button-small" onClick={() => void copyCommand(e)} aria-label={`Copy command of ${e.action}`} data-testid="activity-copy">
          Copy command
        </button>
      ),
    },
  ];

  return (
    <div className="view" data-testid="view-activity">
      <PageHeader title="Activity">
        Every action that touches a remote system, newest first, with the equivalent shell command you could run by hand.
      </PageHeader>
      {entries.length === 0 ? (
        loaded ? (
          <EmptyState title="No activity yet" icon="☰" testId="activity-empty">
            <p>
              Every action SimDeck takes on a remote system — an SSH command on a cluster, a Kubernetes or Docker API call — is logged here with the
              equivalent shell command, so you can see exactly what happened and repeat it yourself. Check a target's connection to see the first entry.
            </p>
          </EmptyState>
        ) : (
          <p className="muted">Loading activity…</p>
        )
      ) : (
        <DataTable
          label="Activity log"
          testId="activity-table"
          columns={columns}
          rows={entries}
          rowKey={(e) => e.id}
          rowTestId="activity-row"
          rowAttrs={(e) => ({ 'data-outcome': e.outcome })}
        />
      )}
    </div>
  );
}
