import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import { fingerprintGroups, hostKeyProblem } from './hostKey.js';

const details = { host: 'login.hpc.edu', port: '2222', keyType: 'ssh-ed25519', keyBase64: 'AAAAC3Nz', fingerprint: 'SHA256:abcdEFGH1234' };

describe('hostKeyProblem', () => {
  it('recognizes a first-contact host key', () => {
    const p = hostKeyProblem(new ApiError('CONFIRMATION_REQUIRED', 'SimDeck has not seen…', details));
    expect(p).toEqual({
      kind: 'unknown',
      message: 'SimDeck has not seen…',
      key: { host: 'login.hpc.edu', port: 2222, keyType: 'ssh-ed25519', keyBase64: 'AAAAC3Nz', fingerprint: 'SHA256:abcdEFGH1234' },
    });
  });
  it('recognizes a changed key (no bypass)', () => {
    const p = hostKeyProblem(new ApiError('FORBIDDEN', 'The host key changed', details));
    expect(p?.kind).toBe('changed');
  });
  it('ignores other errors', () => {
    expect(hostKeyProblem(new ApiError('CONFIRMATION_REQUIRED', 'type the name'))).toBeNull();
    expect(hostKeyProblem(new ApiError('FORBIDDEN', 'no'))).toBeNull();
    expect(hostKeyProblem(new ApiError('UNAVAILABLE', 'x', details))).toBeNull();
    expect(hostKeyProblem(new ApiError('CONFIRMATION_REQUIRED', 'x', { ...details, keyBase64: '' }))).toBeNull();
    expect(hostKeyProblem(new ApiError('CONFIRMATION_REQUIRED', 'x', { ...details, port: 'abc' }))).toBeNull();
    expect(hostKeyProblem(null)).toBeNull();
    expect(hostKeyProblem('boom')).toBeNull();
  });
  it('accepts plain error shapes with a numeric port', () => {
    expect(hostKeyProblem({ code: 'CONFIRMATION_REQUIRED', message: 'm', details: { ...details, port: 22 } })?.kind).toBe('unknown');
  });
  it('groups a fingerprint for reading', () => {
    expect(fingerprintGroups('SHA256:abcdEFGH12')).toEqual(['SHA256:', 'abcd', 'EFGH', '12']);
  });
});
