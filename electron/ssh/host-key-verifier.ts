// Decides whether a host key presented during an SSH handshake is trusted, from ~/.ssh/known_hosts,
// /etc/ssh/ssh_known_hosts, SimDeck's own store (HostKeyStore) and an optional per-target pin. Every hop of a
// ProxyJump chain goes through the same check with its own host:port. There is deliberately no bypass switch.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../shared/errors.js';
import { keyTypeOfBlob, normalizeFingerprint, sshFingerprint } from './host-key.js';
import { lineMatches, readKnownHostsFiles } from './known-hosts.js';
import type { KnownHostsFile } from './known-hosts.js';

export interface HostKeyCheckRequest {
  host: string;
  port: number;
  /** The key blob (SSH wire format) the server presented. */
  key: Buffer;
  /** The target's old `hostKeySha256` setting: an extra, explicit pin for this host only. */
  pin?: string | null;
}

/** What the pool needs; HostKeyVerifier is the real one, tests may pass their own. */
export interface HostKeyChecker {
  /** null when trusted, else the ApiError to refuse the connection with (FORBIDDEN or CONFIRMATION_REQUIRED). */
  check(req: HostKeyCheckRequest): ApiError | null;
}

interface KnownKey {
  keyType: string;
  keyBase64: string;
  source: string;
}

export interface HostKeyVerifierOptions {
  /** Defaults to ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts. */
  knownHostsFiles?: string[];
  /** SimDeck's store (HostKeyStore fits). */
  store?: { get(host: string, port: number): { keyType: string; keyBase64: string }[] };
  log?: { warn(msg: string, fields?: Record<string, unknown>): void };
}

export function defaultKnownHostsFiles(): string[] {
  return [join(homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];
}

export class HostKeyVerifier implements HostKeyChecker {
  private readonly files: string[];
  private readonly notesShown = new Set<string>();

  constructor(private readonly opts: HostKeyVerifierOptions = {}) {
    this.files = opts.knownHostsFiles ?? defaultKnownHostsFiles();
  }

  check(req: HostKeyCheckRequest): ApiError | null {
    // Read on every handshake (small files, rare event): edits to known_hosts take effect without a restart.
    const kh = readKnownHostsFiles(this.files);
    this.showNotes(kh);
    return decideHostKey(req, kh, this.opts.store?.get(req.host, req.port) ?? []);
  }

  private showNotes(kh: KnownHostsFile): void {
    for (const n of kh.notes) {
      if (this.notesShown.has(n)) continue;
      this.notesShown.add(n);
      this.opts.log?.warn(n);
    }
  }
}

/** The pure decision, separated for tests. */
export function decideHostKey(req: HostKeyCheckRequest, kh: KnownHostsFile, stored: { keyType: string; keyBase64: string }[]): ApiError | null {
  const where = `${req.host}:${req.port}`;
  const keyBase64 = req.key.toString('base64');
  const keyType = keyTypeOfBlob(req.key) ?? 'unknown';
  const fingerprint = sshFingerprint(req.key);
  const details = { host: req.host, port: String(req.port), keyType, keyBase64, fingerprint };

  const matching = kh.lines.filter((l) => lineMatches(l, req.host, req.port));
  const revoked = kh.lines.find((l) => l.revoked && l.keyBase64 === keyBase64 && (l.hosts === '*' || matching.includes(l)));
  if (revoked) {
    return new ApiError(
      'FORBIDDEN',
      `The host key of ${where} (${fingerprint}) is marked @revoked in ${revoked.source}. SimDeck will not connect with a revoked key. ` +
        'Ask your cluster admins for the current host key.',
      details,
    );
  }
  const known: KnownKey[] = [
    ...matching.filter((l) => !l.revoked).map((l) => ({ keyType: l.keyType, keyBase64: l.keyBase64, source: l.source })),
    ...stored.map((s) => ({ keyType: s.keyType, keyBase64: s.keyBase64, source: "SimDeck's trusted host keys" })),
  ];
  if (req.pin && req.pin.trim() && normalizeFingerprint(req.pin) !== fingerprint) {
    return changed(where, fingerprint, `the target's hostKeySha256 setting (${normalizeFingerprint(req.pin)})`, details);
  }
  if (known.some((k) => k.keyBase64 === keyBase64)) return null;
  const sameType = known.find((k) => k.keyType === keyType);
  if (sameType) return changed(where, fingerprint, `${sameType.source} (${sshFingerprint(Buffer.from(sameType.keyBase64, 'base64'))})`, details);
  if (req.pin && req.pin.trim()) return null; // an explicit pin that matches is trust the user gave
  return new ApiError(
    'CONFIRMATION_REQUIRED',
    `SimDeck has not seen the host key of ${where} before. Its ${keyType} fingerprint is ${fingerprint}. ` +
      'Compare it with the fingerprint your cluster documents and trust it to continue.',
    details,
  );
}

function changed(where: string, fingerprint: string, trusted: string, details: Record<string, string>): ApiError {
  return new ApiError(
    'FORBIDDEN',
    `The host key of ${where} changed: it now presents ${fingerprint}, but ${trusted} says otherwise. ` +
      'This can mean someone is intercepting the connection (an attack) or that the server was reinstalled. ' +
      'SimDeck will not connect. Ask your cluster admins for the new fingerprint; if they confirm it, remove the old key ' +
      "from ~/.ssh/known_hosts (ssh-keygen -R) or from SimDeck's trusted keys, then trust the new one.",
    details,
  );
}
