// PEM handling for the Folding@home client certificate (notes fah-api.md §3). The AS web page downloads a chain
// (`fah-cert-chain-<email>.pem`: leaf first, then the AS/CA certificates); the private key is a separate file or
// sits in the same file. Nothing here logs, and no message or detail ever contains key material: errors name
// the certificate (CN, serial, dates), never the key.
import { X509Certificate as NodeX509, createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { X509Certificate as PeculiarX509 } from '@peculiar/x509';
import { ApiError } from '../../../shared/errors.js';

/** The AS that signs and renews API certificates (notes §1, §3.3). */
export const DEFAULT_AS_URL = 'https://assign1.foldingathome.org';

const DAY_MS = 86_400_000;

export interface PemBlock {
  /** The label between BEGIN and END, e.g. `CERTIFICATE`, `PRIVATE KEY`, `RSA PRIVATE KEY`. */
  type: string;
  /** The block re-encoded as canonical PEM (64-column base64, `\n` line ends, trailing newline). */
  pem: string;
}

export interface PemBundle {
  /** Certificates in file order. */
  certPems: string[];
  /** The private key, if the text holds one. */
  keyPem: string | null;
}

export interface CertInfo {
  subjectCN: string | null;
  /** emailAddress of the subject, else an rfc822 SAN, else the CN when it looks like an email (F@H: CN=email). */
  email: string | null;
  issuerCN: string | null;
  notBefore: Date;
  notAfter: Date;
  /** Upper-case hex, as openssl prints it. */
  serial: string;
  /** SHA-256 of the DER, upper-case hex pairs joined by `:` (openssl x509 -fingerprint -sha256). */
  fingerprintSha256: string;
  keyType: string;
  selfSigned: boolean;
  /** Whole days until notAfter (negative once expired). */
  daysLeft(now?: Date): number;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const KEY_TYPES = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']);

function canonicalPem(type: string, b64: string): string {
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}

/** Every PEM block in `text` (text between blocks, e.g. openssl's "subject=" lines, is skipped). */
export function parsePemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const type = m[1] ?? '';
    const body = (m[2] ?? '').replace(/\s+/g, '');
    // Encapsulated headers (Proc-Type: 4,ENCRYPTED) mean an old-style encrypted key.
    if (body.includes(':')) {
      out.push({ type: `${type} (ENCRYPTED)`, pem: '' });
      continue;
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
      throw new ApiError('INVALID_INPUT', `A ${type} block in the PEM text is damaged (it is not base64). Paste or load the file again.`);
    }
    out.push({ type, pem: canonicalPem(type, body) });
  }
  return out;
}

/**
 * Splits a PEM text (a chain, a key, or both in one file) into certificates and at most one private key.
 * Throws INVALID_INPUT for an encrypted key, more than one key, or text with no PEM at all.
 */
export function parsePemBundle(text: string): PemBundle {
  const blocks = parsePemBlocks(text);
  if (blocks.length === 0) {
    throw new ApiError('INVALID_INPUT', 'The text holds no PEM block (-----BEGIN CERTIFICATE----- or -----BEGIN PRIVATE KEY-----).');
  }
  const certPems: string[] = [];
  let keyPem: string | null = null;
  for (const b of blocks) {
    if (b.type === 'CERTIFICATE' || b.type === 'X509 CERTIFICATE' || b.type === 'TRUSTED CERTIFICATE') {
      certPems.push(b.type === 'CERTIFICATE' ? b.pem : b.pem.replaceAll(b.type, 'CERTIFICATE'));
    } else if (KEY_TYPES.has(b.type)) {
      if (keyPem) throw new ApiError('INVALID_INPUT', 'The PEM text holds more than one private key; keep only the key that belongs to the certificate.');
      keyPem = b.pem;
    } else if (b.type === 'ENCRYPTED PRIVATE KEY' || b.type.endsWith('(ENCRYPTED)')) {
      throw new ApiError(
        'INVALID_INPUT',
        'The private key is encrypted with a passphrase. Folding@home API keys are used unencrypted: decrypt it with `openssl pkey -in key.pem -out key-plain.pem` and load that file.',
      );
    }
    // CERTIFICATE REQUEST, EC PARAMETERS, PUBLIC KEY, ...: not needed here.
  }
  return { certPems, keyPem };
}

function loadCert(pem: string): NodeX509 {
  try {
    return new NodeX509(pem);
  } catch {
    throw new ApiError('INVALID_INPUT', 'The certificate cannot be read (not a valid X.509 certificate).');
  }
}

/** The first certificate of a PEM text (leaf of a chain). */
function firstCertPem(certPem: string): string {
  const { certPems } = parsePemBundle(certPem);
  const first = certPems[0];
  if (!first) throw new ApiError('INVALID_INPUT', 'The text holds no certificate (-----BEGIN CERTIFICATE-----).');
  return first;
}

export function loadPrivateKey(keyPem: string): KeyObject {
  const { keyPem: only } = parsePemBundle(keyPem);
  if (!only) throw new ApiError('INVALID_INPUT', 'The text holds no private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).');
  try {
    return createPrivateKey(only);
  } catch {
    // Node's message may quote decoder internals; keep ours short and free of key bytes.
    throw new ApiError('INVALID_INPUT', 'The private key cannot be read (damaged, or a type SimDeck does not support; use RSA or EC).');
  }
}

function firstValue(name: { getField(n: string): string[] }, field: string): string | null {
  try {
    return name.getField(field)[0] ?? null;
  } catch {
    return null;
  }
}

const EMAILISH = /^[^\s@]+@[^\s@]+$/;

/** Facts about the first certificate in `pem` (for a chain: the leaf). */
export function certInfo(pem: string): CertInfo {
  const leafPem = firstCertPem(pem);
  const node = loadCert(leafPem);
  let subjectCN: string | null = null;
  let issuerCN: string | null = null;
  let email: string | null = null;
  try {
    const pc = new PeculiarX509(leafPem);
    subjectCN = firstValue(pc.subjectName, 'CN');
    issuerCN = firstValue(pc.issuerName, 'CN');
    email = firstValue(pc.subjectName, 'E') ?? firstValue(pc.subjectName, '1.2.840.113549.1.9.1');
  } catch {
    // Node could read it, so fall back to its text form below.
  }
  if (!email) {
    const san = node.subjectAltName ?? '';
    const m = /(?:^|,\s*)email:([^,\s]+)/.exec(san);
    if (m?.[1]) email = m[1];
  }
  if (!email && subjectCN && EMAILISH.test(subjectCN)) email = subjectCN;
  const notBefore = new Date(node.validFrom);
  const notAfter = new Date(node.validTo);
  const pub = node.publicKey;
  return {
    subjectCN,
    email,
    issuerCN,
    notBefore,
    notAfter,
    serial: node.serialNumber.toUpperCase(),
    fingerprintSha256: node.fingerprint256,
    keyType: pub.asymmetricKeyType ?? 'unknown',
    selfSigned: node.checkIssued(node),
    daysLeft: (now: Date = new Date()) => Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
  };
}

function spkiDer(key: KeyObject): Buffer {
  return (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
}

/** True when `certPem`'s first certificate carries the public half of `keyPem` (RSA and EC). */
export function keyMatchesCert(keyPem: string | KeyObject, certPem: string): boolean {
  const key = typeof keyPem === 'string' ? loadPrivateKey(keyPem) : keyPem;
  const cert = loadCert(firstCertPem(certPem));
  if (spkiDer(key).equals(spkiDer(cert.publicKey))) return true;
  // Same key, other encoding of the point (compressed EC) or parameters: let OpenSSL decide.
  try {
    return cert.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/**
 * Orders a chain so the certificate of `keyPem` comes first (Node's TLS wants the leaf first); the others keep
 * their order. Throws INVALID_INPUT when no certificate matches the key.
 */
export function leafFirst(certPems: string[], keyPem: string | KeyObject): string[] {
  if (certPems.length === 0) throw new ApiError('INVALID_INPUT', 'The text holds no certificate (-----BEGIN CERTIFICATE-----).');
  const key = typeof keyPem === 'string' ? loadPrivateKey(keyPem) : keyPem;
  const i = certPems.findIndex((c) => keyMatchesCert(key, c));
  if (i < 0) {
    const first = certPems[0];
    const who = first ? describeCert(certInfo(first)) : 'The certificate';
    throw new ApiError('INVALID_INPUT', `${who} does not belong to the private key (their public keys differ). Load the key the CSR was made with, or the certificate that was issued for this key.`);
  }
  return [certPems[i] as string, ...certPems.filter((_, j) => j !== i)];
}

function day(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function describeCert(info: CertInfo): string {
  return `The certificate ${info.subjectCN ? `for ${info.subjectCN} ` : ''}(serial ${info.serial})`;
}

/** The manual way to a new certificate (notes §3.3 step 1): only when the current one can no longer renew itself. */
export function newCertificateSteps(asUrl: string = DEFAULT_AS_URL, email?: string | null): string {
  const base = asUrl.replace(/\/+$/, '');
  return (
    `Get a new one: generate a key and CSR in SimDeck, log in to the AS web page at ${base}/ ` +
    `with your Google account, open "Certificate", paste the CSR and click "Submit CSR", then load the downloaded ` +
    `fah-cert-chain-${email ?? '<email>'}.pem into SimDeck with the key the CSR was made with.`
  );
}

export interface AssertUsableOptions {
  /** The AS web page named in messages. */
  asUrl?: string;
  /** Tolerated clock skew for "not yet valid" (default 5 min). */
  skewMs?: number;
}

/**
 * Checks that the certificate (chain) and key can be used for mutual TLS at `now`: the key fits one of the
 * certificates, which is valid now. Returns the info of that (leaf) certificate.
 * Throws INVALID_INPUT (unreadable, key mismatch) or UNAUTHORIZED (not yet valid, expired).
 */
export function assertUsable(certPem: string, keyPem: string, now: Date = new Date(), opts: AssertUsableOptions = {}): CertInfo {
  const { certPems } = parsePemBundle(certPem);
  if (certPems.length === 0) throw new ApiError('INVALID_INPUT', 'The certificate file holds no certificate (-----BEGIN CERTIFICATE-----).');
  const key = loadPrivateKey(keyPem);
  const [leaf] = leafFirst(certPems, key);
  const info = certInfo(leaf as string);
  const details: Record<string, string> = {
    serial: info.serial,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
  };
  if (info.subjectCN) details.subject = info.subjectCN;
  const skew = opts.skewMs ?? 5 * 60_000;
  if (now.getTime() + skew < info.notBefore.getTime()) {
    throw new ApiError(
      'UNAUTHORIZED',
      `${describeCert(info)} is not valid before ${day(info.notBefore)}. Check this computer's clock (enable network time) and try again.`,
      details,
    );
  }
  if (now.getTime() >= info.notAfter.getTime()) {
    throw new ApiError(
      'UNAUTHORIZED',
      `${describeCert(info)} expired on ${day(info.notAfter)}, so it can no longer renew itself. ${newCertificateSteps(opts.asUrl, info.email)}`,
      details,
    );
  }
  return info;
}
