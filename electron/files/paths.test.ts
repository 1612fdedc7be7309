import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import { baseName, freeName, numberedName, resolveRemotePath } from './paths.js';

describe('remote paths', () => {
  it('resolves ~, ~/x and relative paths against the home; normalizes absolute ones', () => {
    expect(resolveRemotePath('/home/ana', '~')).toBe('/home/ana');
    expect(resolveRemotePath('/home/ana', '~/runs/')).toBe('/home/ana/runs');
    expect(resolveRemotePath('/home/ana', 'runs/a b')).toBe('/home/ana/runs/a b');
    expect(resolveRemotePath('/home/ana', '/scratch//x/../y')).toBe('/scratch/y');
    expect(resolveRemotePath('/home/ana', '/')).toBe('/');
    expect(resolveRemotePath('/home/ana', '$(touch /tmp/pwned)')).toBe('/home/ana/$(touch /tmp/pwned)');
    expect(() => resolveRemotePath('/home/ana', '~bob/x')).toThrow(ApiError);
  });
  it('base names', () => {
    expect(baseName('/a/b/')).toBe('b');
    expect(baseName('/')).toBe('/');
  });
});

describe('free destination names', () => {
  it('numbers files before their extension and folders at the end', () => {
    expect(numberedName('slurm-1.out', 1, true)).toBe('slurm-1 (1).out');
    expect(numberedName('traj.tar.gz', 2, true)).toBe('traj (2).tar.gz');
    expect(numberedName('results', 1, false)).toBe('results (1)');
    expect(numberedName('.bashrc', 1, true)).toBe('.bashrc (1)');
    expect(numberedName('x', 0, true)).toBe('x');
  });
  it('takes the first name not taken', async () => {
    const taken = new Set(['a.txt', 'a (1).txt']);
    expect(await freeName('a.txt', true, async (c) => taken.has(c))).toBe('a (2).txt');
  });
});
