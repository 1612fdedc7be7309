import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import { parseWsTime, toWsTime, tryParseWsTime } from './time.js';

const T = Date.UTC(2024, 4, 29, 19, 51, 2);

describe('toWsTime', () => {
  it('writes UTC, whole seconds, trailing Z', () => {
    expect(toWsTime(new Date(T + 999))).toBe('2024-05-29T19:51:02Z');
    expect(() => toWsTime(new Date(NaN))).toThrow(ApiError);
  });
});

describe('parseWsTime', () => {
  it.each([
    ['2024-05-29T19:51:02Z', T],
    ['2024-05-29 19:51:02Z', T],
    ['2024-05-29t19:51:02z', T],
    ['2024-05-29T19:51:02', T],
    ['2024-05-29T19:51:02.123456', T + 123],
    ['2024-05-29T19:51:02.5Z', T + 500],
    ['2024-05-29T19:51:02+00:00', T],
    ['2024-05-29T21:51:02+02:00', T],
    ['2024-05-29T14:51:02-0500', T],
    ['2024-05-29T21:51:02+02', T],
    [' 2024-05-29T19:51:02Z\n', T],
  ])('reads %j', (text, ms) => {
    expect(parseWsTime(text).getTime()).toBe(ms);
  });

  it('round-trips toWsTime', () => {
    expect(parseWsTime(toWsTime(new Date(T))).getTime()).toBe(T);
  });

  it.each(['', '2024-05-29', '2024-02-30T00:00:00Z', '2024-13-01T00:00:00Z', '2024-05-29T25:00:00Z', 'yesterday', '1716999062', '2024-05-29T19:51Z'])(
    'refuses %j',
    (text) => {
      expect(tryParseWsTime(text)).toBeNull();
      expect(() => parseWsTime(text, 'last')).toThrow(/sent last/);
    },
  );
});
