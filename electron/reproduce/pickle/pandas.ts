// Reading a pickled pandas.DataFrame from the inert graph, without pandas: the frame's state holds a
// BlockManager (axes = [columns Index, row Index], blocks = 2-D numpy arrays + the column positions they hold).
// Verified on pandas 1.5.3 output (protocols 2, 4, 5); the older "0.14.1" state layout is read too.
import { ReadError } from '../types.js';
import { PyCall, PyGlobal } from './values.js';
import type { PyValue } from './values.js';
import { asDict, asList, className, describe, dictGet, globalName, isCallTo, numericValues, readNdarray } from './walk.js';

export interface DataFrameColumn {
  /** The column label (undefined when the columns Index could not be read, e.g. a pyarrow-backed Index). */
  name: PyValue | undefined;
  /** The cells in row order (undefined when the block's values are not a numpy array SimDeck can read). */
  cells: PyValue[] | undefined;
}

export interface DataFrameView {
  nrows: number;
  columns: DataFrameColumn[];
  /** Row labels (undefined when the row Index could not be read). */
  index: PyValue[] | undefined;
}

/** Throws ReadError('unsupported') when `root` is not a DataFrame SimDeck can take apart. */
export function readDataFrame(root: PyValue, label: string): DataFrameView {
  const unsupported = (why: string): never => {
    throw new ReadError('unsupported', `${label} holds a pickle SimDeck cannot read as a pandas DataFrame: ${why}.`);
  };
  if (!(root instanceof PyCall)) return unsupported(`it holds ${describe(root)}, not a DataFrame`);
  const cls = className(root);
  if (!cls || !/(^|\.)DataFrame$/.test(cls)) return unsupported(`it holds ${describe(root)}, not a DataFrame`);
  const state = asDict(root.state) ?? asDict(asList(root.state)?.find((x) => asDict(x)));
  const mgr = dictGet(state, '_mgr') ?? dictGet(state, '_data');
  if (!(mgr instanceof PyCall)) return unsupported('its state has no block manager (_mgr)');

  let axes: PyValue[] | undefined;
  let blocks: { values: PyValue; placement: PyValue }[] | undefined;
  // pandas ≥ 1.x: BlockManager(blocks_tuple, axes_list) via REDUCE, blocks = _unpickle_block(values, placement, ndim).
  if (mgr.args.length >= 2 && asList(mgr.args[0]) && asList(mgr.args[1])) {
    axes = asList(mgr.args[1]);
    blocks = (asList(mgr.args[0]) as PyValue[]).map((b) => {
      if (b instanceof PyCall && b.args.length >= 2) return { values: b.args[0] as PyValue, placement: b.args[1] as PyValue };
      const d = asDict(b) ?? asDict(b instanceof PyCall ? b.state : undefined);
      return { values: dictGet(d, 'values') ?? null, placement: dictGet(d, 'mgr_locs') ?? null };
    });
  } else {
    // Older layout: BUILD state (axes, values, items, {"0.14.1": {"axes": [...], "blocks": [{"values", "mgr_locs"}]}}).
    const st = asList(mgr.state) ?? (mgr.state !== undefined ? [mgr.state] : []);
    for (const part of st) {
      const extra = asDict(dictGet(asDict(part), '0.14.1'));
      if (!extra) continue;
      axes = asList(dictGet(extra, 'axes'));
      blocks = (asList(dictGet(extra, 'blocks')) ?? []).map((b) => {
        const d = asDict(b);
        return { values: dictGet(d, 'values') ?? null, placement: dictGet(d, 'mgr_locs') ?? null };
      });
    }
  }
  if (!axes || axes.length < 2 || !blocks) return unsupported(`its block manager (${describe(mgr)}) has an unknown layout`);

  const columnNames = indexValues(axes[0]);
  const index = indexValues(axes[1]);
  let nrows = index?.length ?? -1;
  const byPosition = new Map<number, PyValue[] | undefined>();
  let ncols = columnNames?.length ?? 0;
  for (const b of blocks) {
    const places = placementValues(b.placement);
    if (!places) continue;
    const nd = readNdarray(b.values);
    let cellsOf: ((j: number) => PyValue[]) | undefined;
    if (nd && nd.shape.length === 2) {
      const [ni, nr] = nd.shape as [number, number];
      if (nrows < 0) nrows = nr;
      const flat: PyValue[] | undefined = nd.objects ?? (numericValues(nd) as PyValue[] | undefined);
      if (flat && flat.length === ni * nr && ni === places.length)
        cellsOf = nd.fortran ? (j) => Array.from({ length: nr }, (_, i) => flat[i * ni + j] as PyValue) : (j) => flat.slice(j * nr, (j + 1) * nr);
    } else if (nd && nd.shape.length === 1 && places.length === 1) {
      if (nrows < 0) nrows = nd.shape[0] as number;
      const flat = nd.objects ?? (numericValues(nd) as PyValue[] | undefined);
      if (flat) cellsOf = () => flat;
    }
    places.forEach((p, j) => {
      byPosition.set(p, cellsOf?.(j));
      ncols = Math.max(ncols, p + 1);
    });
  }
  if (nrows < 0) nrows = 0;
  const columns: DataFrameColumn[] = [];
  for (let p = 0; p < ncols; p++) columns.push({ name: columnNames?.[p], cells: byPosition.get(p) });
  return { nrows, columns, index };
}

/** Values of a pandas Index pickled as `_new_Index(cls, {"data": ndarray, ...})` (RangeIndex: start/stop/step). */
export function indexValues(v: PyValue | undefined): PyValue[] | undefined {
  if (!isCallTo(v, '.base._new_Index', '._new_Index')) return undefined;
  const cls = globalName(v.args[0]) ?? '';
  const d = asDict(v.args[1]);
  if (!d) return undefined;
  if (cls.endsWith('RangeIndex')) {
    const start = dictGet(d, 'start') ?? 0;
    const stop = dictGet(d, 'stop');
    const step = dictGet(d, 'step') ?? 1;
    if (typeof start !== 'number' || typeof stop !== 'number' || typeof step !== 'number' || step === 0) return undefined;
    const n = Math.max(0, Math.ceil((stop - start) / step));
    if (n > 10_000_000) return undefined; // no scorefile has that many rows; a crafted header could claim it
    return Array.from({ length: n }, (_, i) => start + i * step);
  }
  if (cls.endsWith('MultiIndex')) return undefined;
  const nd = readNdarray(dictGet(d, 'data'));
  if (!nd) return asList(dictGet(d, 'data'));
  return nd.objects ?? (numericValues(nd) as PyValue[] | undefined);
}

function placementValues(v: PyValue): number[] | undefined {
  if (isCallTo(v, 'builtins.slice')) {
    const [start, stop, step] = v.args;
    const a = typeof start === 'number' ? start : 0;
    const s = typeof step === 'number' ? step : 1;
    if (typeof stop !== 'number' || s <= 0 || stop - a > 1_000_000) return undefined;
    const out: number[] = [];
    for (let i = a; i < stop; i += s) out.push(i);
    return out;
  }
  if (v instanceof PyCall && v.$call instanceof PyGlobal && v.$call.canonical.endsWith('BlockPlacement')) return placementValues(v.args[0] ?? null);
  const nd = readNdarray(v);
  const list = nd ? numericValues(nd) : asList(v);
  if (!list) return undefined;
  const out: number[] = [];
  for (const x of list) {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) return undefined;
    out.push(x);
  }
  return out;
}
