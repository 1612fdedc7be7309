import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { gitCommands, validateRepoUrl, validateSha1 } from './git.js';

const SHA = '3f2c9d7e1b0a4c5d6e7f8091a2b3c4d5e6f70812';

/** What /bin/sh makes of a displayed command line: its words. */
function shellWords(line: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `set -- ${line}; for a in "$@"; do printf '%s\\0' "$a"; done`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('gitCommands', () => {
  it("the README's four commands", () => {
    const g = gitCommands('https://github.com/alice/prc-project.git', SHA, 'prc-project');
    expect(g.lines).toEqual([
      'git clone --no-checkout https://github.com/alice/prc-project.git prc-project',
      'cd prc-project',
      `git fetch origin ${SHA}`,
      `git checkout ${SHA}`,
    ]);
    expect(g.text).toBe(`${g.lines.join('\n')}\n`);
    expect(g.steps).toEqual([
      { argv: ['git', 'clone', '--no-checkout', 'https://github.com/alice/prc-project.git', 'prc-project'], cwd: null },
      { argv: ['git', 'fetch', 'origin', SHA], cwd: 'prc-project' },
      { argv: ['git', 'checkout', SHA], cwd: 'prc-project' },
    ]);
    expect(g.warnings).toEqual([]);
  });

  it('quotes folders so the shell reads back exactly the argv', () => {
    const dir = "/home/a/my repo's $(id) `x` \"q\"\\";
    const g = gitCommands('git@github.com:alice/prc.git', SHA.toUpperCase(), dir);
    expect(shellWords(g.lines[0] as string)).toEqual(['git', 'clone', '--no-checkout', 'git@github.com:alice/prc.git', dir]);
    expect(shellWords(g.lines[1] as string)).toEqual(['cd', dir]);
    expect(g.steps[2]?.argv).toEqual(['git', 'checkout', SHA]);
  });

  it('abbreviated SHA1: fetch everything, explain', () => {
    const g = gitCommands('ssh://git@gitlab.example.org:2222/lab/prc.git', '3f2c9d7', 'prc');
    expect(g.steps[1]?.argv).toEqual(['git', 'fetch', 'origin']);
    expect(g.lines[3]).toBe('git checkout 3f2c9d7');
    expect(g.warnings[0]).toMatch(/abbreviated/);
  });

  it('rejects URLs that are not plain repository URLs', () => {
    const bad = [
      '',
      'https://github.com/a/b.git; rm -rf ~',
      'https://github.com/a/$(id).git',
      'https://github.com/a/b`id`.git',
      "https://github.com/a/b'.git",
      'https://github.com/a/b .git',
      'https://github.com/a/b\n.git',
      '--upload-pack=touch /tmp/pwned',
      '-oProxyCommand=x',
      'ssh://-oProxyCommand=x/a',
      'ext::sh -c touch% /tmp/pwned',
      'file://host/x',
      'file:///a/../etc',
      '/local/path',
      'http://github.com/a/b.git',
      'https://user:token@github.com/a/b.git',
      'git@-oProxy:a/b',
    ];
    for (const u of bad) expect(() => validateRepoUrl(u), u).toThrow();
    expect(() => validateRepoUrl('https://user:token@github.com/a/b.git')).toThrow(/credential helper/);
    for (const u of ['https://github.com/a/b.git', 'https://github.com/a/b', 'https://gitlab.example.org:8443/group/sub/repo.git', 'git@github.com:a/b.git', 'ssh://git@github.com/a/b.git', 'file:///srv/git/protocols.git']) {
      expect(validateRepoUrl(u)).toBe(u);
    }
  });

  it('validates the SHA1 and explains an empty one', () => {
    expect(() => validateSha1('')).toThrow(/sha1=None.*clean repository/);
    expect(() => validateSha1('xyz1234')).toThrow(/not a git commit/);
    expect(() => validateSha1('abc12')).toThrow();
    expect(() => validateSha1(`${SHA}0`)).toThrow();
    expect(validateSha1(SHA.toUpperCase())).toBe(SHA);
    expect(() => gitCommands('https://github.com/a/b.git', SHA, '-rf')).toThrow(/option/);
  });
});
