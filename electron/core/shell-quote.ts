// POSIX shell quoting for every command SimDeck builds for a remote shell (ssh exec) or shows in the activity
// log. One rule: anything that is not a plainly safe word goes in single quotes, where a POSIX shell expands
// nothing; a single quote itself becomes '\'' (close, escaped quote, reopen). This holds for sh, dash, bash, ksh
// and zsh. Non-POSIX login shells (fish treats \\ inside quotes, csh chokes on newlines) are not supported.
import { ApiError } from '../../shared/errors.js';

// Words made only of these characters mean the same to every POSIX shell, so they stay bare for readability.
// Deliberately absent: ~ (tilde expansion at word start), = and % at the start (zsh's =cmd, job specs),
// and everything with a meaning to the shell ($ ` \ " ' * ? [ ] { } ( ) < > | & ; # ! space, newline).
const SAFE_WORD = /^[A-Za-z0-9_@+:,./-][A-Za-z0-9_@%+=:,./-]*$/;

/** Quotes one argument so a POSIX shell reads it back as exactly this string. */
export function quote(arg: string): string {
  if (arg.includes('\0')) {
    // argv strings are NUL-terminated: no shell can pass such an argument on, so refuse instead of truncating.
    throw new ApiError('INVALID_INPUT', 'A command argument cannot contain a NUL character.');
  }
  if (arg === '') return "''";
  if (SAFE_WORD.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Joins arguments into one command line a POSIX shell splits back into exactly these arguments. */
export function commandLine(args: readonly string[]): string {
  return args.map(quote).join(' ');
}
