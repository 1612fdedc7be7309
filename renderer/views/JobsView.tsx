import { useCallback, useDeferredValue, useEffect, useMemo, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { JobAction } from '../../shared/slurm.js';
import { EmptyState } from '../components/EmptyState.js';
import { PageHeader } from '../components/PageHeader.js';
import { GROUP_BY_LABELS, filterJobs, groupJobs, idsOf, indexJobs, sortJobs, type JobGroupBy, type JobSortKey } from '../lib/jobsTable.js';
import { allSelected, clickSelect, pruneSelection, toggleAll, toggleOne, type SelectionState } from '../lib/selection.js';
import type { SortDir } from '../lib/sort.js';
import { useApp } from '../store/app.js';
import { useJobs } from '../store/jobs.js';
import { toast } from '../store/toasts.js';
import { useProjects } from '../store/projects.js';
import { useTargets } from '../store/targets.js';
import { AdoptDialog } from './jobs/AdoptDialog.js';
import { ClustersPanel } from './jobs/ClustersPanel.js';
import { ActionButtons, ActionDialog } from './jobs/JobActions.js';
import { JobDrawer } from './jobs/JobDrawer.js';
import { JobsGrid } from './jobs/JobsGrid.js';
import { StateFilter } from './jobs/StateFilter.js';
import { SubmitWizard } from './jobs/SubmitWizard.js';
import { TransfersPanel } from './jobs/TransfersPanel.js';

const NO_SELECTION: SelectionState = { selected: new Set(), anchor: null };

export function JobsView() {
  const jobs = useJobs((s) => s.jobs);
  const loaded = useJobs((s) => s.loaded);
  const targets = useTargets((s) => s.targets);
  const projectId = useApp((s) => s.projectId);
  const projects = useProjects((s) => s.projects);
  const loadedFor = useJobs((s) => s.projectId);
  const focusJobId = useApp((s) => s.focusJobId);
  const project = projects.find((p) => p.id === projectId);
  const clusters = useMemo(() => targets.filter((t) => t.kind === 'slurm'), [targets]);

  const [text, setText] = useState('');
  const deferredText = useDeferredValue(text);
  const [states, setStates] = useState<Set<string>>(new Set());
  const [cluster, setCluster] = useState('');
  const [sort, setSort] = useState<{ key: JobSortKey; dir: SortDir } | null>({ key: 'updated', dir: 'desc' });
  const [groupBy, setGroupBy] = useState<JobGroupBy>('none');
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [sel, setSel] = useState<SelectionState>(NO_SELECTION);
  const [active, setActive] = useState(0);
  const [drawerId, setDrawerId] = useState<string | null>(null);
  const [action, setAction] = useState<{ action: JobAction; ids: string[] } | null>(null);
  const [dialog, setDialog] = useState<'submit' | 'adopt' | null>(null);

  const visible = useMemo(() => (projectId ? jobs.filter((j) => j.projectId === projectId) : jobs), [jobs, projectId]);
  const names = useMemo(() => new Map(targets.map((t) => [t.id, t.name])), [targets]);
  const ix = useMemo(() => indexJobs(visible, names), [visible, names]);
  const byId = useMemo(() => new Map(visible.map((j, i) => [j.id, i])), [visible]);
  const stateCounts = useMemo(() => {
    const m = new Map<string, number>();
    for (const j of visible) m.set(j.state, (m.get(j.state) ?? 0) + 1);
    return m;
  }, [visible]);
  const filtered = useMemo(() => filterJobs(ix, { text: deferredText, states, cluster }), [ix, deferredText, states, cluster]);
  const sorted = useMemo(() => sortJobs(ix, filtered, sort?.key ?? null, sort?.dir ?? 'asc'), [ix, filtered, sort]);
  const view = useMemo(() => groupJobs(ix, sorted, groupBy, collapsed), [ix, sorted, groupBy, collapsed]);
  const orderIds = useMemo(() => idsOf(ix, view.rows), [ix, view]);
  const filteredIds = useMemo(() => idsOf(ix, sorted), [ix, sorted]);

  // Selection and drawer follow reloads: ids that vanished are dropped.
  useEffect(() => {
    const present = new Set(ix.ids);
    setSel((s) => pruneSelection(s, present));
    setDrawerId((d) => (d && !present.has(d) ? null : d));
  }, [ix]);
  useEffect(() => setActive((a) => Math.min(a, Math.max(0, view.rows.length - 1))), [view]);

  // Another area (Monitor, an alert) asked for a job: open its drawer, showing it even if filters hid it; a job of
  // another project switches to "All projects" first.
  useEffect(() => {
    if (!focusJobId || !loaded || loadedFor !== projectId) return;
    const { clearJobFocus, setProject } = useApp.getState();
    if (byId.has(focusJobId)) {
      if (!filteredIds.includes(focusJobId)) {
        setText('');
        setStates(new Set());
        setCluster('');
      }
      setDrawerId(focusJobId);
      const row = orderIds.indexOf(focusJobId);
      if (row >= 0) setActive(row);
      clearJobFocus();
    } else if (projectId) {
      setProject(null);
    } else {
      toast('info', 'That job is no longer in SimDeck’s list (it may have been removed).');
      clearJobFocus();
    }
  }, [focusJobId, loaded, loadedFor, projectId, byId, filteredIds, orderIds]);

  const jobIdAt = useCallback((row: number) => {
    const v = view.rows[row];
    return v === undefined || v < 0 ? null : ix.ids[v]!;
  }, [view, ix]);
  const groupAt = useCallback((row: number) => {
    const v = view.rows[row];
    return v !== undefined && v < 0 ? view.groups[-v - 1]! : null;
  }, [view]);

  const toggleGroup = useCallback((key: string) => {
    setCollapsed((c) => {
      const n = new Set(c);
      if (n.has(key)) n.delete(key);
      else n.add(key);
      return n;
    });
  }, []);

  const onRowClick = useCallback(
    (row: number, e: MouseEvent) => {
      const id = jobIdAt(row);
      if (!id) return;
      setActive(row);
      const toggle = e.ctrlKey || e.metaKey;
      setSel((s) => clickSelect(s, orderIds, id, { shift: e.shiftKey, toggle }));
      if (!toggle && !e.shiftKey) setDrawerId(id);
    },
    [jobIdAt, orderIds],
  );
  const onCheck = useCallback(
    (row: number, shift: boolean) => {
      setActive(row);
      const g = groupAt(row);
      if (g) {
        setSel((s) => toggleAll(s, idsOf(ix, g.members)));
        return;
      }
      const id = jobIdAt(row);
      if (id) setSel((s) => toggleOne(s, orderIds, id, shift));
    },
    [groupAt, jobIdAt, ix, orderIds],
  );
  const onActiveChange = useCallback(
    (row: number, e?: KeyboardEvent) => {
      setActive(row);
      const id = jobIdAt(row);
      if (e?.shiftKey && id) setSel((s) => clickSelect(s, orderIds, id, { shift: true }));
    },
    [jobIdAt, orderIds],
  );
  const onRowKey = useCallback(
    (row: number, e: KeyboardEvent) => {
      const g = groupAt(row);
      const id = jobIdAt(row);
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
        setSel((s) => toggleAll(s, filteredIds));
        return true;
      }
      if (e.key === 'Escape' && sel.selected.size) {
        setSel(NO_SELECTION);
        return true;
      }
      if (g && (e.key === 'Enter' || (e.key === 'ArrowLeft' && !collapsed.has(g.key)) || (e.key === 'ArrowRight' && collapsed.has(g.key)))) {
        toggleGroup(g.key);
        return true;
      }
      if (e.key === ' ') {
        onCheck(row, e.shiftKey);
        return true;
      }
      if (e.key === 'Enter' && id) {
        setDrawerId(id);
        return true;
      }
      return false;
    },
    [groupAt, jobIdAt, filteredIds, sel.selected.size, collapsed, toggleGroup, onCheck],
  );

  const onSort = useCallback((key: string) => {
    setSort((s) => (s && s.key === key ? (s.dir === 'asc' ? { key: s.key, dir: 'desc' } : null) : { key: key as JobSortKey, dir: 'asc' }));
  }, []);

  const selectedIds = useMemo(() => [...sel.selected], [sel]);
  const allState = allSelected(sel.selected, filteredIds);
  const nameOf = useCallback((id: string) => {
    const i = byId.get(id);
    return i === undefined ? id : visible[i]!.name;
  }, [byId, visible]);
  const drawerJob = drawerId ? visible[byId.get(drawerId) ?? -1] : undefined;

  return (
    <div className={`view view-fill${drawerJob ? ' view-with-drawer' : ''}`} data-testid="view-jobs">
      <PageHeader title="Jobs">
        Every job SimDeck submitted, on every backend{project ? <> — showing project <strong>{project.name}</strong></> : ' — all projects'}. A job in state
        “unknown” means SimDeck lost contact and cannot tell, not that it failed.
      </PageHeader>

      <div className="jobs-panels">
        <ClustersPanel clusters={clusters} />
        <TransfersPanel />
      </div>

      <div className="jobs-toolbar" role="toolbar" aria-label="Jobs">
        <input
          type="search"
          className="jobs-filter"
          placeholder="Filter by name, remote id, reason…"
          aria-label="Filter jobs"
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="jobs-filter"
        />
        <StateFilter states={states} onChange={setStates} counts={stateCounts} />
        <select aria-label="Cluster" value={cluster} onChange={(e) => setCluster(e.target.value)} data-testid="jobs-cluster">
          <option value="">All clusters</option>
          {targets.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        <label className="inline-field">
          <span className="field-label">Group by</span>
          <select
            value={groupBy}
            onChange={(e) => {
              setGroupBy(e.target.value as JobGroupBy);
              setCollapsed(new Set());
            }}
            data-testid="jobs-group-by"
          >
            {Object.entries(GROUP_BY_LABELS).map(([k, l]) => (
              <option key={k} value={k}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <span className="toolbar-spacer" />
        <button type="button" className="button" onClick={() => setDialog('adopt')} disabled={clusters.length === 0} data-testid="adopt-open">
          Adopt jobs
        </button>
        <button type="button" className="button button-primary" onClick={() => setDialog('submit')} data-testid="submit-open">
          Submit job
        </button>
      </div>

      <div className="selection-bar" aria-live="polite">
        <label className="check">
          <input
            type="checkbox"
            checked={allState === 'all'}
            ref={(el) => {
              if (el) el.indeterminate = allState === 'some';
            }}
            onChange={() => setSel((s) => toggleAll(s, filteredIds))}
            disabled={filteredIds.length === 0}
            data-testid="jobs-select-all"
          />
          Select all {filteredIds.length.toLocaleString()} shown
        </label>
        <span className="muted" data-testid="jobs-count">
          {filteredIds.length.toLocaleString()} of {visible.length.toLocaleString()} jobs
          {sel.selected.size ? ` · ${sel.selected.size.toLocaleString()} selected` : ''}
        </span>
        <span className="toolbar-spacer" />
        <ActionButtons count={sel.selected.size} small onAction={(a) => setAction({ action: a, ids: selectedIds })} />
        {sel.selected.size ? (
          <button type="button" className="button button-small button-ghost" onClick={() => setSel(NO_SELECTION)}>
            Clear selection
          </button>
        ) : null}
      </div>

      {visible.length === 0 ? (
        loaded ? (
          <EmptyState
            title="No jobs yet"
            icon="≡"
            testId="jobs-empty"
            action={
              <button type="button" className="button button-primary" onClick={() => setDialog('submit')}>
                Submit a job
              </button>
            }
          >
            <p>
              No jobs yet{project ? ` in “${project.name}”` : ''}. Submit one to a SLURM cluster, adopt jobs you started from a terminal, or launch from
              Umbrella windows, Fleets or Folding@home. Jobs appear here with their state as SimDeck follows them.
            </p>
          </EmptyState>
        ) : (
          <p className="muted">Loading jobs…</p>
        )
      ) : (
        <JobsGrid
          ix={ix}
          view={view}
          selected={sel.selected}
          collapsed={collapsed}
          sort={sort}
          onSort={onSort}
          active={active}
          onActiveChange={onActiveChange}
          onRowClick={onRowClick}
          onCheck={onCheck}
          onToggleGroup={toggleGroup}
          onRowKey={onRowKey}
        />
      )}

      {drawerJob ? (
        <JobDrawer
          job={drawerJob}
          clusterName={names.get(drawerJob.targetId ?? '') ?? '—'}
          onClose={() => setDrawerId(null)}
          onAction={(a, ids) => setAction({ action: a, ids })}
        />
      ) : null}
      {action ? <ActionDialog action={action.action} jobIds={action.ids} nameOf={nameOf} onClose={() => setAction(null)} /> : null}
      {dialog === 'submit' ? <SubmitWizard projects={projects} projectId={projectId} clusters={clusters} jobs={visible} onClose={() => setDialog(null)} /> : null}
      {dialog === 'adopt' ? <AdoptDialog clusters={clusters} projects={projects} projectId={projectId} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
