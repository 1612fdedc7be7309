import { useConnection } from '../store/connection.js';

export function ConnectionBanner() {
  const status = useConnection((s) => s.status);
  const problem = useConnection((s) => s.problem);
  if (status !== 'reconnecting') return null;
  return (
    <div className="banner banner-warning" role="status" data-testid="disconnected-banner">
      <span className="spinner" aria-hidden="true" />
      <span>
        Disconnected from the SimDeck core, reconnecting…
        {problem ? <span className="banner-detail"> {problem}</span> : null}
      </span>
    </div>
  );
}
