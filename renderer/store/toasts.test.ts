import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import { startupAdvice } from './sync.js';
import { formErrorToasts, toast, toastError, useToasts } from './toasts.js';

describe('toasts', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    useToasts.getState().clear();
  });
  afterEach(() => vi.useRealTimers());

  it('auto-dismisses info and success, keeps errors until closed', () => {
    toast('success', 'Command copied');
    const err = toastError(new ApiError('UNAVAILABLE', 'cluster down'), 'Could not connect');
    expect(useToasts.getState().toasts.map((t) => t.message)).toEqual(['Command copied', 'cluster down']);
    vi.advanceTimersByTime(60_000);
    expect(useToasts.getState().toasts.map((t) => t.message)).toEqual(['cluster down']);
    useToasts.getState().dismiss(err);
    expect(useToasts.getState().toasts).toEqual([]);
  });

  it('does not stack the same message twice', () => {
    toast('error', 'same');
    toast('error', 'same');
    expect(useToasts.getState().toasts).toHaveLength(1);
  });

  it('shows plain errors through toApiError', () => {
    toastError(new Error('boom'));
    expect(useToasts.getState().toasts[0]).toMatchObject({ level: 'error', message: 'boom' });
  });

  it('lets a form clear its own error toasts after a successful retry', () => {
    const form = formErrorToasts();
    form.report(new ApiError('CONFLICT', 'name taken'), 'Could not create');
    toast('error', 'unrelated');
    form.clear();
    expect(useToasts.getState().toasts.map((t) => t.message)).toEqual(['unrelated']);
  });
});

describe('startupAdvice', () => {
  it('adds what to do, except when the message already says it', () => {
    expect(startupAdvice('UNAUTHORIZED', 'browser')).toBe('');
    expect(startupAdvice('UNAVAILABLE', 'browser')).toMatch(/simdeck serve/);
    expect(startupAdvice('INTERNAL', 'electron')).toMatch(/restart SimDeck/);
  });
});
