// Resume bookkeeping: what to do with one file given what is already at the destination.

export type FileStep = { action: 'skip'; bytes: number } | { action: 'copy'; from: number };

/**
 * finalSize: size of the finished file at the destination (null: not there); partSize: size of its
 * ".simdeck-part" (null: none). A finished file is skipped; a partial one continues from its size; a partial file
 * larger than the source (the source was replaced by a smaller one) starts over.
 */
export function fileStep(sourceSize: number, finalSize: number | null, partSize: number | null): FileStep {
  if (finalSize !== null) return { action: 'skip', bytes: finalSize };
  if (partSize === null || partSize > sourceSize) return { action: 'copy', from: 0 };
  return { action: 'copy', from: partSize };
}

/** Human-readable size: 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${v.toFixed(1)} ${units[i]}`;
}
