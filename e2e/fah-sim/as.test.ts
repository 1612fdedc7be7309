// AS POST /api/auth/csr (notes §2.3 A1, §3): signs the CSR with the test CA; reply as raw PEM or JSON.
import * as x509 from '@peculiar/x509';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFahSim, type FahSim } from './server.js';
import { call, type Creds } from './test-helpers.js';

const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

/** Like alchemiscale-fah's generate_csr: subject only CN=<email>, SHA-256. */
async function makeCsr(email: string): Promise<{ csr: string; keyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${email}`, keys, signingAlgorithm: ALG });
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { csr: csr.toString('pem'), keyPem: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs1', format: 'pem' }).toString() };
}

describe('fah-sim AS', () => {
  let sim: FahSim;
  let creds: Creds;
  let req: { csr: string; keyPem: string };
  beforeAll(async () => {
    sim = await startFahSim({ clock: { speed: 0 } });
    req = await makeCsr('joe@example.com');
    // The current certificate for the same key, as after the manual first signing in the AS web UI.
    const first = await sim.issueClientCert({ email: 'joe@example.com', key: req.keyPem });
    creds = { cert: first.chainPem, key: req.keyPem };
  });
  afterAll(() => sim.stop());

  it('signs a CSR and replies with the raw PEM certificate (default)', async () => {
    const r = await call(sim, 'as', 'POST', '/api/auth/csr', { creds, json: { csr: req.csr } });
    expect(r.status).toBe(200);
    expect(r.text.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    const cert = new x509.X509Certificate(r.text);
    expect(cert.subjectName.getField('CN')).toEqual(['joe@example.com']);
    const lifetime = cert.notAfter.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(29 * 86_400_000);
    expect(lifetime).toBeLessThan(31 * 86_400_000);
    expect(await cert.verify({ publicKey: new x509.X509Certificate(sim.caPem).publicKey, signatureOnly: true })).toBe(true);
    expect(sim.state.signed.at(-1)?.cn).toBe('joe@example.com');
    // The renewed certificate works for the next WS call.
    const next = await call(sim, 'ws', 'GET', '/api/projects', { creds: { cert: r.text, key: req.keyPem } });
    expect(next.status).toBe(200);
  });

  it('replies with JSON when asReplyShape is json (and the other variants)', async () => {
    sim.asReplyShape = 'json';
    try {
      const r = await call(sim, 'as', 'POST', '/api/auth/csr', { creds, json: { csr: req.csr } });
      expect(r.headers['content-type']).toBe('application/json');
      const body = r.json as Record<string, string>;
      expect(Object.keys(body).sort()).toEqual(['as-cert', 'certificate']);
      expect(body['as-cert']).toBe(sim.caPem);
      expect(new x509.X509Certificate(body.certificate!).subjectName.getField('CN')).toEqual(['joe@example.com']);
      sim.asReplyShape = 'json-as_cert';
      expect(Object.keys((await call(sim, 'as', 'POST', '/api/auth/csr', { creds, json: { csr: req.csr } })).json as object).sort()).toEqual(['as_cert', 'certificate']);
      sim.asReplyShape = 'pem-chain';
      expect((await call(sim, 'as', 'POST', '/api/auth/csr', { creds, json: { csr: req.csr } })).text.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    } finally {
      sim.asReplyShape = 'pem';
    }
  });

  it('rejects bad CSRs and a CSR for someone else', async () => {
    const bad = await call(sim, 'as', 'POST', '/api/auth/csr', { creds, json: { csr: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n' } });
    expect(bad.status).toBe(400);
    expect((bad.json as { error: string }).error).toMatch(/Invalid CSR/);
    expect((await call(sim, 'as', 'POST', '/api/auth/csr', { creds, json: {} })).status).toBe(400);
    const other = await makeCsr('mallory@example.com');
    const r = await call(sim, 'as', 'POST', '/api/auth/csr', { creds, json: { csr: other.csr } });
    expect(r.status).toBe(403);
    expect((await call(sim, 'as', 'GET', '/api/auth/csr', { creds })).status).toBe(405);
  });

  it('stores WS and project weights/constraints', async () => {
    expect((await call(sim, 'as', 'PUT', '/api/ws/18.188.125.154/projects/12600', { creds, json: { weight: 0.01, constraints: 'ProjectKey=12345' } })).status).toBe(200);
    expect((await call(sim, 'as', 'GET', '/api/ws/18.188.125.154/projects/12600', { creds })).json).toEqual({ ws: '18.188.125.154', weight: 0.01, constraints: 'ProjectKey=12345' });
    expect((await call(sim, 'as', 'PUT', '/api/ws/18.188.125.154', { creds, json: { max_assign_rate: 5, weight: 1, contraints: '' } })).status).toBe(200);
    expect((await call(sim, 'as', 'GET', '/api/ws/18.188.125.154', { creds })).json).toEqual({ max_assign_rate: 5, weight: 1, constraints: '' });
    expect((await call(sim, 'as', 'GET', '/api/ws/not-an-ip', { creds })).status).toBe(400);
  });
});
