// A safe unpickler for pickle protocols 0-5: a pure interpreter over the opcodes. It never imports, looks up or
// calls anything: GLOBAL/STACK_GLOBAL/INST become inert PyGlobal stubs, REDUCE/NEWOBJ/NEWOBJ_EX/OBJ/INST become
// inert PyCall nodes, BUILD only records the state. A handful of pure data types whose pickled form is a call
// (collections.OrderedDict(), set(...), _codecs.encode(str, 'latin1') for Python-2-protocol bytes ...) are
// re-read as plain data; that is interpretation, not execution. Every cost is bounded (operations, memo size,
// MARK nesting, elements) and every failure is a ReadError with a message that says what was wrong.
import { ReadError } from '../types.js';
import { PyByteArray, PyCall, PyGlobal, PyPersistent, PySet, PyTuple, dictSet, isPyDict } from './values.js';
import type { PyCallKind, PyDict, PyValue } from './values.js';

export interface UnpickleLimits {
  /** Opcodes executed. */
  maxOps: number;
  /** Highest memo slot (and number of memo entries). */
  maxMemo: number;
  /** Deepest nesting of MARKs (tuples/lists/dicts being built inside each other). */
  maxDepth: number;
  /** Items put into containers, in total. */
  maxElements: number;
  /** Longest integer (LONG/LONG1/LONG4), in bytes. */
  maxLongBytes: number;
}

export const DEFAULT_UNPICKLE_LIMITS: UnpickleLimits = {
  maxOps: 1_000_000_000,
  maxMemo: 50_000_000,
  maxDepth: 1000,
  maxElements: 1_000_000_000,
  maxLongBytes: 64 * 1024,
};

export interface UnpickleOptions extends Partial<UnpickleLimits> {
  /** How to name the data in messages, e.g. "scores.xz". Default "this pickle". */
  label?: string;
  /** Re-read OrderedDict/set/frozenset/bytearray/_codecs.encode calls as plain data (default true). */
  recognizeDataTypes?: boolean;
}

export interface UnpickleResult {
  value: PyValue;
  /** Protocol announced by PROTO (0 if none). */
  protocol: number;
  /** Every global the pickle names (canonical `module.name`), in first-seen order. */
  globals: string[];
  ops: number;
}

const OPNAMES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT', 0x4a: 'BININT',
  0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE', 0x50: 'PERSID', 0x51: 'BINPERSID', 0x52: 'REDUCE',
  0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING', 0x56: 'UNICODE', 0x58: 'BINUNICODE', 0x61: 'APPEND',
  0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT', 0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET', 0x68: 'BINGET',
  0x69: 'INST', 0x6a: 'LONG_BINGET', 0x6c: 'LIST', 0x5d: 'EMPTY_LIST', 0x6f: 'OBJ', 0x70: 'PUT', 0x71: 'BINPUT',
  0x72: 'LONG_BINPUT', 0x73: 'SETITEM', 0x74: 'TUPLE', 0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS', 0x47: 'BINFLOAT',
  0x80: 'PROTO', 0x81: 'NEWOBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x85: 'TUPLE1', 0x86: 'TUPLE2',
  0x87: 'TUPLE3', 0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x8b: 'LONG4', 0x42: 'BINBYTES',
  0x43: 'SHORT_BINBYTES', 0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS', 0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX', 0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x95: 'FRAME',
  0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

const opName = (op: number) => OPNAMES[op] ?? `0x${op.toString(16).padStart(2, '0')}`;
const fmt = (n: number) => n.toLocaleString('en-US');

/** Unpickle to the inert graph. Throws ReadError. */
export function unpickle(data: Uint8Array, options: UnpickleOptions = {}): PyValue {
  return unpickleDetailed(data, options).value;
}

// The interpreter keeps all of its state in local variables of one function, with no closures over them, and
// allocates nothing per opcode beyond the values themselves: a 100,000-row scorefile runs ~20 million opcodes.
export function unpickleDetailed(input: Uint8Array, options: UnpickleOptions = {}): UnpickleResult {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const label = options.label ?? 'this pickle';
  const maxOps = options.maxOps ?? DEFAULT_UNPICKLE_LIMITS.maxOps;
  const maxMemo = options.maxMemo ?? DEFAULT_UNPICKLE_LIMITS.maxMemo;
  const maxDepth = options.maxDepth ?? DEFAULT_UNPICKLE_LIMITS.maxDepth;
  const maxElements = options.maxElements ?? DEFAULT_UNPICKLE_LIMITS.maxElements;
  const maxLongBytes = options.maxLongBytes ?? DEFAULT_UNPICKLE_LIMITS.maxLongBytes;
  const recognize = options.recognizeDataTypes ?? true;
  const end = buf.length;

  const stack: PyValue[] = [];
  const marks: number[] = [];
  const memo: PyValue[] = [];
  const globals = new Set<string>();
  const fresh = new FreshDicts();
  let fence = 0; // stack index of the innermost MARK: opcodes may not pop below it
  let memoCount = 0;
  let pos = 0;
  let opPos = 0;
  let op = 0;
  let ops = 0;
  let elements = 0;
  let protocol = 0;
  /** The innermost MARK bounds what opcodes may pop; it moves whenever a MARK is consumed. */
  const resetFence = () => {
    fence = marks.length ? (marks[marks.length - 1] as number) : 0;
  };
  /** Consumes the innermost MARK for a MARK-bounded opcode (TUPLE, LIST, DICT, APPENDS ...): its stack index. */
  const popMark = (): number => {
    const k = marks.pop();
    if (k === undefined) throw noMarkError(label, op, opPos);
    resetFence();
    return k;
  };

  for (;;) {
    if (pos >= end) throw new ReadError('truncated', `${cap(label)} ends early (${fmt(end)} bytes, before its STOP opcode): the file was cut short or only partly copied.`);
    opPos = pos;
    op = buf[pos++] as number;
    if (++ops > maxOps) throw hostileError(label, `it runs more than ${fmt(maxOps)} operations`);
    switch (op) {
      // ---- the opcodes a protocol-4 DataFrame is made of, first
      case 0x8c: {
        // SHORT_BINUNICODE
        if (pos >= end) throw truncatedError(label, end, op, opPos);
        const n = buf[pos++] as number;
        if (pos + n > end) throw truncatedError(label, end, op, opPos);
        const s = utf8(buf, pos, pos + n);
        stack.push(s);
        pos += n;
        if (buf[pos] === 0x94 && memoCount === memo.length && memoCount < maxMemo) {
          // MEMOIZE right after: done here, saving a dispatch (pickle memoizes almost every value).
          memo.push(s);
          memoCount++;
          pos++;
          ops++;
        }
        break;
      }
      case 0x94: // MEMOIZE
        if (stack.length <= fence) throw underflowError(label, op, opPos);
        if (fresh.count) fresh.memoized(stack[stack.length - 1] as PyValue, memoCount);
        if (memoCount === memo.length && memoCount < maxMemo) {
          memo.push(stack[stack.length - 1] as PyValue);
          memoCount++;
        } else memoCount = putMemo(memo, memoCount, memoCount, stack[stack.length - 1] as PyValue, maxMemo, label);
        break;
      case 0x68: {
        // BINGET
        if (pos >= end) throw truncatedError(label, end, op, opPos);
        const idx = buf[pos++] as number;
        const v = memo[idx];
        if (v === undefined) throw missingMemoError(label, idx, op, opPos);
        if (fresh.count) fresh.referenced(idx);
        stack.push(v);
        break;
      }
      case 0x6a: {
        // LONG_BINGET
        if (pos + 4 > end) throw truncatedError(label, end, op, opPos);
        const idx = buf.readUInt32LE(pos);
        pos += 4;
        const v = memo[idx];
        if (v === undefined) throw missingMemoError(label, idx, op, opPos);
        if (fresh.count) fresh.referenced(idx);
        stack.push(v);
        break;
      }
      case 0x71: // BINPUT
        if (pos >= end) throw truncatedError(label, end, op, opPos);
        if (stack.length <= fence) throw underflowError(label, op, opPos);
        if (fresh.count) fresh.memoized(stack[stack.length - 1] as PyValue, buf[pos] as number);
        memoCount = putMemo(memo, memoCount, buf[pos++] as number, stack[stack.length - 1] as PyValue, maxMemo, label);
        break;
      case 0x72: // LONG_BINPUT
        if (pos + 4 > end) throw truncatedError(label, end, op, opPos);
        if (stack.length <= fence) throw underflowError(label, op, opPos);
        if (fresh.count) fresh.memoized(stack[stack.length - 1] as PyValue, buf.readUInt32LE(pos));
        memoCount = putMemo(memo, memoCount, buf.readUInt32LE(pos), stack[stack.length - 1] as PyValue, maxMemo, label);
        pos += 4;
        break;
      case 0x28: // MARK
        marks.push(stack.length);
        fence = stack.length;
        if (marks.length > maxDepth) throw hostileError(label, `it nests more than ${fmt(maxDepth)} containers inside each other`);
        break;
      case 0x75: {
        // SETITEMS
        const k = popMark();
        const n = stack.length - k;
        if (n & 1) throw corruptError(label, 'SETITEMS got an odd number of values', op, opPos);
        elements += n >> 1;
        if (elements > maxElements) throw tooManyElements(label, maxElements);
        if (k <= fence) throw underflowError(label, op, opPos);
        const d = dictTarget(stack[k - 1] as PyValue, label, op, opPos);
        if (fresh.count) {
          const filled = fresh.fill(d, stack, k, memo);
          if (filled) {
            stack[k - 1] = filled;
            stack.length = k;
            break;
          }
        }
        for (let i = k; i < stack.length; i += 2) {
          const key = stack[i] as PyValue;
          if (typeof key === 'string' && key !== '__proto__') d[key] = stack[i + 1] as PyValue;
          else dictSet(d, key, stack[i + 1] as PyValue);
        }
        stack.length = k;
        break;
      }
      case 0x73: {
        // SETITEM
        if (stack.length - 2 <= fence) throw underflowError(label, op, opPos);
        const v = stack.pop() as PyValue;
        const key = stack.pop() as PyValue;
        if (++elements > maxElements) throw tooManyElements(label, maxElements);
        if (fresh.count) fresh.forget(stack[stack.length - 1] as PyValue);
        dictSet(dictTarget(stack[stack.length - 1] as PyValue, label, op, opPos), key, v);
        break;
      }
      case 0x65: {
        // APPENDS
        const k = popMark();
        elements += stack.length - k;
        if (elements > maxElements) throw tooManyElements(label, maxElements);
        if (k <= fence) throw underflowError(label, op, opPos);
        const l = listTarget(stack[k - 1] as PyValue, label, op, opPos);
        for (let i = k; i < stack.length; i++) l.push(stack[i] as PyValue);
        stack.length = k;
        break;
      }
      case 0x61: {
        // APPEND
        if (stack.length - 1 <= fence) throw underflowError(label, op, opPos);
        const v = stack.pop() as PyValue;
        if (++elements > maxElements) throw tooManyElements(label, maxElements);
        listTarget(stack[stack.length - 1] as PyValue, label, op, opPos).push(v);
        break;
      }
      case 0x7d: {
        // EMPTY_DICT
        const d: PyDict = {};
        stack.push(d);
        fresh.created(d);
        if (buf[pos] === 0x94 && memoCount === memo.length && memoCount < maxMemo) {
          // MEMOIZE right after: done here, saving a dispatch (pickle memoizes almost every value).
          fresh.memoized(d, memoCount);
          memo.push(d);
          memoCount++;
          pos++;
          ops++;
        }
        break;
      }
      case 0x5d: {
        // EMPTY_LIST
        const l: PyValue[] = [];
        stack.push(l);
        if (buf[pos] === 0x94 && memoCount === memo.length && memoCount < maxMemo) {
          // MEMOIZE right after: done here, saving a dispatch (pickle memoizes almost every value).
          memo.push(l);
          memoCount++;
          pos++;
          ops++;
        }
        break;
      }
      case 0x29: // EMPTY_TUPLE (immutable, so one instance serves all, like Python's own ())
        stack.push(EMPTY_TUPLE);
        break;
      case 0x85: // TUPLE1
        if (stack.length <= fence) throw underflowError(label, op, opPos);
        if (++elements > maxElements) throw tooManyElements(label, maxElements);
        stack.push(new PyTuple([stack.pop() as PyValue]));
        break;
      case 0x86: {
        // TUPLE2
        if (stack.length - 2 < fence) throw underflowError(label, op, opPos);
        const b = stack.pop() as PyValue;
        const a = stack.pop() as PyValue;
        elements += 2;
        if (elements > maxElements) throw tooManyElements(label, maxElements);
        stack.push(new PyTuple([a, b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        if (stack.length - 3 < fence) throw underflowError(label, op, opPos);
        const c = stack.pop() as PyValue;
        const b = stack.pop() as PyValue;
        const a = stack.pop() as PyValue;
        elements += 3;
        if (elements > maxElements) throw tooManyElements(label, maxElements);
        stack.push(new PyTuple([a, b, c]));
        break;
      }
      case 0x74: {
        // TUPLE
        const k = popMark();
        elements += stack.length - k;
        if (elements > maxElements) throw tooManyElements(label, maxElements);
        const items = stack.slice(k);
        stack.length = k;
        stack.push(new PyTuple(items));
        break;
      }
      case 0x4b: // BININT1
        if (pos >= end) throw truncatedError(label, end, op, opPos);
        stack.push(buf[pos++] as number);
        break;
      case 0x4d: // BININT2
        if (pos + 2 > end) throw truncatedError(label, end, op, opPos);
        stack.push((buf[pos] as number) | ((buf[pos + 1] as number) << 8));
        pos += 2;
        break;
      case 0x4a: // BININT
        if (pos + 4 > end) throw truncatedError(label, end, op, opPos);
        stack.push(buf.readInt32LE(pos));
        pos += 4;
        break;
      case 0x47: // BINFLOAT
        if (pos + 8 > end) throw truncatedError(label, end, op, opPos);
        stack.push(buf.readDoubleBE(pos));
        pos += 8;
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x52: {
        // REDUCE
        if (stack.length - 2 < fence) throw underflowError(label, op, opPos);
        const args = stack.pop() as PyValue;
        const callable = stack.pop() as PyValue;
        if (!(args instanceof PyTuple)) throw corruptError(label, 'REDUCE needs a tuple of arguments', op, opPos);
        const made = makeCall(callable, args.items, 'reduce', null, recognize);
        stack.push(made);
        if (isPyDict(made)) fresh.created(made); // collections.OrderedDict()
        if (buf[pos] === 0x94 && memoCount === memo.length && memoCount < maxMemo) {
          // MEMOIZE right after: done here, saving a dispatch (pickle memoizes almost every value).
          if (fresh.count) fresh.memoized(made, memoCount);
          memo.push(made);
          memoCount++;
          pos++;
          ops++;
        }
        break;
      }
      case 0x58: {
        // BINUNICODE
        if (pos + 4 > end) throw truncatedError(label, end, op, opPos);
        const n = buf.readUInt32LE(pos);
        pos += 4;
        if (pos + n > end) throw lengthError(label, end, op, opPos, n, end - pos);
        stack.push(utf8(buf, pos, pos + n));
        pos += n;
        break;
      }
      case 0x8d: {
        // BINUNICODE8
        const n = readU64(buf, pos, end, label, op, opPos);
        pos += 8;
        if (pos + n > end) throw lengthError(label, end, op, opPos, n, end - pos);
        stack.push(utf8(buf, pos, pos + n));
        pos += n;
        break;
      }
      case 0x43: {
        // SHORT_BINBYTES
        if (pos >= end) throw truncatedError(label, end, op, opPos);
        const n = buf[pos++] as number;
        if (pos + n > end) throw lengthError(label, end, op, opPos, n, end - pos);
        stack.push(buf.subarray(pos, pos + n));
        pos += n;
        break;
      }
      case 0x42: {
        // BINBYTES
        if (pos + 4 > end) throw truncatedError(label, end, op, opPos);
        const n = buf.readUInt32LE(pos);
        pos += 4;
        if (pos + n > end) throw lengthError(label, end, op, opPos, n, end - pos);
        stack.push(buf.subarray(pos, pos + n));
        pos += n;
        break;
      }
      case 0x8e: {
        // BINBYTES8
        const n = readU64(buf, pos, end, label, op, opPos);
        pos += 8;
        if (pos + n > end) throw lengthError(label, end, op, opPos, n, end - pos);
        stack.push(buf.subarray(pos, pos + n));
        pos += n;
        break;
      }
      case 0x96: {
        // BYTEARRAY8
        const n = readU64(buf, pos, end, label, op, opPos);
        pos += 8;
        if (pos + n > end) throw lengthError(label, end, op, opPos, n, end - pos);
        stack.push(new PyByteArray(Buffer.from(buf.subarray(pos, pos + n))));
        pos += n;
        break;
      }
      case 0x55: {
        // SHORT_BINSTRING (a Python 2 str: read as latin-1 text)
        if (pos >= end) throw truncatedError(label, end, op, opPos);
        const n = buf[pos++] as number;
        if (pos + n > end) throw lengthError(label, end, op, opPos, n, end - pos);
        stack.push(latin1(buf, pos, pos + n));
        pos += n;
        break;
      }
      case 0x54: {
        // BINSTRING
        if (pos + 4 > end) throw truncatedError(label, end, op, opPos);
        const n = buf.readInt32LE(pos);
        pos += 4;
        if (n < 0) throw corruptError(label, 'BINSTRING has a negative length', op, opPos);
        if (pos + n > end) throw lengthError(label, end, op, opPos, n, end - pos);
        stack.push(latin1(buf, pos, pos + n));
        pos += n;
        break;
      }
      case 0x8a: {
        // LONG1
        if (pos >= end) throw truncatedError(label, end, op, opPos);
        const n = buf[pos++] as number;
        if (pos + n > end) throw lengthError(label, end, op, opPos, n, end - pos);
        stack.push(decodeLong(buf, pos, n));
        pos += n;
        break;
      }
      case 0x8b: {
        // LONG4
        if (pos + 4 > end) throw truncatedError(label, end, op, opPos);
        const n = buf.readInt32LE(pos);
        pos += 4;
        if (n < 0) throw corruptError(label, 'LONG4 has a negative length', op, opPos);
        if (n > maxLongBytes) throw hostileError(label, `it holds a ${fmt(n)}-byte integer (limit ${fmt(maxLongBytes)} bytes)`);
        if (pos + n > end) throw lengthError(label, end, op, opPos, n, end - pos);
        stack.push(decodeLong(buf, pos, n));
        pos += n;
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        if (stack.length - 2 < fence) throw underflowError(label, op, opPos);
        const name = stack.pop() as PyValue;
        const module = stack.pop() as PyValue;
        if (typeof module !== 'string' || typeof name !== 'string')
          throw corruptError(label, 'STACK_GLOBAL needs a module name and a name (two strings)', op, opPos);
        const g = new PyGlobal(module, name);
        globals.add(g.canonical);
        stack.push(g);
        break;
      }
      case 0x63: {
        // GLOBAL
        const nl1 = lineEnd(buf, pos, label, op, opPos);
        const module = utf8(buf, pos, nl1);
        const nl2 = lineEnd(buf, nl1 + 1, label, op, opPos);
        const name = utf8(buf, nl1 + 1, nl2);
        pos = nl2 + 1;
        const g = new PyGlobal(module, name);
        globals.add(g.canonical);
        stack.push(g);
        break;
      }
      case 0x81: {
        // NEWOBJ
        if (stack.length - 2 < fence) throw underflowError(label, op, opPos);
        const args = stack.pop() as PyValue;
        const cls = stack.pop() as PyValue;
        if (!(args instanceof PyTuple)) throw corruptError(label, 'NEWOBJ needs a tuple of arguments', op, opPos);
        stack.push(makeCall(cls, args.items, 'newobj', null, recognize));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        if (stack.length - 3 < fence) throw underflowError(label, op, opPos);
        const kwargs = stack.pop() as PyValue;
        const args = stack.pop() as PyValue;
        const cls = stack.pop() as PyValue;
        if (!(args instanceof PyTuple)) throw corruptError(label, 'NEWOBJ_EX needs a tuple of arguments', op, opPos);
        stack.push(makeCall(cls, args.items, 'newobj_ex', kwargs, recognize));
        break;
      }
      case 0x62: {
        // BUILD
        if (stack.length - 2 < fence) throw underflowError(label, op, opPos);
        const state = stack.pop() as PyValue;
        const obj = stack[stack.length - 1];
        if (obj instanceof PyCall) obj.state = obj.state === undefined ? state : new PyTuple([obj.state, state]);
        // BUILD on plain data (a dict read from an OrderedDict call, say) only sets attributes: nothing to keep.
        break;
      }
      case 0x69: {
        // INST
        const nl1 = lineEnd(buf, pos, label, op, opPos);
        const module = utf8(buf, pos, nl1);
        const nl2 = lineEnd(buf, nl1 + 1, label, op, opPos);
        const name = utf8(buf, nl1 + 1, nl2);
        pos = nl2 + 1;
        const k = popMark();
        const args = stack.slice(k);
        stack.length = k;
        elements += args.length;
        if (elements > maxElements) throw tooManyElements(label, maxElements);
        const g = new PyGlobal(module, name);
        globals.add(g.canonical);
        stack.push(makeCall(g, args, 'inst', null, recognize));
        break;
      }
      case 0x6f: {
        // OBJ
        const k = popMark();
        const items = stack.slice(k);
        stack.length = k;
        if (items.length === 0) throw corruptError(label, 'OBJ needs a class', op, opPos);
        elements += items.length;
        if (elements > maxElements) throw tooManyElements(label, maxElements);
        stack.push(makeCall(items[0] as PyValue, items.slice(1), 'obj', null, recognize));
        break;
      }
      case 0x95: {
        // FRAME: only a read-ahead hint; check that the frame is all there.
        const n = readU64(buf, pos, end, label, op, opPos);
        pos += 8;
        if (pos + n > end) throw lengthError(label, end, op, opPos, n, end - pos);
        break;
      }
      case 0x80: // PROTO
        if (pos >= end) throw truncatedError(label, end, op, opPos);
        protocol = buf[pos++] as number;
        if (protocol > 5)
          throw new ReadError('unsupported', `${cap(label)} uses pickle protocol ${protocol}, newer than the protocols SimDeck reads (0 to 5).`);
        break;
      case 0x2e: // STOP
        if (stack.length <= fence) throw underflowError(label, op, opPos);
        return { value: stack.pop() as PyValue, protocol, globals: [...globals], ops };
      case 0x30: // POP: the top value, or the innermost MARK when nothing sits above it
        if (stack.length > fence) stack.pop();
        else {
          if (marks.pop() === undefined) throw underflowError(label, op, opPos);
          resetFence();
        }
        break;
      case 0x31: {
        // POP_MARK
        const k = popMark();
        stack.length = k;
        break;
      }
      case 0x32: // DUP
        if (stack.length <= fence) throw underflowError(label, op, opPos);
        if (fresh.count) fresh.forget(stack[stack.length - 1] as PyValue);
        stack.push(stack[stack.length - 1] as PyValue);
        break;
      case 0x64: {
        // DICT
        const k = popMark();
        const n = stack.length - k;
        if (n & 1) throw corruptError(label, 'DICT got an odd number of values', op, opPos);
        elements += n >> 1;
        if (elements > maxElements) throw tooManyElements(label, maxElements);
        const d: PyDict = {};
        for (let i = k; i < stack.length; i += 2) dictSet(d, stack[i] as PyValue, stack[i + 1] as PyValue);
        stack.length = k;
        stack.push(d);
        break;
      }
      case 0x6c: {
        // LIST
        const k = popMark();
        elements += stack.length - k;
        if (elements > maxElements) throw tooManyElements(label, maxElements);
        const items = stack.slice(k);
        stack.length = k;
        stack.push(items);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push(new PySet([], false));
        break;
      case 0x90: {
        // ADDITEMS
        const k = popMark();
        elements += stack.length - k;
        if (elements > maxElements) throw tooManyElements(label, maxElements);
        if (k <= fence) throw underflowError(label, op, opPos);
        const s = stack[k - 1];
        let into: PyValue[];
        if (s instanceof PySet && !s.frozen) into = s.items;
        else if (s instanceof PyCall) into = s.setItems ??= [];
        else throw corruptError(label, 'ADDITEMS needs a set', op, opPos);
        for (let i = k; i < stack.length; i++) into.push(stack[i] as PyValue);
        stack.length = k;
        break;
      }
      case 0x91: {
        // FROZENSET
        const k = popMark();
        elements += stack.length - k;
        if (elements > maxElements) throw tooManyElements(label, maxElements);
        const items = stack.slice(k);
        stack.length = k;
        stack.push(new PySet(items, true));
        break;
      }
      case 0x49: {
        // INT (protocol 0): decimal text, or 01/00 for True/False
        const nl = lineEnd(buf, pos, label, op, opPos);
        const line = latin1(buf, pos, nl).trim();
        pos = nl + 1;
        if (line === '01') stack.push(true);
        else if (line === '00') stack.push(false);
        else stack.push(parseDecimal(line.replace(/L$/, ''), label, op, opPos, maxLongBytes));
        break;
      }
      case 0x4c: {
        // LONG (protocol 0)
        const nl = lineEnd(buf, pos, label, op, opPos);
        const line = latin1(buf, pos, nl).trim();
        pos = nl + 1;
        stack.push(parseDecimal(line.replace(/L$/, ''), label, op, opPos, maxLongBytes));
        break;
      }
      case 0x46: {
        // FLOAT (protocol 0)
        const nl = lineEnd(buf, pos, label, op, opPos);
        const line = latin1(buf, pos, nl).trim();
        pos = nl + 1;
        const special = SPECIAL_FLOATS.get(line.toLowerCase());
        const v = special ?? (line === '' ? NaN : Number(line));
        if (Number.isNaN(v) && special === undefined) throw corruptError(label, `FLOAT holds "${line.slice(0, 40)}", which is not a number`, op, opPos);
        stack.push(v);
        break;
      }
      case 0x53: {
        // STRING (protocol 0): a quoted Python 2 str literal
        const nl = lineEnd(buf, pos, label, op, opPos);
        const line = latin1(buf, pos, nl).trimEnd();
        pos = nl + 1;
        stack.push(unquotePy2(line, label, op, opPos));
        break;
      }
      case 0x56: {
        // UNICODE (protocol 0): raw-unicode-escape
        const nl = lineEnd(buf, pos, label, op, opPos);
        stack.push(rawUnicodeEscape(latin1(buf, pos, nl)));
        pos = nl + 1;
        break;
      }
      case 0x67: {
        // GET
        const nl = lineEnd(buf, pos, label, op, opPos);
        const line = latin1(buf, pos, nl).trim();
        pos = nl + 1;
        if (!/^\d+$/.test(line)) throw corruptError(label, 'GET needs a memo slot number', op, opPos);
        const v = memo[Number(line)];
        if (v === undefined) throw missingMemoError(label, Number(line), op, opPos);
        if (fresh.count) fresh.referenced(Number(line));
        stack.push(v);
        break;
      }
      case 0x70: {
        // PUT
        const nl = lineEnd(buf, pos, label, op, opPos);
        const line = latin1(buf, pos, nl).trim();
        pos = nl + 1;
        if (!/^\d+$/.test(line)) throw corruptError(label, 'PUT needs a memo slot number', op, opPos);
        if (stack.length <= fence) throw underflowError(label, op, opPos);
        if (fresh.count) fresh.memoized(stack[stack.length - 1] as PyValue, Number(line));
        memoCount = putMemo(memo, memoCount, Number(line), stack[stack.length - 1] as PyValue, maxMemo, label);
        break;
      }
      case 0x50: {
        // PERSID
        const nl = lineEnd(buf, pos, label, op, opPos);
        stack.push(new PyPersistent(utf8(buf, pos, nl)));
        pos = nl + 1;
        break;
      }
      case 0x51: // BINPERSID
        if (stack.length <= fence) throw underflowError(label, op, opPos);
        stack.push(new PyPersistent(stack.pop() as PyValue));
        break;
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: {
        // EXT4: a code from copyreg's extension registry, which names a global. Kept as an inert name.
        const n = op === 0x82 ? 1 : op === 0x83 ? 2 : 4;
        if (pos + n > end) throw truncatedError(label, end, op, opPos);
        const code = n === 4 ? buf.readInt32LE(pos) : buf.readUIntLE(pos, n);
        pos += n;
        const g = new PyGlobal('copyreg._extension_registry', String(code));
        globals.add(g.canonical);
        stack.push(g);
        break;
      }
      case 0x97: // NEXT_BUFFER
        throw new ReadError(
          'unsupported',
          `${cap(label)} refers to an out-of-band buffer (pickle protocol 5 NEXT_BUFFER at byte ${fmt(opPos)}): that data was never written into the file, so the file cannot be read on its own.`,
        );
      case 0x98: // READONLY_BUFFER: marks the in-band buffer on top of the stack read-only; nothing to do.
        if (stack.length <= fence) throw underflowError(label, op, opPos);
        break;
      default:
        if (ops === 1)
          throw new ReadError('corrupt', `${cap(label)} is not a pickle: it starts with byte 0x${hex2(op)}, which is no pickle opcode.`);
        throw corruptError(label, `byte 0x${hex2(op)} is no pickle opcode`, op, opPos);
    }
  }
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** Dicts with more keys than this are built from a template (see FreshDicts). */
const FAST_DICT_MIN_KEYS = 17;
const MAX_PENDING = 32;
const MAX_TEMPLATES = 16;

/**
 * V8 keeps an object's properties in fast, compact form only up to a dozen or so keys added by computed name;
 * beyond that it switches the object to a slow hash table (2-4 times the memory, slower to walk). A scorefile's
 * `instance` dicts have 30-50 keys, a hundred thousand times over with the same keys. So a dict that is still
 * empty when SETITEMS fills it with many string keys is built instead by cloning a template object with those
 * keys (a fast-mode clone) and storing the values, and the new object replaces the empty one on the stack and in
 * the memo. That is only correct while nothing else refers to the empty dict, so this tracks the fresh dicts:
 * one fetched from the memo (GET), duplicated (DUP), memoized twice or filled by SETITEM is left alone.
 */
class FreshDicts {
  count = 0;
  private readonly objs: (PyDict | null)[] = [];
  private readonly slots: number[] = [];
  private readonly templates = new Map<string, { keys: PyValue[]; proto: PyDict }>();

  created(d: PyDict): void {
    if (this.count === MAX_PENDING) {
      this.objs.shift();
      this.slots.shift();
      this.count--;
    }
    this.objs[this.count] = d;
    this.slots[this.count] = -1;
    this.count++;
  }

  /** `v` was stored in memo slot `slot`. */
  memoized(v: PyValue, slot: number): void {
    for (let i = this.count - 1; i >= 0; i--)
      if (this.objs[i] === v) {
        if (this.slots[i] === -1) this.slots[i] = slot;
        else this.objs[i] = null; // memoized twice: leave it alone
        return;
      }
  }

  /** Memo slot `slot` was fetched: if it holds a fresh dict, that dict is now referenced elsewhere. */
  referenced(slot: number): void {
    for (let i = this.count - 1; i >= 0; i--) if (this.slots[i] === slot) this.objs[i] = null;
  }

  forget(v: PyValue): void {
    for (let i = this.count - 1; i >= 0; i--) if (this.objs[i] === v) this.objs[i] = null;
  }

  /** SETITEMS on `d` with the pairs stack[k..]: a fast-mode replacement for `d`, or null to fill `d` itself. */
  fill(d: PyDict, stack: PyValue[], k: number, memo: PyValue[]): PyDict | null {
    let i = this.count - 1;
    while (i >= 0 && this.objs[i] !== d) i--;
    if (i < 0) return null;
    const slot = this.slots[i] as number;
    this.count = i; // d and anything made after it are no longer fresh
    const pairs = (stack.length - k) >> 1;
    if (pairs < FAST_DICT_MIN_KEYS) return null;
    for (const _key in d) return null; // not empty after all
    const t = this.template(stack, k, pairs);
    if (!t) return null;
    const out: PyDict = { ...t.proto };
    for (let j = k; j < stack.length; j += 2) out[stack[j] as string] = stack[j + 1] as PyValue;
    // The filled object becomes the template: its field representations match the data, so the next clone
    // needs no map migration.
    t.proto = out;
    if (slot >= 0 && memo[slot] === d) memo[slot] = out;
    return out;
  }

  private template(stack: PyValue[], k: number, pairs: number): { keys: PyValue[]; proto: PyDict } | null {
    const first = stack[k];
    const last = stack[k + 2 * (pairs - 1)];
    if (typeof first !== 'string' || typeof last !== 'string') return null;
    const sig = `${pairs}\u0000${first}\u0000${last}`;
    const t = this.templates.get(sig);
    if (t) {
      let same = true;
      for (let j = 0; j < pairs; j++)
        if (t.keys[j] !== stack[k + 2 * j]) {
          same = false;
          break;
        }
      if (same) return t;
    }
    const keys: PyValue[] = [];
    const shape: Record<string, null> = {};
    for (let j = 0; j < pairs; j++) {
      const key = stack[k + 2 * j];
      if (typeof key !== 'string' || key === '__proto__') return null;
      keys.push(key);
      shape[key] = null;
    }
    // JSON.parse builds fast-mode objects whatever their size (data only: the keys are quoted by JSON.stringify).
    const made = { keys, proto: JSON.parse(JSON.stringify(shape)) as PyDict };
    if (this.templates.size >= MAX_TEMPLATES) this.templates.clear();
    this.templates.set(sig, made);
    return made;
  }
}

const EMPTY_TUPLE = new PyTuple(Object.freeze([]) as unknown as PyValue[]);

function truncatedError(label: string, end: number, op: number, opPos: number): ReadError {
  return new ReadError('truncated', `${cap(label)} ends early (${fmt(end)} bytes, inside ${opName(op)} at byte ${fmt(opPos)}): the file was cut short or only partly copied.`);
}

function lengthError(label: string, end: number, op: number, opPos: number, n: number, left: number): ReadError {
  return new ReadError(
    'truncated',
    `${cap(label)} ends early (${fmt(end)} bytes): ${opName(op)} at byte ${fmt(opPos)} announces ${fmt(n)} bytes but only ${fmt(Math.max(0, left))} remain. The file was cut short or only partly copied.`,
  );
}

function corruptError(label: string, why: string, op: number, opPos: number): ReadError {
  return new ReadError('corrupt', `${cap(label)} is corrupt: ${why} (${opName(op)} at byte ${fmt(opPos)}).`);
}

function underflowError(label: string, op: number, opPos: number): ReadError {
  return corruptError(label, 'an opcode needs more values than the pickle stack holds', op, opPos);
}

function noMarkError(label: string, op: number, opPos: number): ReadError {
  return corruptError(label, 'an opcode expects a MARK that is not there', op, opPos);
}

function missingMemoError(label: string, idx: number, op: number, opPos: number): ReadError {
  return corruptError(label, `it refers to memo slot ${fmt(idx)}, which was never stored`, op, opPos);
}

function hostileError(label: string, why: string): ReadError {
  return new ReadError(
    'hostile',
    `${cap(label)} was refused: ${why}. A genuine PyRosettaCluster file never does this; the file may be damaged or crafted to exhaust memory.`,
  );
}

function tooManyElements(label: string, max: number): ReadError {
  return hostileError(label, `it builds more than ${fmt(max)} container elements`);
}

/** Python's memo[idx] = v. Returns the new number of entries. */
function putMemo(memo: PyValue[], count: number, idx: number, v: PyValue, maxMemo: number, label: string): number {
  if (idx >= maxMemo) throw hostileError(label, `it stores into memo slot ${fmt(idx)}, beyond the limit of ${fmt(maxMemo)} slots`);
  if (memo[idx] === undefined) {
    if (++count > maxMemo) throw hostileError(label, `it stores more than ${fmt(maxMemo)} memo entries`);
    // Keep the memo a dense array: fill any gap (bounded by maxMemo).
    while (memo.length < idx) memo.push(undefined as unknown as PyValue);
  }
  memo[idx] = v;
  return count;
}

function lineEnd(buf: Buffer, from: number, label: string, op: number, opPos: number): number {
  const nl = buf.indexOf(0x0a, from);
  if (nl < 0) throw truncatedError(label, buf.length, op, opPos);
  return nl;
}

function readU64(buf: Buffer, pos: number, end: number, label: string, op: number, opPos: number): number {
  if (pos + 8 > end) throw truncatedError(label, end, op, opPos);
  const lo = buf.readUInt32LE(pos);
  const hi = buf.readUInt32LE(pos + 4);
  // Anything past 2^53 cannot be in a file; report it as the truncation it amounts to.
  if (hi >= 0x200000) throw lengthError(label, end, op, opPos, Number.MAX_SAFE_INTEGER, end - pos - 8);
  return hi * 0x100000000 + lo;
}

function dictTarget(t: PyValue, label: string, op: number, opPos: number): PyDict {
  if (isPyDict(t)) return t;
  if (t instanceof PyCall) return (t.dictItems ??= {});
  throw corruptError(label, 'SETITEM(S) needs a dict', op, opPos);
}

function listTarget(t: PyValue, label: string, op: number, opPos: number): PyValue[] {
  if (Array.isArray(t)) return t;
  if (t instanceof PyCall) return (t.listItems ??= []);
  throw corruptError(label, 'APPEND(S) needs a list', op, opPos);
}

function makeCall(callable: PyValue, args: PyValue[], kind: PyCallKind, kwargs: PyValue, recognize: boolean): PyValue {
  if (recognize && callable instanceof PyGlobal) {
    const data = dataCall(callable.canonical, args);
    if (data !== undefined) return data;
  }
  return new PyCall(callable, args, kind, kwargs);
}

// Node's Buffer has undocumented but long-standing latin1Slice/utf8Slice methods that skip toString()'s argument
// handling; they matter when a scorefile holds millions of short strings. Fall back to toString() without them.
interface SliceBuffer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}
const fastSlices = typeof (Buffer.prototype as unknown as Partial<SliceBuffer>).latin1Slice === 'function' &&
  typeof (Buffer.prototype as unknown as Partial<SliceBuffer>).utf8Slice === 'function';
const latin1 = fastSlices
  ? (b: Buffer, s: number, e: number) => (b as unknown as SliceBuffer).latin1Slice(s, e)
  : (b: Buffer, s: number, e: number) => b.toString('latin1', s, e);
const utf8Slow = fastSlices
  ? (b: Buffer, s: number, e: number) => (b as unknown as SliceBuffer).utf8Slice(s, e)
  : (b: Buffer, s: number, e: number) => b.toString('utf8', s, e);

/** Capitalise a generic label ("this pickle" → "This pickle"); file names stay as they are. */
const cap = (s: string) => (/^(this|the|a|an) /.test(s) ? s.charAt(0).toUpperCase() + s.slice(1) : s);

const SPECIAL_FLOATS = new Map([
  ['inf', Infinity],
  ['+inf', Infinity],
  ['-inf', -Infinity],
  ['nan', NaN],
  ['-nan', NaN],
]);

/** The calls that only rebuild plain data. Returns undefined for anything else (kept as an inert PyCall). */
function dataCall(name: string, args: PyValue[]): PyValue | undefined {
  switch (name) {
    case 'collections.OrderedDict':
      return args.length === 0 ? {} : undefined;
    case 'builtins.set':
    case 'builtins.frozenset': {
      const frozen = name === 'builtins.frozenset';
      if (args.length === 0) return new PySet([], frozen);
      const a = args[0];
      if (args.length === 1 && Array.isArray(a)) return new PySet([...a], frozen);
      if (args.length === 1 && a instanceof PyTuple) return new PySet([...a.items], frozen);
      return undefined;
    }
    case '_codecs.encode': {
      // How protocols 0-2 (written by Python 3) store bytes: _codecs.encode('<latin-1 text>', 'latin1').
      const [s, enc] = args;
      if (args.length === 2 && typeof s === 'string' && (enc === 'latin1' || enc === 'latin-1')) return Buffer.from(s, 'latin1');
      return undefined;
    }
    case 'builtins.bytes':
      return args.length === 0 ? Buffer.alloc(0) : undefined;
    case 'builtins.bytearray': {
      const [s, enc] = args;
      if (args.length === 0) return new PyByteArray(Buffer.alloc(0));
      if (args.length === 2 && typeof s === 'string' && (enc === 'latin1' || enc === 'latin-1')) return new PyByteArray(Buffer.from(s, 'latin1'));
      if (args.length === 1 && Buffer.isBuffer(s)) return new PyByteArray(Buffer.from(s));
      return undefined;
    }
    default:
      return undefined;
  }
}

// Short ASCII strings repeat a great deal in a scorefile (every row's dict keys and most of its values), but
// pandas memoizes only within a row. A small direct-mapped cache hands back the string already made for the
// same bytes: fewer allocations, far less garbage-collector work, and dict keys V8 has already internalised.
const CACHE_BITS = 13;
const CACHE_MASK = (1 << CACHE_BITS) - 1;
const CACHE_MAX_LENGTH = 64;
const stringCache: string[] = new Array<string>(1 << CACHE_BITS).fill('');

/** UTF-8 text from buf[a, b). */
function utf8(buf: Buffer, a: number, b: number): string {
  const n = b - a;
  if (n > CACHE_MAX_LENGTH || n === 0) return n === 0 ? '' : utf8Slow(buf, a, b);
  // Hash the length and five sampled bytes (O(1)); a hit is confirmed byte by byte.
  let h = Math.imul(n, 0x9e3779b1);
  h = Math.imul(h ^ (buf[a] as number), 0x85ebca6b);
  h = Math.imul(h ^ (buf[b - 1] as number), 0xc2b2ae35);
  h = Math.imul(h ^ (buf[a + (n >> 1)] as number), 0x27d4eb2f);
  h = Math.imul(h ^ (buf[a + (n >> 2)] as number), 0x165667b1);
  h = Math.imul(h ^ (buf[b - 1 - (n >> 2)] as number), 0x9e3779b1);
  const slot = (h ^ (h >>> 15)) & CACHE_MASK;
  const s = stringCache[slot] as string;
  if (s.length === n) {
    let i = 0;
    while (i < n && s.charCodeAt(i) === buf[a + i]) i++;
    if (i === n) return s;
  }
  const t = utf8Slow(buf, a, b);
  // Cache pure-ASCII strings only (one char per byte), so a byte-by-byte match means the same text.
  if (t.length === n) stringCache[slot] = t;
  return t;
}

/** Little-endian two's-complement integer of n bytes: a number when it is exact, else a bigint. */
function decodeLong(buf: Buffer, a: number, n: number): number | bigint {
  if (n === 0) return 0;
  if (n <= 6) return buf.readIntLE(a, n);
  const be = Buffer.from(buf.subarray(a, a + n)).reverse();
  let v = BigInt('0x' + be.toString('hex'));
  if ((be[0] as number) & 0x80) v -= 1n << BigInt(8 * n);
  return narrow(v);
}

function narrow(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

function parseDecimal(s: string, label: string, op: number, opPos: number, maxLongBytes: number): number | bigint {
  if (!/^[-+]?\d+$/.test(s)) throw corruptError(label, `"${s.slice(0, 40)}" is not an integer`, op, opPos);
  if (s.length > maxLongBytes * 2.5) throw hostileError(label, `it holds a ${fmt(s.length)}-digit integer`);
  if (s.length <= 15) return Number(s);
  return narrow(BigInt(s));
}

/** A Python 2 str literal as repr() writes it ('...' or "..." with backslash escapes), read as latin-1 text. */
function unquotePy2(s: string, label: string, op: number, opPos: number): string {
  const q = s.charAt(0);
  if (s.length < 2 || (q !== "'" && q !== '"') || s.charAt(s.length - 1) !== q) throw corruptError(label, 'STRING needs a quoted string', op, opPos);
  const body = s.slice(1, -1);
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body.charAt(++i);
    switch (e) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\n': break;
      case 'x': {
        const h = body.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(h)) throw corruptError(label, 'STRING has a bad \\x escape', op, opPos);
        out += String.fromCharCode(parseInt(h, 16));
        i += 2;
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          let j = i;
          while (j < i + 3 && body.charAt(j) >= '0' && body.charAt(j) <= '7') j++;
          out += String.fromCharCode(parseInt(body.slice(i, j), 8) & 0xff);
          i = j - 1;
        } else out += e === '\\' || e === "'" || e === '"' ? e : '\\' + e;
    }
  }
  return out;
}

/** Python's raw-unicode-escape: bytes are latin-1, except \uXXXX and \UXXXXXXXX escapes. */
function rawUnicodeEscape(latin1: string): string {
  if (!latin1.includes('\\')) return latin1;
  return latin1.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (m, u4: string | undefined, u8: string | undefined) => {
    const cp = parseInt((u4 ?? u8) as string, 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}
