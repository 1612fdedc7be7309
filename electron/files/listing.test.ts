import { describe, expect, it } from 'vitest';
import type { RemoteEntry } from '../../shared/files.js';
import { entryType, sortEntries } from './listing.js';

const e = (name: string, type: RemoteEntry['type']): RemoteEntry => ({ name, path: `/d/${name}`, type, size: 0, mtime: null, mode: 0o644 });

describe('listing order', () => {
  it('folders (and links to folders) first, then the rest, by natural name order', () => {
    const sorted = sortEntries([e('b.txt', 'file'), e('z', 'dir'), e('file10', 'file'), e('file2', 'file'), e('A', 'dir'), e('lnk', 'link'), e('dlink', 'link')], new Set(['/d/dlink']));
    expect(sorted.map((x) => x.name)).toEqual(['A', 'dlink', 'z', 'b.txt', 'file2', 'file10', 'lnk']);
  });
  it('types from mode bits', () => {
    expect(entryType(0o040755)).toBe('dir');
    expect(entryType(0o100644)).toBe('file');
    expect(entryType(0o120777)).toBe('link');
    expect(entryType(0o010644)).toBe('other');
  });
});
