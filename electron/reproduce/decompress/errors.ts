// Every failure while peeling a compression layer becomes a ReadError whose message names the file and the
// layer and says what to do: researchers see these messages directly, so they must stand on their own.
import { constants } from 'node:buffer';
import { ReadError } from '../types.js';
import type { Layer } from './detect.js';

/** Where the cap can be changed; one place so the wording follows the settings UI if it is renamed. */
export const LIMIT_HINT = 'the maxDecompressedBytes read limit';

/** What the decoder of one layer needs to know to fail well. */
export interface LayerContext {
  /** The file as the researcher knows it, e.g. `scores.tar.gz` or `scores.pkl (inside scores.zip)`. */
  where: string;
  layer: Layer;
  /** Largest output this layer may produce (limits.maxDecompressedBytes). */
  cap: number;
}

const LAYER_TITLE: Record<Layer, string> = {
  gzip: 'gzip',
  bzip2: 'bzip2',
  xz: 'xz',
  zip: 'zip',
  zstd: 'zstd (Zstandard)',
  tar: 'tar',
};

export function megabytes(bytes: number): string {
  const mb = bytes / 1024 ** 2;
  return mb >= 10 || Number.isInteger(mb) ? String(Math.round(mb)) : mb.toFixed(1);
}

export function truncatedError(ctx: LayerContext): ReadError {
  return new ReadError(
    'truncated',
    `${ctx.where} is not a complete ${LAYER_TITLE[ctx.layer]} file (it ends early): was it still being written or cut off in a copy?`,
  );
}

export function corruptError(ctx: LayerContext, detail: string): ReadError {
  return new ReadError(
    'corrupt',
    `${ctx.where} is not a valid ${LAYER_TITLE[ctx.layer]} file: ${detail}. It is probably damaged; copy it again from where it was produced.`,
  );
}

export function unsupportedError(ctx: LayerContext, detail: string): ReadError {
  return new ReadError('unsupported', `${ctx.where}: ${detail}`);
}

export function tooLargeError(ctx: Pick<LayerContext, 'where' | 'cap'>): ReadError {
  return new ReadError(
    'too-large',
    `Decompressing ${ctx.where} would produce more than ${megabytes(ctx.cap)} MB, which SimDeck refuses: a small file that expands ` +
      `this much can be a decompression bomb meant to exhaust memory. If this is a genuine file, raise the limit with ` +
      `${LIMIT_HINT} (now ${megabytes(ctx.cap)} MB) and open it again.`,
  );
}

/** Thrown inside a decoder's output sink when the cap is reached; turned into tooLargeError by the caller. */
export class OutputLimitReached extends Error {
  constructor() {
    super('output limit reached');
  }
}

/** Thrown by an input source that runs out of bytes; turned into truncatedError by the caller. */
export class InputEnded extends Error {
  constructor() {
    super('input ended');
  }
}

/** Node's zlib and Buffer refuse sizes above buffer.constants.MAX_LENGTH; a larger cap cannot be honoured anyway. */
export function clampToBufferMax(n: number): number {
  return Math.max(1, Math.min(n, constants.MAX_LENGTH));
}

/** Lets a long synchronous decode give the event loop a turn between blocks (the core also serves the UI). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
