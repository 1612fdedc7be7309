// The inert object graph the safe unpickler produces. Nothing in here can run code: a pickled "global" (a
// class or a function) is only its dotted name, and a pickled call (REDUCE, NEWOBJ, BUILD ...) is only a record
// of what Python *would* have called. Walk these with the helpers in walk.ts.

/** Any value the unpickler can produce. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Buffer
  | PyValue[]
  | PyDict
  | PyTuple
  | PySet
  | PyByteArray
  | PyGlobal
  | PyCall
  | PyPersistent;

/**
 * A Python dict (and collections.OrderedDict): a plain JS object holding the string keys (in insertion order,
 * except that JS lists integer-like keys such as "7" first). Keys that are not strings (ints, tuples ...) live in
 * a side table: read them with dictEntries() from walk.ts. A "__proto__" key is an own property, never the
 * prototype. Plain objects, not Maps: a scorefile holds hundreds of thousands of dicts that share their key sets,
 * and V8 stores those compactly.
 */
export interface PyDict {
  [key: string]: PyValue;
}

const otherKeys = new WeakMap<PyDict, Map<PyValue, PyValue>>();

/** True for a dict node (a plain object; every other node is a class instance, an array or a Buffer). */
export function isPyDict(v: unknown): v is PyDict {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** Python's `d[k] = v`. */
export function dictSet(d: PyDict, k: PyValue, v: PyValue): void {
  if (typeof k === 'string') {
    if (k === '__proto__') Object.defineProperty(d, k, { value: v, enumerable: true, writable: true, configurable: true });
    else d[k] = v;
    return;
  }
  let m = otherKeys.get(d);
  if (!m) otherKeys.set(d, (m = new Map()));
  m.set(k, v);
}

/** Whether a dict has keys that are not strings. */
export function hasOtherKeys(d: PyDict): boolean {
  return otherKeys.has(d);
}

/** The keys that are not strings, with their values (empty for almost every dict). */
export function dictOtherEntries(d: PyDict): [PyValue, PyValue][] {
  const m = otherKeys.get(d);
  return m ? [...m] : [];
}

/** A Python tuple. */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A Python set or frozenset. */
export class PySet {
  constructor(
    readonly items: PyValue[],
    readonly frozen: boolean,
  ) {}
}

/** A Python bytearray (kept apart from bytes, which are plain Buffers). */
export class PyByteArray {
  constructor(readonly data: Buffer) {}
}

const PY2_MODULES = new Map([
  ['__builtin__', 'builtins'],
  ['copy_reg', 'copyreg'],
  ['exceptions', 'builtins'],
]);

/** A reference to a Python class or function by name. It is never looked up, imported or called. */
export class PyGlobal {
  /** `module.name` exactly as written in the pickle. */
  readonly $global: string;
  /** The same with Python 2 module names mapped to Python 3 ones (`__builtin__` → `builtins`, `copy_reg` → `copyreg`). */
  readonly canonical: string;
  constructor(
    readonly module: string,
    readonly name: string,
  ) {
    this.$global = module ? `${module}.${name}` : name;
    const m = PY2_MODULES.get(module);
    this.canonical = m === undefined ? this.$global : `${m}.${name}`;
  }
}

export type PyCallKind = 'reduce' | 'newobj' | 'newobj_ex' | 'inst' | 'obj';

/**
 * What Python would have built by calling `$call(*args, **kwargs)` and then applying `state` (BUILD) and the
 * appended items (APPEND/APPENDS, SETITEM/SETITEMS, ADDITEMS). Nothing was called.
 */
export class PyCall {
  state: PyValue | undefined = undefined;
  listItems: PyValue[] | undefined = undefined;
  dictItems: PyDict | undefined = undefined;
  setItems: PyValue[] | undefined = undefined;
  constructor(
    readonly $call: PyValue,
    readonly args: PyValue[],
    readonly kind: PyCallKind,
    readonly kwargs: PyValue = null,
  ) {}
}

/** A persistent id (PERSID/BINPERSID): a reference to something outside the pickle. Never resolved. */
export class PyPersistent {
  constructor(readonly $persistent: PyValue) {}
}
