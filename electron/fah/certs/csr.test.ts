import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import { Pkcs10CertificateRequest } from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import { assertCsrEmail, createCsr, generateKeyAndCsr } from './csr.js';
import { ecKey } from './test-pki.js';

const crypto = webcrypto as unknown as Crypto;

function spki(pem: string): Buffer {
  return createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' });
}

describe('generateKeyAndCsr', () => {
  it('makes an unencrypted PKCS#8 RSA key and a SHA-256 CSR whose subject is only CN=<email>', async () => {
    const { keyPem, csrPem } = await generateKeyAndCsr('joe@example.com', { modulusLength: 2048 });
    expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const key = createPrivateKey(keyPem);
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(key.asymmetricKeyDetails?.publicExponent).toBe(65537n);
    const csr = new Pkcs10CertificateRequest(csrPem);
    expect(csr.subject).toBe('CN=joe@example.com');
    expect(csr.attributes).toHaveLength(0);
    expect(csr.extensions).toHaveLength(0);
    expect(csr.signatureAlgorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } });
    expect(await csr.verify(crypto)).toBe(true);
    expect(Buffer.from(csr.publicKey.rawData).equals(spki(keyPem))).toBe(true);
  });

  it('can write the key as PKCS#1 like alchemiscale-fah', async () => {
    const { keyPem } = await generateKeyAndCsr('joe@example.com', { modulusLength: 2048, keyFormat: 'pkcs1' });
    expect(keyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
  });

  it('defaults to 4096 bits without blocking the event loop', { timeout: 30_000 }, async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = Date.now();
    const { keyPem } = await generateKeyAndCsr('joe@example.com');
    clearInterval(timer);
    expect(createPrivateKey(keyPem).asymmetricKeyDetails?.modulusLength).toBe(4096);
    // The timer kept firing while the key was being generated (when it took long enough to notice).
    if (Date.now() - started > 100) expect(ticks).toBeGreaterThan(2);
  });

  it('refuses bad emails and silly key sizes', async () => {
    await expect(generateKeyAndCsr('not an email', { modulusLength: 2048 })).rejects.toBeInstanceOf(ApiError);
    await expect(generateKeyAndCsr('joe@example.com', { modulusLength: 1024 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(() => assertCsrEmail('a,b@example.com')).toThrow(ApiError);
    expect(assertCsrEmail(' joe@example.com ')).toBe('joe@example.com');
  });
});

describe('createCsr', () => {
  it('makes a CSR for an existing EC key (renewal keeps the key)', async () => {
    const ec = await ecKey();
    const csr = new Pkcs10CertificateRequest(await createCsr(ec.keyPem, 'ec@example.com'));
    expect(csr.subject).toBe('CN=ec@example.com');
    expect(await csr.verify(crypto)).toBe(true);
    expect(Buffer.from(csr.publicKey.rawData).equals(spki(ec.keyPem))).toBe(true);
  });
});
