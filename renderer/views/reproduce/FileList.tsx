// The files inspected in this session: name, format, compression layers, decoys and what became of them.
import { DataTable, type Column } from '../../components/DataTable.js';
import { useReproduce, type ReproFile } from '../../store/reproduce.js';

export function FileList() {
  const files = useReproduce((s) => s.files);
  const selected = useReproduce((s) => s.selected);
  const { select, remove, retry } = useReproduce.getState();

  const columns: Column<ReproFile>[] = [
    {
      key: 'name',
      header: 'File',
      className: 'col-file',
      render: (f) => (
        <button
          type="button"
          className="link-button mono"
          onClick={() => select(f.key)}
          aria-current={f.key === selected ? 'true' : undefined}
          title={f.localPath ?? f.name}
          data-testid="reproduce-file-select"
        >
          {f.name}
        </button>
      ),
    },
    { key: 'format', header: 'Format', className: 'nowrap', render: (f) => f.result?.format ?? <span className="muted">—</span> },
    {
      key: 'layers',
      header: 'Layers',
      className: 'nowrap',
      render: (f) => (f.result ? f.result.layers.length ? f.result.layers.join(' › ') : <span className="muted">none</span> : <span className="muted">—</span>),
    },
    { key: 'decoys', header: 'Decoys', className: 'col-num', render: (f) => (f.result ? f.result.decoys.length.toLocaleString() : <span className="muted">—</span>) },
    { key: 'status', header: 'Status', className: 'col-status', render: (f) => <FileStatus file={f} /> },
    {
      key: 'actions',
      header: 'Actions',
      hiddenHeader: true,
      className: 'col-actions',
      render: (f) => (
        <span className="row-actions">
          {f.status === 'error' ? (
            <button type="button" className="button button-small" onClick={() => void retry(f.key)} aria-label={`Try ${f.name} again`}>
              Try again
            </button>
          ) : null}
          <button type="button" className="button button-small button-danger-quiet" onClick={() => remove(f.key)} aria-label={`Remove ${f.name} from the list`} data-testid="reproduce-file-remove">
            Remove
          </button>
        </span>
      ),
    },
  ];

  return (
    <DataTable
      label="Inspected files"
      testId="reproduce-files"
      columns={columns}
      rows={files}
      rowKey={(f) => f.key}
      rowTestId="reproduce-file-row"
      rowClassName={(f) => (f.key === selected ? 'row-selected' : undefined)}
      rowAttrs={(f) => ({ 'data-status': f.status, 'data-file-name': f.name, 'data-selected': f.key === selected ? 'true' : 'false' })}
    />
  );
}

function FileStatus({ file: f }: { file: ReproFile }) {
  switch (f.status) {
    case 'uploading':
      return (
        <span className="file-status">
          <span className="spinner" aria-hidden="true" /> uploading{f.progress !== null ? ` ${Math.round(f.progress * 100)} %` : '…'}
          {f.progress !== null ? <progress className="upload-progress" max={1} value={f.progress} aria-label={`Upload of ${f.name}`} /> : null}
        </span>
      );
    case 'inspecting':
      return (
        <span className="file-status">
          <span className="spinner" aria-hidden="true" /> reading…
        </span>
      );
    case 'error':
      return (
        <span className="file-error" role="alert" data-testid="reproduce-file-error">
          {f.error}
        </span>
      );
    case 'ready': {
      const r = f.result;
      if (!r) return null;
      if (r.needsHelper) return <span className="badge badge-warning">needs PyRosetta</span>;
      if (r.view) {
        const n = r.view.warnings.length;
        return (
          <span className="file-status">
            <span className="badge badge-success">record read</span>
            {n ? <span className="muted"> {n} {n === 1 ? 'warning' : 'warnings'}</span> : null}
          </span>
        );
      }
      if (r.decoys.length > 1) return <span className="badge badge-info">choose a decoy</span>;
      if (r.init) return <span className="badge badge-neutral">init file, no record</span>;
      return <span className="badge badge-neutral">no record</span>;
    }
  }
}
