import { describe, expect, it } from 'vitest';
import { chunkFrom, incompleteUtf8Tail, lineStartOffset, planTail } from './tail.js';

describe('planTail', () => {
  it('without from: the last maxBytes, cut when the file is longer', () => {
    expect(planTail(100, undefined, 30)).toEqual({ start: 70, end: 100, cut: true, reset: false });
    expect(planTail(10, undefined, 30)).toEqual({ start: 0, end: 10, cut: false, reset: false });
  });
  it('with from: what follows, at most maxBytes', () => {
    expect(planTail(100, 40, 30)).toEqual({ start: 40, end: 70, cut: false, reset: false });
    expect(planTail(100, 100, 30)).toEqual({ start: 100, end: 100, cut: false, reset: false });
  });
  it('a file now smaller than from: reset with its last maxBytes', () => {
    expect(planTail(20, 50, 8)).toEqual({ start: 12, end: 20, cut: true, reset: true });
  });
});

describe('UTF-8 and lines', () => {
  const euro = Buffer.from('€'); // e2 82 ac
  it('finds an incomplete character at the end', () => {
    expect(incompleteUtf8Tail(Buffer.from('abc'))).toBe(0);
    expect(incompleteUtf8Tail(Buffer.concat([Buffer.from('a'), euro]))).toBe(0);
    expect(incompleteUtf8Tail(Buffer.concat([Buffer.from('a'), euro.subarray(0, 2)]))).toBe(2);
    expect(incompleteUtf8Tail(Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)]))).toBe(1);
    expect(incompleteUtf8Tail(Buffer.from('😀').subarray(0, 3))).toBe(3);
  });
  it('starts a cut range after its first newline', () => {
    expect(lineStartOffset(Buffer.from('ial line\nnext\n'))).toBe(9);
    expect(lineStartOffset(Buffer.concat([euro.subarray(1), Buffer.from('x')]))).toBe(2);
  });
  it('never splits a character; end is where the next read continues', () => {
    const file = Buffer.from('line one\nzwei €\n');
    const cutAt = file.indexOf(euro) + 1; // read stopped inside €
    const c = chunkFrom('/f', file.length, { start: 0, end: cutAt, cut: false, reset: false }, file.subarray(0, cutAt));
    expect(c.text).toBe('line one\nzwei ');
    expect(c.end).toBe(cutAt - 1);
    const next = chunkFrom('/f', file.length, { start: c.end, end: file.length, cut: false, reset: false }, file.subarray(c.end));
    expect(c.text + next.text).toBe(file.toString('utf8'));
    const tail = chunkFrom('/f', file.length, { start: 3, end: file.length, cut: true, reset: false }, file.subarray(3));
    expect(tail).toMatchObject({ start: 9, text: 'zwei €\n', end: file.length });
  });
});
