// Recognizes the core's host-key refusals: CONFIRMATION_REQUIRED with a fingerprint (first contact, the researcher
// may trust it) and FORBIDDEN with a fingerprint (the key changed or is revoked: no bypass).
import type { Params } from '../../shared/contract.js';

export type TrustParams = Params<'ssh.trustHostKey'>;

export type HostKeyProblem =
  | { kind: 'unknown'; message: string; key: TrustParams }
  | { kind: 'changed'; message: string; host: string; port: number; fingerprint: string };

interface ErrLike {
  code?: unknown;
  message?: unknown;
  details?: unknown;
}

export function hostKeyProblem(err: unknown): HostKeyProblem | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as ErrLike;
  const d = e.details && typeof e.details === 'object' ? (e.details as Record<string, unknown>) : null;
  if (!d || typeof d.fingerprint !== 'string' || !d.fingerprint) return null;
  const message = typeof e.message === 'string' ? e.message : '';
  const host = typeof d.host === 'string' ? d.host : '';
  const port = Number(d.port ?? 22);
  if (e.code === 'FORBIDDEN') return { kind: 'changed', message, host, port: Number.isInteger(port) ? port : 22, fingerprint: d.fingerprint };
  if (e.code !== 'CONFIRMATION_REQUIRED') return null;
  if (!host || typeof d.keyType !== 'string' || typeof d.keyBase64 !== 'string' || !d.keyBase64) return null;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { kind: 'unknown', message, key: { host, port, keyType: d.keyType, keyBase64: d.keyBase64, fingerprint: d.fingerprint } };
}

/** "SHA256:abc…" split into groups of 4 for reading aloud over the phone with an admin. */
export function fingerprintGroups(fp: string): string[] {
  const [prefix, body] = fp.includes(':') ? [fp.slice(0, fp.indexOf(':') + 1), fp.slice(fp.indexOf(':') + 1)] : ['', fp];
  const groups: string[] = [];
  for (let i = 0; i < body.length; i += 4) groups.push(body.slice(i, i + 4));
  if (prefix) groups.unshift(prefix);
  return groups;
}
