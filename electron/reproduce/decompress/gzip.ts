// gzip through Node's zlib: native speed, runs on the thread pool (the core stays responsive), handles the
// concatenated members that `gzip a b > c` or appending writers produce, and checks each member's CRC32.
// maxOutputLength makes zlib stop as soon as the output passes the cap, so a bomb never gets allocated.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { LayerContext } from './errors.js';
import { clampToBufferMax, corruptError, tooLargeError, truncatedError } from './errors.js';

const gunzipAsync = promisify(zlib.gunzip);

export async function gunzip(data: Buffer, ctx: LayerContext): Promise<Buffer> {
  try {
    return await gunzipAsync(data, { maxOutputLength: clampToBufferMax(ctx.cap) });
  } catch (error) {
    throw zlibError(error, ctx);
  }
}

/** Maps zlib's error codes onto what the researcher needs to know. */
function zlibError(error: unknown, ctx: LayerContext): Error {
  const code = (error as { code?: string }).code;
  if (code === 'ERR_BUFFER_TOO_LARGE') return tooLargeError(ctx);
  // Z_BUF_ERROR is zlib running out of input in the middle of a stream.
  if (code === 'Z_BUF_ERROR') return truncatedError(ctx);
  const message = error instanceof Error ? error.message : String(error);
  if (message === 'incorrect data check') return corruptError(ctx, 'its checksum does not match its contents');
  return corruptError(ctx, `the decoder reports "${message}"`);
}
