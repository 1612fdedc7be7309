// Demultiplexes the Engine API's log stream (GET /containers|services/{id}/logs without a TTY): frames of an 8-byte
// header [stream, 0, 0, 0, size (uint32 big-endian)] followed by `size` bytes. A TTY service sends plain text,
// which is passed through. Pure.

export interface DemuxedLogs {
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in arrival order, as `docker service logs` prints them. */
  combined: string;
}

function looksMultiplexed(buf: Buffer): boolean {
  if (buf.length < 8) return false;
  const stream = buf[0] ?? 255;
  return stream <= 2 && buf[1] === 0 && buf[2] === 0 && buf[3] === 0;
}

export function demuxDockerLogs(data: Buffer | string): DemuxedLogs {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (!looksMultiplexed(buf)) {
    const text = buf.toString('utf8');
    return { stdout: text, stderr: '', combined: text };
  }
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const all: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const stream = buf[at];
    const size = buf.readUInt32BE(at + 4);
    const chunk = buf.subarray(at + 8, Math.min(buf.length, at + 8 + size));
    (stream === 2 ? err : out).push(chunk);
    all.push(chunk);
    at += 8 + size;
  }
  return {
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    combined: Buffer.concat(all).toString('utf8'),
  };
}
