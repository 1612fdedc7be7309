// An unexpected error (a bug, not a refused call) gets a banner at the top of the main column: what happened, a
// way to report it, and a way to put it away. Several errors show the newest with a count.
import { useDesktop } from '../store/desktop.js';
import { CopyDiagnosticsButton } from './CopyDiagnosticsButton.js';

export function ErrorBanner() {
  const errors = useDesktop((s) => s.errors);
  const dismiss = useDesktop((s) => s.dismissErrors);
  const newest = errors[0];
  if (!newest) return null;
  const more = errors.length - 1;
  return (
    <div className="banner banner-error" role="alert" data-testid="error-banner" data-error-count={errors.length}>
      <div className="banner-text">
        <strong>SimDeck hit an unexpected error</strong>
        {more > 0 ? (
          <span className="banner-count" data-testid="error-banner-count">
            {' '}
            (and {more} more)
          </span>
        ) : null}
        <span className="banner-detail" data-testid="error-banner-message">
          {' '}
          {newest.message}
        </span>
        {newest.restarted ? <span className="banner-detail"> The core was restarted; nothing you saved is lost.</span> : null}
      </div>
      <div className="banner-actions">
        <CopyDiagnosticsButton testId="error-banner-copy" className="button button-small" />
        <button type="button" className="button button-small" onClick={dismiss} data-testid="error-banner-dismiss">
          Dismiss
        </button>
      </div>
    </div>
  );
}
