import { describe, expect, it } from 'vitest';
import { formatTags, parseTags, sameTags } from './tags.js';

describe('parseTags', () => {
  it('splits on commas and trims', () => {
    expect(parseTags('production, mutant-A ,  wt')).toEqual(['production', 'mutant-A', 'wt']);
  });
  it('drops empty pieces and repeats, keeping the first spelling', () => {
    expect(parseTags(' , a,,A, b ,')).toEqual(['a', 'b']);
    expect(parseTags('')).toEqual([]);
    expect(parseTags('   ')).toEqual([]);
  });
  it('collapses inner whitespace', () => {
    expect(parseTags('free   energy')).toEqual(['free energy']);
  });
  it('round-trips with formatTags', () => {
    expect(parseTags(formatTags(['x', 'y z']))).toEqual(['x', 'y z']);
    expect(sameTags(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(sameTags(['a', 'b'], ['b', 'a'])).toBe(false);
  });
});
