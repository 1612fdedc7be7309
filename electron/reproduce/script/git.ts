// The official README's checkout of the original code: clone without checkout, fetch the recorded commit,
// check it out. The record has only the SHA1, so the repository URL comes from the researcher and is validated.
import { ApiError } from '../../../shared/errors.js';
import { commandLine } from '../../core/shell-quote.js';

export interface GitStep {
  argv: string[];
  /** null: the folder the researcher runs the clone from; otherwise the checkout folder. */
  cwd: string | null;
}

export interface GitCommands {
  /** The commands to execute (no shell), in order. */
  steps: GitStep[];
  /** The same as a researcher would type them, one per line, quoted for a POSIX shell (includes `cd`). */
  lines: string[];
  text: string;
  warnings: string[];
}

const HOST = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*';
const PATH = '[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*/?';
const HTTPS = new RegExp(`^https://${HOST}(?::\\d{1,5})?/${PATH}$`);
const SSH = new RegExp(`^ssh://(?:[A-Za-z0-9._][A-Za-z0-9._-]*@)?${HOST}(?::\\d{1,5})?/${PATH}$`);
// A local mirror or a bare repository on this machine (also how SimDeck's own tests clone).
const FILE = /^file:\/\/\/(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*\/?$/;
const SCP = new RegExp(`^[A-Za-z0-9._][A-Za-z0-9._-]*@${HOST}:[A-Za-z0-9._~][A-Za-z0-9._~-]*(?:/[A-Za-z0-9._~-]+)*/?$`);

/** Checks a repository URL (https://host/path, ssh://[user@]host/path or user@host:path); throws ApiError if not. */
export function validateRepoUrl(url: string): string {
  const u = typeof url === 'string' ? url.trim() : '';
  if (u === '') throw new ApiError('INVALID_INPUT', 'Enter the URL of the repository that holds the protocols (the record only has the commit SHA1).');
  if (/^https?:\/\/[^/]*@/.test(u)) {
    throw new ApiError('INVALID_INPUT', 'Remove the user name/token from the repository URL: SimDeck shows and logs this URL. Use a git credential helper or an SSH URL instead.');
  }
  if (u.startsWith('http://')) throw new ApiError('INVALID_INPUT', 'Use an https:// (or SSH) URL for the repository, not http://.');
  if (!HTTPS.test(u) && !SSH.test(u) && !SCP.test(u) && !FILE.test(u)) {
    throw new ApiError(
      'INVALID_INPUT',
      `"${u.slice(0, 200)}" is not a repository URL SimDeck accepts. Use https://github.com/<owner>/<repo>.git, ssh://git@host/<owner>/<repo>.git or git@github.com:<owner>/<repo>.git (letters, digits and . _ ~ - only).`,
    );
  }
  return u;
}

/** Checks a commit SHA1 (7–40 hex digits); explains an empty one. Returns it lower-cased. */
export function validateSha1(sha1: string): string {
  const s = typeof sha1 === 'string' ? sha1.trim() : '';
  if (s === '') {
    throw new ApiError(
      'INVALID_INPUT',
      'The record has no SHA1 (the simulation ran with sha1=None), so the exact code version is unknown. Check out the commit you believe the author used; reproduce() will then require a clean repository and record its HEAD.',
    );
  }
  if (!/^[0-9a-fA-F]{7,40}$/.test(s)) throw new ApiError('INVALID_INPUT', `"${s.slice(0, 60)}" is not a git commit SHA1 (7 to 40 hexadecimal digits).`);
  return s.toLowerCase();
}

/**
 * The README's commands: `git clone --no-checkout <url> <dir>`, `cd <dir>`, `git fetch origin <sha1>`,
 * `git checkout <sha1>`. An abbreviated SHA1 cannot be fetched by itself, so then everything is fetched.
 */
export function gitCommands(repoUrl: string, sha1: string, dir: string): GitCommands {
  const url = validateRepoUrl(repoUrl);
  const sha = validateSha1(sha1);
  if (typeof dir !== 'string' || dir.trim() === '') throw new ApiError('INVALID_INPUT', 'Choose a folder for the checkout.');
  if (/[\u0000-\u001f\u007f]/.test(dir)) throw new ApiError('INVALID_INPUT', 'The checkout folder name contains control characters: choose another.');
  if (dir.startsWith('-')) throw new ApiError('INVALID_INPUT', 'The checkout folder name cannot start with "-" (git would read it as an option).');
  const warnings: string[] = [];
  const fetch = sha.length === 40 ? ['git', 'fetch', 'origin', sha] : ['git', 'fetch', 'origin'];
  if (sha.length < 40) {
    warnings.push(`The SHA1 ${sha} is abbreviated; servers only fetch full SHA1s, so all branches are fetched and ${sha} is checked out from them.`);
  }
  const clone = ['git', 'clone', '--no-checkout', url, dir];
  const steps: GitStep[] = [
    { argv: clone, cwd: null },
    { argv: fetch, cwd: dir },
    { argv: ['git', 'checkout', sha], cwd: dir },
  ];
  const lines = [commandLine(clone), commandLine(['cd', dir]), commandLine(fetch), commandLine(['git', 'checkout', sha])];
  return { steps, lines, text: `${lines.join('\n')}\n`, warnings };
}
