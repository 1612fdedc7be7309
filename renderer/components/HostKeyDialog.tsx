// The host-key question of withHostKeyTrust: an unseen key can be trusted after comparing fingerprints; a changed or
// revoked key is refused in red with the core's explanation and no way around it.
import { fingerprintGroups } from '../lib/hostKey.js';
import { useHostKeyTrust } from '../store/hostKeyTrust.js';
import { CopyButton } from './CopyButton.js';
import { Dialog } from './Dialog.js';

export function HostKeyDialog() {
  const pending = useHostKeyTrust((s) => s.pending);
  const answer = useHostKeyTrust((s) => s.answer);
  if (!pending) return null;
  const p = pending.problem;

  if (p.kind === 'changed') {
    return (
      <Dialog title="Host key refused" onClose={() => answer(false)} testId="hostkey-dialog" danger>
        <div className="stack" data-kind="changed">
          <p className="hostkey-alarm" role="alert">
            {p.message}
          </p>
          <p className="muted">
            Presented by {p.host}:{p.port}:
          </p>
          <p className="fingerprint" data-testid="hostkey-fingerprint">
            {p.fingerprint}
          </p>
          <p className="muted">
            SimDeck will not connect. If your cluster’s admins confirm the new key, remove the old one from ~/.ssh/known_hosts or from SimDeck’s trusted
            keys, then connect again.
          </p>
          <div className="dialog-actions">
            <button type="button" className="button" data-autofocus onClick={() => answer(false)}>
              Close
            </button>
          </div>
        </div>
      </Dialog>
    );
  }

  const { key } = p;
  return (
    <Dialog title="Unknown host key" onClose={() => answer(false)} testId="hostkey-dialog">
      <div className="stack" data-kind="unknown">
        <p>
          SimDeck has not seen the host key of{' '}
          <strong className="mono">
            {key.host}:{key.port}
          </strong>{' '}
          before.
        </p>
        <div className="fingerprint-box">
          <span className="field-label">
            {key.keyType} fingerprint (SHA256)
          </span>
          <p className="fingerprint" data-testid="hostkey-fingerprint" aria-label={`Fingerprint ${key.fingerprint}`}>
            {fingerprintGroups(key.fingerprint).map((g, i) => (
              <span key={i} className="fp-group">
                {g}
              </span>
            ))}
          </p>
          <CopyButton text={key.fingerprint} label="Copy the fingerprint" what="fingerprint" />
        </div>
        <p className="muted">
          Compare it with the fingerprint your cluster documents (its user guide, or your admins: <span className="mono">ssh-keygen -lf</span> on the
          server’s key). Trust it only if they match: a different key can mean someone is intercepting the connection.
        </p>
        <div className="dialog-actions">
          <button type="button" className="button" data-autofocus onClick={() => answer(false)}>
            Cancel
          </button>
          <button type="button" className="button button-primary" data-testid="hostkey-trust" onClick={() => answer(true)}>
            Trust and continue
          </button>
        </div>
      </div>
    </Dialog>
  );
}
