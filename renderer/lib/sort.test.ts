import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce.js';
import { formatTime } from './format.js';
import { effectiveTheme, parseTheme } from './theme.js';
import { sortRows } from './sort.js';

describe('sortRows', () => {
  const rows = [{ n: 'job-10' }, { n: 'job-2' }, { n: '' }, { n: 'Job-1' }];
  it('sorts naturally, empty values last in both directions', () => {
    expect(sortRows(rows, (r) => r.n, 'asc').map((r) => r.n)).toEqual(['Job-1', 'job-2', 'job-10', '']);
    expect(sortRows(rows, (r) => r.n, 'desc').map((r) => r.n)).toEqual(['job-10', 'job-2', 'Job-1', '']);
  });
  it('sorts numbers and is stable', () => {
    const nums = [{ v: 3, k: 'a' }, { v: 1, k: 'b' }, { v: 3, k: 'c' }];
    expect(sortRows(nums, (r) => r.v, 'asc').map((r) => r.k)).toEqual(['b', 'a', 'c']);
  });
});

describe('coalesce', () => {
  it('runs at most once at a time and collapses requests made meanwhile into one follow-up', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const fn = coalesce(
      () =>
        new Promise<void>((resolve) => {
          runs++;
          release = resolve;
        }),
    );
    const a = fn();
    const b = fn();
    const c = fn();
    expect(runs).toBe(1);
    release();
    await a;
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(runs).toBe(2);
    release();
    await Promise.all([b, c]);
    expect(runs).toBe(2);
  });
});

describe('theme', () => {
  it('follows the OS unless the user chose', () => {
    expect(effectiveTheme(null, true)).toBe('dark');
    expect(effectiveTheme(null, false)).toBe('light');
    expect(effectiveTheme('light', true)).toBe('light');
    expect(parseTheme('dark')).toBe('dark');
    expect(parseTheme('blue')).toBeNull();
  });
});

describe('formatTime', () => {
  it('formats ISO times and passes through junk', () => {
    expect(formatTime('2025-01-02T03:04:05Z')).toMatch(/^2025-01-0[12] \d\d:04$/);
    expect(formatTime('later')).toBe('later');
    expect(formatTime(null)).toBe('—');
  });
});
