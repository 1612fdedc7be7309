// What each job said to the last action (fah.act): kept under the toolbar until dismissed or the next action, so
// a failure on one of many jobs is not lost in a toast.
import type { Result } from '../../../shared/contract.js';
import type { FahJobAction } from '../../../shared/fah.js';

export function ActResults({ action, rows, onDismiss }: { action: FahJobAction; rows: Result<'fah.act'>; onDismiss: () => void }) {
  const failed = rows.filter((r) => !r.ok).length;
  return (
    <div className={`callout ${failed ? 'callout-warning' : 'callout-info'}`} data-testid="fah-act-results" data-failed={failed}>
      <div className="callout-body">
        <p>
          <strong>
            {action}: {rows.length - failed} ok{failed ? `, ${failed} failed` : ''}
          </strong>{' '}
          <button type="button" className="link-button" onClick={onDismiss}>
            Dismiss
          </button>
        </p>
        <ul className="issue-list">
          {rows.map((r) => (
            <li key={`${r.run}:${r.clone}`} data-testid="fah-act-result" data-ok={r.ok} className={r.ok ? undefined : 'form-error'}>
              <span className="mono">
                RUN {r.run} CLONE {r.clone}
              </span>
              : {r.message}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
