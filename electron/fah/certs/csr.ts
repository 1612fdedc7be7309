// Key and CSR generation for the Folding@home API certificate (notes fah-api.md §3.2): RSA 4096, e = 65537,
// unencrypted; CSR subject exactly CN=<email> (no SAN, no attributes), signed with SHA-256. Key generation runs
// in Node's thread pool (generateKeyPair, async), so the event loop, and the UI it serves, never blocks on it.
import { createPrivateKey, createPublicKey, generateKeyPair, webcrypto } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { Pkcs10CertificateRequestGenerator } from '@peculiar/x509';
import { ApiError } from '../../../shared/errors.js';
import { loadPrivateKey } from './pem.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** The size the F@H docs prescribe (`openssl genrsa -out private.pem 4096`). */
export const DEFAULT_RSA_BITS = 4096;

export interface KeyAndCsr {
  /** Unencrypted private key, PKCS#8 (`BEGIN PRIVATE KEY`) unless `keyFormat: 'pkcs1'`. Secret: never log it. */
  keyPem: string;
  /** PKCS#10 request, subject CN=<email>. */
  csrPem: string;
}

export interface GenerateKeyOptions {
  /** RSA modulus length; default 4096. Tests use 2048 (the AS accepted 2048 too, notes §3.2). */
  modulusLength?: number;
  /**
   * PEM encoding of the key: PKCS#8 (default) or PKCS#1 `BEGIN RSA PRIVATE KEY` as alchemiscale-fah writes it.
   * Node, OpenSSL and Python's requests read both.
   */
  keyFormat?: 'pkcs8' | 'pkcs1';
}

const EMAIL = /^[^\s@,;<>"\\]+@[^\s@,;<>"\\]+\.[^\s@,;<>"\\]+$/;

/** Checks the address the CSR will name (the Google address used to log in to the AS). */
export function assertCsrEmail(email: string): string {
  const e = typeof email === 'string' ? email.trim() : '';
  if (!EMAIL.test(e) || e.length > 254) {
    throw new ApiError('INVALID_INPUT', `"${String(email).slice(0, 80)}" is not an email address. The CSR must name the Google address you log in to the AS with.`, { field: 'email' });
  }
  return e;
}

type SignAlg = { importAlg: RsaHashedImportParams | EcKeyImportParams; signAlg: RsaHashedImportParams | EcdsaParams };

const CURVES: Record<string, { curve: string; hash: string }> = {
  prime256v1: { curve: 'P-256', hash: 'SHA-256' },
  'P-256': { curve: 'P-256', hash: 'SHA-256' },
  secp384r1: { curve: 'P-384', hash: 'SHA-384' },
  'P-384': { curve: 'P-384', hash: 'SHA-384' },
  secp521r1: { curve: 'P-521', hash: 'SHA-512' },
  'P-521': { curve: 'P-521', hash: 'SHA-512' },
};

function algorithmFor(key: KeyObject): SignAlg {
  if (key.asymmetricKeyType === 'rsa') {
    const a = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return { importAlg: a, signAlg: a };
  }
  if (key.asymmetricKeyType === 'ec') {
    const c = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (c) return { importAlg: { name: 'ECDSA', namedCurve: c.curve }, signAlg: { name: 'ECDSA', hash: c.hash } };
  }
  throw new ApiError('INVALID_INPUT', `A CSR can be made for an RSA or EC (P-256/384/521) key, not for this ${key.asymmetricKeyType ?? 'unknown'} key.`);
}

/**
 * A CSR (subject CN=<email>, SHA-256) for an existing private key (RSA or EC): renewal reuses the key
 * (notes §3.3: no new key is generated).
 */
export async function createCsr(keyPem: string | KeyObject, email: string): Promise<string> {
  const cn = assertCsrEmail(email);
  const key = typeof keyPem === 'string' ? loadPrivateKey(keyPem) : keyPem;
  const { importAlg, signAlg } = algorithmFor(key);
  const subtle = webcrypto.subtle;
  const privateKey = await subtle.importKey('pkcs8', key.export({ type: 'pkcs8', format: 'der' }), importAlg, false, ['sign']);
  const publicKey = await subtle.importKey('spki', createPublicKey(key).export({ type: 'spki', format: 'der' }), importAlg, true, ['verify']);
  const csr = await Pkcs10CertificateRequestGenerator.create(
    { name: [{ CN: [cn] }], keys: { privateKey, publicKey }, signingAlgorithm: signAlg },
    webcrypto as unknown as Crypto,
  );
  return `${csr.toString('pem').trim()}\n`;
}

/** A new RSA key (default 4096 bits, e = 65537) and a CSR for it naming `email`. */
export async function generateKeyAndCsr(email: string, opts: GenerateKeyOptions = {}): Promise<KeyAndCsr> {
  assertCsrEmail(email);
  const bits = opts.modulusLength ?? DEFAULT_RSA_BITS;
  if (!Number.isInteger(bits) || bits < 2048 || bits > 8192) {
    throw new ApiError('INVALID_INPUT', `An RSA key for Folding@home needs 2048 to 8192 bits, not ${bits}.`, { field: 'modulusLength' });
  }
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  const keyPem =
    opts.keyFormat === 'pkcs1'
      ? (privateKey.export({ type: 'pkcs1', format: 'pem' }) as string)
      : (privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  const csrPem = await createCsr(createPrivateKey(keyPem), email);
  return { keyPem, csrPem };
}
