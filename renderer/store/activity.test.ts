import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../shared/domain.js';
import { mergeActivity } from './activity.js';

const entry = (id: number, outcome: ActivityEntry['outcome'] = 'ok'): ActivityEntry => ({
  id,
  at: '2025-01-01T00:00:00Z',
  targetId: null,
  projectId: null,
  action: 'check',
  command: `ssh host sinfo # ${id}`,
  outcome,
  detail: '',
});

describe('mergeActivity', () => {
  it('keeps newest first, replaces entries with the same id, caps the list', () => {
    const merged = mergeActivity([entry(2), entry(1, 'started')], [entry(1, 'ok'), entry(3)]);
    expect(merged.map((e) => [e.id, e.outcome])).toEqual([
      [3, 'ok'],
      [2, 'ok'],
      [1, 'ok'],
    ]);
    expect(mergeActivity([entry(1), entry(2), entry(3)], [], 2).map((e) => e.id)).toEqual([3, 2]);
  });
});
