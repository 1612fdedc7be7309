// Cancel / hold / release / resubmit for a set of jobs: a confirmation that says how many, then the result of every
// job with the equivalent shell command.
import { useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { ActionResult, JobAction } from '../../../shared/slurm.js';
import { api } from '../../api/index.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Dialog } from '../../components/Dialog.js';
import { StateBadge } from '../../components/StateBadge.js';
import { HostKeyDeclined, withHostKeyTrust } from '../../store/hostKeyTrust.js';
import { useJobs } from '../../store/jobs.js';
import { FormError } from '../../components/FormField.js';

export const ACTIONS: { action: JobAction; label: string; verb: string; blurb: string; danger?: boolean }[] = [
  { action: 'cancel', label: 'Cancel', verb: 'Cancel', blurb: 'scancel: pending jobs never start, running jobs are stopped.', danger: true },
  { action: 'hold', label: 'Hold', verb: 'Hold', blurb: 'scontrol hold: pending jobs stay in the queue but do not start.' },
  { action: 'release', label: 'Release', verb: 'Release', blurb: 'scontrol release: held jobs may start again.' },
  { action: 'resubmit', label: 'Resubmit', verb: 'Resubmit', blurb: 'sbatch again with the same script: a new try of each job.' },
];

export function ActionButtons({ count, onAction, small }: { count: number; onAction: (a: JobAction) => void; small?: boolean }) {
  return (
    <>
      {ACTIONS.map((a) => (
        <button
          key={a.action}
          type="button"
          className={`button${small ? ' button-small' : ''}${a.danger ? ' button-danger-quiet' : ''}`}
          disabled={count === 0}
          onClick={() => onAction(a.action)}
          data-testid={`job-action-${a.action}`}
        >
          {a.label}
        </button>
      ))}
    </>
  );
}

interface ActionDialogProps {
  action: JobAction;
  jobIds: readonly string[];
  /** id → name, for the lists. */
  nameOf: (id: string) => string;
  onClose: () => void;
}

export function ActionDialog({ action, jobIds, nameOf, onClose }: ActionDialogProps) {
  const info = ACTIONS.find((a) => a.action === action)!;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [results, setResults] = useState<ActionResult[] | null>(null);
  const n = jobIds.length;
  const what = `${n.toLocaleString()} job${n === 1 ? '' : 's'}`;

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await withHostKeyTrust(() => api().slurm.act({ jobIds: [...jobIds], action }));
      setResults(r);
      void useJobs.getState().refresh();
    } catch (err) {
      if (!(err instanceof HostKeyDeclined)) setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  if (results) {
    const failed = results.filter((r) => !r.ok).length;
    return (
      <Dialog title={`${info.verb}: results`} onClose={onClose} testId="action-results-dialog" wide>
        <div className="stack">
          <p>
            {results.length - failed} of {results.length} done{failed ? `, ${failed} failed` : ''}. The commands are what you would type on the cluster’s
            login node.
          </p>
          <ul className="result-list" data-testid="action-results">
            {results.map((r) => (
              <li key={r.jobId} className="result-item" data-ok={r.ok}>
                <div className="result-head">
                  <StateBadge state={r.ok ? 'ok' : 'error'} label={r.ok ? 'ok' : 'failed'} />
                  <strong className="truncate">{nameOf(r.jobId)}</strong>
                  {r.message ? <span className="muted truncate">{r.message}</span> : null}
                </div>
                <div className="command-line">
                  <code className="mono">{r.command}</code>
                  <CopyButton text={r.command} label={`Copy the command for ${nameOf(r.jobId)}`} what="command" />
                </div>
              </li>
            ))}
          </ul>
          <div className="dialog-actions">
            <button type="button" className="button button-primary" data-autofocus onClick={onClose}>
              Close
            </button>
          </div>
        </div>
      </Dialog>
    );
  }

  const preview = jobIds.slice(0, 8);
  return (
    <Dialog title={`${info.verb} ${what}?`} onClose={onClose} testId="action-confirm" danger={info.danger}>
      <div className="stack">
        <p>{info.blurb}</p>
        <ul className="plain-list">
          {preview.map((id) => (
            <li key={id} className="truncate">
              {nameOf(id)}
            </li>
          ))}
          {n > preview.length ? <li className="muted">and {(n - preview.length).toLocaleString()} more</li> : null}
        </ul>
        <FormError message={error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Back
          </button>
          <button
            type="button"
            className={`button ${info.danger ? 'button-danger' : 'button-primary'}`}
            disabled={busy}
            onClick={() => void run()}
            data-testid="action-confirm-submit"
            data-autofocus
          >
            {busy ? 'Working…' : `${info.verb} ${what}`}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
