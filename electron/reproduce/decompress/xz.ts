// xz through xz-decompress (xz-embedded compiled to WebAssembly): no native module, streams its output in
// chunks, checks each block's CRC32/CRC64, and reads concatenated streams and stream padding as xz does. Reading
// chunk by chunk lets us stop at the cap; cancelling the stream frees the decoder.
import * as xzModule from 'xz-decompress';
import { ReadError } from '../types.js';
import type { LayerContext } from './errors.js';
import { corruptError, tooLargeError, truncatedError, unsupportedError, yieldToEventLoop } from './errors.js';

type XzStreamClass = typeof xzModule.XzReadableStream;

/** Node's ESM loader exposes this webpack UMD bundle only as `default`; bundlers expose the named export too. */
function xzStreamClass(): XzStreamClass {
  const mod = xzModule as unknown as { XzReadableStream?: XzStreamClass; default?: { XzReadableStream?: XzStreamClass } };
  const found = mod.XzReadableStream ?? mod.default?.XzReadableStream;
  if (!found) throw new Error('xz-decompress did not load');
  return found;
}

/** Output bytes between turns given to the event loop. */
const YIELD_EVERY_BYTES = 8 << 20;
/** Compressed bytes fed per chunk (the decoder's own input buffer is of this order). */
const FEED_BYTES = 1 << 16;

// xz-embedded return codes, reported by the wrapper as "get_next_output failed with error code N".
const XZ_UNSUPPORTED_CHECK = 2;
const XZ_MEM_ERROR = 3;
const XZ_MEMLIMIT_ERROR = 4;
const XZ_FORMAT_ERROR = 5;
const XZ_OPTIONS_ERROR = 6;
const XZ_BUF_ERROR = 8; // no progress possible: the input ended inside a stream

export async function unxz(data: Buffer, ctx: LayerContext): Promise<Buffer> {
  if (data.length === 0) throw truncatedError(ctx);
  let fed = 0;
  const input = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (fed >= data.length) {
        controller.close();
        return;
      }
      const stop = Math.min(fed + FEED_BYTES, data.length);
      controller.enqueue(data.subarray(fed, stop));
      fed = stop;
    },
  });
  const XzReadableStream = xzStreamClass();
  const reader = new XzReadableStream(input).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let idle = 0;
  let sinceYield = 0;
  for (;;) {
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await reader.read();
    } catch (error) {
      throw xzError(error, ctx);
    }
    if (result.done) break;
    const chunk = result.value;
    total += chunk.length;
    if (total > ctx.cap) {
      await reader.cancel().catch(() => undefined);
      throw tooLargeError(ctx);
    }
    // Guard against a decoder that stops making progress without saying so.
    idle = chunk.length === 0 ? idle + 1 : 0;
    if (idle > 1000) {
      await reader.cancel().catch(() => undefined);
      throw truncatedError(ctx);
    }
    if (chunk.length > 0) chunks.push(chunk);
    // The stream settles through promises only (microtasks), which would starve the event loop for the whole
    // decode: give it a turn every few MB.
    sinceYield += chunk.length;
    if (sinceYield >= YIELD_EVERY_BYTES) {
      sinceYield = 0;
      await yieldToEventLoop();
    }
  }
  return Buffer.concat(chunks, total);
}

function xzError(error: unknown, ctx: LayerContext): Error {
  const message = error instanceof Error ? error.message : String(error);
  const code = Number(/error code (\d+)/.exec(message)?.[1] ?? NaN);
  switch (code) {
    case XZ_BUF_ERROR:
      return truncatedError(ctx);
    case XZ_MEM_ERROR:
    case XZ_MEMLIMIT_ERROR:
      return new ReadError(
        'too-large',
        `${ctx.where} needs more memory to decode than SimDeck's xz decoder allows (its dictionary is very large). ` +
          'Recompress it with default xz settings (xz -6 or lower).',
      );
    case XZ_UNSUPPORTED_CHECK:
      return unsupportedError(ctx, 'it uses an integrity check SimDeck cannot verify (only CRC32 and CRC64 are supported). Recompress it with default xz settings.');
    case XZ_OPTIONS_ERROR:
      return unsupportedError(ctx, 'it uses xz options (filters) SimDeck cannot decode. Recompress it with default xz settings.');
    case XZ_FORMAT_ERROR:
      return corruptError(ctx, 'its bytes do not have the xz structure');
    default:
      return corruptError(ctx, Number.isNaN(code) ? `the decoder reports "${message}"` : 'its contents do not decode (damaged data or a checksum mismatch)');
  }
}
