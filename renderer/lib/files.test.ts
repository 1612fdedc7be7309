import { describe, expect, it } from 'vitest';
import { EMPTY_TAIL, applyChunk, formatBytes, parentPath, pathCrumbs, transferFraction, upsertTransfer } from './files.js';
import type { TailChunk, Transfer } from '../../shared/files.js';

const chunk = (c: Partial<TailChunk>): TailChunk => ({ path: '/o', exists: true, size: 0, start: 0, end: 0, text: '', reset: false, ...c });

describe('applyChunk', () => {
  it('starts with the first chunk and appends what follows', () => {
    let t = applyChunk(EMPTY_TAIL, chunk({ start: 0, end: 3, text: 'ab\n' }));
    t = applyChunk(t, chunk({ start: 3, end: 6, text: 'cd\n' }));
    expect(t).toEqual({ text: 'ab\ncd\n', end: 6, clipped: false });
  });
  it('replaces the text on reset', () => {
    const t = applyChunk({ text: 'old', end: 3, clipped: false }, chunk({ start: 0, end: 3, text: 'new', reset: true }));
    expect(t.text).toBe('new');
  });
  it('marks a first read that starts inside the file as clipped', () => {
    expect(applyChunk(EMPTY_TAIL, chunk({ start: 100, end: 110, text: 'x' })).clipped).toBe(true);
  });
  it('keeps only the last characters, from a line start', () => {
    const t = applyChunk({ text: 'aaaa\nbbbb\n', end: 10, clipped: false }, chunk({ start: 10, end: 15, text: 'cccc\n' }), 8);
    expect(t.text).toBe('cccc\n');
    expect(t.clipped).toBe(true);
  });
  it('forgets everything when the file is gone', () => {
    expect(applyChunk({ text: 'x', end: 1, clipped: false }, chunk({ exists: false }))).toEqual(EMPTY_TAIL);
  });
});

describe('paths and sizes', () => {
  it('formats bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(null)).toBe('—');
  });
  it('goes up and splits paths', () => {
    expect(parentPath('/a/b/')).toBe('/a');
    expect(parentPath('/a')).toBe('/');
    expect(pathCrumbs('/a/b').map((c) => c.path)).toEqual(['/', '/a', '/a/b']);
  });
});

describe('transfers', () => {
  const tr = (id: string, createdAt: string, bytesDone = 0, bytesTotal: number | null = null): Transfer => ({
    id,
    kind: 'download',
    state: 'running',
    from: { targetId: 't', path: '/x' },
    to: { targetId: null, path: '/y' },
    bytesDone,
    bytesTotal,
    filesDone: 0,
    filesTotal: null,
    message: '',
    createdAt,
    updatedAt: createdAt,
  });
  it('keeps newest first and replaces by id', () => {
    let list = upsertTransfer([], tr('a', '2025-01-01T00:00:00Z'));
    list = upsertTransfer(list, tr('b', '2025-01-02T00:00:00Z'));
    list = upsertTransfer(list, tr('a', '2025-01-01T00:00:00Z', 5, 10));
    expect(list.map((t) => t.id)).toEqual(['b', 'a']);
    expect(transferFraction(list[1]!)).toBe(0.5);
    expect(transferFraction(tr('c', 'x'))).toBeNull();
  });
});
