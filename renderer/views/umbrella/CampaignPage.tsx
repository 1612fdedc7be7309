// A campaign: header with the watch state, the replica × window grid with its legend and selection actions
// (Delete / Restart with the kubectl commands SimDeck ran, Extend), a window drawer, the results download, the files in the bucket, and the charts.
import { Suspense, lazy, useCallback, useMemo, useState } from 'react';
import type { Target } from '../../../shared/domain.js';
import { api } from '../../api/index.js';
import { PageHeader } from '../../components/PageHeader.js';
import { StateBadge } from '../../components/StateBadge.js';
import { formatTime } from '../../lib/format.js';
import { NO_GRID_SELECTION, formatCentre, selectedRefs } from '../../lib/umbrella.js';
import { useUmbrella } from '../../store/umbrella.js';
import { BucketFiles } from './BucketFiles.js';
import { ResultsDownloadBar } from './ResultsDownload.js';
import { ActDialog, ExtendDialog } from './WindowActions.js';
import { PhaseLegend, WindowGrid } from './WindowGrid.js';
import { WindowDrawer } from './WindowDrawer.js';

const CampaignCharts = lazy(() => import('./CampaignCharts.js'));

export function CampaignPage({ targets }: { targets: readonly Target[] }) {
  const openId = useUmbrella((s) => s.openId)!;
  const current = useUmbrella((s) => s.current);
  const detailError = useUmbrella((s) => s.detailError);
  const detailLoading = useUmbrella((s) => s.detailLoading);
  const selectedCount = useUmbrella((s) => s.selection.selected.size);
  const open = useUmbrella((s) => s.open);
  const loadDetail = useUmbrella((s) => s.loadDetail);
  const setSelection = useUmbrella((s) => s.setSelection);
  const [drawer, setDrawer] = useState<{ replica: number; window: number } | null>(null);
  const [dialog, setDialog] = useState<'delete' | 'restart' | 'extend' | null>(null);
  const [refs, setRefs] = useState<{ replica: number; window: number }[]>([]);

  const spec = current?.spec;
  const windowsKey = spec ? [...spec.windows].sort((a, b) => a.index - b.index).map((w) => `${w.index}:${w.centre}`).join(',') : '';
  const windows = useMemo(
    () =>
      windowsKey
        ? windowsKey.split(',').map((p) => {
            const [i, c] = p.split(':');
            return { index: Number(i), centre: Number(c) };
          })
        : [],
    [windowsKey],
  );
  const replicaCount = spec?.replicas ?? 0;
  const replicas = useMemo(() => Array.from({ length: replicaCount }, (_, i) => i + 1), [replicaCount]);
  const onOpen = useCallback((replica: number, window: number) => setDrawer({ replica, window }), []);

  const target = targets.find((t) => t.id === current?.targetId);
  const total = replicas.length * windows.length;
  const watching = current?.watch.state === 'watching';

  const startAction = (a: 'delete' | 'restart') => {
    setRefs(selectedRefs(useUmbrella.getState().selection.selected));
    setDialog(a);
  };

  return (
    <div className={`view view-wide${drawer ? ' view-with-drawer' : ''}`} data-testid="campaign-page" data-campaign-id={openId}>
      <PageHeader
        title={current?.name ?? 'Campaign'}
        actions={
          <>
            <button type="button" className="button" onClick={() => open(null)} data-testid="campaign-back">
              ← All campaigns
            </button>
            <button type="button" className="button" onClick={() => void loadDetail()} disabled={detailLoading}>
              {detailLoading ? 'Loading…' : 'Refresh'}
            </button>
          </>
        }
      >
        {current ? (
          <>
            {target?.name ?? current.targetId} · {replicas.length} replicas × {windows.length} windows = {total} Jobs · created {formatTime(current.createdAt)} · results in{' '}
            <span className="mono">{current.resultsDir}</span>
          </>
        ) : null}
      </PageHeader>

      {detailError ? (
        <p className="form-error" role="alert" data-testid="campaign-error">
          {detailError}
        </p>
      ) : null}

      {current ? (
        <>
          <div className="campaign-status">
            <StateBadge state={watching ? 'ok' : 'unknown'} label={watching ? 'watching' : current.watch.state} />
            {current.watch.detail ? <span className="muted">{current.watch.detail}</span> : null}
            <span className="toolbar-spacer" />
            <span className="muted">
              Q₀ {windows.length ? `${formatCentre(windows[0]!.centre)} → ${formatCentre(windows[windows.length - 1]!.centre)}` : '—'} · image{' '}
              <span className="mono">{current.spec.image}</span>
            </span>
          </div>
          <ResultsDownloadBar campaignId={current.id} replicas={replicas.length} />
          <BucketFiles key={current.id} campaignId={current.id} replicas={replicas.length} />
          <PhaseLegend counts={current.summary} />
          <div className="selection-bar" aria-live="polite">
            <span className="muted" data-testid="window-selection-count">
              {selectedCount ? `${selectedCount} of ${total} windows selected` : 'Click a window for details; Shift-click for a range, Ctrl/⌘-click to add, click R1… or a column to select it.'}
            </span>
            <span className="toolbar-spacer" />
            <button type="button" className="button button-small" disabled={!selectedCount} onClick={() => startAction('restart')} data-testid="window-act-restart">
              Restart{selectedCount ? ` ${selectedCount}` : ''}
            </button>
            <button type="button" className="button button-small button-danger-quiet" disabled={!selectedCount} onClick={() => startAction('delete')} data-testid="window-act-delete">
              Delete{selectedCount ? ` ${selectedCount}` : ''}
            </button>
            {selectedCount ? (
              <button type="button" className="button button-small button-ghost" onClick={() => setSelection(NO_GRID_SELECTION)}>
                Clear selection
              </button>
            ) : null}
            <button type="button" className="button button-small" onClick={() => setDialog('extend')} data-testid="campaign-extend">
              Extend…
            </button>
          </div>
          <WindowGrid replicas={replicas} windows={windows} onOpen={onOpen} />
          <Suspense fallback={<p className="muted">Loading charts…</p>}>
            <CampaignCharts campaignId={current.id} replicas={replicas.length} windowsKey={windowsKey} />
          </Suspense>
        </>
      ) : detailLoading ? (
        <p className="muted">Loading the campaign…</p>
      ) : null}

      {drawer && current ? (
        <WindowDrawer
          campaignId={current.id}
          replica={drawer.replica}
          window={drawer.window}
          centre={windows.find((w) => w.index === drawer.window)?.centre ?? null}
          onClose={() => setDrawer(null)}
        />
      ) : null}
      {(dialog === 'delete' || dialog === 'restart') && current ? (
        <ActDialog
          action={dialog}
          campaignName={current.name}
          refs={refs}
          onClose={() => setDialog(null)}
          run={(action, windows) => api().umbrella.act({ campaignId: current.id, action, windows })}
        />
      ) : null}
      {dialog === 'extend' && current ? <ExtendDialog campaign={current} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
