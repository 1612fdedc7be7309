// The client certificate of a Folding@home target: import (PEM chain + key, or the certificate for a key and CSR
// SimDeck made), the TLS material for the client, renewal through the AS, and what the UI shows about expiry.
// The private key lives in the vault only; the certificate (public) in the workspace, swapped atomically.
import type { Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { FahCertInfo } from '../../shared/fah.js';
import { DEFAULT_AS_URL, assertUsable, certInfo, leafFirst, loadPrivateKey, newCertificateSteps, parsePemBundle, type CertInfo } from './certs/pem.js';
import { EXPIRY_WARNING_DAYS, expiryWarning, renewCertificate } from './certs/renew.js';
import { generateKeyAndCsr } from './certs/csr.js';
import type { FahTls } from './http/client.js';
import type { FahRepo } from './repo.js';

export interface VaultPort {
  store(label: string, value: string): Promise<{ id: string }>;
  reveal(id: string): Promise<string>;
  delete(id: string): void;
}

const setting = (t: Target, key: string): string | undefined => {
  const v = t.settings[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

export const wsUrlOf = (t: Target): string => {
  const v = setting(t, 'wsUrl');
  if (!v) throw new ApiError('INVALID_INPUT', `Set the work server URL of "${t.name}" (e.g. https://ws1.example.org).`, { field: 'wsUrl' });
  return v;
};
export const asUrlOf = (t: Target): string => setting(t, 'asUrl') ?? DEFAULT_AS_URL;
export const emailOf = (t: Target): string | undefined => setting(t, 'email');

export function toCertView(info: CertInfo, now: Date, status: { lastRenewalAt: string | null; lastRenewalError: string | null }, asUrl: string): FahCertInfo {
  const expired = now >= info.notAfter;
  const early = now < info.notBefore;
  const warning = expiryWarning(info, now, EXPIRY_WARNING_DAYS, asUrl);
  return {
    subject: info.subjectCN ?? '',
    email: info.email,
    issuer: info.issuerCN ?? '',
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    daysLeft: info.daysLeft(now),
    fingerprint: info.fingerprintSha256,
    status: expired ? 'expired' : early ? 'not-yet-valid' : warning ? 'expiring' : 'ok',
    advice: expired ? `${warning}` : early ? 'The certificate is not valid yet; check this computer\'s clock.' : (warning ?? `Valid until ${info.notAfter.toISOString().slice(0, 10)}; SimDeck renews it daily.`),
    lastRenewalAt: status.lastRenewalAt,
    lastRenewalError: status.lastRenewalError,
  };
}

export class FahCredentials {
  constructor(
    private readonly repo: FahRepo,
    private readonly vault: VaultPort,
  ) {}

  /** Certificate chain, key and CA for mutual TLS with the target's WS and AS. */
  async tls(target: Target): Promise<FahTls> {
    const c = this.repo.activeCert(target.id);
    if (!c) {
      throw new ApiError('INVALID_INPUT', `"${target.name}" has no client certificate yet: import yours (PEM chain and key) or generate a key and CSR in SimDeck.`, {
        field: 'certificate',
      });
    }
    const keyPem = await this.vault.reveal(c.keySecretId);
    const caPem = setting(target, 'caPem');
    return { certPem: c.certPem, keyPem, ...(caPem ? { caPem } : {}) };
  }

  view(target: Target, now = new Date()): FahCertInfo | null {
    const c = this.repo.activeCert(target.id);
    if (!c) return null;
    return toCertView(certInfo(c.certPem), now, this.repo.certStatus(target.id), asUrlOf(target));
  }

  /** A new RSA-4096 key (kept in the vault) and its CSR (CN = email) to paste into the AS web page. */
  async generateCsr(target: Target, email: string, bits?: number): Promise<{ csrPem: string; steps: string }> {
    const { keyPem, csrPem } = await generateKeyAndCsr(email, bits ? { modulusLength: bits } : {});
    const old = this.repo.certStatus(target.id).pendingKeySecretId;
    const key = await this.vault.store(`Folding@home key for ${email}`, keyPem);
    this.repo.setCertStatus(target.id, { pendingKeySecretId: key.id, pendingCsr: csrPem });
    if (old) this.forget(old);
    return { csrPem, steps: newCertificateSteps(asUrlOf(target), email) };
  }

  /**
   * Imports a certificate chain with its key (in the same text or separately), or the certificate the AS signed
   * for the key SimDeck generated. Refused unless the key fits and the certificate is valid now.
   */
  async importCert(target: Target, certText: string, keyText?: string, now = new Date()): Promise<FahCertInfo> {
    const bundle = parsePemBundle(certText);
    const given = keyText?.trim() ? parsePemBundle(keyText).keyPem : bundle.keyPem;
    const status = this.repo.certStatus(target.id);
    const keyPem = given ?? (status.pendingKeySecretId ? await this.vault.reveal(status.pendingKeySecretId) : null);
    if (!keyPem) {
      throw new ApiError('INVALID_INPUT', 'No private key: add the key file (-----BEGIN … PRIVATE KEY-----), or generate a key and CSR in SimDeck first.', { field: 'key' });
    }
    loadPrivateKey(keyPem);
    const chain = leafFirst(bundle.certPems, keyPem).join('');
    const info = assertUsable(chain, keyPem, now, { asUrl: asUrlOf(target) });
    const keySecretId = given ? (await this.vault.store(`Folding@home key for ${info.subjectCN ?? target.name}`, keyPem)).id : status.pendingKeySecretId!;
    const previous = this.repo.activeCert(target.id);
    this.repo.activateCert({ targetId: target.id, certPem: chain, keySecretId, notAfter: info.notAfter.toISOString(), fingerprint: info.fingerprintSha256, source: 'import' });
    if (!given) this.repo.setCertStatus(target.id, { pendingKeySecretId: null, pendingCsr: null });
    if (previous && previous.keySecretId !== keySecretId) this.forget(previous.keySecretId);
    return toCertView(info, now, this.repo.certStatus(target.id), asUrlOf(target));
  }

  /** Asks the AS for a new certificate for the same key; the old one stays active unless the new one checks out. */
  async renew(target: Target, now = new Date()): Promise<{ info: FahCertInfo; tls: FahTls }> {
    const c = this.repo.activeCert(target.id);
    if (!c) throw new ApiError('INVALID_INPUT', `"${target.name}" has no certificate to renew.`);
    const tls = await this.tls(target);
    const email = emailOf(target) ?? certInfo(c.certPem).email ?? '';
    try {
      const r = await renewCertificate({ asUrl: asUrlOf(target), tls, email, now });
      this.repo.activateCert({ targetId: target.id, certPem: r.certPem, keySecretId: c.keySecretId, notAfter: r.info.notAfter.toISOString(), fingerprint: r.info.fingerprintSha256, source: 'renewal' });
      this.repo.setCertStatus(target.id, { lastRenewalAt: now.toISOString(), lastRenewalError: null });
      return { info: toCertView(r.info, now, this.repo.certStatus(target.id), asUrlOf(target)), tls: { ...tls, certPem: r.certPem } };
    } catch (err) {
      this.repo.setCertStatus(target.id, { lastRenewalAt: now.toISOString(), lastRenewalError: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  }

  private forget(secretId: string): void {
    try {
      this.vault.delete(secretId);
    } catch {
      // already gone
    }
  }
}
