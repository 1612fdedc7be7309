// The simulator's test certificate authority (notes §3). Everything is made in memory at start with
// @peculiar/x509 over Node's WebCrypto: a CA (EC P-256, to keep start-up fast), serving certificates for the WS
// and the AS (SAN IP:127.0.0.1 and DNS:localhost), client certificates (CN=<email>, RSA-2048 by default because
// "you will need an RSA certificate signed by a Folding@home AS" [V-doc api.html]) and CSR signing for the AS.
import * as x509 from '@peculiar/x509';
import { createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle;

const EC_ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const RSA_ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const DAY = 86_400_000;

export type KeyType = 'rsa' | 'ec';

export interface IssuedCert {
  /** The leaf certificate alone. */
  certPem: string;
  /** Unencrypted private key: PKCS#1 (`BEGIN RSA PRIVATE KEY`, as the F@H docs make it) or SEC1 for EC. Empty when the caller supplied the key. */
  keyPem: string;
  /** Leaf followed by the issuing CA, like the `fah-cert-chain-<email>.pem` the AS web UI downloads (notes §3.1). */
  chainPem: string;
}

export interface LeafSpec {
  subject: string;
  publicKey: x509.PublicKeyType;
  notBefore: Date;
  notAfter: Date;
  usage: 'client' | 'server';
  /** Server certificates: SAN entries. */
  ips?: string[];
  dns?: string[];
}

/** Escape an RDN value for the string form of a distinguished name (RFC 4514). */
export function rdnValue(v: string): string {
  return v.replace(/([,+"\\<>;=])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f; // positive INTEGER
  return b.toString('hex');
}

/** A fresh key pair: the CryptoKeyPair for signing plus the private key as traditional PEM. */
export async function generateKeyPair(type: KeyType): Promise<{ keys: CryptoKeyPair; keyPem: string }> {
  const keys = (await subtle.generateKey(type === 'rsa' ? RSA_ALG : EC_ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = Buffer.from(await subtle.exportKey('pkcs8', keys.privateKey));
  const keyObj = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const keyPem = keyObj.export({ type: type === 'rsa' ? 'pkcs1' : 'sec1', format: 'pem' }).toString();
  return { keys, keyPem };
}

/** The SPKI (DER) of the public half of a PEM private key (PKCS#1, PKCS#8 or SEC1). */
export function spkiOfPrivateKey(keyPem: string): Buffer {
  return createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
}

export class TestCa {
  private constructor(
    readonly cert: x509.X509Certificate,
    private readonly keys: CryptoKeyPair,
  ) {}

  static async create(commonName: string): Promise<TestCa> {
    const keys = (await subtle.generateKey(EC_ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: `CN=${rdnValue(commonName)}, O=SimDeck fah-sim`,
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 3650 * DAY),
      signingAlgorithm: EC_ALG,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new TestCa(cert, keys);
  }

  get pem(): string {
    return this.cert.toString('pem') + '\n';
  }

  async issue(spec: LeafSpec): Promise<x509.X509Certificate> {
    const publicKey = spec.publicKey instanceof x509.PublicKey ? spec.publicKey : await x509.PublicKey.create(spec.publicKey);
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([spec.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(this.keys.publicKey),
    ];
    if (spec.usage === 'server') {
      const names = [...(spec.ips ?? []).map((value) => ({ type: 'ip' as const, value })), ...(spec.dns ?? []).map((value) => ({ type: 'dns' as const, value }))];
      extensions.push(new x509.SubjectAlternativeNameExtension(names));
    }
    return x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: spec.subject,
      issuer: this.cert.subject,
      notBefore: spec.notBefore,
      notAfter: spec.notAfter,
      signingAlgorithm: EC_ALG,
      publicKey,
      signingKey: this.keys.privateKey,
      extensions,
    });
  }

  /** A leaf with a fresh key (or the caller's key) as PEM strings. */
  async issuePem(opts: Omit<LeafSpec, 'publicKey'> & { key?: string; keyType?: KeyType }): Promise<IssuedCert> {
    let keyPem = '';
    let publicKey: x509.PublicKeyType;
    if (opts.key) {
      publicKey = new Uint8Array(spkiOfPrivateKey(opts.key));
    } else {
      const made = await generateKeyPair(opts.keyType ?? 'rsa');
      keyPem = made.keyPem;
      publicKey = made.keys.publicKey;
    }
    const cert = await this.issue({ ...opts, publicKey });
    const certPem = cert.toString('pem') + '\n';
    return { certPem, keyPem, chainPem: certPem + this.pem };
  }
}

export interface CsrInfo {
  commonName: string | undefined;
  publicKey: x509.PublicKey;
}

/** Parse and verify a PEM CSR; throws with a short reason when it is not a well-formed, self-consistent request. */
export async function readCsr(pem: string): Promise<CsrInfo> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem);
  } catch {
    throw new Error('Invalid CSR: not a PEM certificate request');
  }
  let ok = false;
  try {
    ok = await csr.verify();
  } catch {
    ok = false;
  }
  if (!ok) throw new Error('Invalid CSR: bad signature');
  return { commonName: csr.subjectName.getField('CN')[0], publicKey: csr.publicKey };
}

export { DAY };
