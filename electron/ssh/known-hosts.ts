// Reads OpenSSH known_hosts files: plain host patterns (commas, * and ? wildcards, !negation, [host]:port for
// ports other than 22), hashed entries (|1|salt|hash: HMAC-SHA1 of the host name keyed with the salt) and the
// @revoked marker. @cert-authority lines are not supported (SimDeck does not verify host certificates): they are
// skipped with a note, so such a host shows up as unknown and the user can trust its key explicitly.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { globToRegExp } from './ssh-config.js';

export interface KnownHostLine {
  /** The host field as written: "a,b,[c]:2222" or "|1|salt|hash". */
  hosts: string;
  keyType: string;
  keyBase64: string;
  revoked: boolean;
  /** "file:line", for messages that tell the user which line to remove. */
  source: string;
}

export interface KnownHostsFile {
  lines: KnownHostLine[];
  /** Lines SimDeck skipped and why (e.g. @cert-authority). */
  notes: string[];
}

export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostsFile {
  const lines: KnownHostLine[] = [];
  const notes: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]?.startsWith('@')) {
      const marker = fields.shift();
      if (marker === '@revoked') revoked = true;
      else {
        notes.push(`${file}:${i + 1}: ${marker} lines are not supported; SimDeck ignores this line.`);
        return;
      }
    }
    const [hosts, keyType, keyBase64] = fields;
    if (!hosts || !keyType || !keyBase64) {
      notes.push(`${file}:${i + 1}: not a known_hosts line; ignored.`);
      return;
    }
    lines.push({ hosts, keyType, keyBase64, revoked, source: `${file}:${i + 1}` });
  });
  return { lines, notes };
}

/** The name OpenSSH looks up: "host" on port 22, "[host]:port" otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|'); // ["", "1", salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2] ?? '', 'base64');
  const want = Buffer.from(parts[3] ?? '', 'base64');
  const got = createHmac('sha1', salt).update(name).digest();
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Does this line's host field name host:port? Host names compare case-insensitively, like OpenSSH. */
export function lineMatches(line: KnownHostLine, host: string, port: number): boolean {
  const name = knownHostsName(host.toLowerCase(), port);
  if (line.hosts.startsWith('|')) return hashedMatches(line.hosts, name);
  let hit = false;
  for (const p of line.hosts.split(',')) {
    if (p.startsWith('!')) {
      if (globToRegExp(p.slice(1)).test(name)) return false;
    } else if (globToRegExp(p).test(name)) hit = true;
  }
  return hit;
}

/** Reads known_hosts files that exist; a missing file is simply empty. */
export function readKnownHostsFiles(paths: string[]): KnownHostsFile {
  const out: KnownHostsFile = { lines: [], notes: [] };
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const parsed = parseKnownHosts(text, path);
    out.lines.push(...parsed.lines);
    out.notes.push(...parsed.notes);
  }
  return out;
}
