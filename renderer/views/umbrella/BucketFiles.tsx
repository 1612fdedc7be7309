// "Files in the bucket" on a campaign page: umbrella.bucketList of the campaign (or one replica), loaded when the
// section is opened and on Reload; keys are shown relative to the listed prefix.
import { useCallback, useRef, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Result } from '../../../shared/contract.js';
import { api } from '../../api/index.js';
import { formatBytes } from '../../lib/files.js';
import { formatTime } from '../../lib/format.js';
import { relativeKey } from '../../lib/umbrella.js';

type Listing = Result<'umbrella.bucketList'>;

export function BucketFiles({ campaignId, replicas }: { campaignId: string; replicas: number }) {
  const [replica, setReplica] = useState(0); // 0 = every replica
  const [state, setState] = useState<{ loading: boolean; error: string | null; data: Listing | null }>({ loading: false, error: null, data: null });
  const seq = useRef(0);

  const load = useCallback(
    (r: number) => {
      const n = ++seq.current;
      setState((s) => ({ ...s, loading: true, error: null }));
      api()
        .umbrella.bucketList({ campaignId, ...(r ? { replica: r } : {}) })
        .then((data) => n === seq.current && setState({ loading: false, error: null, data }))
        .catch((err: unknown) => n === seq.current && setState({ loading: false, error: toApiError(err).message, data: null }));
    },
    [campaignId],
  );

  const onToggle = (ev: React.SyntheticEvent<HTMLDetailsElement>) => {
    if (ev.currentTarget.open && !state.data && !state.loading) load(replica);
  };
  const pickReplica = (r: number) => {
    setReplica(r);
    load(r);
  };

  const data = state.data;
  return (
    <details className="bucket-files" data-testid="bucket-files" onToggle={onToggle}>
      <summary>Files in the bucket</summary>
      <div className="bucket-files-bar">
        <label className="inline-field">
          <span className="field-label">of</span>
          <select value={replica} onChange={(e) => pickReplica(Number(e.target.value))} data-testid="bucket-files-replica">
            <option value={0}>every replica</option>
            {Array.from({ length: replicas }, (_, i) => i + 1).map((r) => (
              <option key={r} value={r}>
                replica {r}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button button-small" disabled={state.loading} onClick={() => load(replica)} data-testid="bucket-files-reload">
          {state.loading ? 'Loading…' : 'Reload'}
        </button>
        {data ? (
          <span className="muted" data-testid="bucket-files-summary">
            {data.objects.length} file{data.objects.length === 1 ? '' : 's'}
            {data.truncated ? ' (first 5,000 only)' : ''} in <span className="mono">{data.prefix}</span>
          </span>
        ) : null}
      </div>
      {state.error ? (
        <p className="form-error" role="alert" data-testid="bucket-files-error">
          {state.error}
        </p>
      ) : null}
      {data && data.objects.length ? (
        <div className="bucket-files-table">
          <table>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Size</th>
                <th scope="col">Modified</th>
              </tr>
            </thead>
            <tbody>
              {data.objects.map((o) => (
                <tr key={o.key} data-testid="bucket-file-row" data-key={relativeKey(data.prefix, o.key)}>
                  <td className="mono">{relativeKey(data.prefix, o.key)}</td>
                  <td className="num nowrap">{formatBytes(o.size)}</td>
                  <td className="nowrap">{formatTime(o.lastModified)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : data ? (
        <p className="muted">No files under this prefix yet.</p>
      ) : null}
    </details>
  );
}
