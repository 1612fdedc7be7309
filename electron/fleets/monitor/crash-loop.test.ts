import { describe, expect, it } from 'vitest';
import { CrashLoopDetector } from './crash-loop.js';

const MIN = 60_000;

function detector(opts: { threshold?: number; windowMs?: number } = {}) {
  const clock = { t: 1_000_000 };
  const d = new CrashLoopDetector({ ...opts, now: () => clock.t });
  return { d, clock, at: (ms: number) => (clock.t = 1_000_000 + ms) };
}

describe('CrashLoopDetector', () => {
  it('takes the first count as a baseline: old restarts have no time and start no loop', () => {
    const { d } = detector();
    expect(d.observe('w1', 50)).toBe('ok');
    expect(d.observe('w1', 50)).toBe('ok');
    expect(d.looping()).toEqual([]);
  });

  it('reports new exactly once at the threshold, then ongoing', () => {
    const { d, at } = detector();
    d.observe('w1', 0);
    at(1 * MIN);
    expect(d.observe('w1', 1)).toBe('ok');
    at(2 * MIN);
    expect(d.observe('w1', 2)).toBe('ok');
    at(3 * MIN);
    expect(d.observe('w1', 3)).toBe('new');
    expect(d.looping()).toEqual(['w1']);
    at(3.5 * MIN);
    expect(d.observe('w1', 3)).toBe('ongoing');
    at(4 * MIN);
    expect(d.observe('w1', 4)).toBe('ongoing');
  });

  it('counts several restarts between two polls', () => {
    const { d, at } = detector();
    d.observe('w1', 2);
    at(10_000);
    expect(d.observe('w1', 5)).toBe('new');
  });

  it('ignores restarts spread wider than the window', () => {
    const { d, at } = detector();
    d.observe('w1', 0);
    for (let i = 1; i <= 6; i++) {
      at(i * 3 * MIN); // every 3 minutes: never 3 within 5 minutes
      expect(d.observe('w1', i)).toBe('ok');
    }
  });

  it('treats the window as half-open: a restart exactly windowMs old is outside', () => {
    const { d, at } = detector();
    d.observe('w1', 0);
    at(0);
    d.observe('w1', 1);
    at(2 * MIN);
    d.observe('w1', 2);
    at(5 * MIN); // the first restart is now exactly 5 min old
    expect(d.observe('w1', 3)).toBe('ok');
    at(5 * MIN + 1);
    expect(d.observe('w1', 4)).toBe('new'); // restarts at 2, 5, 5+ min
  });

  it('stays ongoing until a whole window passes without restarts, then ok, then new again', () => {
    const { d, at } = detector();
    d.observe('w1', 0);
    at(0);
    expect(d.observe('w1', 3)).toBe('new');
    at(4 * MIN);
    expect(d.observe('w1', 4)).toBe('ongoing'); // 1 restart in the window: below threshold but not quiet
    at(8.99 * MIN);
    expect(d.observe('w1', 4)).toBe('ongoing');
    at(9 * MIN); // 5 min since the last restart
    expect(d.observe('w1', 4)).toBe('ok');
    expect(d.looping()).toEqual([]);
    at(10 * MIN);
    expect(d.observe('w1', 5)).toBe('ok');
    at(11 * MIN);
    expect(d.observe('w1', 7)).toBe('new');
  });

  it('looping() follows the clock without a new observation', () => {
    const { d, at } = detector();
    d.observe('w1', 0);
    d.observe('w1', 3);
    expect(d.looping()).toEqual(['w1']);
    at(5 * MIN);
    expect(d.looping()).toEqual([]);
  });

  it('takes a lower count as a new baseline (container recreated, job resubmitted)', () => {
    const { d, at } = detector();
    d.observe('w1', 10);
    at(MIN);
    expect(d.observe('w1', 0)).toBe('ok');
    at(2 * MIN);
    expect(d.observe('w1', 2)).toBe('ok'); // 2 restarts since the reset, not 0 -> 2 counted as -8
    at(3 * MIN);
    expect(d.observe('w1', 3)).toBe('new');
  });

  it('keeps members apart, and forget() starts one from scratch', () => {
    const { d, at } = detector({ threshold: 2 });
    d.observe('a', 0);
    d.observe('b', 0);
    at(MIN);
    expect(d.observe('a', 2)).toBe('new');
    expect(d.observe('b', 1)).toBe('ok');
    expect(d.looping()).toEqual(['a']);
    d.forget('a');
    expect(d.looping()).toEqual([]);
    expect(d.observe('a', 9)).toBe('ok'); // baseline again
    d.forget('never-seen'); // no-op
  });

  it('honours threshold 1 and a custom window', () => {
    const { d, at } = detector({ threshold: 1, windowMs: 1000 });
    d.observe('w', 0);
    at(10);
    expect(d.observe('w', 1)).toBe('new');
    at(500);
    expect(d.observe('w', 1)).toBe('ongoing');
    at(1010);
    expect(d.observe('w', 1)).toBe('ok');
  });

  it('rejects nonsense options and counts', () => {
    expect(() => new CrashLoopDetector({ threshold: 0 })).toThrow(RangeError);
    expect(() => new CrashLoopDetector({ threshold: 1.5 })).toThrow(RangeError);
    expect(() => new CrashLoopDetector({ windowMs: 0 })).toThrow(RangeError);
    const d = new CrashLoopDetector();
    expect(() => d.observe('w', -1)).toThrow(RangeError);
    expect(() => d.observe('w', Number.NaN)).toThrow(RangeError);
  });

  it('defaults to 3 restarts in 5 minutes', () => {
    let t = 0;
    const d = new CrashLoopDetector({ now: () => t });
    d.observe('w', 0);
    t = 4 * MIN;
    expect(d.observe('w', 2)).toBe('ok');
    t = 4.9 * MIN;
    expect(d.observe('w', 3)).toBe('new');
  });
});
