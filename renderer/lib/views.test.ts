import { describe, expect, it } from 'vitest';
import { VIEWS, digitOfKeyCode, hashForView, viewForDigit, viewFromHash } from './views.js';

describe('hash ↔ view', () => {
  it('lists the nine areas in sidebar order', () => {
    expect(VIEWS.map((v) => v.label)).toEqual([
      'Projects',
      'Targets',
      'Jobs',
      'Umbrella windows',
      'Fleets',
      'Folding@home',
      'Reproduce',
      'Monitor',
      'Activity',
    ]);
  });

  it('round-trips every view', () => {
    for (const v of VIEWS) expect(viewFromHash(hashForView(v.id))).toBe(v.id);
    expect(hashForView('projects')).toBe('#/projects');
  });

  it('is lenient about the form of the hash', () => {
    expect(viewFromHash('#projects')).toBe('projects');
    expect(viewFromHash('#/Targets')).toBe('targets');
    expect(viewFromHash('#/jobs/123')).toBe('jobs');
    expect(viewFromHash('#//activity?x=1')).toBe('activity');
  });

  it('returns null for empty or unknown hashes', () => {
    expect(viewFromHash('')).toBeNull();
    expect(viewFromHash('#')).toBeNull();
    expect(viewFromHash('#/')).toBeNull();
    expect(viewFromHash('#/nowhere')).toBeNull();
  });
});

describe('Alt+digit', () => {
  it('maps 1…9 to the areas and reads physical keys', () => {
    expect(viewForDigit(1)).toBe('projects');
    expect(viewForDigit(9)).toBe('activity');
    expect(viewForDigit(0)).toBeNull();
    expect(viewForDigit(10)).toBeNull();
    expect(digitOfKeyCode('Digit3')).toBe(3);
    expect(digitOfKeyCode('Numpad7')).toBe(7);
    expect(digitOfKeyCode('Digit0')).toBeNull();
    expect(digitOfKeyCode('KeyA')).toBeNull();
  });
});
