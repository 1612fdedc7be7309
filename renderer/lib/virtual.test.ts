import { describe, expect, it } from 'vitest';
import { scrollToRow, virtualWindow } from './virtual.js';

describe('virtualWindow', () => {
  it('renders visible rows plus overscan', () => {
    expect(virtualWindow(0, 300, 30, 100_000, 5)).toEqual({ start: 0, end: 16, offset: 0, total: 3_000_000 });
    expect(virtualWindow(3000, 300, 30, 100_000, 5)).toEqual({ start: 95, end: 116, offset: 2850, total: 3_000_000 });
  });
  it('clamps at the end and for small lists', () => {
    const w = virtualWindow(10_000_000, 300, 30, 100, 5);
    expect(w.end).toBe(100);
    expect(w.start).toBe(85);
    expect(virtualWindow(0, 300, 30, 3)).toEqual({ start: 0, end: 3, offset: 0, total: 90 });
    expect(virtualWindow(0, 300, 30, 0)).toEqual({ start: 0, end: 0, offset: 0, total: 0 });
  });
  it('scrolls a row into view', () => {
    expect(scrollToRow(0, 300, 300, 30)).toBe(0);
    expect(scrollToRow(20, 0, 300, 30)).toBe(330);
    expect(scrollToRow(5, 0, 300, 30)).toBe(0);
    expect(scrollToRow(10, 0, 330, 30, 30)).toBe(30);
  });
});
