// Renewal of the Folding@home API certificate through the AS (notes fah-api.md §2.3 A1, §3.3, §3.4):
// POST <as>/api/auth/csr {"csr": "<PEM>"} over mutual TLS with the current, still valid certificate. The key is
// kept: the CSR is the stored one, or a fresh CSR for the same key (alchemiscale-fah reuses one CSR file). The AS
// reply shape is unverified (§11.1), so both a raw PEM body and JSON {"certificate", "as-cert"|"as_cert"|"chain"}
// are accepted. The new certificate is validated (fits the key, valid now) and handed back; replacing files and
// rebuilding agents is the caller's job, so a bad reply never costs the working certificate.
import { createPublicKey } from 'node:crypto';
import { Pkcs10CertificateRequest } from '@peculiar/x509';
import { ApiError } from '../../../shared/errors.js';
import { FahHttpClient, serverErrorText } from '../http/client.js';
import type { FahTls } from '../http/client.js';
import { createCsr } from './csr.js';
import { DEFAULT_AS_URL, assertUsable, certInfo, leafFirst, loadPrivateKey, newCertificateSteps, parsePemBundle } from './pem.js';
import type { CertInfo } from './pem.js';

export const CSR_PATH = '/api/auth/csr';
/** alchemiscale-fah's `fah_cert_update_interval` default (notes §3.3). */
export const RENEW_INTERVAL_MS = 86_400_000;
export const EXPIRY_WARNING_DAYS = 14;

export interface CsrReply {
  contentType: string | null;
  body: Buffer | string;
}

export interface RenewOptions {
  /** Default https://assign1.foldingathome.org. */
  asUrl?: string;
  /** The current certificate (chain) and key; they authenticate the request and the key is kept. */
  tls: FahTls;
  /** The CN of the CSR (the Google address the AS knows). */
  email: string;
  /** The stored CSR to send again (must be for tls.keyPem). Default: a fresh CSR for the same key. */
  csrPem?: string;
  /** Transport for the POST (tests, or a shared client). Default: a one-off FahHttpClient to asUrl. */
  request?: (body: { csr: string }) => Promise<CsrReply>;
  now?: Date;
  timeoutMs?: number;
}

export interface RenewedCertificate {
  /** Leaf first, then any chain the AS sent: ready to be written (atomically) as the new certificate file. */
  certPem: string;
  info: CertInfo;
  /** How the AS answered. */
  replyFormat: 'pem' | 'json';
  /** Things worth showing but not fatal (e.g. the CN differs from the email). */
  warnings: string[];
}

export interface ParsedCsrReply {
  certPems: string[];
  replyFormat: 'pem' | 'json';
}

function asPemList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/**
 * Reads the AS reply to POST /api/auth/csr (notes §3.4):
 * - JSON (Content-Type json, or a body starting with `{`): `certificate` is the leaf; `as-cert`, `as_cert` and
 *   `chain` (string or array) are appended as the chain; a JSON string body is read as PEM; `{"error": ...}` is
 *   REMOTE_FAILED with the AS's text.
 * - anything else: PEM text with one or more CERTIFICATE blocks (the current Python client and the mock).
 */
export function parseCsrReply(body: Buffer | string, contentType: string | null = null): ParsedCsrReply {
  const text = (typeof body === 'string' ? body : body.toString('utf8')).replace(/^\uFEFF/, '').trim();
  const looksJson = text.startsWith('{') || text.startsWith('"') || (/json/i.test(contentType ?? '') && !text.startsWith('-----'));
  if (looksJson) {
    let j: unknown;
    try {
      j = JSON.parse(text);
    } catch {
      throw new ApiError('REMOTE_FAILED', `The assignment server answered the certificate request with damaged JSON (${JSON.stringify(text.slice(0, 80))}).`);
    }
    if (typeof j === 'string') return { certPems: pemCerts(j), replyFormat: 'json' };
    const o = (j ?? {}) as Record<string, unknown>;
    if (o.error !== undefined && o.certificate === undefined) {
      throw new ApiError('REMOTE_FAILED', `The assignment server refused the certificate request: ${serverErrorText(text) ?? 'no reason given'}.`);
    }
    const leaf = asPemList(o.certificate);
    if (leaf.length === 0) {
      throw new ApiError('REMOTE_FAILED', `The assignment server answered the certificate request without a "certificate" (keys: ${Object.keys(o).join(', ') || 'none'}).`);
    }
    const all = [...leaf, ...asPemList(o['as-cert']), ...asPemList(o.as_cert), ...asPemList(o.chain)].flatMap(pemCerts);
    return { certPems: dedupe(all), replyFormat: 'json' };
  }
  return { certPems: pemCerts(text), replyFormat: 'pem' };
}

function pemCerts(text: string): string[] {
  try {
    return parsePemBundle(text).certPems;
  } catch {
    return [];
  }
}

function dedupe(pems: string[]): string[] {
  const seen = new Set<string>();
  return pems.filter((p) => (seen.has(p) ? false : (seen.add(p), true)));
}

function csrMatchesKey(csrPem: string, keyPem: string): boolean {
  const csr = new Pkcs10CertificateRequest(csrPem);
  const spki = Buffer.from(csr.publicKey.rawData);
  return createPublicKey(loadPrivateKey(keyPem)).export({ type: 'spki', format: 'der' }).equals(spki);
}

/**
 * Asks the AS for a new certificate for the same key and returns it validated. Throws:
 * UNAUTHORIZED when the current certificate is expired or not yet valid (renewal needs a valid one: the message
 * gives the manual steps), INVALID_INPUT for a CSR that is not for this key, REMOTE_FAILED when the AS answers
 * something unusable (no certificate, another key's certificate, not valid now), and the transport's errors.
 */
export async function renewCertificate(opts: RenewOptions): Promise<RenewedCertificate> {
  const now = opts.now ?? new Date();
  const asUrl = opts.asUrl ?? DEFAULT_AS_URL;
  const { tls } = opts;
  assertUsable(tls.certPem, tls.keyPem, now, { asUrl });
  let csr = opts.csrPem;
  if (csr) {
    let ok = false;
    try {
      ok = csrMatchesKey(csr, tls.keyPem);
    } catch {
      throw new ApiError('INVALID_INPUT', 'The stored CSR cannot be read; SimDeck can make a new one for the same key.', { field: 'csrPem' });
    }
    if (!ok) throw new ApiError('INVALID_INPUT', 'The stored CSR is for a different private key than the current certificate; renewal would give a certificate the key cannot use.', { field: 'csrPem' });
  } else {
    csr = await createCsr(tls.keyPem, opts.email);
  }

  let reply: CsrReply;
  if (opts.request) {
    reply = await opts.request({ csr });
  } else {
    const client = new FahHttpClient({ baseUrl: asUrl, tls, label: 'assignment server', retries: 2, timeoutMs: opts.timeoutMs ?? 60_000 });
    try {
      const r = await client.post(CSR_PATH, { csr });
      reply = { contentType: r.contentType, body: r.body };
    } finally {
      client.close();
    }
  }

  const parsed = parseCsrReply(reply.body, reply.contentType);
  if (parsed.certPems.length === 0) {
    throw new ApiError('REMOTE_FAILED', 'The assignment server answered the certificate request without a certificate; the current certificate was kept.');
  }
  let chain: string[];
  try {
    chain = leafFirst(parsed.certPems, tls.keyPem);
  } catch {
    const got = certInfo(parsed.certPems[0] as string);
    throw new ApiError(
      'REMOTE_FAILED',
      `The assignment server returned a certificate (${got.subjectCN ?? 'no CN'}, serial ${got.serial}) for a different key; the current certificate was kept.`,
    );
  }
  const info = certInfo(chain[0] as string);
  if (now.getTime() + 5 * 60_000 < info.notBefore.getTime() || now.getTime() >= info.notAfter.getTime()) {
    throw new ApiError(
      'REMOTE_FAILED',
      `The assignment server returned a certificate valid from ${info.notBefore.toISOString()} to ${info.notAfter.toISOString()}, which is not valid now; the current certificate was kept.`,
    );
  }
  const warnings: string[] = [];
  if (info.subjectCN && info.subjectCN.toLowerCase() !== opts.email.trim().toLowerCase()) {
    warnings.push(`The new certificate names ${info.subjectCN}, not ${opts.email}.`);
  }
  return { certPem: chain.join(''), info, replyFormat: parsed.replyFormat, warnings };
}

/**
 * Whether to renew now: at start (no previous attempt) and then every `intervalMs` (default daily), only while
 * the certificate is valid (an expired one cannot renew itself; notes §3.3).
 */
export function renewalDue(info: Pick<CertInfo, 'notBefore' | 'notAfter'>, now: Date, lastAttempt: Date | null = null, intervalMs = RENEW_INTERVAL_MS): boolean {
  const t = now.getTime();
  if (t < info.notBefore.getTime() || t >= info.notAfter.getTime()) return false;
  if (!lastAttempt) return true;
  const since = t - lastAttempt.getTime();
  return since < 0 || since >= intervalMs;
}

/** A message for the UI when the certificate is expired or expires within `days` (default 14); null otherwise. */
export function expiryWarning(
  info: Pick<CertInfo, 'notAfter' | 'subjectCN' | 'email'>,
  now: Date,
  days = EXPIRY_WARNING_DAYS,
  asUrl: string = DEFAULT_AS_URL,
): string | null {
  const left = info.notAfter.getTime() - now.getTime();
  const who = info.subjectCN ? ` for ${info.subjectCN}` : '';
  const when = `${info.notAfter.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  if (left <= 0) return `The Folding@home certificate${who} expired on ${when}. ${newCertificateSteps(asUrl, info.email)}`;
  if (left >= days * 86_400_000) return null;
  const d = Math.floor(left / 86_400_000);
  const inText = d >= 1 ? `in ${d} day${d === 1 ? '' : 's'}` : `in ${Math.max(1, Math.floor(left / 3_600_000))} hour(s)`;
  return (
    `The Folding@home certificate${who} expires ${inText} (${when}). SimDeck renews it daily through the assignment server; ` +
    `if renewal keeps failing, check the activity log, or get a new one before it expires.`
  );
}
