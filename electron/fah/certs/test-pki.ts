// Test-only PKI: a tiny CA (EC P-256, fast) that issues client certificates for RSA or EC keys and server
// certificates for 127.0.0.1. Used by the electron/fah unit tests; nothing in production imports it.
import { createPrivateKey, createPublicKey, generateKeyPair, webcrypto } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Pkcs10CertificateRequest,
  SubjectAlternativeNameExtension,
  X509CertificateGenerator,
} from '@peculiar/x509';

const gen = promisify(generateKeyPair);
const crypto = webcrypto as unknown as Crypto;
const EC_ALG = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGN_ALG = { name: 'ECDSA', hash: 'SHA-256' };
const DAY = 86_400_000;

export interface TestKey {
  keyPem: string;
  key: KeyObject;
}

export async function rsaKey(bits = 2048): Promise<TestKey> {
  const { privateKey } = await gen('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  return { key: privateKey, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

export async function ecKey(): Promise<TestKey> {
  const { privateKey } = await gen('ec', { namedCurve: 'prime256v1' });
  return { key: privateKey, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

async function publicCryptoKey(key: KeyObject): Promise<CryptoKey> {
  const pub = key.type === 'public' ? key : createPublicKey(key);
  const der = pub.export({ type: 'spki', format: 'der' });
  const alg = pub.asymmetricKeyType === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : EC_ALG;
  return webcrypto.subtle.importKey('spki', der, alg, true, ['verify']);
}

export interface IssueOptions {
  cn: string;
  notBefore?: Date;
  notAfter?: Date;
  /** Server certificate for these names (DNS or IP). */
  serverNames?: string[];
}

export class TestCa {
  private constructor(
    readonly certPem: string,
    private readonly signingKey: CryptoKey,
    private readonly name: string,
  ) {}

  static async create(cn = 'SimDeck Test CA'): Promise<TestCa> {
    const keys = (await webcrypto.subtle.generateKey(EC_ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const now = Date.now();
    const cert = await X509CertificateGenerator.createSelfSigned(
      {
        name: `CN=${cn}`,
        keys,
        signingAlgorithm: SIGN_ALG,
        notBefore: new Date(now - 2 * DAY),
        notAfter: new Date(now + 3650 * DAY),
        serialNumber: '01',
        extensions: [new BasicConstraintsExtension(true, undefined, true), new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true)],
      },
      crypto,
    );
    return new TestCa(cert.toString('pem') + '\n', keys.privateKey, `CN=${cn}`);
  }

  /** A certificate for `key` (a KeyObject, or the public key of a CSR PEM). */
  async issue(key: KeyObject | string, opts: IssueOptions): Promise<string> {
    const now = Date.now();
    let publicKey: CryptoKey;
    if (typeof key === 'string') {
      const csr = new Pkcs10CertificateRequest(key);
      publicKey = await publicCryptoKey(createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' }));
    } else {
      publicKey = await publicCryptoKey(key);
    }
    const extensions = opts.serverNames
      ? [
          new SubjectAlternativeNameExtension(opts.serverNames.map((n) => (/^[\d.]+$/.test(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n }))),
          new ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1']),
        ]
      : [new ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.2'])];
    const cert = await X509CertificateGenerator.create(
      {
        subject: [{ CN: [opts.cn] }],
        issuer: this.name,
        publicKey,
        signingKey: this.signingKey,
        signingAlgorithm: SIGN_ALG,
        notBefore: opts.notBefore ?? new Date(now - DAY),
        notAfter: opts.notAfter ?? new Date(now + 30 * DAY),
        serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
        extensions,
      },
      crypto,
    );
    return cert.toString('pem') + '\n';
  }
}

export { createPrivateKey };
