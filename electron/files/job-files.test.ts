import { describe, expect, it } from 'vitest';
import type { Job, Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import { resolveJobFiles, scontrolCommand } from './job-files.js';

const target: Target = { id: 't1', name: 'c1', kind: 'slurm', settings: { host: 'h', username: 'ana' }, secretRefs: {}, createdAt: '', updatedAt: '' };
const job = (over: Partial<Job> = {}): Job => ({
  id: 'j1',
  projectId: 'p',
  targetId: 't1',
  kind: 'slurm',
  name: 'relax',
  state: 'completed',
  remoteId: '77',
  tags: [],
  attempts: 1,
  createdAt: '',
  updatedAt: '',
  submittedAt: null,
  finishedAt: null,
  reason: null,
  exitCode: null,
  stateSince: null,
  groupId: null,
  details: { dir: '/home/ana/simdeck/p', scriptText: '#!/bin/bash\n#SBATCH --output=%x-%j.out\nsleep 1\n' },
  ...over,
});

describe('jobFiles', () => {
  it('asks scontrol with one quoted command and uses its answer', async () => {
    const cmds: string[] = [];
    const f = await resolveJobFiles({
      job: job(),
      target,
      exec: async (c) => {
        cmds.push(c);
        return { code: 0, signal: null, stderr: '', stdout: 'JobId=77 JobName=relax UserId=ana(1) WorkDir=/w d StdErr=/w d/e 77.txt StdIn=/dev/null StdOut=/w d/o-%j.txt Power=\n' };
      },
    });
    expect(cmds).toEqual(['scontrol show job -o 77']);
    expect(f).toEqual({ jobId: 'j1', targetId: 't1', workDir: '/w d', stdoutPath: '/w d/o-77.txt', stderrPath: '/w d/e 77.txt', source: 'scontrol' });
  });

  it('quotes a hostile remote id', () => {
    expect(scontrolCommand('1;touch /tmp/pwned')).toBe("scontrol show job -o '1;touch /tmp/pwned'");
  });

  it('falls back to the script when SLURM forgot the job or the cluster is unreachable', async () => {
    const forgot = await resolveJobFiles({ job: job(), target, exec: async () => ({ code: 1, signal: null, stdout: '', stderr: 'Invalid job id specified' }) });
    expect(forgot).toMatchObject({ source: 'script', workDir: '/home/ana/simdeck/p', stdoutPath: '/home/ana/simdeck/p/relax-77.out', stderrPath: '/home/ana/simdeck/p/relax-77.out' });
    const down = await resolveJobFiles({
      job: job(),
      target,
      exec: async () => {
        throw new ApiError('UNAVAILABLE', 'down');
      },
    });
    expect(down.source).toBe('script');
  });

  it('array tasks use the parent script and %A_%a; unknown without a script', async () => {
    const parent = job({ id: 'p1', remoteId: '50', details: { dir: '/w', scriptText: '#!/bin/bash\nsleep 1\n', array: '1-4' } });
    const task = job({ id: 'k1', remoteId: '50_3', details: { parentJobId: 'p1', arrayJobId: '50', arrayTaskId: '3' } });
    const gone = async () => ({ code: 1, signal: null, stdout: '', stderr: '' });
    expect(await resolveJobFiles({ job: task, parent, target, exec: gone })).toMatchObject({ source: 'script', stdoutPath: '/w/slurm-50_3.out' });
    expect(await resolveJobFiles({ job: job({ details: {} }), target, exec: gone })).toMatchObject({ source: 'unknown', stdoutPath: null });
  });
});
