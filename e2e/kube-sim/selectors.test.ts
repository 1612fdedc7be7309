import { describe, expect, it } from 'vitest';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';

const labels = { 'job-name': 'pb-jm-gb3-1-00', app: 'umbrella', tier: 'gpu' };

describe('label selectors', () => {
  it.each([
    ['job-name=pb-jm-gb3-1-00', true],
    ['job-name==pb-jm-gb3-1-00', true],
    ['job-name!=pb-jm-gb3-1-00', false],
    ['app=umbrella,tier in (gpu,cpu)', true],
    ['app=umbrella, tier notin (gpu)', false],
    ['!missing', true],
    ['!app', false],
    ['app', true],
    ['missing', false],
    ['missing!=x', true],
    ['', true],
  ])('%s → %s', (sel, want) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(want);
  });

  it('keeps commas inside set terms', () => {
    expect(parseLabelSelector('a in (x, y),b=c')).toEqual([
      { key: 'a', op: 'in', values: ['x', 'y'] },
      { key: 'b', op: 'eq', value: 'c' },
    ]);
  });

  it('accepts prefixed keys and rejects malformed ones with a 400', () => {
    expect(matchesLabels(parseLabelSelector('nvidia.com/gpu.product=NVIDIA-A10'), { 'nvidia.com/gpu.product': 'NVIDIA-A10' })).toBe(true);
    expect(() => parseLabelSelector('bad key=1')).toThrow(/unable to parse/);
    expect(() => parseLabelSelector('a=b c')).toThrow();
  });
});

describe('field selectors', () => {
  it('matches dotted paths with = and !=', () => {
    const ev = { involvedObject: { name: 'p', uid: 'u' }, metadata: { namespace: 'ns' } };
    expect(matchesFields(parseFieldSelector('involvedObject.name=p,involvedObject.uid=u'), ev)).toBe(true);
    expect(matchesFields(parseFieldSelector('involvedObject.name!=p'), ev)).toBe(false);
    expect(matchesFields(parseFieldSelector('status.phase!=Failed'), { status: { phase: 'Running' } })).toBe(true);
  });
});
