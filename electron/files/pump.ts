// Streams one file's bytes from a source to a sink with bounded memory: a few reads in flight (pipelined, so a
// distant cluster is not one round trip per chunk), written strictly in order, so what is on the sink is always a
// correct prefix of the source and a stopped transfer can continue from the sink's size.

export const CHUNK_BYTES = 256 * 1024;
export const READS_IN_FLIGHT = 4;

export class TransferCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'TransferCancelled';
  }
}

export interface PumpIo {
  /** Up to len bytes at pos; fewer only at the end of the source. */
  read(pos: number, len: number): Promise<Buffer>;
  write(data: Buffer, pos: number): Promise<void>;
  /** After each write, with the new end of what is written. */
  progress?(pos: number, bytes: number): void;
  signal?: AbortSignal;
}

/** Copies [from, size) and returns the position reached (less than size when the source ended early). */
export async function pump(io: PumpIo, from: number, size: number, chunk = CHUNK_BYTES, depth = READS_IN_FLIGHT): Promise<number> {
  const queue: { len: number; data: Promise<Buffer> }[] = [];
  let next = from;
  let pos = from;
  const fill = () => {
    while (queue.length < depth && next < size) {
      const len = Math.min(chunk, size - next);
      const data = io.read(next, len);
      data.catch(() => undefined); // awaited in order below; keep early failures from going unhandled meanwhile
      queue.push({ len, data });
      next += len;
    }
  };
  fill();
  while (queue.length) {
    if (io.signal?.aborted) throw new TransferCancelled();
    const { len, data } = queue.shift()!;
    const buf = await data;
    if (io.signal?.aborted) throw new TransferCancelled();
    if (buf.length > 0) {
      await io.write(buf, pos);
      pos += buf.length;
      io.progress?.(pos, buf.length);
    }
    if (buf.length < len) break; // the source is shorter than it was: stop at its end
    fill();
  }
  return pos;
}
