// A job's work folder on its cluster (files.list): folders to go into, breadcrumbs and "Up" to go back, size and
// modified time; per entry "Download" (files.download → Transfers) and "Copy to another cluster…" (CopyDialog).
import { useCallback, useEffect, useState } from 'react';
import { toApiError } from '../../../shared/client.js';
import type { DirListing, RemoteEntry } from '../../../shared/files.js';
import { api } from '../../api/index.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { formatBytes, parentPath, pathCrumbs } from '../../lib/files.js';
import { formatTime } from '../../lib/format.js';
import { HostKeyDeclined, withHostKeyTrust } from '../../store/hostKeyTrust.js';
import { toast, toastError } from '../../store/toasts.js';
import { useTransfers } from '../../store/transfers.js';
import { CopyDialog } from './CopyDialog.js';

const TYPE_MARK: Record<RemoteEntry['type'], string> = { dir: '▸', file: '', link: '↪', other: '?' };

export function FileBrowser({ targetId, startPath, clusterName }: { targetId: string; startPath: string; clusterName: string }) {
  const [path, setPath] = useState(startPath);
  // The listing with the path it was asked for ("~" comes back absolute).
  const [listing, setListing] = useState<{ asked: string; listing: DirListing } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [copying, setCopying] = useState<RemoteEntry | null>(null);

  useEffect(() => setPath(startPath), [startPath]);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    api()
      .files.list({ targetId, path })
      .then((l) => {
        if (!live) return;
        setListing({ asked: path, listing: l });
      })
      .catch((err: unknown) => live && setError(toApiError(err).message))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [targetId, path, attempt]);

  const download = useCallback(
    async (e: RemoteEntry) => {
      try {
        const t = await withHostKeyTrust(() => api().files.download({ targetId, path: e.path }));
        useTransfers.getState().onChanged(t);
        toast('info', `Downloading to ${t.to.path}…`, e.name);
      } catch (err) {
        if (!(err instanceof HostKeyDeclined)) toastError(err, `Could not download ${e.name}`);
      }
    },
    [targetId],
  );

  const shown = listing && listing.asked === path ? listing.listing : null;
  const here = shown?.path ?? path;
  const columns: Column<RemoteEntry>[] = [
    {
      key: 'name',
      header: 'Name',
      className: 'col-name',
      render: (e) =>
        e.type === 'dir' ? (
          <button type="button" className="link-button file-dir" onClick={() => setPath(e.path)} aria-label={`Open folder ${e.name}`}>
            {TYPE_MARK.dir} {e.name}/
          </button>
        ) : (
          <span className="file-name" title={e.path}>
            {TYPE_MARK[e.type] ? <span aria-hidden="true">{TYPE_MARK[e.type]} </span> : null}
            {e.name}
          </span>
        ),
    },
    { key: 'size', header: 'Size', className: 'col-num nowrap', render: (e) => (e.type === 'dir' ? <span className="muted">—</span> : formatBytes(e.size)) },
    { key: 'mtime', header: 'Modified', className: 'col-time nowrap', render: (e) => formatTime(e.mtime) },
    {
      key: 'actions',
      header: 'Actions',
      hiddenHeader: true,
      className: 'col-actions',
      render: (e) => (
        <span className="row-actions">
          <button type="button" className="button button-small" onClick={() => void download(e)} aria-label={`Download ${e.name}`} data-testid="file-download">
            Download
          </button>
          <button type="button" className="button button-small" onClick={() => setCopying(e)} aria-label={`Copy ${e.name} to another cluster`} data-testid="file-copy">
            Copy to…
          </button>
        </span>
      ),
    },
  ];

  const crumbs = pathCrumbs(here);
  return (
    <div className="file-browser" data-testid="job-files" data-path={here}>
      <div className="file-nav">
        <button
          type="button"
          className="button button-small"
          onClick={() => setPath(parentPath(here))}
          disabled={here === '/' || !here.startsWith('/')}
          aria-label="Up one folder"
          data-testid="files-up"
        >
          ..
        </button>
        <nav aria-label="Folder" className="crumbs mono">
          {crumbs.map((c, i) => (
            <span key={c.path}>
              {i > 1 ? <span className="muted">/</span> : null}
              {i === crumbs.length - 1 ? (
                <span aria-current="location">{c.name}</span>
              ) : (
                <button type="button" className="link-button mono" onClick={() => setPath(c.path)} data-testid="files-crumb">
                  {c.name}
                </button>
              )}
            </span>
          ))}
        </nav>
        <button type="button" className="button button-small button-ghost" onClick={() => setAttempt((a) => a + 1)} disabled={loading} aria-label="Reload the folder">
          {loading ? 'Loading…' : 'Reload'}
        </button>
      </div>
      {error ? (
        <p className="inline-error" role="status" data-testid="files-error">
          {error}
        </p>
      ) : null}
      {shown ? (
        shown.entries.length ? (
          <DataTable
            label={`Files in ${here} on ${clusterName}`}
            columns={columns}
            rows={shown.entries}
            rowKey={(e) => e.path}
            rowTestId="file-row"
            rowAttrs={(e) => ({ 'data-name': e.name, 'data-type': e.type })}
          />
        ) : (
          <p className="muted">This folder is empty.</p>
        )
      ) : !error ? (
        <p className="muted">Listing {path} on {clusterName}…</p>
      ) : null}
      {shown?.truncated ? <p className="muted">The folder holds more entries than SimDeck lists at once; only the first are shown.</p> : null}
      {copying ? <CopyDialog fromTargetId={targetId} entry={copying} onClose={() => setCopying(null)} /> : null}
    </div>
  );
}
