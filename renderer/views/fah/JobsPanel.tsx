// The jobs of a project: state filter (the WS's states and SimDeck's creation phases), "Refresh status"
// (fah.poll), "Create jobs…", "Retry failed", and stop / restart / reset / fail on the selected jobs (fah.act)
// with one result line per job.
import { useMemo, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Result } from '../../../shared/contract.js';
import type { FahJob, FahJobAction } from '../../../shared/fah.js';
import { api } from '../../api/index.js';
import { JOB_PHASES, JOB_STATES, jobKey } from '../../lib/fah.js';
import { toast } from '../../store/toasts.js';
import { ActResults } from './ActResults.js';
import { CreateJobsDialog } from './CreateJobsDialog.js';
import { JobsTable } from './JobsTable.js';
import { FormError } from '../../components/FormField.js';

const ACTIONS: readonly { action: FahJobAction; label: string; explain: string }[] = [
  { action: 'stop', label: 'Stop', explain: 'No more work units are handed out; the job keeps its gen.' },
  { action: 'restart', label: 'Restart', explain: 'A failed, stopped or held job is handed out again.' },
  { action: 'reset', label: 'Reset', explain: 'Back to gen 0: the results so far are dropped.' },
  { action: 'fail', label: 'Fail', explain: 'Marks the job failed on the work server.' },
];

interface Props {
  targetId: string;
  project: number;
  jobs: FahJob[] | null;
  filter: string;
  onFilter: (state: string) => void;
  onOpen: (job: { run: number; clone: number }) => void;
  reload: () => Promise<void>;
}

export function JobsPanel({ targetId, project, jobs, filter, onFilter, onOpen, reload }: Props) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState<string | null>(null);
  const [results, setResults] = useState<{ action: FahJobAction; rows: Result<'fah.act'> } | null>(null);
  const [polled, setPolled] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const list = useMemo(() => jobs ?? [], [jobs]);
  // Jobs that left the filter drop out of the selection: actions only go to rows on screen.
  const chosen = useMemo(() => list.filter((j) => selected.has(jobKey(j))), [list, selected]);

  const toggle = (key: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(key)) next.add(key);
      return next;
    });

  /** Runs one toolbar call with the busy flag and the error line. */
  const run = async (what: string, work: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(null);
    }
  };

  const act = (action: FahJobAction) =>
    run(action, async () => {
      const rows = await api().fah.act({ targetId, project, jobs: chosen.map(({ run: r, clone }) => ({ run: r, clone })), action });
      setResults({ action, rows });
      setSelected(new Set());
      await reload();
    });
  const poll = () =>
    run('poll', async () => {
      const { changed } = await api().fah.poll({ targetId, project });
      setPolled(changed === 0 ? 'No job changed since the last look.' : `${changed} job${changed === 1 ? '' : 's'} changed.`);
      await reload();
    });
  const retry = () =>
    run('retry', async () => {
      const { retried } = await api().fah.retryFailed({ targetId, project });
      toast(retried ? 'success' : 'info', retried ? `Tried ${retried} failed creation(s) again.` : 'No creation had failed.');
      await reload();
    });

  return (
    <section className="panel" aria-label="Jobs" data-testid="fah-jobs">
      <div className="panel-head">
        <h2 className="panel-title">Jobs{jobs ? ` (${jobs.length}${filter ? ` ${filter}` : ''})` : ''}</h2>
        <label className="inline-field">
          <span className="field-label">State</span>
          <select value={filter} onChange={(e) => onFilter(e.target.value)} data-testid="fah-jobs-filter">
            <option value="">all</option>
            <optgroup label="On the work server">
              {JOB_STATES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </optgroup>
            <optgroup label="Being created by SimDeck">
              {JOB_PHASES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <span className="toolbar-spacer" />
        {polled ? (
          <span className="muted" data-testid="fah-poll-result">
            {polled}
          </span>
        ) : null}
        <button type="button" className="button button-small" disabled={busy !== null} onClick={() => void poll()} data-testid="fah-poll" title="Ask the work server for the jobs that changed since the last look">
          {busy === 'poll' ? 'Asking…' : 'Refresh status'}
        </button>
        <button type="button" className="button button-small" disabled={busy !== null} onClick={() => void retry()} data-testid="fah-retry-failed" title="Jobs whose creation failed are created again with the same RUN/CLONE">
          {busy === 'retry' ? 'Retrying…' : 'Retry failed'}
        </button>
        <button type="button" className="button button-small button-primary" onClick={() => setCreating(true)} data-testid="fah-create-open">
          Create jobs…
        </button>
      </div>
      <div className="selection-bar">
        <span className="muted" data-testid="fah-selection-count">
          {chosen.length ? `${chosen.length} selected` : 'Tick jobs to stop, restart, reset or fail them.'}
        </span>
        <span className="toolbar-spacer" />
        <button
          type="button"
          className="button button-small button-ghost"
          onClick={() => setSelected(new Set(chosen.length === list.length ? [] : list.map(jobKey)))}
          disabled={!list.length}
          data-testid="fah-jobs-select-all"
        >
          {chosen.length === list.length && list.length ? 'Select none' : 'Select all'}
        </button>
        {ACTIONS.map((a) => (
          <button
            key={a.action}
            type="button"
            className={`button button-small${a.action === 'restart' ? '' : ' button-danger-quiet'}`}
            disabled={!chosen.length || busy !== null}
            onClick={() => void act(a.action)}
            title={a.explain}
            data-testid={`fah-act-${a.action}`}
          >
            {busy === a.action ? 'Working…' : `${a.label}${chosen.length ? ` ${chosen.length}` : ''}`}
          </button>
        ))}
      </div>
      <FormError message={error} />
      {results ? <ActResults action={results.action} rows={results.rows} onDismiss={() => setResults(null)} /> : null}
      {jobs === null ? <p className="muted">Loading jobs…</p> : <JobsTable jobs={list} selected={selected} onToggle={toggle} onOpen={onOpen} />}
      {creating ? <CreateJobsDialog targetId={targetId} project={project} onCreated={() => void reload()} onClose={() => setCreating(false)} /> : null}
    </section>
  );
}
