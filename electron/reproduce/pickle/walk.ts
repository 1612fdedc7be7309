// Helpers to read the inert graph the unpickler produced: recognise dicts, lists, numpy arrays and scalars, and
// turn data into plain JSON-like values with every foreign object replaced by a short description. All walks
// are bounded (depth and a shared element budget) because a small pickle can describe a huge or cyclic graph.
import { ReadError } from '../types.js';
import { PyByteArray, PyCall, PyGlobal, PyPersistent, PySet, PyTuple, dictOtherEntries, hasOtherKeys, isPyDict } from './values.js';
import type { PyDict, PyValue } from './values.js';

/** Canonical `module.name` of a global stub, or of the callable of a call node. */
export function globalName(v: PyValue | undefined): string | undefined {
  if (v instanceof PyGlobal) return v.canonical;
  return undefined;
}

export function callName(v: PyValue | undefined): string | undefined {
  return v instanceof PyCall ? globalName(v.$call) : undefined;
}

/**
 * The class of an object node: the callable, or for protocol 0/1 objects (`copyreg._reconstructor(cls, base,
 * state)`) and explicit `copyreg.__newobj__(cls, ...)` reductions, their first argument.
 */
export function className(v: PyValue | undefined): string | undefined {
  const n = callName(v);
  if ((n === 'copyreg._reconstructor' || n === 'copyreg.__newobj__' || n === 'copyreg.__newobj_ex__') && v instanceof PyCall)
    return globalName(v.args[0]) ?? n;
  return n;
}

/** True for a call node whose callable's canonical name is one of `names` or ends with `.` + one of `suffixes`. */
export function isCallTo(v: PyValue | undefined, ...names: string[]): v is PyCall {
  const n = callName(v);
  return n !== undefined && names.some((x) => n === x || (x.startsWith('.') && n.endsWith(x)));
}

/** A dict, an OrderedDict, or a dict-like object that was filled by SETITEM(S) (defaultdict, dict subclasses). */
export function asDict(v: PyValue | undefined): PyDict | undefined {
  if (isPyDict(v)) return v;
  if (v instanceof PyCall && v.dictItems && !v.listItems) return v.dictItems;
  return undefined;
}

/** A list, a tuple, or a list-like object filled by APPEND(S). */
export function asList(v: PyValue | undefined): PyValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple) return v.items;
  if (v instanceof PyCall && v.listItems && !v.dictItems) return v.listItems;
  return undefined;
}

/** `d[key]` for a string key (own keys only: "constructor" is not inherited from Object.prototype here). */
export function dictGet(d: PyDict | undefined, key: string): PyValue | undefined {
  return d && Object.hasOwn(d, key) ? d[key] : undefined;
}

/** All entries of a dict, the string keys first, then any other keys (ints, tuples ...). */
export function dictEntries(d: PyDict): [PyValue, PyValue][] {
  const out: [PyValue, PyValue][] = Object.entries(d);
  for (const e of dictOtherEntries(d)) out.push(e);
  return out;
}

export interface NumpyDtype {
  /** numpy kind letter: 'O' object, 'f' float, 'i' int, 'u' unsigned, 'b' bool, 'U' unicode, 'S' bytes, 'M' datetime ... */
  kind: string;
  itemsize: number;
  /** '<', '>' or '|'. */
  byteorder: string;
  /** e.g. 'float64', 'object', 'int64'. */
  name: string;
}

export interface NumpyArray {
  shape: number[];
  dtype: NumpyDtype;
  fortran: boolean;
  /** Object arrays: the cells, in memory order. */
  objects?: PyValue[];
  /** Other arrays: the raw bytes. */
  raw?: Buffer;
}

const KIND_NAMES: Record<string, string> = { f: 'float', i: 'int', u: 'uint', b: 'bool', c: 'complex', M: 'datetime64', m: 'timedelta64' };

/** numpy.dtype('f8', False, True) + BUILD state (3, '<', ...). */
export function readDtype(v: PyValue | undefined): NumpyDtype | undefined {
  if (!isCallTo(v, '.dtype')) return undefined;
  const spec = v.args[0];
  if (typeof spec !== 'string') return undefined;
  const m = /^([a-zA-Z])(\d*)/.exec(spec);
  if (!m) return undefined;
  const kind = m[1] as string;
  const size = m[2] ? Number(m[2]) : 0;
  const state = asList(v.state);
  const bo = state && typeof state[1] === 'string' ? state[1] : '|';
  const itemsize = kind === 'U' ? size * 4 : size;
  const name = kind === 'O' ? 'object' : kind === 'b' ? 'bool' : KIND_NAMES[kind] ? `${KIND_NAMES[kind]}${size * 8}` : spec;
  return { kind, itemsize, byteorder: bo === '=' ? '<' : bo, name };
}

function readShape(v: PyValue | undefined): number[] | undefined {
  const l = asList(v);
  if (!l) return typeof v === 'number' ? [v] : undefined;
  const out: number[] = [];
  for (const x of l) {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) return undefined;
    out.push(x);
  }
  return out;
}

/**
 * A numpy array pickled as `numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')` + BUILD
 * `(1, shape, dtype, is_fortran, data)` (numpy ≥ 2: `numpy._core.multiarray`), or — protocol 5 — as
 * `numpy.core.numeric._frombuffer(buffer, dtype, shape, order)`.
 */
export function readNdarray(v: PyValue | undefined): NumpyArray | undefined {
  if (isCallTo(v, '.multiarray._reconstruct')) {
    let st = asList(v.state);
    if (!st) return undefined;
    if (st.length === 5) st = st.slice(1);
    if (st.length !== 4) return undefined;
    const shape = readShape(st[0]);
    const dtype = readDtype(st[1]);
    if (!shape || !dtype) return undefined;
    const fortran = st[2] === true || st[2] === 1;
    const data = st[3];
    if (dtype.kind === 'O') {
      const objects = asList(data);
      return objects ? { shape, dtype, fortran, objects } : undefined;
    }
    const raw = bytesOf(data);
    return raw ? { shape, dtype, fortran, raw } : undefined;
  }
  if (isCallTo(v, '.numeric._frombuffer')) {
    const [data, dt, shp, order] = v.args;
    const raw = bytesOf(data);
    const dtype = readDtype(dt);
    const shape = readShape(shp);
    if (!raw || !dtype || !shape) return undefined;
    return { shape, dtype, fortran: order === 'F', raw };
  }
  return undefined;
}

function bytesOf(v: PyValue | undefined): Buffer | undefined {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof PyByteArray) return v.data;
  if (typeof v === 'string') return Buffer.from(v, 'latin1'); // Python 2 str data
  return undefined;
}

/** The numbers of a numeric (or bool) array, in memory order; undefined for other dtypes. */
export function numericValues(a: NumpyArray): (number | bigint | boolean)[] | undefined {
  const raw = a.raw;
  if (!raw) return undefined;
  const { kind, itemsize, byteorder } = a.dtype;
  const read = scalarReader(kind, itemsize, byteorder === '>');
  if (!read) return undefined;
  const n = Math.floor(raw.length / itemsize);
  const out: (number | bigint | boolean)[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = read(raw, i * itemsize);
  return out;
}

function scalarReader(kind: string, size: number, be: boolean): ((b: Buffer, o: number) => number | bigint | boolean) | undefined {
  const safe = (x: bigint) => (x >= -9007199254740991n && x <= 9007199254740991n ? Number(x) : x);
  if (kind === 'f') {
    if (size === 8) return be ? (b, o) => b.readDoubleBE(o) : (b, o) => b.readDoubleLE(o);
    if (size === 4) return be ? (b, o) => b.readFloatBE(o) : (b, o) => b.readFloatLE(o);
    return undefined;
  }
  if (kind === 'b' && size === 1) return (b, o) => b[o] !== 0;
  if (kind === 'i' || kind === 'u') {
    const signed = kind === 'i';
    if (size === 8) return signed ? (be ? (b, o) => safe(b.readBigInt64BE(o)) : (b, o) => safe(b.readBigInt64LE(o))) : be ? (b, o) => safe(b.readBigUInt64BE(o)) : (b, o) => safe(b.readBigUInt64LE(o));
    if (size <= 6 && size >= 1) return signed ? (be ? (b, o) => b.readIntBE(o, size) : (b, o) => b.readIntLE(o, size)) : be ? (b, o) => b.readUIntBE(o, size) : (b, o) => b.readUIntLE(o, size);
  }
  return undefined;
}

/** numpy scalars (`numpy.core.multiarray.scalar(dtype, bytes)`), e.g. a numpy.float64 score. */
export function readNumpyScalar(v: PyValue | undefined): number | bigint | boolean | undefined {
  if (!isCallTo(v, '.multiarray.scalar')) return undefined;
  const dtype = readDtype(v.args[0]);
  const raw = bytesOf(v.args[1]);
  if (!dtype || !raw || raw.length < dtype.itemsize) return undefined;
  const read = scalarReader(dtype.kind, dtype.itemsize, dtype.byteorder === '>');
  return read ? read(raw, 0) : undefined;
}

/** A short, inert description of a value that is not plain data: `<numpy.ndarray shape=(3,) dtype=int64>`. */
export function describe(v: PyValue | undefined): string {
  if (v === undefined) return '<missing>';
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return JSON.stringify(v) ?? String(v);
  if (typeof v === 'bigint') return v.toString();
  if (Buffer.isBuffer(v)) return `<bytes: ${v.length} bytes>`;
  if (v instanceof PyByteArray) return `<bytearray: ${v.data.length} bytes>`;
  if (v instanceof PyGlobal) return `<${v.canonical}>`;
  if (v instanceof PyPersistent) return '<persistent reference, not resolved>';
  if (v instanceof PyTuple) return `<tuple of ${v.items.length}>`;
  if (v instanceof PySet) return `<${v.frozen ? 'frozenset' : 'set'} of ${v.items.length}>`;
  if (isPyDict(v)) return `<dict of ${dictEntries(v).length}>`;
  if (Array.isArray(v)) return `<list of ${v.length}>`;
  const nd = readNdarray(v);
  if (nd) return `<numpy.ndarray shape=(${nd.shape.join(', ')}${nd.shape.length === 1 ? ',' : ''}) dtype=${nd.dtype.name}>`;
  const name = className(v);
  if (name) return `<${name} object>`;
  return `<object built by ${describe(v.$call)}>`;
}

export interface PlainOptions {
  /** Containers left to visit, shared across calls; decremented in place. */
  budget: { left: number };
  maxDepth: number;
  /** For messages. */
  label: string;
  /**
   * Rewrite the graph's own dicts and lists instead of copying them (much faster for big scorefiles). The graph
   * is plain data afterwards; do not walk it as a pickle graph again.
   */
  inPlace?: boolean;
}

const IN_PROGRESS = Symbol('in progress');

/**
 * Plain JSON-like data: dicts → objects (non-string keys as their text), lists/tuples/sets → arrays, numpy
 * scalars → numbers, integers beyond 2^53 → decimal strings, anything else → describe(). A container reached
 * twice is converted once and shared; a container inside itself becomes "<recursive reference>".
 */
export function toPlain(v: PyValue, opts: PlainOptions): unknown {
  return plainConverter(opts)(v);
}

const isLeafValue = (v: PyValue): boolean => v === null || (typeof v !== 'object' && typeof v !== 'bigint');

/**
 * toPlain as a reusable function: converting many values (the rows of a scorefile) with one converter shares
 * its bookkeeping, so a container shared between rows is converted once and the budget is counted once.
 */
export function plainConverter(opts: PlainOptions): (v: PyValue) => unknown {
  const budget = opts.budget;
  const { maxDepth, label } = opts;
  const inPlace = opts.inPlace ?? false;
  const converted = new Map<object, unknown>();
  const over = (): never => {
    throw new ReadError('hostile', `${cap(label)} was refused: its pickled data holds more containers than SimDeck's limit.`);
  };
  const deep = (): never => {
    throw new ReadError('hostile', `${cap(label)} was refused: its pickled data nests containers more than ${maxDepth} levels deep.`);
  };
  const conv = (x: PyValue, depth: number): unknown => {
    if (x === null || typeof x !== 'object') return typeof x === 'bigint' ? x.toString() : x;
    if (inPlace) {
      // Fast path: a dict or list holding only strings, numbers, booleans and None is already plain data
      // (most containers of a scorefile). It cannot be part of a cycle, and converting it again is a no-op.
      if (isPyDict(x)) {
        let leaf = !hasOtherKeys(x);
        if (leaf)
          for (const k in x)
            if (!isLeafValue(x[k] as PyValue)) {
              leaf = false;
              break;
            }
        if (leaf) {
          if (--budget.left < 0) over();
          return x;
        }
      } else if (Array.isArray(x)) {
        let leaf = true;
        for (let i = 0; i < x.length; i++)
          if (!isLeafValue(x[i] as PyValue)) {
            leaf = false;
            break;
          }
        if (leaf) {
          if (--budget.left < 0) over();
          return x;
        }
      }
    }
    const prev = converted.get(x);
    if (prev !== undefined) return prev === IN_PROGRESS ? '<recursive reference>' : prev;
    if (--budget.left < 0) over();
    if (depth > maxDepth) deep();
    if (isPyDict(x)) {
      converted.set(x, IN_PROGRESS);
      let o: Record<string, unknown>;
      if (inPlace) {
        o = x;
        // for-in walks a plain object's own keys without allocating (Object.prototype has no enumerable keys).
        for (const k in x) {
          const val = x[k] as PyValue;
          if (!isLeafValue(val)) {
            const cv = conv(val, depth + 1);
            if (cv !== val) setKey(o, k, cv);
          }
        }
      } else {
        o = {};
        for (const k of Object.keys(x)) setKey(o, k, conv(x[k] as PyValue, depth + 1));
      }
      for (const [k, val] of dictOtherEntries(x)) setKey(o, keyText(k), conv(val, depth + 1));
      converted.set(x, o);
      return o;
    }
    if (Array.isArray(x) || x instanceof PyTuple || x instanceof PySet) {
      converted.set(x, IN_PROGRESS);
      const items = Array.isArray(x) ? x : x.items;
      const out: unknown[] = inPlace && !Object.isFrozen(items) ? items : new Array(items.length);
      for (let i = 0; i < items.length; i++) {
        const it = items[i] as PyValue;
        if (out === items && isLeafValue(it)) continue;
        out[i] = conv(it, depth + 1);
      }
      converted.set(x, out);
      return out;
    }
    let result: unknown;
    if (x instanceof PyCall) {
      const d = asDict(x);
      const l = asList(x);
      const s = readNumpyScalar(x);
      if (d) result = conv(d, depth);
      else if (l && isCallTo(x, 'collections.deque', 'builtins.list')) result = conv(l, depth);
      else if (s !== undefined) result = typeof s === 'bigint' ? s.toString() : s;
    }
    if (result === undefined) result = describe(x);
    converted.set(x, result);
    return result;
  };
  return (v: PyValue) => conv(v, 0);
}

function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function keyText(k: PyValue): string {
  return k === null || typeof k === 'number' || typeof k === 'boolean' || typeof k === 'bigint' ? String(k) : typeof k === 'string' ? k : describe(k);
}

/** Capitalise a generic label ("this pickle" → "This pickle"); file names stay as they are. */
const cap = (s: string) => (/^(this|the|a|an) /.test(s) ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/** Walk every node of the graph once (shared nodes are visited once), bounded by the budget. */
export function* nodes(root: PyValue, budget: { left: number }): Generator<PyValue> {
  const seen = new Set<object>();
  const todo: PyValue[] = [root];
  while (todo.length) {
    const x = todo.pop() as PyValue;
    if (x !== null && typeof x === 'object') {
      if (seen.has(x)) continue;
      seen.add(x);
      if (--budget.left < 0) return;
    }
    yield x;
    if (x === null || typeof x !== 'object') continue;
    if (isPyDict(x)) for (const [k, v] of dictEntries(x)) todo.push(k, v);
    else if (Array.isArray(x)) for (const v of x) todo.push(v);
    else if (x instanceof PyTuple || x instanceof PySet) for (const v of x.items) todo.push(v);
    else if (x instanceof PyCall) {
      todo.push(x.$call, x.kwargs);
      for (const a of x.args) todo.push(a);
      if (x.state !== undefined) todo.push(x.state);
      if (x.listItems) for (const v of x.listItems) todo.push(v);
      if (x.setItems) for (const v of x.setItems) todo.push(v);
      if (x.dictItems) for (const [k, v] of dictEntries(x.dictItems)) todo.push(k, v);
    } else if (x instanceof PyPersistent) todo.push(x.$persistent);
  }
}
