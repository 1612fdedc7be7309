import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import { assertUsable, certInfo, keyMatchesCert, leafFirst, parsePemBlocks, parsePemBundle } from './pem.js';
import { TestCa, ecKey, rsaKey } from './test-pki.js';
import type { TestKey } from './test-pki.js';

const DAY = 86_400_000;
let ca: TestCa;
let rsa: TestKey;
let ec: TestKey;
let other: TestKey;
let rsaCert: string;
let ecCert: string;
let expired: string;
let future: string;

beforeAll(async () => {
  ca = await TestCa.create();
  [rsa, ec, other] = await Promise.all([rsaKey(2048), ecKey(), rsaKey(2048)]);
  const now = Date.now();
  [rsaCert, ecCert, expired, future] = await Promise.all([
    ca.issue(rsa.key, { cn: 'joe@example.com' }),
    ca.issue(ec.key, { cn: 'ec@example.com' }),
    ca.issue(rsa.key, { cn: 'joe@example.com', notBefore: new Date(now - 40 * DAY), notAfter: new Date(now - 10 * DAY) }),
    ca.issue(rsa.key, { cn: 'joe@example.com', notBefore: new Date(now + 2 * DAY), notAfter: new Date(now + 30 * DAY) }),
  ]);
});

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected an ApiError');
}

describe('PEM parsing', () => {
  it('splits a chain with the key in the same file, skipping text between blocks', () => {
    const text = `subject=CN = joe\r\n${rsaCert.replace(/\n/g, '\r\n')}issuer=ca\n${ca.certPem}\n${rsa.keyPem}`;
    const b = parsePemBundle(text);
    expect(b.certPems).toHaveLength(2);
    expect(b.keyPem).toBe(rsa.keyPem);
    expect(b.certPems[0]).toBe(rsaCert);
  });

  it('refuses encrypted keys, two keys and non-PEM text', () => {
    expect(apiError(() => parsePemBundle('-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----')).message).toMatch(/encrypted/);
    expect(apiError(() => parsePemBundle(rsa.keyPem + ec.keyPem)).message).toMatch(/more than one private key/);
    expect(apiError(() => parsePemBundle('hello')).code).toBe('INVALID_INPUT');
    expect(apiError(() => parsePemBlocks('-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----')).message).toMatch(/damaged/);
  });
});

describe('certInfo', () => {
  it('reads the leaf of a chain', () => {
    const info = certInfo(rsaCert + ca.certPem);
    expect(info.subjectCN).toBe('joe@example.com');
    expect(info.email).toBe('joe@example.com');
    expect(info.issuerCN).toBe('SimDeck Test CA');
    expect(info.serial).toMatch(/^[0-9A-F]+$/);
    expect(info.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(info.keyType).toBe('rsa');
    expect(info.selfSigned).toBe(false);
    expect(info.notAfter.getTime()).toBeGreaterThan(info.notBefore.getTime());
    expect(info.daysLeft(new Date(info.notAfter.getTime() - 3.5 * DAY))).toBe(3);
    expect(info.daysLeft(new Date(info.notAfter.getTime() + 1))).toBe(-1);
    expect(certInfo(ca.certPem).selfSigned).toBe(true);
  });
});

describe('keyMatchesCert', () => {
  it('matches RSA and EC keys to their certificates and rejects others', () => {
    expect(keyMatchesCert(rsa.keyPem, rsaCert)).toBe(true);
    expect(keyMatchesCert(ec.keyPem, ecCert)).toBe(true);
    expect(keyMatchesCert(other.keyPem, rsaCert)).toBe(false);
    expect(keyMatchesCert(ec.keyPem, rsaCert)).toBe(false);
    expect(keyMatchesCert(rsa.key.export({ type: 'pkcs1', format: 'pem' }) as string, rsaCert)).toBe(true);
  });

  it('puts the leaf first whatever the order in the file', () => {
    expect(leafFirst([ca.certPem, rsaCert], rsa.keyPem)).toEqual([rsaCert, ca.certPem]);
  });
});

describe('assertUsable', () => {
  it('accepts a valid certificate and returns the leaf info', () => {
    expect(assertUsable(ca.certPem + rsaCert, rsa.keyPem).subjectCN).toBe('joe@example.com');
    expect(assertUsable(ecCert, ec.keyPem).keyType).toBe('ec');
  });

  it('explains an expired certificate with the manual steps at the AS', () => {
    const e = apiError(() => assertUsable(expired, rsa.keyPem, new Date(), { asUrl: 'https://as.example.org/' }));
    expect(e.code).toBe('UNAUTHORIZED');
    expect(e.message).toMatch(/expired on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(e.message).toContain('https://as.example.org/');
    expect(e.message).toMatch(/Submit CSR/);
    expect(e.details?.notAfter).toBeDefined();
  });

  it('refuses a certificate that is not valid yet, pointing at the clock', () => {
    const e = apiError(() => assertUsable(future, rsa.keyPem));
    expect(e.code).toBe('UNAUTHORIZED');
    expect(e.message).toMatch(/not valid before .*clock/);
  });

  it('refuses a key that does not belong to the certificate, without quoting the key', () => {
    const e = apiError(() => assertUsable(rsaCert, other.keyPem));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/does not belong to the private key/);
    const body = other.keyPem.split('\n')[1] as string;
    expect(JSON.stringify(e.toJSON())).not.toContain(body.slice(0, 20));
  });

  it('refuses a file without certificate or without key', () => {
    expect(apiError(() => assertUsable(rsa.keyPem, rsa.keyPem)).message).toMatch(/no certificate/);
    expect(apiError(() => assertUsable(rsaCert, rsaCert)).message).toMatch(/no private key/);
  });
});
