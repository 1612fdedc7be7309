// A job's side drawer (slurm.job): script, resources, state timeline, output, the commands SimDeck ran, actions.
import { useEffect, useRef, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { Result } from '../../../shared/contract.js';
import { isTerminal, type Job } from '../../../shared/domain.js';
import type { JobAction } from '../../../shared/slurm.js';
import { api } from '../../api/index.js';
import { CopyButton } from '../../components/CopyButton.js';
import { StateBadge } from '../../components/StateBadge.js';
import { formatTimeSeconds } from '../../lib/format.js';
import { displayRemoteId, folderOf } from '../../lib/jobsTable.js';
import { FileBrowser } from './FileBrowser.js';
import { ActionButtons } from './JobActions.js';
import { JobStateCell } from './JobState.js';
import { OutputTail } from './OutputTail.js';
import { ResubmitDialog } from './ResubmitDialog.js';
import { useJobFiles } from './useJobFiles.js';

type Detail = Result<'slurm.job'>;

const RESOURCE_KEYS: [string, string][] = [
  ['partition', 'Partition'],
  ['account', 'Account'],
  ['qos', 'QOS'],
  ['cpus', 'CPUs'],
  ['mem', 'Memory'],
  ['gpus', 'GPUs'],
  ['time', 'Time limit'],
  ['nodes', 'Nodes'],
  ['nodeList', 'Node list'],
  ['workDir', 'Work directory'],
  ['scriptPath', 'Script path'],
  ['stdoutPath', 'Output file'],
  ['stderrPath', 'Error file'],
];

const show = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function JobDrawer({ job, clusterName, onClose, onAction }: { job: Job; clusterName: string; onClose: () => void; onAction: (a: JobAction, ids: string[]) => void }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLElement>(null);
  const scriptRef = useRef<HTMLPreElement>(null);
  const [editing, setEditing] = useState(false);
  const onCluster = job.kind === 'slurm' && !!job.targetId;
  const jobFiles = useJobFiles(job.id, onCluster);

  useEffect(() => {
    let live = true;
    setError(null);
    api()
      .slurm.job({ jobId: job.id })
      .then((d) => live && setDetail(d))
      .catch((err: unknown) => live && setError(toApiError(err).message));
    return () => {
      live = false;
    };
  }, [job.id, job.updatedAt]);

  useEffect(() => {
    ref.current?.focus();
  }, [job.id]);

  const j = detail?.job ?? job;
  const d = j.details;
  const known = new Set(RESOURCE_KEYS.map(([k]) => k));
  const resources = [
    ...RESOURCE_KEYS.filter(([k]) => show(d[k])).map(([k, label]) => [label, show(d[k])] as const),
    ...Object.keys(d)
      .filter((k) => !known.has(k) && !['arrayJobId', 'arrayTaskId', 'folder'].includes(k) && show(d[k]))
      .sort()
      .map((k) => [k, show(d[k])] as const),
  ];
  const stdout = show(d.stdoutPath);

  return (
    <aside
      ref={ref}
      className="drawer"
      aria-label={`Job ${j.name}`}
      data-testid="job-drawer"
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
          <h2 className="truncate" title={j.name}>
            {j.name}
          </h2>
          <p className="muted">
            {clusterName} · <span className="mono">{displayRemoteId(j) || 'no remote id yet'}</span>
            {folderOf(j) ? <> · {folderOf(j)}</> : null} · try {j.attempts}
          </p>
        </div>
        <button type="button" className="icon-button" aria-label="Close job details" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="drawer-body">
        <div className="drawer-state">
          <JobStateCell job={j} />
        </div>
        <div className="row-actions">
          <ActionButtons count={1} small onAction={(a) => onAction(a, [j.id])} />
          {onCluster ? (
            <button
              type="button"
              className="button button-small"
              disabled={!detail?.script}
              title={detail && !detail.script ? 'SimDeck has no script for this job' : undefined}
              onClick={() => setEditing(true)}
              data-testid="resubmit-edit-open"
            >
              Resubmit with edits…
            </button>
          ) : null}
        </div>
        {error ? <p className="form-error">{error}</p> : null}

        <section className="drawer-section">
          <h3 className="panel-title">Resources</h3>
          {resources.length ? (
            <dl className="details">
              {resources.map(([k, v]) => (
                <div key={k} className="details-row">
                  <dt>{k}</dt>
                  <dd className="mono">{v}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <p className="muted">No resources recorded.</p>
          )}
        </section>

        <section className="drawer-section">
          <div className="section-head">
            <h3 className="panel-title">Script</h3>
            {detail?.script ? <CopyButton text={detail.script} label="Copy the script" what="script" target={scriptRef} /> : null}
          </div>
          {detail ? (
            detail.script ? (
              <pre ref={scriptRef} className="code code-tall" data-testid="job-script">
                {detail.script}
              </pre>
            ) : (
              <p className="muted">SimDeck has no script for this job (it was adopted, or not submitted yet).</p>
            )
          ) : (
            <p className="muted">{error ? '—' : 'Loading…'}</p>
          )}
        </section>

        <section className="drawer-section">
          <h3 className="panel-title">Timeline</h3>
          {detail?.transitions.length ? (
            <ol className="timeline">
              {detail.transitions.map((t, i) => (
                <li key={i}>
                  <time dateTime={t.at}>{formatTimeSeconds(t.at)}</time>
                  <span>
                    {t.from ? <StateBadge state={t.from} /> : null}
                    {t.from ? ' → ' : ''}
                    <StateBadge state={t.to} />
                  </span>
                  {t.reason ? <span className="muted">{t.reason}</span> : null}
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">{detail ? 'No state changes recorded yet.' : '…'}</p>
          )}
        </section>

        <section className="drawer-section" aria-label="Output">
          <h3 className="panel-title">Output</h3>
          {onCluster ? (
            <OutputTail files={jobFiles.files} filesError={jobFiles.error} terminal={isTerminal(j.state)} clusterName={clusterName} />
          ) : stdout ? (
            <p>
              Output goes to <span className="mono">{stdout}</span> on {clusterName}.
            </p>
          ) : (
            <p className="muted">SimDeck does not know this job’s output file yet.</p>
          )}
        </section>

        {onCluster ? (
          <section className="drawer-section" aria-label="Files">
            <h3 className="panel-title">Files</h3>
            {jobFiles.files?.workDir ? (
              <FileBrowser targetId={jobFiles.files.targetId} startPath={jobFiles.files.workDir} clusterName={clusterName} />
            ) : jobFiles.files ? (
              <p className="muted">SimDeck does not know this job’s work folder.</p>
            ) : (
              <p className="muted">{jobFiles.error ? 'The work folder shows once SimDeck reaches the cluster.' : 'Finding the work folder…'}</p>
            )}
          </section>
        ) : null}

        <section className="drawer-section">
          <h3 className="panel-title">Commands</h3>
          {detail?.activity.length ? (
            <ul className="result-list">
              {detail.activity.map((a) => (
                <li key={a.id} className="result-item">
                  <div className="result-head">
                    <StateBadge state={a.outcome} />
                    <span>{a.action}</span>
                    <time className="muted" dateTime={a.at}>
                      {formatTimeSeconds(a.at)}
                    </time>
                  </div>
                  <div className="command-line">
                    <code className="mono">{a.command}</code>
                    <CopyButton text={a.command} label={`Copy the ${a.action} command`} what="command" />
                  </div>
                  {a.detail ? <p className="muted pre">{a.detail}</p> : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{detail ? 'No commands recorded for this job.' : '…'}</p>
          )}
        </section>
      </div>
      {editing && detail?.script ? <ResubmitDialog job={j} script={detail.script} onClose={() => setEditing(false)} /> : null}
    </aside>
  );
}
