import { describe, expect, it } from 'vitest';
import { appendChunk, emptyLog, lineText, logText, MAX_LINE_CHARS, type RunLog, type RunStream } from './runLog.js';

const feed = (chunks: Array<[RunStream, string]>, max?: number) => chunks.reduce<RunLog>((log, [s, c]) => appendChunk(log, s, c, max), emptyLog());
const shown = (log: RunLog) => log.lines.map((l) => `${l.stream}:${lineText(l)}`);

describe('run log', () => {
  it('splits chunks into lines and joins lines split across chunks', () => {
    const log = feed([
      ['stdout', 'Channels:\n - conda'],
      ['stdout', '-forge\nSolving environment: '],
      ['stdout', 'done\n'],
    ]);
    expect(shown(log)).toEqual(['stdout:Channels:', 'stdout: - conda-forge', 'stdout:Solving environment: done']);
    expect(log.lines.every((l) => !l.open)).toBe(true);
  });

  it('keeps stdout and stderr lines apart even when they interleave mid-line', () => {
    const log = feed([
      ['stdout', 'progress 1'],
      ['stderr', 'warning: x\n'],
      ['stdout', '0%\n'],
    ]);
    expect(shown(log)).toEqual(['stdout:progress 10%', 'stderr:warning: x']);
  });

  it('lets a carriage return rewrite the line, as a terminal does', () => {
    const log = feed([
      ['stdout', 'Downloading 10%\r'],
      ['stdout', 'Downloading 55%\rDownloading 100%'],
      ['stdout', '\nok\r\n'],
    ]);
    expect(shown(log)).toEqual(['stdout:Downloading 100%', 'stdout:ok']);
  });

  it('treats CRLF as one newline', () => {
    expect(shown(feed([['stdout', 'a\r\nb\r\n']]))).toEqual(['stdout:a', 'stdout:b']);
  });

  it('keeps blank lines', () => {
    expect(shown(feed([['info', 'a\n\nb\n']]))).toEqual(['info:a', 'info:', 'info:b']);
  });

  it('keeps only the last lines and counts the dropped ones', () => {
    const chunk = Array.from({ length: 12 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const log = feed([['stdout', chunk]], 5);
    expect(shown(log)).toEqual(['stdout:line 7', 'stdout:line 8', 'stdout:line 9', 'stdout:line 10', 'stdout:line 11']);
    expect(log.dropped).toBe(7);
    const more = appendChunk(log, 'stderr', 'boom\n', 5);
    expect(more.dropped).toBe(8);
    expect(more.lines.at(-1)!.text).toBe('boom');
    expect(new Set(more.lines.map((l) => l.id)).size).toBe(5); // ids stay unique (React keys)
  });

  it('caps the 5,000-line default under a flood of output', () => {
    let log = emptyLog();
    for (let i = 0; i < 60; i++) log = appendChunk(log, 'stdout', Array.from({ length: 100 }, (_, j) => `${i}.${j}`).join('\n') + '\n');
    expect(log.lines).toHaveLength(5000);
    expect(log.dropped).toBe(1000);
    expect(log.lines[0]!.text).toBe('10.0');
  });

  it('cuts absurdly long lines', () => {
    const log = feed([['stdout', 'x'.repeat(MAX_LINE_CHARS + 10)], ['stdout', 'more\n']]);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]!.text).toHaveLength(MAX_LINE_CHARS);
    expect(log.lines[0]!.clipped).toBe(true);
    expect(log.lines[0]!.open).toBe(false);
    expect(lineText(log.lines[0]!)).toContain('line cut');
  });

  it('does not change the log it was given', () => {
    const a = feed([['stdout', 'open']]);
    const before = JSON.stringify(a);
    appendChunk(a, 'stdout', ' more\n');
    expect(JSON.stringify(a)).toBe(before);
    expect(appendChunk(a, 'stdout', '')).toBe(a);
  });

  it('gives the text for copying', () => {
    expect(logText(feed([['stdout', 'a\nb']]))).toBe('a\nb');
  });
});
