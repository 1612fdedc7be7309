import { describe, expect, it } from 'vitest';
import { calls } from '../../shared/contract.js';
import { TargetKind } from '../../shared/domain.js';
import { ROLES, credentialStatus, credentialsSet, roleLabel, rolesForKind, rolesToShow, secretLabel, secretUnshared, summarizeCredentials } from './credentials.js';
import { formatTime } from './format.js';

describe('credential roles', () => {
  it('labels exactly the roles targets.attachSecret accepts', () => {
    const accepted = calls['targets.attachSecret'].params.shape.role.options;
    expect(Object.keys(ROLES).sort()).toEqual([...accepted].sort());
  });

  it('offers per kind only what that backend can use', () => {
    expect(rolesForKind('slurm')).toEqual(['password', 'keyPassphrase', 'privateKey']);
    expect(rolesForKind('kubernetes')).toEqual(['token']);
    expect(rolesForKind('fah')).toEqual(['clientKey']);
    expect(rolesForKind('local-docker')).toEqual([]);
    expect(rolesForKind('swarm')).toEqual([]);
    for (const k of TargetKind.options) expect(rolesForKind(k)).toBeDefined();
  });

  it('still lists a role set through the API that the kind does not use, so it can be removed', () => {
    expect(rolesToShow({ kind: 'swarm', secretRefs: { token: 's1' } })).toEqual(['token']);
    expect(rolesToShow({ kind: 'slurm', secretRefs: { password: 's1', zeta: 's2' } })).toEqual(['password', 'keyPassphrase', 'privateKey', 'zeta']);
    expect(roleLabel('zeta')).toBe('zeta');
    expect(roleLabel('privateKey')).toBe('Private key (PEM)');
  });

  it('labels new secrets with the target and role', () => {
    expect(secretLabel('Perlmutter', 'keyPassphrase')).toBe('Perlmutter Key passphrase');
    expect(secretLabel('x'.repeat(250), 'token')).toHaveLength(200);
  });
});

describe('credentialStatus', () => {
  const secrets = [{ id: 's1', label: 'Perlmutter Password', createdAt: '2025-03-04T17:05:00Z' }];
  it('says when a role was set, from the vault listing', () => {
    expect(credentialStatus('s1', secrets)).toBe(`set on ${formatTime('2025-03-04T17:05:00Z')}`);
    expect(credentialStatus(undefined, secrets)).toBe('not set');
    expect(credentialStatus('s1', null)).toBe('set');
    expect(credentialStatus('gone', secrets)).toMatch(/missing from the vault/);
  });
});

describe('summarizeCredentials', () => {
  it('names the roles set, in the order the dialog shows them', () => {
    expect(summarizeCredentials({ kind: 'slurm', secretRefs: { keyPassphrase: 'a', password: 'b' } })).toBe('password, key passphrase');
    expect(summarizeCredentials({ kind: 'kubernetes', secretRefs: { token: 'a' } })).toBe('API token');
    expect(summarizeCredentials({ kind: 'slurm', secretRefs: {} })).toBe('—');
    expect(credentialsSet({ kind: 'fah', secretRefs: { clientKey: 'a' } })).toEqual(['client key']);
  });
});

describe('secretUnshared', () => {
  it('keeps a secret another target still links', () => {
    const targets: { id: string; secretRefs: Record<string, string> }[] = [
      { id: 't1', secretRefs: { password: 's1' } },
      { id: 't2', secretRefs: { token: 's1' } },
    ];
    expect(secretUnshared('s1', 't1', targets)).toBe(false);
    expect(secretUnshared('s1', 't1', [targets[0]!])).toBe(true);
  });
});
