// Which compression layers wrap a file. Magic bytes win over the name: a researcher may rename a file, but its
// first bytes do not lie. The name is the fallback for formats without a reliable signature (pre-POSIX tar) and
// for guessing what sits inside a layer before it is peeled. The extensions are those pandas'
// `compression="infer"` maps (notes/pyrosettacluster.md §3.2), plus the usual short tar forms.

export type Layer = 'gzip' | 'bzip2' | 'xz' | 'zip' | 'zstd' | 'tar';

/** Bytes of the head needed to see every signature (tar's `ustar` sits at offset 257). */
export const HEAD_BYTES = 512;

const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

function startsWith(head: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (head.length < at + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (head[at + i] !== bytes[i]) return false;
  return true;
}

/** The outermost layer according to the first bytes, or null when they match no signature. */
export function magicLayer(head: Uint8Array): Layer | null {
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0x42, 0x5a, 0x68])) return 'bzip2'; // 'BZh'
  if (startsWith(head, XZ_MAGIC)) return 'xz';
  // Local file header, or the end-of-directory record that starts an empty archive.
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  // A zstd skippable frame (0x184D2A5?) may come first; zstd readers accept it.
  if (head.length >= 4 && (head[0]! & 0xf0) === 0x50 && startsWith(head, [0x2a, 0x4d, 0x18], 1)) return 'zstd';
  // 'ustar\0' (POSIX) and 'ustar  \0' (GNU) both start with these five bytes.
  if (startsWith(head, [0x75, 0x73, 0x74, 0x61, 0x72], 257)) return 'tar';
  return null;
}

/** Extension → layers it stands for, outermost first. Longest suffixes first so `.tar.gz` is not read as `.gz`. */
const EXTENSIONS: [suffix: string, layers: Layer[], inner: string][] = [
  ['.tar.gz', ['gzip', 'tar'], '.tar'],
  ['.tar.bz2', ['bzip2', 'tar'], '.tar'],
  ['.tar.xz', ['xz', 'tar'], '.tar'],
  ['.tar.zst', ['zstd', 'tar'], '.tar'],
  ['.tgz', ['gzip', 'tar'], '.tar'],
  ['.tbz2', ['bzip2', 'tar'], '.tar'],
  ['.tbz', ['bzip2', 'tar'], '.tar'],
  ['.txz', ['xz', 'tar'], '.tar'],
  ['.gz', ['gzip'], ''],
  ['.bz2', ['bzip2'], ''],
  ['.xz', ['xz'], ''],
  ['.zst', ['zstd'], ''],
  ['.zip', ['zip'], ''],
  ['.tar', ['tar'], ''],
];

function extensionEntry(fileName: string): (typeof EXTENSIONS)[number] | undefined {
  const lower = fileName.toLowerCase();
  return EXTENSIONS.find(([suffix]) => lower.endsWith(suffix) && lower.length > suffix.length);
}

/** Layers the name alone promises, outermost first (`scores.tar.xz` → ['xz', 'tar']). */
export function extensionLayers(fileName: string): Layer[] {
  return extensionEntry(fileName)?.[1].slice() ?? [];
}

/**
 * The name of what is inside a compression layer (gzip/bzip2/xz/zstd): the compression extension comes off
 * (`scores.tar.gz` → `scores.tar`, `x.tgz` → `x.tar`). When the name carries no compression extension (a renamed
 * file) it is kept, so only the bytes decide what comes next.
 */
export function innerNameAfterCompression(fileName: string): string {
  const entry = extensionEntry(fileName);
  if (!entry || entry[1][0] === 'tar' || entry[1][0] === 'zip') return fileName;
  const [suffix, , inner] = entry;
  return fileName.slice(0, fileName.length - suffix.length) + inner;
}

/**
 * The layers wrapping a file, outermost first: the outermost from the magic bytes when they match (else from the
 * extension), the inner ones from the extension. This is a prediction; `unpack` re-detects on the bytes of each
 * inner layer after peeling the one around it.
 */
export function detectLayers(fileName: string, head: Buffer): Layer[] {
  const outer = magicLayer(head);
  if (!outer) return extensionLayers(fileName);
  if (outer === 'zip' || outer === 'tar') return [outer]; // what is inside depends on the member's own name
  return [outer, ...extensionLayers(innerNameAfterCompression(fileName))];
}
