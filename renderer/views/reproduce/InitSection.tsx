// A PyRosetta .init file: who made it, with which build, the Rosetta options and the files embedded in them.
import type { InspectResult } from '../../store/reproduce.js';
import { formatBytes } from '../../lib/reproduce.js';
import { KeyValueTable } from './KeyValueTable.js';
import { Section } from './Section.js';

type Init = NonNullable<InspectResult['init']>;

export function InitSection({ init }: { init: Init }) {
  return (
    <Section title="Init file" testId="record-init">
      <dl className="details record-details">
        <div className="details-row">
          <dt>Author</dt>
          <dd>{init.author || <span className="muted">—</span>}</dd>
        </div>
        <div className="details-row">
          <dt>Email</dt>
          <dd>{init.email || <span className="muted">—</span>}</dd>
        </div>
        <div className="details-row">
          <dt>License</dt>
          <dd>{init.license || <span className="muted">—</span>}</dd>
        </div>
        <div className="details-row">
          <dt>PyRosetta build</dt>
          <dd className="mono pre">{init.pyrosettaBuild || <span className="muted">—</span>}</dd>
        </div>
        <div className="details-row">
          <dt>Written</dt>
          <dd className="mono">{init.datetime || '—'} <span className="muted">(UTC)</span></dd>
        </div>
        <div className="details-row">
          <dt>Poses</dt>
          <dd>{init.numPoses}</dd>
        </div>
      </dl>
      <h4 className="subsection-title">Options</h4>
      <KeyValueTable value={init.options} label="Rosetta options of the init file" keyHeader="Option" valueHeader="Values" empty="No options." testId="init-options" />
      <h4 className="subsection-title">Embedded files</h4>
      {init.files.length === 0 ? (
        <p className="muted">No files are embedded in the options.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-label="Files embedded in the init file" data-testid="init-files">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Option</th>
                <th scope="col" className="col-num">
                  Size
                </th>
                <th scope="col">Kind</th>
              </tr>
            </thead>
            <tbody>
              {init.files.map((f, i) => (
                <tr key={`${f.option}-${f.name}-${i}`}>
                  <td className="mono">{f.name}</td>
                  <td className="mono">{f.option}</td>
                  <td className="col-num nowrap">{formatBytes(f.bytes)}</td>
                  <td>{f.kind}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {Object.keys(init.metadata).length ? (
        <>
          <h4 className="subsection-title">Metadata</h4>
          <KeyValueTable value={init.metadata} label="Init file metadata" keyHeader="Key" empty="" />
        </>
      ) : null}
    </Section>
  );
}
