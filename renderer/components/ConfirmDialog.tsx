// Confirmation for destructive actions: the user types the exact name of what is about to go.
import { useState, type ReactNode } from 'react';
import { toApiError } from '../../shared/client.js';
import { toastError } from '../store/toasts.js';
import { Dialog } from './Dialog.js';

interface ConfirmDialogProps {
  title: string;
  /** What will happen, in plain words. */
  children: ReactNode;
  /** The text the user must type (e.g. the project name). */
  confirmText: string;
  confirmLabel: string;
  /** Runs the action with what the user typed; the dialog closes when it resolves, stays open with the error if it throws. */
  onConfirm: (typed: string) => Promise<void>;
  onClose: () => void;
}

export function ConfirmDialog({ title, children, confirmText, confirmLabel, onConfirm, onClose }: ConfirmDialogProps) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const matches = typed.trim() === confirmText;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!matches || busy) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm(typed.trim());
      onClose();
    } catch (err) {
      setError(toApiError(err).message);
      toastError(err, title.replace(/\?$/, '') + ' failed');
      setBusy(false);
    }
  };

  return (
    <Dialog title={title} onClose={onClose} testId="confirm-dialog" danger>
      <form onSubmit={submit} className="stack">
        <div className="confirm-text">{children}</div>
        <label className="field">
          <span className="field-label">
            Type <strong className="mono">{confirmText}</strong> to confirm
          </span>
          <input
            data-autofocus
            data-testid="confirm-input"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={error ? true : undefined}
          />
        </label>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-danger" disabled={!matches || busy} data-testid="confirm-submit">
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
