// The Jobs table: VirtualTable over display rows (job indices and group headers) from lib/jobsTable.
import { memo, type KeyboardEvent, type MouseEvent } from 'react';
import type { Job } from '../../../shared/domain.js';
import { VirtualTable, type RowContext, type VColumn } from '../../components/VirtualTable.js';
import { formatAgo, formatTime } from '../../lib/format.js';
import type { JobIndex, JobRows, JobSortKey } from '../../lib/jobsTable.js';
import type { SortDir } from '../../lib/sort.js';
import { JobStateCell } from './JobState.js';

const COLUMNS: VColumn[] = [
  { key: 'select', header: '', width: '34px', label: 'Selected' },
  { key: 'name', header: 'Name', width: 'minmax(200px, 3fr)', sortable: true },
  { key: 'cluster', header: 'Cluster', width: 'minmax(100px, 1fr)', sortable: true },
  { key: 'remote', header: 'Remote id', width: 'minmax(90px, 1fr)', sortable: true },
  { key: 'state', header: 'State', width: 'minmax(250px, 2.4fr)', sortable: true },
  { key: 'partition', header: 'Partition', width: 'minmax(80px, 1fr)', sortable: true },
  { key: 'attempts', header: 'Tries', width: '64px', sortable: true, align: 'right' },
  { key: 'updated', header: 'Updated', width: '140px', sortable: true },
];
export const ROW_HEIGHT = 32;

export interface JobsGridProps {
  ix: JobIndex;
  view: JobRows;
  selected: ReadonlySet<string>;
  collapsed: ReadonlySet<string>;
  sort: { key: JobSortKey; dir: SortDir } | null;
  onSort: (key: string) => void;
  active: number;
  onActiveChange: (row: number, e?: KeyboardEvent) => void;
  onRowClick: (row: number, e: MouseEvent) => void;
  onCheck: (row: number, shift: boolean) => void;
  onToggleGroup: (key: string) => void;
  onRowKey: (row: number, e: KeyboardEvent) => boolean;
}

export function JobsGrid(p: JobsGridProps) {
  const { ix, view } = p;
  return (
    <VirtualTable
      label="Jobs"
      testId="jobs-table"
      columns={COLUMNS}
      count={view.rows.length}
      rowHeight={ROW_HEIGHT}
      sort={p.sort}
      onSort={p.onSort}
      active={p.active}
      onActiveChange={p.onActiveChange}
      onRowKey={p.onRowKey}
      empty={<p className="muted">No job matches the filter.</p>}
      renderRow={(row, ctx) => {
        const v = view.rows[row]!;
        if (v < 0) {
          const g = view.groups[-v - 1]!;
          let selectedCount = 0;
          if (p.selected.size) for (let k = 0; k < g.members.length; k++) if (p.selected.has(ix.ids[g.members[k]!]!)) selectedCount++;
          return (
            <GroupRow
              key={`g:${g.key}`}
              ctx={ctx}
              row={row}
              label={g.label}
              count={g.count}
              groupKey={g.key}
              selectedCount={selectedCount}
              collapsed={p.collapsed.has(g.key)}
              onToggle={p.onToggleGroup}
              onCheck={p.onCheck}
            />
          );
        }
        const job = ix.jobs[v]!;
        return (
          <JobRow
            key={job.id}
            ctx={ctx}
            row={row}
            job={job}
            cluster={ix.cluster[v]!}
            remote={ix.remote[v]!}
            partition={ix.partition[v]!}
            selected={p.selected.has(job.id)}
            onClick={p.onRowClick}
            onCheck={p.onCheck}
          />
        );
      }}
    />
  );
}

interface JobRowProps {
  ctx: RowContext;
  row: number;
  job: Job;
  cluster: string;
  remote: string;
  partition: string;
  selected: boolean;
  onClick: (row: number, e: MouseEvent) => void;
  onCheck: (row: number, shift: boolean) => void;
}

const JobRow = memo(function JobRow({ ctx, row, job, cluster, remote, partition, selected, onClick, onCheck }: JobRowProps) {
  return (
    <div
      id={ctx.id}
      role="row"
      aria-rowindex={row + 2}
      aria-selected={selected}
      className={`vrow${selected ? ' vrow-selected' : ''}${ctx.active ? ' vrow-active' : ''}`}
      style={{ top: ctx.top, height: ctx.height, gridTemplateColumns: ctx.grid }}
      data-testid="job-row"
      data-job-id={job.id}
      data-job-name={job.name}
      data-state={job.state}
      onClick={(e) => onClick(row, e)}
    >
      <div role="gridcell" className="vcell vcell-check">
        <input
          type="checkbox"
          tabIndex={-1}
          checked={selected}
          aria-label={`Select ${job.name}`}
          onClick={(e) => {
            e.stopPropagation();
            onCheck(row, e.shiftKey);
          }}
          onChange={() => undefined}
        />
      </div>
      <div role="gridcell" className="vcell vcell-name" title={job.name}>
        {job.name}
      </div>
      <div role="gridcell" className="vcell">
        {cluster}
      </div>
      <div role="gridcell" className="vcell mono">
        {remote || <span className="muted">—</span>}
      </div>
      <div role="gridcell" className="vcell">
        <JobStateCell job={job} />
      </div>
      <div role="gridcell" className="vcell">
        {partition || <span className="muted">—</span>}
      </div>
      <div role="gridcell" className="vcell align-right">
        {job.attempts}
      </div>
      <div role="gridcell" className="vcell">
        <time dateTime={job.updatedAt} title={formatAgo(job.updatedAt)}>
          {formatTime(job.updatedAt)}
        </time>
      </div>
    </div>
  );
});

interface GroupRowProps {
  ctx: RowContext;
  row: number;
  label: string;
  groupKey: string;
  count: number;
  selectedCount: number;
  collapsed: boolean;
  onToggle: (key: string) => void;
  onCheck: (row: number, shift: boolean) => void;
}

const GroupRow = memo(function GroupRow({ ctx, row, label, groupKey, count, selectedCount, collapsed, onToggle, onCheck }: GroupRowProps) {
  const all = selectedCount === count && count > 0;
  return (
    <div
      id={ctx.id}
      role="row"
      aria-rowindex={row + 2}
      aria-expanded={!collapsed}
      className={`vrow vrow-group${ctx.active ? ' vrow-active' : ''}`}
      style={{ top: ctx.top, height: ctx.height, gridTemplateColumns: ctx.grid }}
      data-testid="job-group"
      data-group={groupKey}
      onClick={() => onToggle(groupKey)}
    >
      <div role="gridcell" className="vcell vcell-check">
        <input
          type="checkbox"
          tabIndex={-1}
          checked={all}
          ref={(el) => {
            if (el) el.indeterminate = selectedCount > 0 && !all;
          }}
          aria-label={`Select all ${count} jobs of ${label}`}
          onClick={(e) => {
            e.stopPropagation();
            onCheck(row, false);
          }}
          onChange={() => undefined}
        />
      </div>
      <div role="gridcell" className="vcell vcell-group">
        <span className="group-caret" aria-hidden="true">
          {collapsed ? '▸' : '▾'}
        </span>
        <strong>{label}</strong>
        <span className="muted">
          {count.toLocaleString()} job{count === 1 ? '' : 's'}
          {selectedCount ? ` · ${selectedCount.toLocaleString()} selected` : ''}
        </span>
      </div>
    </div>
  );
});
