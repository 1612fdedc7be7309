// known_hosts parsing (including entries hashed by the real ssh-keygen -H), SimDeck's host key store, and the
// verifier's decisions: known → ok, changed → FORBIDDEN, unknown → CONFIRMATION_REQUIRED, revoked → FORBIDDEN.
import { testKeyPair } from './test-keys.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { utils } from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import { runMigrations } from '../workspace/migrations.js';
import { keyTypeOfBlob, sshFingerprint } from './host-key.js';
import { HostKeyStore } from './host-key-store.js';
import { decideHostKey, HostKeyVerifier } from './host-key-verifier.js';
import { lineMatches, parseKnownHosts } from './known-hosts.js';

function newKey(type: 'ed25519' | 'ecdsa' = 'ed25519'): { blob: Buffer; b64: string; type: string } {
  const pair = type === 'ecdsa' ? testKeyPair('ecdsa') : testKeyPair();
  const parsed = utils.parseKey(pair.public) as ParsedKey;
  const blob = parsed.getPublicSSH();
  return { blob, b64: blob.toString('base64'), type: parsed.type };
}

const dir = mkdtempSync(join(tmpdir(), 'simdeck-kh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function apiErr(e: ApiError | null): ApiError {
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

describe('known_hosts parsing', () => {
  const a = newKey();
  const b = newKey();

  it('matches entries hashed by the real ssh-keygen -H, on port 22 and [host]:port', () => {
    const file = join(dir, 'known_hosts_hashed');
    writeFileSync(file, `cluster.example.org ${a.type} ${a.b64}\n[login.example.org]:2222 ${b.type} ${b.b64}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^\|1\|/m);
    expect(text).not.toContain('example.org');
    const { lines } = parseKnownHosts(text, file);
    expect(lines).toHaveLength(2);
    const [l1, l2] = lines;
    expect(lineMatches(l1!, 'cluster.example.org', 22)).toBe(true);
    expect(lineMatches(l1!, 'CLUSTER.example.org', 22)).toBe(true);
    expect(lineMatches(l1!, 'cluster.example.org', 2222)).toBe(false);
    expect(lineMatches(l2!, 'login.example.org', 2222)).toBe(true);
    expect(lineMatches(l2!, 'login.example.org', 22)).toBe(false);
  });

  it('handles comma lists, wildcards, negation, [host]:port and markers', () => {
    const text = [
      '# comment',
      `login1,login2.hpc.org ${a.type} ${a.b64}`,
      `*.hpc.org,!evil.hpc.org ${b.type} ${b.b64}`,
      `[gw?.hpc.org]:2200 ${a.type} ${a.b64}`,
      `@revoked * ${b.type} ${a.b64}`,
      `@cert-authority *.hpc.org ${a.type} ${a.b64}`,
      'garbage',
    ].join('\n');
    const { lines, notes } = parseKnownHosts(text, 'kh');
    expect(lines).toHaveLength(4);
    expect(notes.some((n) => n.includes('@cert-authority') && n.includes('kh:6'))).toBe(true);
    const [list, wild, port, revoked] = lines;
    expect(lineMatches(list!, 'login2.hpc.org', 22)).toBe(true);
    expect(lineMatches(list!, 'login3.hpc.org', 22)).toBe(false);
    expect(lineMatches(wild!, 'node7.hpc.org', 22)).toBe(true);
    expect(lineMatches(wild!, 'evil.hpc.org', 22)).toBe(false);
    expect(lineMatches(wild!, 'node7.hpc.org', 2200)).toBe(false); // plain patterns name port 22 only
    expect(lineMatches(port!, 'gw1.hpc.org', 2200)).toBe(true);
    expect(lineMatches(port!, 'gw10.hpc.org', 2200)).toBe(false);
    expect(revoked!.revoked).toBe(true);
  });
});

describe('host key decisions', () => {
  const known = newKey();
  const other = newKey();
  const ecdsa = newKey('ecdsa');
  const kh = parseKnownHosts(`cluster.org ${known.type} ${known.b64}\n@revoked cluster.org ${other.type} ${other.b64}\n`);

  it('accepts a known key, refuses a changed one, asks about an unknown one', () => {
    expect(decideHostKey({ host: 'cluster.org', port: 22, key: known.blob }, kh, [])).toBeNull();

    const changed = apiErr(decideHostKey({ host: 'cluster.org', port: 22, key: newKey().blob }, kh, []));
    expect(changed.code).toBe('FORBIDDEN');
    expect(changed.message).toMatch(/changed.*attack.*reinstalled.*admins.*known_hosts/s);

    const unknown = apiErr(decideHostKey({ host: 'new.org', port: 2222, key: known.blob }, kh, []));
    expect(unknown.code).toBe('CONFIRMATION_REQUIRED');
    expect(unknown.message).toContain('new.org:2222');
    expect(unknown.details).toEqual({ host: 'new.org', port: '2222', keyType: known.type, keyBase64: known.b64, fingerprint: sshFingerprint(known.blob) });

    // Known with another key type only: not a change, but still needs trust.
    expect(apiErr(decideHostKey({ host: 'cluster.org', port: 22, key: ecdsa.blob }, kh, [])).code).toBe('CONFIRMATION_REQUIRED');
  });

  it('refuses a revoked key and honours the stored keys and the pin', () => {
    expect(apiErr(decideHostKey({ host: 'cluster.org', port: 22, key: other.blob }, kh, [])).message).toContain('@revoked');
    const stored = [{ keyType: ecdsa.type, keyBase64: ecdsa.b64 }];
    expect(decideHostKey({ host: 'x.org', port: 22, key: ecdsa.blob }, kh, stored)).toBeNull();
    // A pin is checked in addition: a mismatch refuses even a key that is otherwise known.
    expect(apiErr(decideHostKey({ host: 'cluster.org', port: 22, key: known.blob, pin: sshFingerprint(other.blob) }, kh, [])).code).toBe('FORBIDDEN');
    // A matching pin is explicit trust for an otherwise unknown host (the old setting keeps working).
    expect(decideHostKey({ host: 'pinned.org', port: 22, key: known.blob, pin: sshFingerprint(known.blob) }, kh, [])).toBeNull();
  });

  it('reads known_hosts files through HostKeyVerifier and reports ignored lines once', () => {
    const file = join(dir, 'kh_verifier');
    writeFileSync(file, `[127.0.0.1]:2222 ${known.type} ${known.b64}\n@cert-authority * ${known.type} ${known.b64}\n`);
    const warnings: string[] = [];
    const v = new HostKeyVerifier({ knownHostsFiles: [file, join(dir, 'missing')], log: { warn: (m) => warnings.push(m) } });
    expect(v.check({ host: '127.0.0.1', port: 2222, key: known.blob })).toBeNull();
    expect(v.check({ host: '127.0.0.1', port: 2222, key: other.blob })?.code).toBe('FORBIDDEN');
    expect(warnings).toHaveLength(1);
  });
});

describe('HostKeyStore', () => {
  const db = new Database(':memory:');
  runMigrations(db);
  const store = new HostKeyStore(db);
  const k1 = newKey();
  const k2 = newKey();
  const ec = newKey('ecdsa');
  const req = (k: ReturnType<typeof newKey>, host = 'Cluster.org', port = 22) => ({
    host,
    port,
    keyType: k.type,
    keyBase64: k.b64,
    fingerprint: sshFingerprint(k.blob),
  });

  it('trusts, lists, refuses a second key of the same type, forgets', () => {
    expect(keyTypeOfBlob(k1.blob)).toBe('ssh-ed25519');
    const e = store.trust(req(k1));
    expect(e).toMatchObject({ host: 'cluster.org', port: 22, keyType: 'ssh-ed25519', fingerprint: sshFingerprint(k1.blob) });
    expect(store.trust(req(k1)).addedAt).toBe(e.addedAt); // same key again: no-op
    store.trust(req(ec)); // another type is fine
    expect(store.get('cluster.org', 22).map((k) => k.keyType).sort()).toEqual(['ecdsa-sha2-nistp256', 'ssh-ed25519']);
    expect(() => store.trust(req(k2))).toThrow(/already trusts another ssh-ed25519 key/);
    expect(store.forget('cluster.org', 22, 'ssh-ed25519')).toBe(1);
    store.trust(req(k2));
    expect(store.list()).toHaveLength(2);
    expect(store.forget('cluster.org', 22)).toBe(2);
    expect(store.list()).toEqual([]);
  });

  it('recomputes the fingerprint and refuses a mismatch or a wrong type', () => {
    const bad = { ...req(k1), fingerprint: sshFingerprint(k2.blob) };
    expect(() => store.trust(bad)).toThrow(/does not belong to this key/);
    expect(() => store.trust({ ...req(k1), keyType: 'ssh-rsa' })).toThrow(/not of type/);
    expect(() => store.trust({ ...req(k1), keyBase64: 'not base64!' })).toThrow(/base64/);
    expect(store.list()).toEqual([]);
  });
});
