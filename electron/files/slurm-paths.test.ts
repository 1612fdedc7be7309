import { describe, expect, it } from 'vitest';
import { expandSlurmPattern, filesFromScript, parseSbatchOptions, parseScontrolLine, parseScontrolOutput, userName } from './slurm-paths.js';

const LINE =
  'JobId=42 JobName=my job = x UserId=slurmuser(1000) GroupId=slurmuser(1000) MCS_label=N/A Priority=1 JobState=RUNNING ' +
  'Reason=None Partition=debug AllocNode:Sid=localhost:123 NodeList=localhost BatchHost=localhost NumNodes=1 ' +
  'TRES=cpu=1,mem=100M,node=1,billing=1 Socks/Node=* NtasksPerN:B:S:C=0:0:*:* ' +
  'Command=/home/u/my dir/run job.sbatch WorkDir=/home/u/my dir StdErr=/home/u/my dir/err A=1.txt StdIn=/dev/null ' +
  'StdOut=/home/u/my dir/out 42.txt Power=';

describe('scontrol show job -o', () => {
  it('keeps spaces and "=" inside values and splits only at known keys', () => {
    const r = parseScontrolLine(LINE);
    expect(r.JobId).toBe('42');
    expect(r.JobName).toBe('my job = x');
    expect(r.WorkDir).toBe('/home/u/my dir');
    expect(r.StdErr).toBe('/home/u/my dir/err A=1.txt');
    expect(r.StdOut).toBe('/home/u/my dir/out 42.txt');
    expect(r.StdIn).toBe('/dev/null');
    expect(r.TRES).toBe('cpu=1,mem=100M,node=1,billing=1');
    expect(r['AllocNode:Sid']).toBe('localhost:123');
    expect(r.Power).toBe('');
    expect(userName(r.UserId)).toBe('slurmuser');
  });

  it('reads one record per line (arrays) and ignores other lines', () => {
    const out = `${LINE.replace('JobId=42', 'JobId=43 ArrayJobId=42 ArrayTaskId=1')}\n${LINE.replace('JobId=42', 'JobId=44 ArrayJobId=42 ArrayTaskId=2')}\n\nslurm_load_jobs error: x\n`;
    const recs = parseScontrolOutput(out);
    expect(recs.map((r) => [r.JobId, r.ArrayTaskId])).toEqual([
      ['43', '1'],
      ['44', '2'],
    ]);
  });
});

describe('SLURM filename patterns', () => {
  const ctx = { jobId: '1234', arrayJobId: '1200', arrayTaskId: '7', jobName: 'relax', user: 'ana', node: 'n01' };
  it('substitutes %j %A %a %x %u %N and %%, with zero padding', () => {
    expect(expandSlurmPattern('%x-%j.out', ctx)).toBe('relax-1234.out');
    expect(expandSlurmPattern('slurm-%A_%a.out', ctx)).toBe('slurm-1200_7.out');
    expect(expandSlurmPattern('%u/%N/%4a/100%%.log', ctx)).toBe('ana/n01/0007/100%.log');
  });
  it('leaves unknown or unknowable patterns as they are', () => {
    expect(expandSlurmPattern('o-%s-%t-%a.out', { jobId: '5' })).toBe('o-%s-%t-%a.out');
    expect(expandSlurmPattern('slurm-%A.out', { jobId: '5' })).toBe('slurm-5.out');
  });
  it('a backslash disables substitution', () => {
    expect(expandSlurmPattern('out\\%j.txt', ctx)).toBe('out%j.txt');
  });
});

describe('#SBATCH options of a script', () => {
  it('reads long and short forms, quotes and comments, only before the first command', () => {
    const o = parseSbatchOptions(
      [
        '#!/bin/bash',
        '#SBATCH --job-name=relax',
        '#SBATCH -o "logs/my %x.%j.out"',
        '#SBATCH --error logs/%j.err # errors go here',
        '# a comment',
        '#SBATCH -Drun',
        '',
        'echo hi',
        '#SBATCH --output=ignored.out',
      ].join('\n'),
    );
    expect(o).toEqual({ jobName: 'relax', output: 'logs/my %x.%j.out', error: 'logs/%j.err', chdir: 'run' });
  });

  it('derives paths: chdir relative to the submit folder, default slurm-%j.out, stderr = stdout', () => {
    const script = '#!/bin/bash\n#SBATCH --output=slurm-%j.out\nsleep 1\n';
    expect(filesFromScript(script, '/home/u/simdeck/p', { jobId: '99', jobName: 'j' })).toEqual({
      workDir: '/home/u/simdeck/p',
      stdoutPath: '/home/u/simdeck/p/slurm-99.out',
      stderrPath: '/home/u/simdeck/p/slurm-99.out',
    });
    const s2 = '#!/bin/bash\n#SBATCH -D sub dir\n#SBATCH -e /abs/%x.err\nsleep 1\n';
    expect(filesFromScript(s2, '/w', { jobId: '7', jobName: 'n' })).toEqual({ workDir: '/w/sub dir', stdoutPath: '/w/sub dir/slurm-7.out', stderrPath: '/abs/n.err' });
  });

  it('arrays default to slurm-%A_%a.out', () => {
    const r = filesFromScript('#!/bin/bash\nsleep 1\n', '/w', { arrayJobId: '50', arrayTaskId: '3', isArray: true });
    expect(r.stdoutPath).toBe('/w/slurm-50_3.out');
  });
});
