// Download one result file (fah.download). Progress comes as `fah.download` events for this file; when the call
// returns, the saved path is shown (the desktop app and the browser shell both save on the core's machine).
import { useEffect, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import { api } from '../../api/index.js';
import { downloadFraction } from '../../lib/fah.js';
import { formatBytes } from '../../lib/files.js';

interface Props {
  targetId: string;
  project: number;
  run: number;
  clone: number;
  file: string;
}

type State = { kind: 'idle' } | { kind: 'running'; received: number; total: number | null } | { kind: 'done'; path: string; bytes: number } | { kind: 'error'; message: string };

export function DownloadButton({ targetId, project, run, clone, file }: Props) {
  const [state, setState] = useState<State>({ kind: 'idle' });

  useEffect(
    () =>
      api().on('fah.download', (e) => {
        if (e.targetId !== targetId || e.project !== project || e.run !== run || e.clone !== clone || e.file !== file) return;
        // A late progress event must not turn a finished download back into a running one.
        setState((s) => (s.kind === 'running' ? { kind: 'running', received: e.received, total: e.total } : s));
      }),
    [targetId, project, run, clone, file],
  );

  const start = async () => {
    setState({ kind: 'running', received: 0, total: null });
    try {
      const r = await api().fah.download({ targetId, project, run, clone, file });
      setState({ kind: 'done', path: r.path, bytes: r.bytes });
    } catch (err) {
      setState({ kind: 'error', message: toApiError(err).message });
    }
  };

  const fraction = state.kind === 'running' ? downloadFraction(state.received, state.total) : null;
  return (
    <span className="fah-download" data-testid="fah-download" data-state={state.kind}>
      <button type="button" className="button button-small" disabled={state.kind === 'running'} onClick={() => void start()} aria-label={`Download ${file}`} data-testid="fah-result-download">
        {state.kind === 'done' ? 'Again' : 'Download'}
      </button>
      {state.kind === 'running' ? (
        <progress max={1} value={fraction ?? undefined} aria-label={`Downloading ${file}`} data-testid="fah-download-progress" />
      ) : null}
      {state.kind === 'done' ? (
        <span className="muted mono fah-download-path" title={state.path} data-testid="fah-download-done">
          {formatBytes(state.bytes)} → {state.path}
        </span>
      ) : null}
      {state.kind === 'error' ? (
        <span className="form-error" data-testid="fah-download-error">
          {state.message}
        </span>
      ) : null}
    </span>
  );
}
