// "Resubmit with edits…": the job's script in a textarea; Resubmit sends it with slurm.act (action resubmit, script)
// and shows the result with the equivalent command.
import { useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Job } from '../../../shared/domain.js';
import type { ActionResult } from '../../../shared/slurm.js';
import { api } from '../../api/index.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Dialog } from '../../components/Dialog.js';
import { StateBadge } from '../../components/StateBadge.js';
import { HostKeyDeclined, withHostKeyTrust } from '../../store/hostKeyTrust.js';
import { useJobs } from '../../store/jobs.js';
import { FormError } from '../../components/FormField.js';

export function ResubmitDialog({ job, script, onClose }: { job: Job; script: string; onClose: () => void }) {
  const [text, setText] = useState(script);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [results, setResults] = useState<ActionResult[] | null>(null);
  const edited = text !== script;

  const run = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await withHostKeyTrust(() => api().slurm.act({ jobIds: [job.id], action: 'resubmit', script: text }));
      setResults(r);
      void useJobs.getState().refresh();
    } catch (err) {
      if (!(err instanceof HostKeyDeclined)) setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Resubmit “${job.name}” with edits`} onClose={onClose} testId="resubmit-edit-dialog" wide>
      {results ? (
        <div className="stack">
          <ul className="result-list" data-testid="resubmit-edit-result">
            {results.map((r) => (
              <li key={r.jobId} className="result-item" data-ok={r.ok}>
                <div className="result-head">
                  <StateBadge state={r.ok ? 'ok' : 'error'} label={r.ok ? 'resubmitted' : 'failed'} />
                  {r.message ? <span className="pre">{r.message}</span> : null}
                </div>
                <div className="command-line">
                  <code className="mono">{r.command}</code>
                  <CopyButton text={r.command} label="Copy the resubmit command" what="command" />
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
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void run();
          }}
        >
          <p className="muted">
            SimDeck submits this script as a new try of the job (sbatch), in the same folder on the same cluster. The original script stays as it was.
          </p>
          <label className="field">
            <span className="field-label">Job script</span>
            <textarea
              className="mono script-editor"
              value={text}
              onChange={(e) => setText(e.target.value)}
              spellCheck={false}
              rows={18}
              data-testid="resubmit-edit-script"
              data-autofocus
            />
          </label>
          <FormError message={error} />
          <div className="dialog-actions">
            {edited ? (
              <button type="button" className="button button-ghost" onClick={() => setText(script)} data-testid="resubmit-edit-reset">
                Undo my edits
              </button>
            ) : null}
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button button-primary" disabled={busy || !text.trim()} data-testid="resubmit-edit-submit">
              {busy ? 'Resubmitting…' : edited ? 'Resubmit edited script' : 'Resubmit'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
