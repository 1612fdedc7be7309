// The output of a recreate or reproduce run as terminal-like lines, built from `run.output` chunks. Chunks are not
// line-aligned: a line stays open until its newline arrives (per stream), a carriage return rewrites the line
// (conda's progress spinners), and only the last MAX_LINES lines are kept so a chatty run cannot swamp the page.
export type RunStream = 'stdout' | 'stderr' | 'info';

export interface LogLine {
  id: number;
  stream: RunStream;
  /** Raw text of the line; an open line may end in "\r" (the next text overwrites it). Use lineText() to show it. */
  text: string;
  /** True while the newline of this line has not arrived yet. */
  open: boolean;
  /** True when the line was longer than MAX_LINE_CHARS and was cut. */
  clipped: boolean;
}

export interface RunLog {
  lines: LogLine[];
  /** Lines dropped from the front to stay within the cap. */
  dropped: number;
  nextId: number;
}

export const MAX_LINES = 5000;
export const MAX_LINE_CHARS = 20_000;
/** How far back an open line of the same stream is looked for (stdout and stderr interleave). */
const OPEN_LOOKBACK = 32;

export function emptyLog(): RunLog {
  return { lines: [], dropped: 0, nextId: 1 };
}

/** Keeps only what follows the last carriage return that is not the very last character. */
function settle(raw: string): string {
  const body = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const i = body.lastIndexOf('\r');
  return i >= 0 ? raw.slice(i + 1) : raw;
}

function clip(text: string): { text: string; clipped: boolean } {
  return text.length > MAX_LINE_CHARS ? { text: text.slice(0, MAX_LINE_CHARS), clipped: true } : { text, clipped: false };
}

/** The text to show for a line. */
export function lineText(line: LogLine): string {
  const t = line.text.endsWith('\r') ? line.text.slice(0, -1) : line.text;
  return line.clipped ? `${t} … [line cut at ${MAX_LINE_CHARS} characters]` : t;
}

/** Adds one chunk of output; returns a new log (the old one is not changed). */
export function appendChunk(log: RunLog, stream: RunStream, chunk: string, maxLines: number = MAX_LINES): RunLog {
  if (chunk === '') return log;
  const lines = log.lines.slice();
  let nextId = log.nextId;
  let openIdx = -1;
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - OPEN_LOOKBACK); i--) {
    const l = lines[i]!;
    if (l.open && l.stream === stream) {
      openIdx = i;
      break;
    }
  }
  const parts = chunk.split('\n');
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (last && part === '') return; // the chunk ended with a newline: nothing stays open
    if (openIdx >= 0) {
      const cur = lines[openIdx]!;
      if (cur.clipped) {
        lines[openIdx] = { ...cur, open: last };
      } else {
        let raw = settle(cur.text + part);
        if (!last && raw.endsWith('\r')) raw = raw.slice(0, -1);
        const c = clip(raw);
        lines[openIdx] = { ...cur, text: c.text, clipped: c.clipped, open: last };
      }
      if (!last) openIdx = -1;
    } else {
      let raw = settle(part);
      if (!last && raw.endsWith('\r')) raw = raw.slice(0, -1);
      const c = clip(raw);
      lines.push({ id: nextId++, stream, text: c.text, clipped: c.clipped, open: last });
      if (last) openIdx = lines.length - 1;
    }
  });
  const over = lines.length - maxLines;
  return over > 0
    ? { lines: lines.slice(over), dropped: log.dropped + over, nextId }
    : { lines, dropped: log.dropped, nextId };
}

/** All kept lines as plain text (for copying). */
export function logText(log: RunLog): string {
  return log.lines.map(lineText).join('\n');
}
