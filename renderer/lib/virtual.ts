// Window math for the virtualized table: which rows are in the DOM for a scroll position.
export interface VirtualWindow {
  /** First row rendered (inclusive). */
  start: number;
  /** Last row rendered + 1. */
  end: number;
  /** Pixel offset of `start`. */
  offset: number;
  /** Height of all rows. */
  total: number;
}

export function virtualWindow(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 8): VirtualWindow {
  const total = count * rowHeight;
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, total: 0 };
  const top = Math.max(0, Math.min(scrollTop, Math.max(0, total - viewport)));
  const first = Math.floor(top / rowHeight);
  const visible = Math.ceil(Math.max(viewport, 0) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, offset: start * rowHeight, total };
}

/** The scrollTop that brings row `index` fully into view (unchanged when it already is). */
export function scrollToRow(index: number, scrollTop: number, viewport: number, rowHeight: number, headerHeight = 0): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  const usable = viewport - headerHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + usable) return Math.max(0, bottom - usable);
  return scrollTop;
}
