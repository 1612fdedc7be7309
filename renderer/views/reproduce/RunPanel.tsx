// A recreate or reproduce run as it happens: state, elapsed time, a Cancel button, the output as in a terminal
// (stderr in another colour, the last MAX_LINES lines kept) and the log file that holds all of it.
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import { api } from '../../api/index.js';
import { CopyButton } from '../../components/CopyButton.js';
import { elapsedSeconds, formatDuration } from '../../lib/reproduce.js';
import { lineText, MAX_LINES, type LogLine, type RunLog } from '../../lib/runLog.js';
import { useReproduce } from '../../store/reproduce.js';
import { toastError } from '../../store/toasts.js';

const STATE_TONE: Record<string, string> = { starting: 'info', running: 'info', succeeded: 'success', failed: 'danger', cancelled: 'neutral' };

export function RunPanel({ runId, title }: { runId: string; title: string }) {
  const entry = useReproduce((s) => s.runs[runId]);
  const info = entry?.info ?? null;
  const state = info?.state ?? 'starting';
  const running = state === 'running' || state === 'starting';
  const [now, setNow] = useState(() => Date.now());
  const [cancelling, setCancelling] = useState(false);
  const logRef = useRef<HTMLElement>(null);

  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [running]);

  const cancel = async () => {
    setCancelling(true);
    try {
      const updated = await api().reproduce.cancel({ runId });
      useReproduce.getState().trackRun(updated);
    } catch (err) {
      toastError(err, 'Could not cancel the run');
    } finally {
      setCancelling(false);
    }
  };

  const elapsed = info ? elapsedSeconds(info.startedAt, info.finishedAt, now) : null;
  return (
    <section className="run-panel" aria-label={title} data-testid="run-panel" data-run-id={runId}>
      <div className="run-head">
        <strong className="run-title">{title}</strong>
        <span role="status" aria-live="polite" className="run-status">
          <span className={`badge badge-${STATE_TONE[state] ?? 'neutral'}`} data-testid="run-state" data-state={state}>
            {state}
          </span>
          {info && info.exitCode !== null ? (
            <span className="muted" data-testid="run-exit-code">
              exit code {info.exitCode}
            </span>
          ) : null}
        </span>
        <span className="muted run-elapsed" title="Elapsed time">
          {elapsed === null ? '' : formatDuration(elapsed)}
        </span>
        {running ? (
          <button type="button" className="button button-small button-danger-quiet" onClick={() => void cancel()} disabled={cancelling || !info} data-testid="run-cancel">
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : null}
      </div>
      {running ? <div className="progress-indeterminate" role="progressbar" aria-label={`${title}: running`} aria-busy="true" /> : null}
      {info ? (
        <p className="run-command mono" title={`in ${info.cwd}`}>
          <span className="muted">$</span> {info.command}
        </p>
      ) : null}
      <RunOutput log={entry?.log ?? null} />
      {info ? (
        <div className="run-logfile">
          <span className="muted">Full log:</span>
          <code ref={logRef} data-testid="run-log-file">
            {info.logFile}
          </code>
          <CopyButton text={info.logFile} label="Copy the log file path" what="log file path" target={logRef} />
        </div>
      ) : null}
      {state === 'failed' ? (
        <p className="form-error" role="alert">
          The run failed{info?.exitCode !== null && info?.exitCode !== undefined ? ` with exit code ${info.exitCode}` : ''}. The last lines of the output above
          usually say why; the full output is in the log file.
        </p>
      ) : null}
    </section>
  );
}

const Line = memo(function Line({ line }: { line: LogLine }) {
  return <div className={`run-line run-${line.stream}`}>{lineText(line) || '\u00a0'}</div>;
});

function RunOutput({ log }: { log: RunLog | null }) {
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [log]);
  const onScroll = () => {
    const el = ref.current;
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  };
  return (
    <div ref={ref} className="run-output mono" role="log" aria-live="off" aria-label="Output" tabIndex={0} onScroll={onScroll} data-testid="run-output">
      {log && log.dropped > 0 ? (
        <div className="run-line run-info run-dropped">
          … {log.dropped.toLocaleString()} earlier lines are not shown here (only the last {MAX_LINES.toLocaleString()} are); the log file has them all.
        </div>
      ) : null}
      {log && log.lines.length > 0 ? log.lines.map((l) => <Line key={l.id} line={l} />) : <div className="run-line run-info">Waiting for output…</div>}
    </div>
  );
}

/** The message of a failed start, for the panels that start runs. */
export const runStartError = (err: unknown) => toApiError(err).message;
