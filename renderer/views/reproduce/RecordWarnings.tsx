// The record's warnings, first thing in the record view: what is wrong and what to do about it.
import type { RecordWarning } from '../../../shared/reproduce.js';

export function RecordWarnings({ warnings }: { warnings: readonly RecordWarning[] }) {
  if (warnings.length === 0) return null;
  return (
    <ul className="warning-list" aria-label={`${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'} about this record`}>
      {warnings.map((w, i) => (
        <li key={`${w.code}-${i}`} className="callout callout-warning" data-testid="record-warning" data-code={w.code}>
          <span className="callout-icon" aria-hidden="true">
            !
          </span>
          <div className="callout-body">
            <p>{w.message}</p>
            <p className="callout-action">
              <strong>What to do:</strong> {w.action}
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}

/** Things SimDeck noticed about the file itself: plain information lines. */
export function FileNotes({ notes }: { notes: readonly string[] }) {
  if (notes.length === 0) return null;
  return (
    <ul className="note-list" aria-label="Notes about this file">
      {notes.map((n, i) => (
        <li key={i} className="callout callout-info" data-testid="record-note">
          <span className="callout-icon" aria-hidden="true">
            i
          </span>
          <div className="callout-body">
            <p>{n}</p>
          </div>
        </li>
      ))}
    </ul>
  );
}
