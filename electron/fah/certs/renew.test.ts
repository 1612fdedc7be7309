import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Pkcs10CertificateRequest } from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import { createCsr } from './csr.js';
import { certInfo, keyMatchesCert, parsePemBundle } from './pem.js';
import { expiryWarning, parseCsrReply, renewCertificate, renewalDue } from './renew.js';
import { TestCa, ecKey, rsaKey } from './test-pki.js';
import type { TestKey } from './test-pki.js';

const DAY = 86_400_000;
let ca: TestCa;
let key: TestKey;
let otherKey: TestKey;
let currentCert: string;
let server: https.Server;
let asUrl: string;
let mode = 'pem';
const seen: { csr: string; peerSerial: string; contentType: string | undefined }[] = [];

beforeAll(async () => {
  ca = await TestCa.create('Folding@home Test AS');
  const serverKey = await ecKey();
  [key, otherKey] = await Promise.all([rsaKey(2048), rsaKey(2048)]);
  const serverCert = await ca.issue(serverKey.key, { cn: 'localhost', serverNames: ['127.0.0.1'] });
  currentCert = await ca.issue(key.key, { cn: 'joe@example.com', notAfter: new Date(Date.now() + 3 * DAY) });
  server = https.createServer({ key: serverKey.keyPem, cert: serverCert, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (req.method !== 'POST' || req.url !== '/api/auth/csr') {
          res.writeHead(404, { 'content-type': 'application/json' });
          return res.end('{"error":"no such endpoint"}');
        }
        const { csr } = JSON.parse(Buffer.concat(chunks).toString()) as { csr: string };
        seen.push({ csr, peerSerial: (req.socket as TLSSocket).getPeerCertificate().serialNumber, contentType: req.headers['content-type'] });
        const cn = new Pkcs10CertificateRequest(csr).subjectName.getField('CN')[0] ?? '';
        const leaf = await ca.issue(csr, { cn });
        switch (mode) {
          case 'pem':
            res.writeHead(200, { 'content-type': 'application/x-pem-file' });
            return res.end(leaf + ca.certPem);
          case 'json':
            res.writeHead(200, { 'content-type': 'application/json' });
            return res.end(JSON.stringify({ certificate: leaf, 'as-cert': ca.certPem }));
          case 'json-underscore':
            res.writeHead(200, { 'content-type': 'text/plain' });
            return res.end(JSON.stringify({ certificate: leaf, as_cert: ca.certPem }));
          case 'wrong-key':
            res.writeHead(200);
            return res.end(await ca.issue(otherKey.key, { cn }));
          case 'expired':
            res.writeHead(200);
            return res.end(await ca.issue(csr, { cn, notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY) }));
          case 'refuse':
            res.writeHead(403, { 'content-type': 'application/json' });
            return res.end('{"error":"CSR CN does not match account"}');
          default:
            res.writeHead(200, { 'content-type': 'text/html' });
            return res.end('<html>maintenance</html>');
        }
      })().catch(() => {
        res.writeHead(500);
        res.end('{"error":"test AS crashed"}');
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  asUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const tls = () => ({ certPem: currentCert + ca.certPem, keyPem: key.keyPem, caPem: ca.certPem });

describe('renewCertificate against an in-test AS', () => {
  it('accepts a raw PEM reply (current client / mock) and keeps the key', async () => {
    mode = 'pem';
    seen.length = 0;
    const r = await renewCertificate({ asUrl, tls: tls(), email: 'joe@example.com' });
    expect(r.replyFormat).toBe('pem');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.contentType).toBe('application/json');
    expect(seen[0]?.peerSerial).toBe(certInfo(currentCert).serial); // sent with the current certificate
    expect(new Pkcs10CertificateRequest(seen[0]?.csr ?? '').subject).toBe('CN=joe@example.com');
    const pems = parsePemBundle(r.certPem).certPems;
    expect(pems).toHaveLength(2);
    expect(keyMatchesCert(key.keyPem, r.certPem)).toBe(true);
    expect(r.info.serial).not.toBe(certInfo(currentCert).serial);
    expect(r.info.daysLeft()).toBeGreaterThan(20);
    expect(r.warnings).toEqual([]);
  });

  it('accepts JSON {"certificate","as-cert"} and {"certificate","as_cert"} and builds the chain', async () => {
    for (const m of ['json', 'json-underscore']) {
      mode = m;
      const r = await renewCertificate({ asUrl, tls: tls(), email: 'joe@example.com' });
      expect(r.replyFormat).toBe('json');
      const pems = parsePemBundle(r.certPem).certPems;
      expect(pems).toHaveLength(2);
      expect(pems[1]).toBe(ca.certPem);
      expect(keyMatchesCert(key.keyPem, pems[0] as string)).toBe(true);
    }
  });

  it('reuses a stored CSR for the same key, and refuses one for another key', async () => {
    mode = 'pem';
    seen.length = 0;
    const csrPem = await createCsr(key.keyPem, 'joe@example.com');
    await renewCertificate({ asUrl, tls: tls(), email: 'joe@example.com', csrPem });
    expect(seen[0]?.csr).toBe(csrPem);
    const foreign = await createCsr(otherKey.keyPem, 'joe@example.com');
    await expect(renewCertificate({ asUrl, tls: tls(), email: 'joe@example.com', csrPem: foreign })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('refuses a certificate for another key or one that is not valid now, keeping the current one', async () => {
    mode = 'wrong-key';
    await expect(renewCertificate({ asUrl, tls: tls(), email: 'joe@example.com' })).rejects.toMatchObject({ code: 'REMOTE_FAILED', message: expect.stringMatching(/different key; the current certificate was kept/) });
    mode = 'expired';
    await expect(renewCertificate({ asUrl, tls: tls(), email: 'joe@example.com' })).rejects.toMatchObject({ code: 'REMOTE_FAILED', message: expect.stringMatching(/not valid now/) });
    mode = 'html';
    await expect(renewCertificate({ asUrl, tls: tls(), email: 'joe@example.com' })).rejects.toMatchObject({ code: 'REMOTE_FAILED', message: expect.stringMatching(/without a certificate/) });
  });

  it('surfaces the AS error text', async () => {
    mode = 'refuse';
    const err = (await renewCertificate({ asUrl, tls: tls(), email: 'joe@example.com' }).catch((e) => e)) as ApiError;
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toContain('CSR CN does not match account');
  });

  it('does not call the AS with an expired certificate and says how to get a new one', async () => {
    let called = 0;
    const expired = await ca.issue(key.key, { cn: 'joe@example.com', notBefore: new Date(Date.now() - 40 * DAY), notAfter: new Date(Date.now() - DAY) });
    const err = (await renewCertificate({
      asUrl,
      tls: { certPem: expired, keyPem: key.keyPem },
      email: 'joe@example.com',
      request: async () => {
        called++;
        return { contentType: null, body: '' };
      },
    }).catch((e) => e)) as ApiError;
    expect(called).toBe(0);
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.message).toMatch(/expired on .* Get a new one: .*Submit CSR/);
  });

  it('works with an injected transport and warns when the CN differs', async () => {
    const r = await renewCertificate({
      tls: tls(),
      email: 'joe@example.com',
      request: async ({ csr }) => ({ contentType: 'application/json', body: JSON.stringify({ certificate: await ca.issue(csr, { cn: 'other@example.com' }) }) }),
    });
    expect(r.warnings[0]).toMatch(/names other@example.com/);
  });
});

describe('parseCsrReply', () => {
  it('reads PEM, JSON variants and JSON errors', async () => {
    const leaf = await ca.issue(key.key, { cn: 'joe@example.com' });
    expect(parseCsrReply(leaf).certPems).toEqual([leaf]);
    expect(parseCsrReply(JSON.stringify(leaf), 'application/json')).toEqual({ certPems: [leaf], replyFormat: 'json' });
    expect(parseCsrReply(JSON.stringify({ certificate: leaf, chain: [ca.certPem, leaf] })).certPems).toEqual([leaf, ca.certPem]);
    expect(() => parseCsrReply('{"error":"nope"}')).toThrow(/refused the certificate request: nope/);
    expect(() => parseCsrReply('{"cert":"x"}')).toThrow(/without a "certificate" \(keys: cert\)/);
    expect(() => parseCsrReply('{not json')).toThrow(ApiError);
  });
});

describe('renewalDue / expiryWarning', () => {
  const info = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2026-02-01T00:00:00Z'), subjectCN: 'joe@example.com', email: 'joe@example.com' };
  it('is due at start and daily while valid, never when expired or not yet valid', () => {
    const now = new Date('2026-01-20T12:00:00Z');
    expect(renewalDue(info, now)).toBe(true);
    expect(renewalDue(info, now, new Date(now.getTime() - 3_600_000))).toBe(false);
    expect(renewalDue(info, now, new Date(now.getTime() - DAY))).toBe(true);
    expect(renewalDue(info, now, new Date(now.getTime() + DAY))).toBe(true); // clock went back
    expect(renewalDue(info, new Date('2026-02-01T00:00:00Z'))).toBe(false);
    expect(renewalDue(info, new Date('2025-12-31T00:00:00Z'))).toBe(false);
  });

  it('warns within 14 days and after expiry', () => {
    expect(expiryWarning(info, new Date('2026-01-10T00:00:00Z'))).toBeNull();
    expect(expiryWarning(info, new Date('2026-01-25T00:00:00Z'))).toMatch(/expires in 7 days \(2026-02-01 00:00 UTC\)/);
    expect(expiryWarning(info, new Date('2026-01-31T22:00:00Z'))).toMatch(/expires in 2 hour/);
    expect(expiryWarning(info, new Date('2026-02-02T00:00:00Z'), 14, 'https://as.example.org')).toMatch(/expired on .*https:\/\/as\.example\.org\//);
  });
});
