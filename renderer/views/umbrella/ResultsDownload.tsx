// "Download results" on a campaign page: umbrella.downloadResults copies the files of the campaign (or one replica)
// that are newer than the local copy from the results bucket into the results folder; umbrella.download events
// move the progress bar; Cancel stops it (partial files stay, the next download continues them).
import { useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import { formatBytes } from '../../lib/files.js';
import { downloadFraction } from '../../lib/umbrella.js';
import { useUmbrella } from '../../store/umbrella.js';

export function ResultsDownloadBar({ campaignId, replicas }: { campaignId: string; replicas: number }) {
  const d = useUmbrella((s) => s.downloads[campaignId]);
  const startDownload = useUmbrella((s) => s.startDownload);
  const cancelDownload = useUmbrella((s) => s.cancelDownload);
  const [replica, setReplica] = useState(0); // 0 = every replica
  const [busy, setBusy] = useState<'start' | 'cancel' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const running = d?.state === 'running';
  const fraction = d ? downloadFraction(d) : null;

  const start = async () => {
    setBusy('start');
    setError(null);
    try {
      await startDownload(campaignId, replica || undefined);
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(null);
    }
  };
  const cancel = async () => {
    setBusy('cancel');
    setError(null);
    try {
      await cancelDownload(campaignId);
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="results-download" aria-label="Results download">
      <button type="button" className="button button-small" disabled={running || busy !== null} onClick={() => void start()} data-testid="results-download">
        {busy === 'start' ? 'Starting…' : 'Download results'}
      </button>
      <label className="inline-field">
        <span className="field-label">of</span>
        <select value={replica} onChange={(e) => setReplica(Number(e.target.value))} disabled={running} data-testid="results-download-replica">
          <option value={0}>every replica</option>
          {Array.from({ length: replicas }, (_, i) => i + 1).map((r) => (
            <option key={r} value={r}>
              replica {r}
            </option>
          ))}
        </select>
      </label>
      <span className="muted">only files newer than the local copy (rclone copy --update)</span>
      {running ? (
        <>
          <progress
            value={fraction ?? undefined}
            max={1}
            aria-label="Results download progress"
            data-testid="results-progress"
            data-files-done={d.filesDone}
            data-files-total={d.filesTotal}
          />
          <span className="muted nowrap">
            {d.filesTotal ? `${d.filesDone} / ${d.filesTotal} files` : 'listing…'}
            {d.bytesTotal ? ` · ${formatBytes(d.bytesDone)} of ${formatBytes(d.bytesTotal)}` : ''}
          </span>
          <button type="button" className="button button-small button-danger-quiet" disabled={busy !== null} onClick={() => void cancel()} data-testid="results-cancel">
            {busy === 'cancel' ? 'Stopping…' : 'Cancel'}
          </button>
        </>
      ) : null}
      {error || d ? (
        <p
          className={`results-message${error || d?.state === 'failed' ? ' form-error' : d?.state === 'cancelled' ? ' muted' : ''}`}
          role={error || d?.state === 'failed' ? 'alert' : 'status'}
          data-testid="results-message"
          data-state={error ? 'error' : d!.state}
        >
          {error ?? d!.message}
        </p>
      ) : null}
    </section>
  );
}
