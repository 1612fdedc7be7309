// A virtualized grid for very long lists: fixed row height, only the rows in view (plus overscan) are in the DOM,
// sticky header with sort buttons, one Tab stop with arrow-key navigation (aria-activedescendant). What a row looks
// like and what keys do to it is the caller's business (renderRow, onRowKey).
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { SortDir } from '../lib/sort.js';
import { scrollToRow, virtualWindow } from '../lib/virtual.js';

export interface VColumn {
  key: string;
  header: ReactNode;
  /** CSS grid track, e.g. "minmax(180px, 2fr)" or "90px". */
  width: string;
  sortable?: boolean;
  align?: 'right';
  /** Accessible name when the header is not text. */
  label?: string;
}

export interface RowContext {
  /** DOM id (for aria-activedescendant). */
  id: string;
  top: number;
  height: number;
  active: boolean;
  grid: string;
}

interface VirtualTableProps {
  label: string;
  testId?: string;
  columns: readonly VColumn[];
  count: number;
  rowHeight?: number;
  overscan?: number;
  sort: { key: string; dir: SortDir } | null;
  onSort: (key: string) => void;
  active: number;
  onActiveChange: (index: number, e?: KeyboardEvent) => void;
  /** Enter, Space, Ctrl+A … on the active row; return true when handled. */
  onRowKey?: (index: number, e: KeyboardEvent) => boolean;
  renderRow: (index: number, ctx: RowContext) => ReactNode;
  empty?: ReactNode;
}

export function VirtualTable({
  label,
  testId,
  columns,
  count,
  rowHeight = 32,
  overscan = 10,
  sort,
  onSort,
  active,
  onActiveChange,
  onRowKey,
  renderRow,
  empty,
}: VirtualTableProps) {
  const baseId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const [headerHeight, setHeaderHeight] = useState(rowHeight);
  const grid = columns.map((c) => c.width).join(' ');

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => {
      setViewport(el.clientHeight);
      setHeaderHeight(headRef.current?.offsetHeight ?? rowHeight);
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [rowHeight]);

  // Keep the scroll position valid when the list shrinks (filtering).
  useEffect(() => {
    const el = scrollRef.current;
    if (el && el.scrollTop > count * rowHeight) el.scrollTop = 0;
  }, [count, rowHeight]);

  const win = virtualWindow(Math.max(0, scrollTop), viewport - headerHeight, rowHeight, count, overscan);

  const reveal = useCallback(
    (index: number) => {
      const el = scrollRef.current;
      if (!el) return;
      const next = scrollToRow(index, el.scrollTop, el.clientHeight, rowHeight, headerHeight);
      if (next !== el.scrollTop) el.scrollTop = next;
    },
    [rowHeight, headerHeight],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return; // keys inside a cell's control are its own
    if (count === 0) return;
    const page = Math.max(1, Math.floor((viewport - headerHeight) / rowHeight) - 1);
    let next: number | null = null;
    switch (e.key) {
      case 'ArrowDown':
        next = Math.min(count - 1, active + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, active - 1);
        break;
      case 'PageDown':
        next = Math.min(count - 1, active + page);
        break;
      case 'PageUp':
        next = Math.max(0, active - page);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = count - 1;
        break;
      default:
        if (onRowKey?.(Math.max(0, Math.min(active, count - 1)), e)) e.preventDefault();
        return;
    }
    e.preventDefault();
    onActiveChange(next, e);
    reveal(next);
  };

  return (
    <div
      ref={scrollRef}
      className="vtable"
      role="grid"
      aria-label={label}
      aria-rowcount={count + 1}
      aria-colcount={columns.length}
      aria-multiselectable="true"
      aria-activedescendant={count > 0 && active >= 0 ? `${baseId}-r${active}` : undefined}
      tabIndex={0}
      data-testid={testId}
      data-count={count}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
    >
      <div ref={headRef} className="vtable-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: grid }}>
        {columns.map((c) => {
          const on = sort?.key === c.key;
          return (
            <div
              key={c.key}
              role="columnheader"
              className={`vtable-th${c.align === 'right' ? ' align-right' : ''}`}
              aria-sort={on ? (sort.dir === 'asc' ? 'ascending' : 'descending') : c.sortable ? 'none' : undefined}
              aria-label={c.label}
            >
              {c.sortable ? (
                <button type="button" className="sort-button" onClick={() => onSort(c.key)}>
                  {c.header}
                  <span className="sort-indicator" aria-hidden="true">
                    {on ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                  </span>
                </button>
              ) : (
                c.header
              )}
            </div>
          );
        })}
      </div>
      {count === 0 ? (
        <div className="vtable-empty">{empty}</div>
      ) : (
        <div className="vtable-body" role="rowgroup" style={{ height: win.total }}>
          {Array.from({ length: win.end - win.start }, (_, k) => {
            const i = win.start + k;
            return renderRow(i, { id: `${baseId}-r${i}`, top: i * rowHeight, height: rowHeight, active: i === active, grid });
          })}
        </div>
      )}
    </div>
  );
}
