// Safe, non-executing unpickler and helpers for its inert object graph. See unpickle.ts.
export { unpickle, unpickleDetailed, DEFAULT_UNPICKLE_LIMITS } from './unpickle.js';
export type { UnpickleLimits, UnpickleOptions, UnpickleResult } from './unpickle.js';
export { PyByteArray, PyCall, PyGlobal, PyPersistent, PySet, PyTuple, dictOtherEntries, dictSet, hasOtherKeys, isPyDict } from './values.js';
export type { PyCallKind, PyDict, PyValue } from './values.js';
export {
  asDict,
  asList,
  callName,
  className,
  describe,
  dictEntries,
  dictGet,
  globalName,
  isCallTo,
  nodes,
  numericValues,
  plainConverter,
  readDtype,
  readNdarray,
  readNumpyScalar,
  toPlain,
} from './walk.js';
export type { NumpyArray, NumpyDtype, PlainOptions } from './walk.js';
export { readDataFrame, indexValues } from './pandas.js';
export type { DataFrameColumn, DataFrameView } from './pandas.js';
export { dangerousGlobals } from './danger.js';
