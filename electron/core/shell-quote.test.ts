import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandLine, quote } from './shell-quote.js';

// Inputs that break naive quoting: quotes of both kinds, expansions, globbing, separators, control characters.
const NASTY = [
  '',
  ' ',
  'two words',
  "it's",
  "''",
  "'",
  '"double" quotes',
  '$(id -un)',
  '`uname`',
  '${HOME}',
  '$HOME',
  'a\\b\\\\c',
  'line1\nline2\n',
  '\n',
  'tab\there',
  '*',
  '?[a-z]',
  '{a,b}',
  '~',
  '~root/x',
  '=ls',
  '%1',
  '-n',
  '-e',
  'a;b&&c||d|e>f<g',
  '#not a comment',
  '!history',
  'über ✓ 分子 🧪',
  '\u0001\u001f\u007f',
  "mixed 'single' and \"double\" and $(x) and `y`\nand newline",
];

describe('quote', () => {
  it('keeps safe words bare and quotes the rest', () => {
    expect(quote('abc-1.2/x')).toBe('abc-1.2/x');
    expect(quote('--partition=debug')).toBe('--partition=debug');
    expect(quote('user@host:22')).toBe('user@host:22');
    expect(quote('')).toBe("''");
    expect(quote('a b')).toBe("'a b'");
    expect(quote("it's")).toBe("'it'\\''s'");
    expect(quote('$(x)')).toBe("'$(x)'");
    expect(quote('~')).toBe("'~'");
    expect(quote('=ls')).toBe("'=ls'");
    expect(quote('ü')).toBe("'ü'");
  });

  it('refuses NUL, which no argv can carry', () => {
    expect(() => quote('a\0b')).toThrow(/NUL/);
  });

  it('commandLine joins quoted words with spaces', () => {
    expect(commandLine(['sinfo', '-h', '-o', '%P|%a'])).toBe("sinfo -h -o '%P|%a'");
    expect(commandLine(['ssh', '-p', '22', 'u@h', "echo 'hi'"])).toBe("ssh -p 22 u@h 'echo '\\''hi'\\'''");
    expect(commandLine([])).toBe('');
  });
});

// Round trip through real shells: printf "%s\n" prints every argument as the shell received it.
const SHELLS = ['/bin/sh', '/bin/bash', '/bin/dash'].filter((s) => existsSync(s));

describe.each(SHELLS)('round trip through %s', (shell) => {
  const run = (script: string): Buffer =>
    execFileSync(shell, ['-c', script], {
      env: { PATH: '/usr/bin:/bin' },
      // stdin must not be a socket: bash would then source ~/.bashrc as if started by sshd
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const expected = Buffer.from(NASTY.map((a) => `${a}\n`).join(''), 'utf8');

  it('quote() of each argument comes back byte-identical', () => {
    const out = run(`printf "%s\\n" ${NASTY.map(quote).join(' ')}`);
    expect(out.equals(expected)).toBe(true);
  });

  it('commandLine() survives one more level of shell (as an ssh remote command does)', () => {
    // The inner line is itself quoted as a single argument to `sh -c`, like ssh hands it to the login shell.
    const inner = commandLine(['printf', '%s\\n', ...NASTY]);
    const out = run(commandLine(['sh', '-c', inner]));
    expect(out.equals(expected)).toBe(true);
  });

  it('each nasty argument alone round-trips', () => {
    for (const a of NASTY) {
      expect(run(`printf "%s" ${quote(a)}`).equals(Buffer.from(a, 'utf8'))).toBe(true);
    }
  });
});
