// One job (fah.job): SimDeck's row, the work server's record, the files of its folder and its results (gen 0),
// each result with Download (to ~/Downloads/SimDeck/fah; `fah.download` events move its progress bar).
import { useCallback, useEffect, useRef, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Result } from '../../../shared/contract.js';
import { api } from '../../api/index.js';
import { StateBadge } from '../../components/StateBadge.js';
import { fahTone, jobStateOf } from '../../lib/fah.js';
import { formatBytes } from '../../lib/files.js';
import { formatTime } from '../../lib/format.js';
import { DownloadButton } from './DownloadButton.js';

interface Props {
  targetId: string;
  project: number;
  run: number;
  clone: number;
  onClose: () => void;
}

type JobDetail = Result<'fah.job'>;

export function JobDrawer({ targetId, project, run, clone, onClose }: Props) {
  const ref = useRef<HTMLElement>(null);
  const [detail, setDetail] = useState<JobDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setDetail(await api().fah.job({ targetId, project, run, clone }));
      setError(null);
    } catch (err) {
      setError(toApiError(err).message);
    }
  }, [targetId, project, run, clone]);

  useEffect(() => {
    ref.current?.focus();
    void load();
  }, [load]);

  const job = detail?.job ?? null;
  return (
    <aside
      ref={ref}
      className="drawer"
      aria-label={`RUN ${run} CLONE ${clone}`}
      data-testid="fah-job-drawer"
      data-run={run}
      data-clone={clone}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <header className="drawer-head">
        <div className="drawer-title">
          <h2>
            P{project} · RUN {run} · CLONE {clone}
          </h2>
          <p className="muted">{job ? `gen ${job.gen} · updated ${formatTime(job.updatedAt)}` : 'not created by SimDeck'}</p>
        </div>
        <button type="button" className="button button-small" onClick={() => void load()}>
          Reload
        </button>
        <button type="button" className="icon-button" aria-label="Close job details" onClick={onClose} data-testid="fah-job-close">
          ×
        </button>
      </header>
      <div className="drawer-body">
        {error ? (
          <p className="form-error" role="alert" data-testid="fah-job-error">
            {error}
          </p>
        ) : null}
        {job ? (
          <div className="drawer-state">
            <StateBadge state={jobStateOf(job)} tone={fahTone(jobStateOf(job))} /> <span className="muted">phase {job.phase}</span>
            {job.message ? <p className={job.phase === 'failed' ? 'form-error' : 'muted'}>{job.message}</p> : null}
          </div>
        ) : null}
        {detail === null && !error ? <p className="muted">Loading…</p> : null}
        {detail ? (
          <>
            <ResultsSection targetId={targetId} project={project} run={run} clone={clone} results={detail.results} />
            <FilesSection files={detail.files} />
            <WsRecord ws={detail.ws} />
          </>
        ) : null}
      </div>
    </aside>
  );
}

function ResultsSection({ targetId, project, run, clone, results }: { targetId: string; project: number; run: number; clone: number; results: JobDetail['results'] }) {
  return (
    <section className="drawer-section" aria-label="Results" data-testid="fah-job-results">
      <h3 className="panel-title">Results (gen 0)</h3>
      {results.length === 0 ? <p className="muted">No results yet: they appear once a volunteer returns the work unit and the work server has processed it.</p> : null}
      <ul className="fah-file-list">
        {results.map((f) => (
          <li key={f.path} data-testid="fah-result-row" data-path={f.path}>
            <span className="mono grow">{f.path}</span>
            <span className="muted">{formatBytes(f.size)}</span>
            <DownloadButton targetId={targetId} project={project} run={run} clone={clone} file={f.path} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function FilesSection({ files }: { files: JobDetail['files'] }) {
  return (
    <section className="drawer-section" aria-label="Files" data-testid="fah-job-files">
      <h3 className="panel-title">Files of the job folder</h3>
      {files.length === 0 ? <p className="muted">The work server lists no files.</p> : null}
      <ul className="fah-file-list">
        {files.map((f) => (
          <li key={f.path} data-testid="fah-job-file" data-path={f.path}>
            <span className="mono grow">{f.path}</span>
            <span className="muted">{formatBytes(f.size)}</span>
            <span className="muted">{f.modified}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The work server's JobData as it sent it: every key, since which ones a real WS sends is not documented. */
function WsRecord({ ws }: { ws: Record<string, unknown> | null }) {
  return (
    <section className="drawer-section" aria-label="Work server record" data-testid="fah-job-ws">
      <h3 className="panel-title">Work server record</h3>
      {ws === null ? (
        <p className="muted">The work server does not know this job (yet).</p>
      ) : (
        <dl className="details">
          {Object.entries(ws).map(([k, v]) => (
            <div key={k} className="details-row">
              <dt>{k}</dt>
              <dd className="mono">{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

