// The replica × window grid: one cheap div per window, coloured by phase, with its percent inside. Each cell
// subscribes to its own `${replica}:${window}` entry of the umbrella store, so an `umbrella.changed` event repaints
// only the cells it names; rows are memoised and clicks are handled once, on the grid.
import { memo, useCallback, type MouseEvent } from 'react';
import type { WindowStatus } from '../../../shared/kube.js';
import { PHASES, PHASE_LABELS, cellKey, clickCell, formatCentre, formatEta, formatPercent, pad2, selectLine } from '../../lib/umbrella.js';
import { useUmbrella } from '../../store/umbrella.js';

interface GridProps {
  replicas: readonly number[];
  windows: readonly { index: number; centre: number }[];
  onOpen: (replica: number, window: number) => void;
}

function tooltip(replica: number, window: number, centre: number, w: WindowStatus | undefined): string {
  const head = `replica ${replica} · window ${pad2(window)} (centre ${formatCentre(centre)})`;
  if (!w) return `${head}\nno status yet`;
  const lines = [
    head,
    `${PHASE_LABELS[w.phase]}${w.percent !== null ? ` · ${w.percent.toFixed(1)} %` : ''}`,
    `pod: ${w.pod ?? '—'}`,
    `node: ${w.node ?? '—'}`,
    `restarts: ${w.restarts}`,
    `speed: ${w.nsPerDay !== null ? `${w.nsPerDay} ns/day` : '—'}`,
    `ETA: ${formatEta(w.etaSeconds)}`,
  ];
  if (w.message) lines.push(w.message);
  return lines.join('\n');
}

const Cell = memo(function Cell({ replica, window, centre }: { replica: number; window: number; centre: number }) {
  const key = cellKey(replica, window);
  const w = useUmbrella((s) => s.cells[key]);
  const selected = useUmbrella((s) => s.selection.selected.has(key));
  const phase = w?.phase ?? 'planned';
  const pct = formatPercent(w?.percent);
  return (
    <div
      role="gridcell"
      className={`wcell phase-${phase}${selected ? ' wcell-selected' : ''}${w?.message ? ' wcell-note' : ''}`}
      data-testid="window-cell"
      data-replica={replica}
      data-window={window}
      data-phase={phase}
      data-percent={w?.percent ?? ''}
      aria-selected={selected}
      aria-label={`Replica ${replica} window ${pad2(window)}: ${PHASE_LABELS[phase]}${pct ? ` ${pct}%` : ''}`}
      title={tooltip(replica, window, centre, w)}
    >
      {pct}
    </div>
  );
});

const Row = memo(function Row({ replica, windows }: { replica: number; windows: GridProps['windows'] }) {
  return (
    <div role="row" className="wrow">
      <button type="button" role="rowheader" className="wrow-head" data-row={replica} title={`Select replica ${replica} (Ctrl/⌘ to add)`}>
        R{replica}
      </button>
      {windows.map((w) => (
        <Cell key={w.index} replica={replica} window={w.index} centre={w.centre} />
      ))}
    </div>
  );
});

export const WindowGrid = memo(function WindowGrid({ replicas, windows, onOpen }: GridProps) {
  const setSelection = useUmbrella((s) => s.setSelection);

  const onClick = useCallback(
    (e: MouseEvent<HTMLDivElement>) => {
      const el = e.target as HTMLElement;
      const add = e.ctrlKey || e.metaKey || e.shiftKey;
      const cell = el.closest<HTMLElement>('[data-testid="window-cell"]');
      if (cell) {
        const r = Number(cell.dataset.replica);
        const w = Number(cell.dataset.window);
        const key = cellKey(r, w);
        const idx = windows.map((x) => x.index);
        setSelection((s) => clickCell(s, replicas, idx, key, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey }));
        if (!e.shiftKey && !e.ctrlKey && !e.metaKey) onOpen(r, w);
        return;
      }
      const rowHead = el.closest<HTMLElement>('[data-row]');
      if (rowHead) {
        const r = Number(rowHead.dataset.row);
        setSelection((s) => selectLine(s, windows.map((w) => cellKey(r, w.index)), add));
        return;
      }
      const colHead = el.closest<HTMLElement>('[data-col]');
      if (colHead) {
        const w = Number(colHead.dataset.col);
        setSelection((s) => selectLine(s, replicas.map((r) => cellKey(r, w)), add));
      }
    },
    [replicas, windows, setSelection, onOpen],
  );

  return (
    <div className="wgrid-scroll">
      <div
        className="wgrid"
        role="grid"
        aria-label={`${replicas.length} replicas × ${windows.length} windows`}
        aria-multiselectable="true"
        data-testid="window-grid"
        data-count={replicas.length * windows.length}
        onClick={onClick}
      >
        <div role="row" className="wrow wrow-header">
          <span className="wrow-head wcorner" aria-hidden="true">
            Q₀
          </span>
          {windows.map((w) => (
            <button type="button" role="columnheader" key={w.index} className="wcol-head" data-col={w.index} title={`Select window ${pad2(w.index)} in every replica (Ctrl/⌘ to add)`}>
              <span className="wcol-index">{pad2(w.index)}</span>
              <span className="wcol-centre">{formatCentre(w.centre)}</span>
            </button>
          ))}
        </div>
        {replicas.map((r) => (
          <Row key={r} replica={r} windows={windows} />
        ))}
      </div>
    </div>
  );
});

export function PhaseLegend({ counts }: { counts: Record<string, number> }) {
  return (
    <ul className="wlegend" data-testid="window-legend" aria-label="Phases">
      {PHASES.map((p) => (
        <li key={p} className="wlegend-item" data-phase={p}>
          <span className={`wlegend-swatch phase-${p}`} aria-hidden="true" />
          {PHASE_LABELS[p]}
          {counts[p] ? <span className="muted"> {counts[p]}</span> : null}
        </li>
      ))}
    </ul>
  );
}
