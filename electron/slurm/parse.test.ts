// Parsers on output captured from the real test bed (SLURM 22.05.8), state mapping and array syntax.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandArraySpec, parseSacct, parseSqueue, pollCommand, SEP, splitPollOutput } from './parse.js';
import { mapSlurmState, parseExitCode } from './states.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('poll command', () => {
  it('is one quoted command line: squeue, marker, sacct, marker', () => {
    const c = pollCommand('now-86400');
    expect(c).toBe(
      `squeue --me -h -t all -o '${['%i', '%A', '%F', '%K', '%T', '%P', '%V', '%S', '%D', '%M', '%r', '%Z', '%j', '%k'].join(SEP)}'; ` +
        `printf '\\n%s %s\\n' @@SIMDECK-SQUEUE-RC "$?"; ` +
        `sacct -X -P -n '--delimiter=${SEP}' -S now-86400 -E now -o JobID,JobIDRaw,State,ExitCode,Partition,Submit,Start,End,Reason,WorkDir,JobName,Comment; ` +
        `printf '\\n%s %s\\n' @@SIMDECK-SACCT-RC "$?"`,
    );
  });

  it('splits the one stdout into both outputs with their exit status', () => {
    const p = splitPollOutput(fixture('poll-active.txt'));
    expect(p.squeueRc).toBe(0);
    expect(p.sacctRc).toBe(0);
    expect(parseSqueue(p.squeue).problems).toEqual([]);
    expect(parseSacct(p.sacct).problems).toEqual([]);
    const cut = splitPollOutput('1\x1fx\n');
    expect(cut.squeueRc).toBeNull();
  });
});

describe('parseSqueue on real output', () => {
  const rows = parseSqueue(splitPollOutput(fixture('poll-active.txt')).squeue).rows;
  it('reads plain, held, dependent, running and pending array jobs', () => {
    const byId = new Map(rows.map((r) => [r.jobId, r]));
    expect(byId.get('16')).toMatchObject({ state: 'PENDING', reason: 'JobHeldUser', name: 'x;y', comment: null, arrayJobId: null });
    expect(byId.get('17')).toMatchObject({ state: 'PENDING', reason: 'Dependency' });
    expect(byId.get('18')).toMatchObject({ state: 'RUNNING', startTime: '2026-11-21T16:23:45', nodes: '1', timeUsed: '0:01', workDir: '/home/slurmuser/cap' });
    expect(byId.get('15_[1-4%2]')).toMatchObject({ arrayJobId: '15', arrayTaskId: '1-4%2', comment: 'simdeck:arr2', partition: 'debug' });
  });
  it('keeps hostile names literally and array tasks under their parent', () => {
    const done = parseSqueue(splitPollOutput(fixture('poll-finished.txt')).squeue).rows;
    expect(done.find((r) => r.jobId === '6')).toMatchObject({ name: 'we ird$(x)|n', comment: 'simdeck:abc-1' });
    expect(done.find((r) => r.jobId === '8_4')).toMatchObject({ rawId: '8', arrayJobId: '8', arrayTaskId: '4', state: 'COMPLETED' });
  });
  it('never throws on weird lines: they become parse problems', () => {
    const r = parseSqueue(`garbage line\n\n${'a'.repeat(5)}${SEP}b\n7${SEP}7${SEP}7${SEP}N/A${SEP}RUNNING${SEP}debug${SEP}x${SEP}x${SEP}1${SEP}0:01${SEP}None${SEP}/w${SEP}na${SEP}me${SEP}simdeck:j\n`);
    expect(r.problems.map((p) => p.line)).toEqual([1, 3]);
    expect(r.rows[0]).toMatchObject({ jobId: '7', name: `na${SEP}me`, comment: 'simdeck:j' });
  });
});

describe('parseSacct on real output', () => {
  it('reads exit codes, "CANCELLED by", array tasks and an empty Comment', () => {
    const rows = parseSacct(splitPollOutput(fixture('poll-finished.txt')).sacct).rows;
    expect(rows.find((r) => r.jobId === '7')).toMatchObject({ state: 'FAILED', exitCode: '3:0', name: 'fail', comment: null });
    expect(rows.find((r) => r.jobId === '8_3')).toMatchObject({ arrayJobId: '8', arrayTaskId: '3', rawId: '14', endTime: '2026-11-21T16:23:16' });
    const cancelled = parseSacct(splitPollOutput(fixture('poll-cancelled.txt')).sacct).rows;
    expect(cancelled.find((r) => r.jobId === '18')?.state).toBe('CANCELLED by 1001');
  });
});

describe('state mapping', () => {
  it.each([
    ['PENDING', 'Priority', 'pending', 'Priority'],
    ['PENDING', 'None', 'pending', null],
    ['RUNNING', 'None', 'running', null],
    ['COMPLETING', null, 'completing', null],
    ['SUSPENDED', null, 'suspended', null],
    ['COMPLETED', 'JobArrayTaskLimit', 'completed', null],
    ['CANCELLED by 1001', null, 'cancelled', 'cancelled by 1001'],
    ['CANCELLED+', null, 'cancelled', null],
    ['TIMEOUT', 'TimeLimit', 'timeout', 'TimeLimit'],
    ['OUT_OF_MEMORY', null, 'out-of-memory', null],
    ['NODE_FAIL', null, 'node-fail', null],
    ['PREEMPTED', null, 'preempted', null],
    ['BOOT_FAIL', null, 'failed', 'BOOT_FAIL'],
    ['DEADLINE', null, 'failed', 'DEADLINE'],
    ['REQUEUED', null, 'pending', 'requeued'],
    ['PD', null, 'pending', null],
    ['WEIRD_NEW', null, 'unknown', 'SLURM state WEIRD_NEW'],
  ] as const)('%s (%s) → %s', (raw, reason, state, why) => {
    expect(mapSlurmState(raw, reason)).toEqual({ state, reason: why });
  });
  it('failed carries the exit code', () => {
    expect(mapSlurmState('FAILED', 'NonZeroExitCode', 3)).toEqual({ state: 'failed', reason: 'NonZeroExitCode, exit code 3' });
    expect(parseExitCode('3:0')).toBe(3);
    expect(parseExitCode('0:9')).toBe(137);
    expect(parseExitCode('0:0')).toBe(0);
    expect(parseExitCode('')).toBeNull();
  });
});

describe('array syntax', () => {
  it('expands SLURM compact specs with a cap', () => {
    expect(expandArraySpec('1-4%2')?.tasks).toEqual([1, 2, 3, 4]);
    expect(expandArraySpec('[1-3,7,10-20:5]')?.tasks).toEqual([1, 2, 3, 7, 10, 15, 20]);
    expect(expandArraySpec('0-100000', 10)).toEqual({ tasks: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], truncated: true });
    expect(expandArraySpec('abc')).toBeNull();
    expect(expandArraySpec('5-1')).toBeNull();
  });
});
