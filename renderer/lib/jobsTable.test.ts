import { describe, expect, it } from 'vitest';
import { JobState, type Job } from '../../shared/domain.js';
import { displayRemoteId, filterJobs, groupJobs, idsOf, indexJobs, sortJobs } from './jobsTable.js';

const STATES = JobState.options;
function synth(n: number): Job[] {
  const out: Job[] = [];
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const array = i % 10 === 0 ? null : String(1000 + Math.floor(i / 10));
    out.push({
      id: `j${i}`,
      projectId: 'p1',
      targetId: `t${i % 4}`,
      kind: 'slurm',
      name: `relax-mutant-${i % 97}-model-${i}`,
      state: STATES[i % STATES.length]!,
      remoteId: String(50000 + i),
      tags: [],
      attempts: 1 + (i % 3),
      createdAt: new Date(base + i * 1000).toISOString(),
      updatedAt: new Date(base + ((i * 7919) % n) * 1000).toISOString(),
      submittedAt: null,
      finishedAt: null,
      reason: i % 5 === 0 ? 'Priority' : null,
      exitCode: null,
      stateSince: null,
      groupId: null,
      details: { partition: i % 2 ? 'gpu' : 'cpu', ...(array ? { arrayJobId: array, arrayTaskId: i % 10 } : {}), folder: `mutant-${i % 7}/group-${i % 3}` },
    });
  }
  return out;
}
const names = new Map([
  ['t0', 'Perlmutter'],
  ['t1', 'Frontier'],
  ['t2', 'Bridges-2'],
  ['t3', 'Expanse'],
]);

describe('jobs table logic', () => {
  const jobs = synth(8);
  const ix = indexJobs(jobs, names);

  it('shows array tasks as parent_task', () => {
    expect(displayRemoteId(jobs[1]!)).toBe('1000_1');
    expect(displayRemoteId(jobs[0]!)).toBe('50000');
  });

  it('filters by text over name, remote id and reason, by state and by cluster', () => {
    expect(idsOf(ix, filterJobs(ix, { text: 'model-3', states: new Set(), cluster: '' }))).toEqual(['j3']);
    expect(idsOf(ix, filterJobs(ix, { text: '1000_2', states: new Set(), cluster: '' }))).toEqual(['j2']);
    expect(idsOf(ix, filterJobs(ix, { text: 'priority', states: new Set(), cluster: '' }))).toEqual(['j0', 'j5']);
    expect(idsOf(ix, filterJobs(ix, { text: '', states: new Set(['pending', 'running']), cluster: '' }))).toEqual(['j2', 'j3']);
    expect(idsOf(ix, filterJobs(ix, { text: '', states: new Set(), cluster: 't1' }))).toEqual(['j1', 'j5']);
  });

  it('sorts naturally and stably, both directions', () => {
    const all = filterJobs(ix, { text: '', states: new Set(), cluster: '' });
    const byName = idsOf(ix, sortJobs(ix, all, 'name', 'asc'));
    expect(byName.slice(0, 3)).toEqual(['j0', 'j1', 'j2']);
    const byAttempts = idsOf(ix, sortJobs(ix, all, 'attempts', 'desc'));
    expect(byAttempts.slice(0, 3)).toEqual(['j2', 'j5', 'j1']);
  });

  it('groups with headers and collapses', () => {
    const all = filterJobs(ix, { text: '', states: new Set(), cluster: '' });
    const g = groupJobs(ix, all, 'cluster', new Set());
    expect(g.groups.map((x) => [x.label, x.count])).toEqual([
      ['Perlmutter', 2],
      ['Frontier', 2],
      ['Bridges-2', 2],
      ['Expanse', 2],
    ]);
    expect(g.rows.length).toBe(12);
    expect(g.rows[0]).toBe(-1);
    const c = groupJobs(ix, all, 'cluster', new Set(['Frontier']));
    expect(c.rows.length).toBe(10);
    expect(groupJobs(ix, all, 'array', new Set()).groups[0]!.label).toBe('not an array');
  });

  // Correctness at 100,000 rows; how fast it is belongs in a benchmark, not in a timed unit test on a noisy machine.
  it('indexes, filters, sorts and groups 100,000 jobs', () => {
    const big = synth(100_000);
    const bix = indexJobs(big, names);
    const filtered = filterJobs(bix, { text: 'mutant-5', states: new Set(['pending', 'running', 'failed']), cluster: '' });
    const all = filterJobs(bix, { text: '', states: new Set(), cluster: '' });
    const sorted = sortJobs(bix, all, 'name', 'asc');
    const byUpdate = sortJobs(bix, all, 'updated', 'desc');
    const grouped = groupJobs(bix, sorted, 'cluster', new Set());
    expect(filtered.length).toBeGreaterThan(0);
    expect(sorted.length).toBe(100_000);
    expect(byUpdate.length).toBe(100_000);
    expect(grouped.rows.length).toBe(100_004);
    expect(groupJobs(bix, sorted, 'folder', new Set()).groups.length).toBeGreaterThan(1);
  });
});
