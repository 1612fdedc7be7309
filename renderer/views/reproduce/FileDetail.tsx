// Everything about the selected file: its record (or why there is none), then recreate and reproduce.
import { useReproduce, type ReproFile } from '../../store/reproduce.js';
import { DecoyPicker } from './DecoyPicker.js';
import { HelperPanel } from './HelperPanel.js';
import { InitSection } from './InitSection.js';
import { RecordDetails } from './RecordView.js';
import { FileNotes } from './RecordWarnings.js';
import { RecreateSection } from './RecreateSection.js';
import { ReproduceSection } from './ReproduceSection.js';

export function FileDetail({ file }: { file: ReproFile }) {
  const chooseDecoy = useReproduce((s) => s.chooseDecoy);
  const r = file.result;
  if (file.status === 'error') {
    return (
      <section className="panel" aria-label={`Problem with ${file.name}`}>
        <h2 className="panel-title plain">{file.name}</h2>
        <p className="form-error" role="alert">
          {file.error}
        </p>
      </section>
    );
  }
  if (!r) {
    return (
      <section className="panel" aria-busy="true" aria-label={file.name}>
        <p className="muted">
          <span className="spinner" aria-hidden="true" /> {file.status === 'uploading' ? `Uploading ${file.name}…` : `Reading ${file.name}…`}
        </p>
      </section>
    );
  }
  const view = r.view;
  return (
    <>
      <section className="panel record" data-testid="record-view" aria-label={`Record of ${file.name}`}>
        <div className="record-head">
          <div className="record-title">
            <span className="eyebrow">{view ? 'Decoy' : 'File'}</span>
            <h2 className="mono record-name" data-testid="record-decoy-name">
              {view ? view.decoyName : file.name}
            </h2>
            <span className="muted">
              {file.name} · {r.format}
              {r.layers.length ? ` · ${r.layers.join(' › ')}` : ''}
              {file.localPath ? <span className="mono"> · {file.localPath}</span> : null}
            </span>
          </div>
          {view ? (
            <div className="record-badges">
              <span className="badge badge-info">{view.manager}</span>
              <span className="badge badge-neutral">{view.protocols.length} {view.protocols.length === 1 ? 'protocol' : 'protocols'}</span>
            </div>
          ) : null}
        </div>
        {r.decoys.length > 1 ? (
          <DecoyPicker
            decoys={r.decoys}
            current={view?.decoyName ?? null}
            loading={file.loadingDecoy}
            error={file.decoyError}
            onChoose={(name) => void chooseDecoy(file.key, name)}
          />
        ) : null}
        <FileNotes notes={r.notes} />
        {r.needsHelper ? <HelperPanel reason={r.needsHelper.reason} file={file.localPath ?? r.file} localPath={file.localPath} source={file.source} /> : null}
        {view ? <RecordDetails view={view} /> : null}
        {!view && !r.needsHelper && r.decoys.length > 1 ? <p className="muted">Choose a decoy above to see its record.</p> : null}
        {!view && !r.needsHelper && r.decoys.length <= 1 && !r.init ? (
          <p className="muted">SimDeck found no PyRosettaCluster record in this file.</p>
        ) : null}
        {r.init ? <InitSection init={r.init} /> : null}
      </section>
      {view ? <RecreateSection key={`rc-${file.key}-${view.decoyName}`} file={file} view={view} /> : null}
      {view ? <ReproduceSection key={`rp-${file.key}-${view.decoyName}`} file={file} view={view} /> : null}
    </>
  );
}
