// Mutual TLS: only client certificates signed by the simulator's CA, and valid now, get through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFahSim, type FahSim } from './server.js';
import { call } from './test-helpers.js';

const DAY = 86_400_000;

describe('fah-sim mutual TLS', () => {
  let sim: FahSim;
  beforeAll(async () => {
    sim = await startFahSim({ clock: { speed: 0 } });
  });
  afterAll(() => sim.stop());

  it('serves both servers on 127.0.0.1 with a certificate for 127.0.0.1 signed by the test CA', async () => {
    expect(sim.wsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.asUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.wsUrl).not.toBe(sim.asUrl);
    const creds = await sim.issueClientCert({ email: 'ok@example.org' });
    expect(creds.keyPem).toContain('BEGIN RSA PRIVATE KEY');
    expect(creds.chainPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    // Hostname verification against the SAN happens in call() (no rejectUnauthorized: false anywhere).
    const r = await call(sim, 'ws', 'GET', '/api/projects', { creds: { cert: creds.chainPem, key: creds.keyPem } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({});
    expect(sim.state.requests.at(-1)).toMatchObject({ server: 'ws', method: 'GET', path: '/api/projects', status: 200, cn: 'ok@example.org' });
    const a = await call(sim, 'as', 'GET', '/api/ws/10.0.0.1', { creds: { cert: creds.certPem, key: creds.keyPem } });
    expect(a.status).toBe(404);
  });

  it('rejects a client without a certificate at the TLS layer (WS and AS)', async () => {
    const before = sim.state.requests.length;
    await expect(call(sim, 'ws', 'GET', '/api/projects')).rejects.toThrow();
    await expect(call(sim, 'as', 'POST', '/api/auth/csr', { json: { csr: 'x' } })).rejects.toThrow();
    expect(sim.state.requests.length).toBe(before); // never reached HTTP
    expect(sim.state.tlsRejections.ws).toBeGreaterThan(0);
    expect(sim.state.tlsRejections.as).toBeGreaterThan(0);
  });

  it('rejects a certificate from a foreign CA, an expired one and a not-yet-valid one', async () => {
    const foreign = await sim.issueClientCert({ email: 'x@example.org', foreignCa: true });
    await expect(call(sim, 'ws', 'GET', '/api/projects', { creds: { cert: foreign.chainPem, key: foreign.keyPem } })).rejects.toThrow();
    const expired = await sim.issueClientCert({ email: 'x@example.org', notBefore: new Date(Date.now() - 40 * DAY), days: 30, keyType: 'ec' });
    await expect(call(sim, 'ws', 'GET', '/api/projects', { creds: { cert: expired.certPem, key: expired.keyPem } })).rejects.toThrow();
    const future = await sim.issueClientCert({ email: 'x@example.org', notBefore: new Date(Date.now() + 2 * DAY), keyType: 'ec' });
    await expect(call(sim, 'as', 'GET', '/api/ws/10.0.0.1', { creds: { cert: future.certPem, key: future.keyPem } })).rejects.toThrow();
  });

  it('can certify a caller-supplied key', async () => {
    const first = await sim.issueClientCert({ email: 'k@example.org', keyType: 'ec' });
    const again = await sim.issueClientCert({ email: 'k@example.org', key: first.keyPem });
    expect(again.keyPem).toBe('');
    const r = await call(sim, 'ws', 'GET', '/api/projects', { creds: { cert: again.certPem, key: first.keyPem } });
    expect(r.status).toBe(200);
  });
});

describe("fah-sim certRejection: 'http403'", () => {
  it('accepts the handshake and answers 403 with a JSON error', async () => {
    const sim = await startFahSim({ certRejection: 'http403', clock: { speed: 0 } });
    try {
      const r = await call(sim, 'ws', 'GET', '/api/projects');
      expect(r.status).toBe(403);
      expect(r.json).toMatchObject({ error: expect.stringContaining('Client certificate rejected'), code: 403 });
      const foreign = await sim.issueClientCert({ email: 'x@example.org', foreignCa: true, keyType: 'ec' });
      const f = await call(sim, 'ws', 'GET', '/api/projects', { creds: { cert: foreign.certPem, key: foreign.keyPem } });
      expect(f.status).toBe(403);
    } finally {
      await sim.stop();
    }
  });
});
