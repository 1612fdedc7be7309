// What a PyRosettaCluster record says, made readable: warnings first, then where the decoy came from (code version,
// PyRosetta build, environment), the protocol chain with its seeds, the environment itself, scores and options.
import { useRef } from 'react';
import type { RecordView as Record_ } from '../../../shared/reproduce.js';
import { CopyButton } from '../../components/CopyButton.js';
import { envKindLabel, formatDuration, pairProtocols, recordSeconds } from '../../lib/reproduce.js';
import { CodeBlock } from './CodeBlock.js';
import { KeyValueTable } from './KeyValueTable.js';
import { RecordWarnings } from './RecordWarnings.js';
import { Section } from './Section.js';

export function RecordDetails({ view }: { view: Record_ }) {
  return (
    <>
      <RecordWarnings warnings={view.warnings} />
      <div className="record-grid record-grid-main">
        <Provenance view={view} />
        <Protocols view={view} />
      </div>
      <Section title="Environment">
        <p className="muted">
          {view.environmentKind === 'empty'
            ? 'The simulation recorded no environment.'
            : view.managerRecorded
              ? `The record holds ${envKindLabel(view.environmentKind)} text, exported by ${view.manager} when the simulation ran.`
              : `The record holds ${envKindLabel(view.environmentKind)} text; it does not name the manager that exported it (treated as conda).`}
        </p>
        {view.environment ? (
          <CodeBlock title={`Environment (${envKindLabel(view.environmentKind)})`} text={view.environment} what="environment file" collapsible defaultOpen={false} tall testId="record-environment" />
        ) : null}
        {view.toml ? (
          <CodeBlock title={`Manifest (${view.toml.format})`} text={view.toml.text} what="manifest" collapsible defaultOpen={false} tall testId="record-toml" />
        ) : null}
      </Section>
      <div className="record-grid">
        <Section title="Scores">
          <KeyValueTable value={view.scores} label="Scores" keyHeader="Score" empty="The record has no scores." testId="record-scores" />
        </Section>
        <Section title="Task options">
          <KeyValueTable value={view.tasks} label="Task options" keyHeader="Key" empty="The record has no task options." testId="record-tasks" />
        </Section>
      </div>
      <Section title="System info">
        <KeyValueTable value={view.systemInfo} label="System info" keyHeader="Key" empty="The record has no system info." testId="record-system-info" />
      </Section>
    </>
  );
}

function Provenance({ view }: { view: Record_ }) {
  const shaRef = useRef<HTMLElement>(null);
  const seconds = recordSeconds(view);
  return (
    <Section title="Provenance">
      <dl className="details record-details">
        <div className="details-row">
          <dt>Git SHA1</dt>
          <dd className="with-action">
            {view.sha1 ? (
              <>
                <code ref={shaRef} className="sha1" data-testid="record-sha1">
                  {view.sha1}
                </code>
                <CopyButton text={view.sha1} label="Copy the SHA1" what="SHA1" target={shaRef} />
              </>
            ) : (
              <span className="muted" data-testid="record-sha1">
                none (the simulation ran with sha1=None)
              </span>
            )}
          </dd>
        </div>
        <div className="details-row">
          <dt>PyRosetta build</dt>
          <dd className="mono pre">{view.pyrosettaBuild || <span className="muted">not recorded</span>}</dd>
        </div>
        <div className="details-row">
          <dt>Environment manager</dt>
          <dd data-testid="record-manager">
            <strong>{view.manager}</strong>
            {view.managerVersion ? <span className="mono"> {view.managerVersion}</span> : null}
            {!view.managerRecorded ? <span className="muted"> · legacy record: treated as conda</span> : null}
            {view.managerRecorded && !view.managerVersion ? <span className="muted"> · version not recorded</span> : null}
          </dd>
        </div>
        <div className="details-row">
          <dt>Environment file</dt>
          <dd data-testid="record-env-kind">{envKindLabel(view.environmentKind)}</dd>
        </div>
        <div className="details-row">
          <dt>Project / simulation</dt>
          <dd>
            {view.projectName ?? <span className="muted">—</span>} <span className="muted">/</span> {view.simulationName ?? <span className="muted">—</span>}
          </dd>
        </div>
        <div className="details-row">
          <dt>Started</dt>
          <dd className="mono">{view.datetimeStart ?? '—'}</dd>
        </div>
        <div className="details-row">
          <dt>Finished</dt>
          <dd className="mono">{view.datetimeEnd ?? '—'}</dd>
        </div>
        <div className="details-row">
          <dt>Duration</dt>
          <dd>{formatDuration(seconds)}</dd>
        </div>
        <div className="details-row">
          <dt>Output file</dt>
          <dd className="mono pre">{view.outputFile ?? '—'}</dd>
        </div>
      </dl>
    </Section>
  );
}

function Protocols({ view }: { view: Record_ }) {
  const { rows, consistent } = pairProtocols(view.protocols, view.seeds, view.decoyIds);
  return (
    <Section title="Protocols, seeds and decoy ids">
      {rows.length === 0 ? (
        <p className="muted">The record lists no protocols.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-label="Protocols with their seeds and kept decoy ids" data-testid="record-protocols">
            <thead>
              <tr>
                <th scope="col" className="col-num">
                  #
                </th>
                <th scope="col">Protocol</th>
                <th scope="col" className="col-num">
                  Seed
                </th>
                <th scope="col" className="col-num">
                  Decoy id
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.index} data-testid="record-protocol-row">
                  <td className="col-num">{r.index + 1}</td>
                  <td className="mono">{r.protocol ?? <span className="muted">missing</span>}</td>
                  <td className="col-num mono">{r.seed ?? <span className="muted">missing</span>}</td>
                  <td className="col-num mono">{r.decoyId ?? <span className="muted">missing</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!consistent ? (
        <p className="callout-inline-warning" role="note">
          The record lists {view.protocols.length} protocols, {view.seeds.length} seeds and {view.decoyIds.length} decoy ids; they should pair up one to one.
          reproduce() will probably refuse this record.
        </p>
      ) : (
        <p className="field-hint">Each protocol ran with its seed; the decoy id is which of its results was kept and passed on.</p>
      )}
    </Section>
  );
}
