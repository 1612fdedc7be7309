// The live tail of a job's output (files.tail): stdout, or stderr when it goes to another file. Polls every 2 s with
// from = the last end while the job is not terminal, reads once more when it ends, keeps about the last 1 MB and
// follows the end unless the researcher scrolled up. Errors stay one line under the text while it retries quietly.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { JobFiles } from '../../../shared/files.js';
import { api } from '../../api/index.js';
import { CopyButton } from '../../components/CopyButton.js';
import { EMPTY_TAIL, applyChunk, formatBytes, type TailText } from '../../lib/files.js';
import { RETRY_MS } from './useJobFiles.js';

const POLL_MS = 2000;
const FIRST_READ = 256 * 1024;
const NEXT_READ = 1024 * 1024;

type Stream = 'stdout' | 'stderr';

interface TailState {
  tail: TailText;
  /** null before the first answer. */
  exists: boolean | null;
  size: number;
  error: string | null;
}

const INITIAL: TailState = { tail: EMPTY_TAIL, exists: null, size: 0, error: null };

export function OutputTail({ files, filesError, terminal, clusterName }: { files: JobFiles | null; filesError: string | null; terminal: boolean; clusterName: string }) {
  const [stream, setStream] = useState<Stream>('stdout');
  const separate = !!files?.stderrPath && files.stderrPath !== files.stdoutPath;
  const path = stream === 'stderr' && separate ? files.stderrPath : (files?.stdoutPath ?? null);
  const state = useTail(files?.targetId ?? null, path, terminal);

  const preRef = useRef<HTMLPreElement>(null);
  const [follow, setFollow] = useState(true);
  useLayoutEffect(() => {
    const el = preRef.current;
    if (el && follow) el.scrollTop = el.scrollHeight;
  }, [state.tail.text, follow]);
  useEffect(() => setFollow(true), [path]);

  const onScroll = () => {
    const el = preRef.current;
    if (!el) return;
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    if (atEnd !== follow) setFollow(atEnd);
  };

  return (
    <div className="output-tail" data-testid="job-output" data-stream={stream} data-state={state.exists === false ? 'missing' : state.error ? 'error' : 'ok'}>
      {files ? null : filesError ? (
        <p className="inline-error" role="status" data-testid="job-output-error">
          {filesError} SimDeck keeps trying.
        </p>
      ) : (
        <p className="muted">Finding the output file…</p>
      )}
      {files && !files.stdoutPath ? <p className="muted">SimDeck does not know this job’s output file yet.</p> : null}
      {files && path ? (
        <>
          <div className="output-bar">
            {separate ? (
              <div className="segmented" role="group" aria-label="Output stream">
                {(['stdout', 'stderr'] as const).map((s) => (
                  <button
                    key={s}
                    type="button"
                    className="button button-small"
                    aria-pressed={stream === s}
                    onClick={() => setStream(s)}
                    data-testid={`job-output-${s}`}
                  >
                    {s}
                  </button>
                ))}
              </div>
            ) : null}
            <span className="mono muted truncate output-path" title={path}>
              {path}
            </span>
            {state.exists ? <span className="muted nowrap">{formatBytes(state.size)}</span> : null}
            <CopyButton text={path} label="Copy the output file path" what="path" />
          </div>
          {state.exists === false ? (
            <p className="muted" data-testid="job-output-missing">
              No output yet — the job has not written to <span className="mono">{path}</span>.
            </p>
          ) : state.exists === null && !state.error ? (
            <p className="muted">Reading the output on {clusterName}…</p>
          ) : null}
          {state.exists ? (
            <div className="output-frame">
              {state.tail.clipped ? <p className="output-clipped muted">Showing the end of the file ({formatBytes(state.size)} in all).</p> : null}
              <pre
                ref={preRef}
                className="code output-text"
                data-testid="job-output-text"
                tabIndex={0}
                aria-label={`${stream} of the job`}
                onScroll={onScroll}
              >
                {state.tail.text}
              </pre>
              {!follow ? (
                <button
                  type="button"
                  className="button button-small output-follow"
                  onClick={() => setFollow(true)}
                  data-testid="job-output-follow"
                >
                  ↓ Follow the end
                </button>
              ) : null}
            </div>
          ) : null}
          {state.error ? (
            <p className="inline-error" role="status" data-testid="job-output-error">
              {state.error} {terminal && state.exists ? '' : 'SimDeck keeps trying.'}
            </p>
          ) : null}
          <p className="muted output-note">
            {terminal ? 'The job has ended; this is its final output.' : 'Live: SimDeck reads what was appended every 2 seconds.'}
          </p>
        </>
      ) : null}
    </div>
  );
}

/** Polls files.tail for one file; the text is kept across the job's end (one more read) and dropped when the file changes. */
function useTail(targetId: string | null, path: string | null, terminal: boolean): TailState {
  const [state, setState] = useState<TailState>(INITIAL);
  const ref = useRef<{ key: string; tail: TailText }>({ key: '', tail: EMPTY_TAIL });

  useEffect(() => {
    if (!targetId || !path) return;
    const key = `${targetId}\n${path}`;
    if (ref.current.key !== key) {
      ref.current = { key, tail: EMPTY_TAIL };
      setState(INITIAL);
    }
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      let delay: number | null = terminal ? null : POLL_MS;
      try {
        const from = ref.current.tail.end;
        const chunk = await api().files.tail({ targetId, path, ...(from === null ? { maxBytes: FIRST_READ } : { from, maxBytes: NEXT_READ }) });
        if (!live) return;
        const tail = applyChunk(ref.current.tail, chunk);
        ref.current = { key, tail };
        setState({ tail, exists: chunk.exists, size: chunk.size, error: null });
        // More was appended than one read returns: catch up at once.
        if (chunk.exists && chunk.end < chunk.size) delay = 0;
      } catch (err) {
        if (!live) return;
        const message = toApiError(err).message;
        setState((s) => (s.error === message ? s : { ...s, error: message }));
        delay = RETRY_MS;
      }
      if (live && delay !== null) timer = setTimeout(() => void tick(), delay);
    };
    void tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [targetId, path, terminal]);

  return state;
}
