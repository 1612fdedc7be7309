// What recreating the environment will write and run, for the researcher to confirm: files, the exact command,
// where packages come from, manager versions and warnings. "Recreate" stays off until they say they trust the file.
import { useId, useRef } from 'react';
import type { RecreatePlan } from '../../../shared/reproduce.js';
import { CopyButton } from '../../components/CopyButton.js';
import { formatBytes } from '../../lib/reproduce.js';

export function PlanPanel({ plan, trusted, onTrust, onRecreate, busy, running }: {
  plan: RecreatePlan;
  trusted: boolean;
  onTrust: (v: boolean) => void;
  onRecreate: () => void;
  busy: boolean;
  /** A recreate run for this record is still going. */
  running: boolean;
}) {
  const id = useId();
  const cmdRef = useRef<HTMLPreElement>(null);
  const { managerVersion: mv } = plan;
  return (
    <div className="plan" data-testid="recreate-plan" aria-labelledby={`${id}-t`} role="group">
      <h4 className="subsection-title" id={`${id}-t`}>
        Check before recreating
      </h4>
      <p>
        SimDeck will write {plan.files.length === 1 ? 'this file' : `these ${plan.files.length} files`} into <code>{plan.dir}</code> and then run{' '}
        <strong>{plan.manager}</strong> there:
      </p>
      <div className="table-wrap">
        <table className="data-table" aria-label="Files that will be written" data-testid="plan-files">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col" className="col-num">
                Size
              </th>
            </tr>
          </thead>
          <tbody>
            {plan.files.map((f) => (
              <tr key={f.name}>
                <td className="mono">{f.name}</td>
                <td className="col-num nowrap">{formatBytes(f.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="code-block">
        <div className="code-block-head">
          <span className="code-block-title">Command (run in {plan.dir})</span>
          <CopyButton text={plan.command} label="Copy the command" what="command" target={cmdRef} />
        </div>
        <pre ref={cmdRef} className="code command-pre" data-testid="plan-command" tabIndex={0} aria-label="Command">
          {plan.command}
        </pre>
      </div>
      <dl className="details">
        <div className="details-row">
          <dt>Packages</dt>
          <dd>{plan.packageCount.toLocaleString()}</dd>
        </div>
        <div className="details-row">
          <dt>{plan.channels.length ? 'Channels' : 'Channels / indexes'}</dt>
          <dd className="mono pre">{plan.channels.length ? plan.channels.join('\n') : plan.indexes.length ? '—' : 'none listed'}</dd>
        </div>
        {plan.indexes.length ? (
          <div className="details-row">
            <dt>Package indexes</dt>
            <dd className="mono pre">{plan.indexes.join('\n')}</dd>
          </div>
        ) : null}
        <div className="details-row">
          <dt>{plan.manager} version</dt>
          <dd data-testid="plan-manager-version" data-differs={mv.differs ? 'true' : 'false'}>
            recorded <span className="mono">{mv.recorded ?? 'unknown'}</span>, installed <span className="mono">{mv.installed ?? 'unknown'}</span>
            {mv.differs ? <span className="badge badge-warning plan-differs">differs</span> : null}
          </dd>
        </div>
      </dl>
      {plan.unusualSources.length ? (
        <div className="callout callout-warning" data-testid="plan-unusual">
          <span className="callout-icon" aria-hidden="true">
            !
          </span>
          <div className="callout-body">
            <p>
              <strong>Sources outside conda-forge, PyPI and RosettaCommons.</strong> Packages from these run their own install scripts; make sure you
              know them:
            </p>
            <ul className="plain-list mono">
              {plan.unusualSources.map((u) => (
                <li key={u}>{u}</li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      {plan.warnings.length ? (
        <ul className="warning-list" aria-label="Warnings about this plan">
          {plan.warnings.map((w, i) => (
            <li key={i} className="callout callout-warning" data-testid="plan-warning">
              <span className="callout-icon" aria-hidden="true">
                !
              </span>
              <div className="callout-body">
                <p>{w}</p>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="trust">
        <label className="toggle trust-toggle">
          <input type="checkbox" checked={trusted} onChange={(e) => onTrust(e.target.checked)} data-testid="recreate-trust" aria-describedby={`${id}-why`} />
          <span>I trust this environment file</span>
        </label>
        <p className="field-hint" id={`${id}-why`}>
          Installing an environment downloads and runs the packages it lists. As the official PyRosettaCluster README cautions, only recreate
          environments — and later run protocols — from sources you trust.
        </p>
      </div>
      <div className="button-row">
        <button type="button" className="button button-primary" disabled={!trusted || busy || running} onClick={onRecreate} data-testid="recreate-run">
          {busy ? 'Starting…' : running ? 'Recreating…' : `Recreate with ${plan.manager}`}
        </button>
      </div>
    </div>
  );
}
