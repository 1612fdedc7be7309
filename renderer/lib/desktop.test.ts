import { describe, expect, it } from 'vitest';
import type { AppErrorReport, UpdateStatus } from '../../shared/app.js';
import { ApiError } from '../../shared/errors.js';
import { NOTHING_DISMISSED, addDismissed, coreLogPath, feedUrlError, mergeErrors, parseDismissed, updateHeadline } from './desktop.js';

const report = (id: string, at: string): AppErrorReport => ({ id, at, source: 'core', message: `boom ${id}`, restarted: false });
const status = (p: Partial<UpdateStatus>): UpdateStatus => ({ state: 'idle', current: '1.2.0', available: null, percent: null, message: '', checkedAt: null, ...p });

describe('error banner list', () => {
  it('merges newest first, each error once', () => {
    const a = report('a', '2026-01-01T10:00:00Z');
    const b = report('b', '2026-01-01T11:00:00Z');
    expect(mergeErrors([a], [b, a], NOTHING_DISMISSED).map((r) => r.id)).toEqual(['b', 'a']);
  });

  it('leaves out dismissed errors and anything not newer than them', () => {
    const old = report('old', '2026-01-01T09:00:00Z');
    const seen = report('seen', '2026-01-01T10:00:00Z');
    const fresh = report('fresh', '2026-01-01T12:00:00Z');
    const d = addDismissed(NOTHING_DISMISSED, [seen]);
    expect(d).toEqual({ ids: ['seen'], before: '2026-01-01T10:00:00Z' });
    expect(mergeErrors([], [fresh, seen, old], d).map((r) => r.id)).toEqual(['fresh']);
  });

  it('reads what sessionStorage holds, and shrugs off garbage', () => {
    const d = addDismissed(NOTHING_DISMISSED, [report('x', '2026-01-01T10:00:00Z')]);
    expect(parseDismissed(JSON.stringify(d))).toEqual(d);
    expect(parseDismissed('{not json')).toEqual(NOTHING_DISMISSED);
    expect(parseDismissed(JSON.stringify({ ids: [1, 'y'], before: 5 }))).toEqual({ ids: ['y'], before: null });
    expect(parseDismissed(null)).toEqual(NOTHING_DISMISSED);
  });

  it('remembers at most 50 ids, newest dismissal first', () => {
    let d = NOTHING_DISMISSED;
    for (let i = 0; i < 60; i++) d = addDismissed(d, [report(`e${i}`, `2026-01-01T10:${String(i).padStart(2, '0')}:00Z`)]);
    expect(d.ids).toHaveLength(50);
    expect(d.ids[0]).toBe('e59');
    expect(d.before).toBe('2026-01-01T10:59:00Z');
  });
});

describe('update status in words', () => {
  it('names the state, the version and the progress', () => {
    expect(updateHeadline(status({ state: 'downloading', available: '1.3.0', percent: 41.6 }))).toBe('Downloading 1.3.0 (42%)');
    expect(updateHeadline(status({ state: 'ready', available: '1.3.0', percent: 100 }))).toBe('Ready to install 1.3.0');
    expect(updateHeadline(status({ state: 'idle' }))).toBe('Waiting for the first check');
    expect(updateHeadline(status({ state: 'idle', checkedAt: '2026-01-01T10:00:00Z' }))).toBe('Up to date');
    expect(updateHeadline(status({ state: 'disabled' }))).toBe('Off');
  });
});

it('feedUrlError keeps the core issue without the method and path', () => {
  const err = new ApiError('INVALID_INPUT', 'app.setSettings: updates.feedUrl: the update feed must use https://');
  expect(feedUrlError(err)).toBe('the update feed must use https://');
});

it('coreLogPath uses the platform separator', () => {
  expect(coreLogPath('/home/ana/SimDeck/', 'linux')).toBe('/home/ana/SimDeck/logs/core.log');
  expect(coreLogPath('C:\\Users\\ana\\SimDeck', 'win32')).toBe('C:\\Users\\ana\\SimDeck\\logs\\core.log');
});
