import { describe, expect, it } from 'vitest';
import { dnsLabel, isDnsLabel, isLabelValue, jobName, labelValue, shortHash, windowLabel } from './names.js';

describe('windowLabel', () => {
  it('is two digits, three from 100', () => {
    expect(windowLabel(0)).toBe('00');
    expect(windowLabel(7)).toBe('07');
    expect(windowLabel(30)).toBe('30');
    expect(windowLabel(99)).toBe('99');
    expect(windowLabel(100)).toBe('100');
    expect(() => windowLabel(-1)).toThrow(RangeError);
    expect(() => windowLabel(1.5)).toThrow(RangeError);
  });
});

describe('jobName', () => {
  it('is the seed name for the seed parameters (dots removed)', () => {
    expect(jobName('jm', 'gb3', 'null-0.0.3-pair-opc3', 1, 0)).toBe('pb-jm-gb3-null-003-pair-opc3-1-00');
    expect(jobName('jm', 'gb3', 'null-0.0.3-pair-opc3', 3, 30)).toBe('pb-jm-gb3-null-003-pair-opc3-3-30');
  });

  it('lowercases and maps characters a name cannot hold', () => {
    expect(jobName('JM', 'hewl-4LZT', 'ff_a+b', 2, 7)).toBe('pb-jm-hewl-4lzt-ff-a-b-2-07');
    expect(jobName('jm', 'gb3-backbone-S2', 'x--y', 1, 0)).toBe('pb-jm-gb3-backbone-s2-x-y-1-00');
  });

  it('cuts long names to 63 with a hash of the full form: deterministic, distinct', () => {
    // 72 characters in the seed's form (notes A4).
    const ff = 'null-0.0.3-pair-nmr-1e4-umbrella-1e3-4-aaqaa3-only-1e4-opc3';
    const a = jobName('jm', 'gb3', ff, 1, 0);
    const b = jobName('jm', 'gb3', ff, 1, 1);
    const c = jobName('jm', 'gb3', ff, 2, 0);
    for (const n of [a, b, c]) {
      expect(n.length).toBeLessThanOrEqual(63);
      expect(isDnsLabel(n)).toBe(true);
    }
    expect(a).toBe(`pb-jm-gb3-null-003-pair-nmr-1e4-umbrella-1e3-4-aaqaa3-${shortHash(`pb-jm-gb3-${ff}-1-00`)}`);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(jobName('jm', 'gb3', ff, 1, 0)).toBe(a);
  });

  it('never leaves "-" before the hash', () => {
    // The cut lands right after a "-" here (54 characters kept, the 54th being "-").
    const n = dnsLabel(`${'a'.repeat(53)}-${'b'.repeat(20)}`);
    expect(n).toMatch(/^a{53}-[0-9a-f]{8}$/);
  });

  it('gives a valid name even from punctuation only', () => {
    expect(isDnsLabel(dnsLabel('...'))).toBe(true);
  });

  it('refuses replica 0', () => {
    expect(() => jobName('jm', 'gb3', 'ff', 0, 0)).toThrow(RangeError);
  });
});

describe('labelValue', () => {
  it('keeps values that are already valid, case and dots included', () => {
    expect(labelValue('null-0.0.3-pair-opc3')).toBe('null-0.0.3-pair-opc3');
    expect(labelValue('hewl-4LZT')).toBe('hewl-4LZT');
    expect(labelValue('')).toBe('');
  });

  it('maps other characters and trims non-alphanumeric ends', () => {
    expect(labelValue('_my campaign/1.')).toBe('my-campaign-1');
    expect(isLabelValue(labelValue('---'))).toBe(true);
    expect(labelValue('---')).toMatch(/^[0-9a-f]{8}$/);
  });

  it('cuts at 63 with a hash', () => {
    const long = `${'x'.repeat(60)}.${'y'.repeat(10)}`;
    const v = labelValue(long);
    expect(v).toHaveLength(63);
    expect(isLabelValue(v)).toBe(true);
    expect(v.endsWith(shortHash(long))).toBe(true);
    expect(labelValue(`${long}z`)).not.toBe(v);
  });

  it('isLabelValue follows the API rules', () => {
    expect(isLabelValue('a')).toBe(true);
    expect(isLabelValue('a.b_c-D')).toBe(true);
    expect(isLabelValue('-a')).toBe(false);
    expect(isLabelValue('a.')).toBe(false);
    expect(isLabelValue('a b')).toBe(false);
    expect(isLabelValue('a'.repeat(64))).toBe(false);
  });
});
