// Compression layers around PyRosettaCluster result files, peeled without running anything external:
// decoys (.pdb.bz2) and pickled-DataFrame scorefiles in every form pandas' `compression="infer"` writes
// (notes/pyrosettacluster.md §1, §3.2). Every layer is bounded by ReadLimits while it decodes, so a hostile or
// broken file fails fast with a message the researcher can act on, never by exhausting memory.
import type { ReadLimits } from '../types.js';
import { ReadError } from '../types.js';
import { bunzip2 } from './bzip2.js';
import type { Layer } from './detect.js';
import { HEAD_BYTES, innerNameAfterCompression, magicLayer, extensionLayers } from './detect.js';
import type { LayerContext } from './errors.js';
import { megabytes } from './errors.js';
import { gunzip } from './gzip.js';
import { untarSingle } from './tar.js';
import { unxz } from './xz.js';
import { unzipSingle } from './zip.js';
import { unzstd } from './zstd.js';

export type { Layer } from './detect.js';
export { detectLayers } from './detect.js';
export { bz2TailText, lastLineFrom } from './bz2-tail.js';

/**
 * More layers than any real file has (pandas writes at most two: compression + tar). A zip that contains
 * itself ("zip quine") would otherwise be peeled forever.
 */
export const MAX_LAYERS = 8;

export interface Unpacked {
  /** The innermost bytes (a pickle, a PDB text ...). */
  data: Buffer;
  /** Layers peeled, outermost first. */
  layers: Layer[];
  /** Name of the innermost content: the file name without compression extensions, or the archive member's name. */
  innerName: string;
}

/**
 * Peels every compression layer off `data` (read from `fileName`). Each layer is recognised by its magic bytes,
 * else by the name's extension, re-detected on the inner bytes after each peel. Throws ReadError:
 * 'too-large' past limits.maxFileBytes / maxDecompressedBytes (checked while decoding, per layer), 'truncated'
 * or 'corrupt' for damaged input, 'unsupported' for archives that are not a single file or use options SimDeck
 * does not read, 'hostile' for absurd nesting.
 */
export async function unpack(data: Buffer, fileName: string, limits: ReadLimits): Promise<Unpacked> {
  if (data.length > limits.maxFileBytes) {
    throw new ReadError(
      'too-large',
      `${fileName} is ${megabytes(data.length)} MB, more than the ${megabytes(limits.maxFileBytes)} MB SimDeck reads. ` +
        'If this is a genuine file, raise the maxFileBytes read limit and open it again.',
    );
  }
  const layers: Layer[] = [];
  let name = fileName;
  let current = data;
  // A zip or tar member is named however its writer liked (pandas names the member of scores.tar.gz
  // "scores.tar.gz" too), so inside an archive only magic bytes say what a layer is.
  let insideArchive = false;
  for (;;) {
    const layer = magicLayer(current.subarray(0, HEAD_BYTES)) ?? (insideArchive ? undefined : extensionLayers(name)[0]);
    if (!layer) break;
    if (layers.length >= MAX_LAYERS) {
      throw new ReadError(
        'hostile',
        `${fileName} is compressed or archived more than ${MAX_LAYERS} times over; no PyRosettaCluster output looks ` +
          'like that, so SimDeck stops here.',
      );
    }
    const ctx: LayerContext = {
      where: layers.length === 0 ? fileName : `${name} (inside ${fileName})`,
      layer,
      cap: limits.maxDecompressedBytes,
    };
    switch (layer) {
      case 'gzip':
        current = await gunzip(current, ctx);
        break;
      case 'bzip2':
        current = await bunzip2(current, ctx);
        break;
      case 'xz':
        current = await unxz(current, ctx);
        break;
      case 'zstd':
        current = await unzstd(current, ctx);
        break;
      case 'zip':
      case 'tar': {
        const member = layer === 'zip' ? await unzipSingle(current, ctx) : untarSingle(current, ctx);
        current = member.data;
        name = member.name;
        insideArchive = true;
        break;
      }
    }
    if (layer !== 'zip' && layer !== 'tar') name = innerNameAfterCompression(name);
    layers.push(layer);
  }
  return { data: current, layers, innerName: name };
}
