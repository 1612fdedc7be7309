// Imports `Host` entries from ~/.ssh/config so a researcher can turn the aliases they already use into cluster
// profiles. It follows OpenSSH's rules where they matter for an import: keywords are case-insensitive, `key value`
// and `key=value` both work, the first value obtained for a keyword wins (so `Host *` defaults at the end apply),
// `Include` splices other files in (relative paths are under ~/.ssh, simple globs), and wildcard-only patterns are
// not entries of their own. `Match` blocks are skipped: they depend on runtime conditions an import cannot know.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { ApiError } from '../../shared/errors.js';
import type { SshConfigHost } from '../../shared/slurm.js';

/** File access for Include; injectable so tests need no real home folder. */
export interface ConfigFiles {
  read(path: string): string | null;
  list(dir: string): string[];
}

const nodeFiles: ConfigFiles = {
  read(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null; // OpenSSH ignores Include patterns that match nothing
    }
  },
  list(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
};

interface Block {
  patterns: string[];
  options: Map<string, string[]>;
}

const MAX_INCLUDE_DEPTH = 16;

/** `a*` / `?` glob as a whole-string, case-insensitive regex. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function isWildcard(p: string): boolean {
  return p.startsWith('!') || p.includes('*') || p.includes('?');
}

/** OpenSSH pattern-list semantics: any negated match excludes, otherwise one positive match includes. */
export function matchPatternList(patterns: string[], name: string): boolean {
  let hit = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (globToRegExp(p.slice(1)).test(name)) return false;
    } else if (globToRegExp(p).test(name)) hit = true;
  }
  return hit;
}

/** Splits arguments, honouring double quotes (`IdentityFile "~/my keys/id"`). */
function splitArgs(rest: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(rest); m; m = re.exec(rest)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

function expandTilde(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

/** Paths an Include argument names: relative to ~/.ssh, with * and ? allowed in the file name part. */
function includePaths(arg: string, home: string, files: ConfigFiles): string[] {
  let path = expandTilde(arg, home);
  if (!isAbsolute(path)) path = join(home, '.ssh', path);
  const name = basename(path);
  if (!isWildcard(name)) return [path];
  const re = globToRegExp(name);
  return files
    .list(dirname(path))
    .filter((f) => re.test(f) && !f.startsWith('.'))
    .sort()
    .map((f) => join(dirname(path), f));
}

/** Reads a config text into ordered blocks, splicing in Includes where they appear. */
function collectBlocks(text: string, home: string, files: ConfigFiles, blocks: Block[], depth: number): void {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const keyword = (m[1] ?? '').toLowerCase();
    const args = splitArgs(m[2] ?? '');
    if (keyword === 'host') {
      blocks.push({ patterns: args, options: new Map() });
    } else if (keyword === 'match') {
      blocks.push({ patterns: [], options: new Map() }); // matches nothing: its options are not imported
    } else if (keyword === 'include') {
      if (depth >= MAX_INCLUDE_DEPTH) continue;
      for (const arg of args) {
        for (const path of includePaths(arg, home, files)) {
          const sub = files.read(path);
          if (sub !== null) collectBlocks(sub, home, files, blocks, depth + 1);
        }
      }
    } else {
      // Lines before the first Host apply to every host, like `Host *`.
      if (blocks.length === 0) blocks.push({ patterns: ['*'], options: new Map() });
      const opts = (blocks[blocks.length - 1] as Block).options;
      if (!opts.has(keyword)) opts.set(keyword, args);
    }
  }
}

/** The Host entries of an ssh config text (aliases without wildcards), with their effective settings. */
export function parseSshConfig(text: string, home: string, files: ConfigFiles = nodeFiles): SshConfigHost[] {
  const blocks: Block[] = [];
  collectBlocks(text, home, files, blocks, 0);
  const aliases: string[] = [];
  for (const b of blocks) for (const p of b.patterns) if (!isWildcard(p) && !aliases.includes(p)) aliases.push(p);

  return aliases.map((alias) => {
    const eff = new Map<string, string[]>();
    for (const b of blocks) {
      if (!matchPatternList(b.patterns, alias)) continue;
      for (const [k, v] of b.options) if (!eff.has(k)) eff.set(k, v);
    }
    const one = (k: string): string | null => eff.get(k)?.[0] ?? null;
    const port = Number(one('port') ?? '22');
    const identity = one('identityfile');
    const jump = one('proxyjump');
    return {
      alias,
      hostName: (one('hostname') ?? alias).replaceAll('%h', alias),
      port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 22,
      user: one('user'),
      identityFile: identity ? expandTilde(identity.replaceAll('%d', home), home) : null,
      proxyJump: jump && jump.toLowerCase() !== 'none' ? jump : null,
    };
  });
}

export interface JumpHop {
  host: string;
  port: number;
  user: string | null;
}

/** Parses an OpenSSH ProxyJump value: comma-separated `[user@]host[:port]` hops, IPv6 as `[addr]:port`. */
export function parseProxyJump(spec: string): JumpHop[] {
  const hops: JumpHop[] = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    let rest = part.replace(/^ssh:\/\//, '');
    let user: string | null = null;
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
      user = rest.slice(0, at);
      rest = rest.slice(at + 1);
    }
    let host = rest;
    let port = 22;
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
    const plain = /^([^:]+):(\d+)$/.exec(rest);
    if (v6) {
      host = v6[1] ?? '';
      if (v6[2]) port = Number(v6[2]);
    } else if (plain) {
      host = plain[1] ?? '';
      port = Number(plain[2]);
    }
    if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new ApiError('INVALID_INPUT', `"${part}" in proxyJump is not a valid jump host ([user@]host[:port]).`, { field: 'proxyJump' });
    }
    hops.push({ host, port, user });
  }
  return hops;
}

/** The Host entries of the user's ~/.ssh/config (none if it does not exist). */
export function loadSshConfigHosts(home: string, files: ConfigFiles = nodeFiles): SshConfigHost[] {
  const text = files.read(join(home, '.ssh', 'config'));
  return text === null ? [] : parseSshConfig(text, home, files);
}
