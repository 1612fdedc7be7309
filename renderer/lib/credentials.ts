// Which credentials each kind of target can use, and how their state is described. Only ids, labels and dates
// pass through here: secret values never come back from the core.
import type { Params } from '../../shared/contract.js';
import type { SecretInfo, Target, TargetKind } from '../../shared/domain.js';
import { formatTime } from './format.js';

export type CredentialRole = Params<'targets.attachSecret'>['role'];

interface RoleInfo {
  label: string;
  /** For running text and the Targets table. */
  short: string;
  /** PEM blocks get a textarea; one-line secrets a password field. */
  multiline: boolean;
}

export const ROLES: Record<CredentialRole, RoleInfo> = {
  password: { label: 'Password', short: 'password', multiline: false },
  keyPassphrase: { label: 'Key passphrase', short: 'key passphrase', multiline: false },
  privateKey: { label: 'Private key (PEM)', short: 'private key', multiline: true },
  token: { label: 'API token', short: 'API token', multiline: false },
  clientKey: { label: 'Client key (PEM)', short: 'client key', multiline: true },
};

const BY_KIND: Record<TargetKind, readonly CredentialRole[]> = {
  slurm: ['password', 'keyPassphrase', 'privateKey'],
  kubernetes: ['token'],
  fah: ['clientKey'],
  // Docker access is whatever the socket's file permissions allow; there is nothing to log in with.
  'local-docker': [],
  swarm: [],
};

export function isCredentialRole(role: string): role is CredentialRole {
  return Object.prototype.hasOwnProperty.call(ROLES, role);
}

export function rolesForKind(kind: TargetKind): readonly CredentialRole[] {
  return BY_KIND[kind] ?? [];
}

export function roleLabel(role: string): string {
  return isCredentialRole(role) ? ROLES[role].label : role;
}

/** For running text and the table: "key passphrase", "API token". */
export function roleShort(role: string): string {
  return isCredentialRole(role) ? ROLES[role].short : role;
}

/**
 * The roles the dialog lists: those of the kind, then any other role the target has a secret for (set through the
 * API), so it can still be removed.
 */
export function rolesToShow(target: Pick<Target, 'kind' | 'secretRefs'>): string[] {
  const own: string[] = [...rolesForKind(target.kind)];
  return [...own, ...Object.keys(target.secretRefs).filter((r) => !own.includes(r)).sort()];
}

/** The vault label of a new secret, e.g. "Perlmutter Password"; it is what `secrets.list` shows later. */
export function secretLabel(targetName: string, role: CredentialRole): string {
  return `${targetName} ${ROLES[role].label}`.slice(0, 200);
}

/** "set on 2025-03-04 17:05", "not set", … for one role; `secrets` is null while still loading. */
export function credentialStatus(secretId: string | undefined, secrets: readonly SecretInfo[] | null): string {
  if (!secretId) return 'not set';
  if (!secrets) return 'set';
  const info = secrets.find((s) => s.id === secretId);
  return info ? `set on ${formatTime(info.createdAt)}` : 'set, but missing from the vault: replace or remove it';
}

/** The short names of the roles a target has a secret for, in the order the dialog lists them. */
export function credentialsSet(target: Pick<Target, 'kind' | 'secretRefs'>): string[] {
  return rolesToShow(target)
    .filter((r) => target.secretRefs[r])
    .map(roleShort);
}

/** The Targets table's credentials column: "password, key passphrase" or "—". */
export function summarizeCredentials(target: Pick<Target, 'kind' | 'secretRefs'>): string {
  return credentialsSet(target).join(', ') || '—';
}

/** True when no other target links the secret, so deleting it from the vault breaks nothing. */
export function secretUnshared(secretId: string, targetId: string, targets: readonly Pick<Target, 'id' | 'secretRefs'>[]): boolean {
  return !targets.some((t) => t.id !== targetId && Object.values(t.secretRefs).includes(secretId));
}
