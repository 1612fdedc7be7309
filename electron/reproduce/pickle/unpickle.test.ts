import { beforeAll, describe, expect, it } from 'vitest';
import { ReadError } from '../types.js';
import { hasFixturePython, runPython } from '../testing/fixtures.js';
import {
  PyCall,
  PyGlobal,
  PySet,
  PyTuple,
  PyByteArray,
  asDict,
  dictEntries,
  dictGet,
  isPyDict,
  toPlain,
  unpickle,
  unpickleDetailed,
} from './index.js';
import type { PyValue ,
  PyPersistent} from './index.js';

const plain = (v: PyValue) => toPlain(v, { budget: { left: 1e6 }, maxDepth: 100, label: 'test' });
const bytes = (...parts: (number[] | string | Buffer)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.isBuffer(p) ? p : Buffer.from(p))));
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

function readError(fn: () => unknown): ReadError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ReadError);
    return e as ReadError;
  }
  throw new Error('expected a ReadError');
}

const py = hasFixturePython();

describe.skipIf(!py)('unpickling what real Python writes, protocols 0 to 5', () => {
  let pickles: Buffer[] = [];
  beforeAll(() => {
    const out = runPython(`
import base64, collections, json, pickle, sys
shared = [1, 2]
obj = collections.OrderedDict()
obj["str"] = "h\\u00e9llo \\U0001F600 \\n\\\\ 'q' \\"dq\\""
obj["ints"] = [0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31 - 1, 2**31, 2**53, 2**64 + 1, -(2**70)]
obj["floats"] = [0.5, -1.25e-300, 1e308, float("inf"), float("-inf")]
obj["nan"] = float("nan")
obj["bytes"] = b"\\x00\\xff abc"
obj["bytearray"] = bytearray(b"xyz")
obj["tuple"] = (1, ("nested", ()), [])
obj["set"] = {3}
obj["frozenset"] = frozenset({"a"})
obj["consts"] = [None, True, False]
obj["shared"] = [shared, shared]
obj["dict_int_keys"] = {1: "one", "two": 2}
obj["empty"] = {}
selfref = []
selfref.append(selfref)
obj["selfref"] = selfref
obj["big"] = {f"key{i}": i for i in range(30)}
obj["big_shared"] = [obj["big"], obj["big"]]
big_self = {f"k{i}": str(i) for i in range(20)}
big_self["self"] = big_self
obj["big_self"] = big_self
print(json.dumps([base64.b64encode(pickle.dumps(obj, protocol=p)).decode() for p in range(6)]))
`);
    pickles = (JSON.parse(out.toString()) as string[]).map((b) => Buffer.from(b, 'base64'));
  });

  for (let p = 0; p <= 5; p++) {
    it(`protocol ${p}`, () => {
      const r = unpickleDetailed(pickles[p] as Buffer);
      expect(r.protocol).toBe(p < 2 ? 0 : p);
      const v = r.value;
      expect(isPyDict(v)).toBe(true);
      const d = v as Record<string, PyValue>;
      expect(d.ints).toEqual([0, 1, -1, 255, 256, 65535, 65536, -(2 ** 31), 2 ** 31 - 1, 2 ** 31, 2n ** 53n, 2n ** 64n + 1n, -(2n ** 70n)]);
      expect(Number.isNaN(d.nan)).toBe(true);
      expect(Buffer.isBuffer(d.bytes) && (d.bytes as Buffer).equals(Buffer.from([0, 0xff, 0x20, 0x61, 0x62, 0x63]))).toBe(true);
      expect(d.bytearray).toBeInstanceOf(PyByteArray);
      expect(d.set).toBeInstanceOf(PySet);
      expect((d.frozenset as PySet).frozen).toBe(true);
      // The same Python list, pickled once and referenced twice, is one JS array.
      const shared = d.shared as PyValue[][];
      expect(shared[0]).toBe(shared[1]);
      expect(dictEntries(d.dict_int_keys as Record<string, PyValue>)).toEqual([
        ['two', 2],
        [1, 'one'],
      ]);
      // Dicts with many keys are built from templates (fast V8 objects); identity and self-references hold.
      const big = d.big as Record<string, PyValue>;
      expect(Object.keys(big)).toEqual(Array.from({ length: 30 }, (_, i) => `key${i}`));
      expect((d.big_shared as PyValue[])[0]).toBe(big);
      expect((d.big_shared as PyValue[])[1]).toBe(big);
      const bigSelf = d.big_self as Record<string, PyValue>;
      expect(bigSelf.self).toBe(bigSelf);
      expect(bigSelf.k19).toBe('19');
      const { nan: _nan, big: _big, big_shared: _shared, big_self: bigSelfPlain, ...rest } = plain(v) as Record<string, unknown>;
      expect((bigSelfPlain as Record<string, unknown>).self).toBe('<recursive reference>');
      expect(rest).toEqual({
        str: "héllo 😀 \n\\ 'q' \"dq\"",
        ints: [0, 1, -1, 255, 256, 65535, 65536, -2147483648, 2147483647, 2147483648, '9007199254740992', '18446744073709551617', '-1180591620717411303424'],
        floats: [0.5, -1.25e-300, 1e308, Infinity, -Infinity],
        bytes: '<bytes: 6 bytes>',
        bytearray: '<bytearray: 3 bytes>',
        tuple: [1, ['nested', []], []],
        set: [3],
        frozenset: ['a'],
        consts: [null, true, false],
        shared: [
          [1, 2],
          [1, 2],
        ],
        dict_int_keys: { two: 2, 1: 'one' },
        empty: {},
        selfref: ['<recursive reference>'],
      });
    });
  }
});

describe('opcodes', () => {
  it('reads protocol 4/5 framing, memo and the 8-byte-length opcodes', () => {
    const body = bytes(
      [0x5d, 0x94], // EMPTY_LIST, MEMOIZE (0)
      [0x28], // MARK
      [0x8d],
      u64(3),
      'abc', // BINUNICODE8
      [0x8e],
      u64(2),
      [1, 2], // BINBYTES8
      [0x96],
      u64(1),
      [9], // BYTEARRAY8
      [0x98], // READONLY_BUFFER (no-op on the bytearray)
      [0x8a, 9, 1, 0, 0, 0, 0, 0, 0, 0, 1], // LONG1 2**64 + 1
      [0x8a, 2, 0xff, 0x7f], // LONG1 32767
      [0x8a, 1, 0xff], // LONG1 -1
      [0x8b],
      u32(1),
      [0x80], // LONG4 -128
      [0x8c, 2],
      'hi',
      [0x32], // DUP
      [0x65], // APPENDS
      [0x68, 0], // BINGET 0: the list again
      [0x86], // TUPLE2 (list, list)
      [0x2e],
    );
    const data = bytes([0x80, 5, 0x95], u64(body.length), body);
    const v = unpickle(data) as PyTuple;
    expect(v).toBeInstanceOf(PyTuple);
    expect(v.items[0]).toBe(v.items[1]);
    const list = v.items[0] as PyValue[];
    expect(list[0]).toBe('abc');
    expect((list[1] as Buffer).equals(Buffer.from([1, 2]))).toBe(true);
    expect((list[2] as PyByteArray).data.equals(Buffer.from([9]))).toBe(true);
    expect(list.slice(3)).toEqual([2n ** 64n + 1n, 32767, -1, -128, 'hi', 'hi']);
  });

  it('turns globals and calls into inert stubs, never resolving them', () => {
    const data = bytes(
      [0x80, 4],
      [0x8c, 2],
      'os',
      [0x8c, 6],
      'system',
      [0x93], // STACK_GLOBAL os.system
      [0x8c, 9],
      'rm -rf /x',
      [0x85, 0x52], // TUPLE1, REDUCE
      [0x8c, 6],
      'pandas',
      [0x8c, 9],
      'DataFrame',
      [0x93, 0x29, 0x81], // STACK_GLOBAL, EMPTY_TUPLE, NEWOBJ
      [0x7d, 0x8c, 1],
      'a',
      [0x4b, 1, 0x73], // {}, 'a', 1, SETITEM
      [0x62], // BUILD
      [0x86, 0x2e],
    );
    const r = unpickleDetailed(data);
    expect(r.globals).toEqual(['os.system', 'pandas.DataFrame']);
    const [call, obj] = (r.value as PyTuple).items as [PyCall, PyCall];
    expect(call).toBeInstanceOf(PyCall);
    expect(call.$call).toEqual(new PyGlobal('os', 'system'));
    expect((call.$call as PyGlobal).$global).toBe('os.system');
    expect(call.args).toEqual(['rm -rf /x']);
    expect(call.kind).toBe('reduce');
    expect(obj.kind).toBe('newobj');
    expect(obj.state).toEqual({ a: 1 });
    expect(plain(r.value)).toEqual(['<os.system object>', '<pandas.DataFrame object>']);
  });

  it('reads protocol 0 INST/OBJ/PERSID/GET/PUT and NEWOBJ_EX, EXT, BINPERSID as inert nodes', () => {
    const data = bytes(
      '(lp0\n', // MARK, LIST, PUT 0
      '(S\'x\'\nimod\nCls\n', // INST mod.Cls('x')
      'a', // APPEND
      '(cmod\nOther\nI7\no', // OBJ mod.Other(7)
      'a',
      'Ppid-1\na', // PERSID
      'g0\na', // GET 0: the list appended to itself
      [0x82, 5], // EXT1 5
      'a',
      [0x4b, 3, 0x51], // BININT1 3, BINPERSID
      'a',
      'cmod\nKw\n',
      [0x29, 0x7d, 0x92], // EMPTY_TUPLE, EMPTY_DICT, NEWOBJ_EX
      'a.',
    );
    const v = unpickle(data) as PyValue[];
    expect(v).toHaveLength(7);
    const [inst, obj, pers, self, ext, binpers, ex] = v as [PyCall, PyCall, PyPersistent, PyValue, PyGlobal, PyPersistent, PyCall];
    expect(inst.kind).toBe('inst');
    expect((inst.$call as PyGlobal).$global).toBe('mod.Cls');
    expect(inst.args).toEqual(['x']);
    expect(obj.kind).toBe('obj');
    expect(obj.args).toEqual([7]);
    expect(pers.$persistent).toBe('pid-1');
    expect(self).toBe(v);
    expect(ext.$global).toBe('copyreg._extension_registry.5');
    expect(binpers.$persistent).toBe(3);
    expect(ex.kind).toBe('newobj_ex');
  });

  it('handles POP, POP_MARK and protocol 0 literals', () => {
    const data = bytes("(I01\nI00\nL12345678901234567890L\nF-0.5\nFinf\nVa\\u00e9\\U0001f600\nS'a\\'b\\x41\\n'\nN", [0x30], 't.');
    expect(unpickle(data)).toEqual(new PyTuple([true, false, 12345678901234567890n, -0.5, Infinity, 'aé😀', "a'bA\n"]));
    expect(unpickle(bytes('(K\x01K\x021N.'))).toBe(null);
  });

  it('refuses out-of-band buffers clearly', () => {
    const e = readError(() => unpickle(bytes([0x80, 5, 0x97, 0x2e])));
    expect(e.kind).toBe('unsupported');
    expect(e.message).toMatch(/out-of-band buffer .*NEXT_BUFFER/);
  });

  it('says when the bytes are not a pickle at all, or from a newer protocol', () => {
    expect(readError(() => unpickle(Buffer.from('xyz'))).message).toMatch(/is not a pickle/);
    expect(readError(() => unpickle(bytes([0x80, 6, 0x4e, 0x2e]))).kind).toBe('unsupported');
  });
});

describe('bounds and damage', () => {
  const good = bytes([0x80, 4, 0x95], u64(25), [0x7d, 0x94, 0x28, 0x8c, 1], 'k', [0x5d, 0x94, 0x4b, 1, 0x4b, 2, 0x86, 0x61, 0x8c, 1], 'x', [0x47, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0x75, 0x2e]);

  it('reads the sample', () => {
    expect(plain(unpickle(good))).toEqual({ k: [[1, 2]], x: 1 });
  });

  it('reports every cut-off prefix as truncated, never crashing', () => {
    for (let n = 0; n < good.length; n++) expect(readError(() => unpickle(good.subarray(0, n))).kind).toBe('truncated');
  });

  it('reports damage as ReadError only, whatever the bytes', () => {
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
    for (let t = 0; t < 3000; t++) {
      const b = Buffer.from(good);
      for (let k = 0; k < 3; k++) b[2 + (rnd() % (b.length - 2))] = rnd();
      try {
        unpickle(b, { maxElements: 10_000 });
      } catch (e) {
        expect(e).toBeInstanceOf(ReadError);
      }
    }
  });

  it('refuses too many operations, memo slots, nesting and elements', () => {
    expect(readError(() => unpickle(good, { maxOps: 5 })).message).toMatch(/more than 5 operations/);
    const hugeMemo = bytes([0x80, 4, 0x4e, 0x72], u32(0x7fffffff), [0x2e]);
    const e = readError(() => unpickle(hugeMemo));
    expect(e.kind).toBe('hostile');
    expect(e.message).toMatch(/memo slot 2,147,483,647/);
    expect(readError(() => unpickle(bytes([0x80, 4, 0x6a], u32(0x7fffffff), [0x2e]))).message).toMatch(/never stored/);
    const marks = bytes([0x80, 4], Buffer.alloc(100_000, 0x28), [0x2e]);
    const d = readError(() => unpickle(marks));
    expect(d.kind).toBe('hostile');
    expect(d.message).toMatch(/nests more than 1,000 containers/);
    expect(readError(() => unpickle(good, { maxElements: 1 })).kind).toBe('hostile');
    expect(readError(() => unpickle(bytes([0x80, 4, 0x8b], u32(1 << 20), Buffer.alloc(1 << 20), [0x2e]))).message).toMatch(/byte integer/);
  });

  it('a deeply nested list (stack bomb) is built without recursion and refused when walked', () => {
    const n = 200_000;
    const data = bytes([0x80, 4], Buffer.alloc(n, 0x5d), Buffer.alloc(n - 1, 0x61), [0x2e]);
    const v = unpickle(data);
    expect(Array.isArray(v)).toBe(true);
    const e = readError(() => toPlain(v, { budget: { left: 1e9 }, maxDepth: 1000, label: 'deep.pkl' }));
    expect(e.kind).toBe('hostile');
    expect(e.message).toMatch(/Deep\.pkl was refused: .*more than 1000 levels/i);
  });

  it('a "billion laughs" of shared lists converts once per list and stays bounded', () => {
    // L0 = []; Lk = [L(k-1), L(k-1)] for 60 levels: 2^60 paths, 61 lists.
    // EMPTY_LIST MEMOIZE, then per level: EMPTY_LIST MEMOIZE MARK BINGET(k-1) BINGET(k-1) APPENDS
    const b: number[] = [0x80, 4, 0x5d, 0x94];
    for (let k = 1; k <= 60; k++) b.push(0x5d, 0x94, 0x28, 0x68, k - 1, 0x68, k - 1, 0x65);
    b.push(0x2e);
    const v = unpickle(Buffer.from(b));
    const budget = { left: 1000 };
    const out = toPlain(v, { budget, maxDepth: 1000, label: 'laughs' }) as unknown[];
    expect(out).toHaveLength(2);
    expect(out[0]).toBe(out[1]);
    expect(1000 - budget.left).toBe(61);
  });
});

describe('big dicts built from templates', () => {
  const pairs = (n: number) => {
    const parts: Buffer[] = [];
    for (let i = 0; i < n; i++) parts.push(Buffer.from([0x8c, 4]), Buffer.from(`k${String(i).padStart(3, '0')}`), Buffer.from([0x4b, i]));
    return Buffer.concat(parts);
  };
  it('keeps identity when the empty dict was referenced before it was filled (GET or DUP)', () => {
    // [d] with d fetched back from the memo, then filled: the list must see the filled dict.
    const viaGet = bytes([0x80, 4, 0x5d, 0x94, 0x7d, 0x94, 0x61, 0x68, 1, 0x28], pairs(20), [0x75, 0x30, 0x2e]);
    const l1 = unpickle(viaGet) as Record<string, PyValue>[];
    expect(Object.keys(l1[0] as object)).toHaveLength(20);
    // (d, d) with d duplicated on the stack before it was filled: both must be the filled dict.
    const viaDup = bytes([0x80, 4, 0x7d, 0x94, 0x32, 0x28], pairs(20), [0x75, 0x86, 0x2e]);
    const t = unpickle(viaDup) as PyTuple;
    expect(t.items[0]).toBe(t.items[1]);
    expect(Object.keys(t.items[0] as object)).toHaveLength(20);
  });
  it('builds many same-shaped dicts with their own values, memo references following the filled dict', () => {
    const rows: Buffer[] = [];
    for (let r = 0; r < 5; r++) rows.push(bytes([0x7d, 0x94, 0x28], pairs(25), [0x75]));
    // list of 5 dicts, then a second reference to the first dict (memo slot 1).
    const data = bytes([0x80, 4, 0x5d, 0x94, 0x28], ...rows, [0x68, 1, 0x65, 0x2e]);
    const l = unpickle(data) as Record<string, PyValue>[];
    expect(l).toHaveLength(6);
    expect(l[5]).toBe(l[0]);
    expect(new Set(l.slice(0, 5)).size).toBe(5);
    for (const d of l) expect(d.k024).toBe(24);
  });
});

describe('walk helpers', () => {
  it('reads dicts by own keys only, and keeps "__proto__" as data', () => {
    const data = bytes([0x80, 4, 0x7d, 0x28, 0x8c, 9], '__proto__', [0x4b, 1, 0x8c, 11], 'constructor', [0x4b, 2, 0x75, 0x2e]);
    const d = asDict(unpickle(data));
    expect(d).toBeDefined();
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(dictGet(d, '__proto__')).toBe(1);
    expect(dictGet(d, 'constructor')).toBe(2);
    expect(dictGet(d, 'toString')).toBeUndefined();
    const p = plain(d as PyValue) as Record<string, unknown>;
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    expect(Object.keys(p)).toEqual(['__proto__', 'constructor']);
  });
});
