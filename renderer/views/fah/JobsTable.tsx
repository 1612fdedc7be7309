// SimDeck's jobs of a project in a VirtualTable (a project may hold tens of thousands of RUN/CLONEs): run, clone,
// gen, phase, state, last, retries, assigns, progress, message. Click or Enter opens the drawer; the checkbox
// (or Space) selects for the actions.
import { memo, useState, type KeyboardEvent } from 'react';
import type { FahJob } from '../../../shared/fah.js';
import { StateBadge } from '../../components/StateBadge.js';
import { VirtualTable, type RowContext, type VColumn } from '../../components/VirtualTable.js';
import { fahTone, jobKey, jobStateOf } from '../../lib/fah.js';

const COLUMNS: VColumn[] = [
  { key: 'select', header: '', width: '34px', label: 'Selected' },
  { key: 'run', header: 'Run', width: '64px', align: 'right' },
  { key: 'clone', header: 'Clone', width: '64px', align: 'right' },
  { key: 'gen', header: 'Gen', width: '52px', align: 'right' },
  { key: 'phase', header: 'Phase', width: '96px' },
  { key: 'state', header: 'State', width: '120px' },
  { key: 'last', header: 'Last', width: '170px' },
  { key: 'retries', header: 'Retries', width: '64px', align: 'right' },
  { key: 'assigns', header: 'Assigns', width: '70px', align: 'right' },
  { key: 'progress', header: 'Progress', width: '80px', align: 'right' },
  { key: 'message', header: 'Message', width: 'minmax(160px, 3fr)' },
];

interface Props {
  jobs: readonly FahJob[];
  selected: ReadonlySet<string>;
  onToggle: (key: string) => void;
  onOpen: (job: FahJob) => void;
}

export function JobsTable({ jobs, selected, onToggle, onOpen }: Props) {
  const [active, setActive] = useState(0);
  const onRowKey = (i: number, e: KeyboardEvent) => {
    const job = jobs[i];
    if (!job) return false;
    if (e.key === 'Enter') onOpen(job);
    else if (e.key === ' ') onToggle(jobKey(job));
    else return false;
    return true;
  };
  return (
    <VirtualTable
      label="Folding@home jobs"
      testId="fah-jobs-table"
      columns={COLUMNS}
      count={jobs.length}
      sort={null}
      onSort={() => undefined}
      active={active}
      onActiveChange={setActive}
      onRowKey={onRowKey}
      empty={<p className="muted">No job matches the filter.</p>}
      renderRow={(i, ctx) => {
        const job = jobs[i]!;
        const key = jobKey(job);
        return <JobRow key={key} ctx={ctx} row={i} job={job} selected={selected.has(key)} onToggle={onToggle} onOpen={onOpen} />;
      }}
    />
  );
}

interface RowProps {
  ctx: RowContext;
  row: number;
  job: FahJob;
  selected: boolean;
  onToggle: (key: string) => void;
  onOpen: (job: FahJob) => void;
}

const num = (v: number | null) => (v === null ? '—' : String(v));

const JobRow = memo(function JobRow({ ctx, row, job, selected, onToggle, onOpen }: RowProps) {
  const state = jobStateOf(job);
  return (
    <div
      id={ctx.id}
      role="row"
      aria-rowindex={row + 2}
      aria-selected={selected}
      className={`vrow${selected ? ' vrow-selected' : ''}${ctx.active ? ' vrow-active' : ''}`}
      style={{ top: ctx.top, height: ctx.height, gridTemplateColumns: ctx.grid }}
      data-testid="fah-job-row"
      data-run={job.run}
      data-clone={job.clone}
      data-state={state}
      data-phase={job.phase}
      onClick={() => onOpen(job)}
    >
      <div role="gridcell" className="vcell vcell-check">
        <input
          type="checkbox"
          tabIndex={-1}
          checked={selected}
          aria-label={`Select RUN ${job.run} CLONE ${job.clone}`}
          onClick={(e) => {
            e.stopPropagation(); // ticking is not opening
            onToggle(jobKey(job));
          }}
          onChange={() => undefined}
          data-testid="fah-job-select"
        />
      </div>
      <div role="gridcell" className="vcell align-right mono">
        {job.run}
      </div>
      <div role="gridcell" className="vcell align-right mono">
        {job.clone}
      </div>
      <div role="gridcell" className="vcell align-right mono">
        {job.gen}
      </div>
      <div role="gridcell" className="vcell">
        {job.phase}
      </div>
      <div role="gridcell" className="vcell">
        {job.state ? <StateBadge state={job.state} tone={fahTone(job.state)} /> : <span className="muted">not on the WS</span>}
      </div>
      <div role="gridcell" className="vcell mono">
        {job.last ?? '—'}
      </div>
      <div role="gridcell" className="vcell align-right">
        {num(job.retries)}
      </div>
      <div role="gridcell" className="vcell align-right">
        {num(job.assigns)}
      </div>
      <div role="gridcell" className="vcell align-right">
        {/* The WS's own number: its units are not documented (fraction or percent), so it is shown as sent. */}
        {job.progress === null ? '—' : String(Math.round(job.progress * 1000) / 1000)}
      </div>
      <div role="gridcell" className={`vcell${job.phase === 'failed' ? ' form-error' : ''}`} title={job.message}>
        {job.message || <span className="muted">—</span>}
      </div>
    </div>
  );
});

