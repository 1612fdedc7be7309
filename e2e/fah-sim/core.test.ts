// SimDeck's Folding@home backend through the core's router, against the WS + AS simulator (mutual TLS, test CA):
// certificate import and checks, CSR → signed certificate, renewal with both reply shapes, projects, 100 jobs
// created with their files, incremental status, actions, results and work values, retries and their absence.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../shared/domain.js';
import type { FahCertInfo, FahJob, FahProjectView } from '../../shared/fah.js';
import { fails, ok, openTempCore, type TempCore } from '../../electron/testing/temp-core.js';
import { startFahSim, type FahSim } from './server.js';
import { PROJECT } from './test-helpers.js';

const EMAIL = 'researcher@example.org';
let sim: FahSim;
let t: TempCore;
let target: Target;
let files: string;
let downloads: string;

beforeAll(async () => {
  sim = await startFahSim({ clock: { speed: 0 }, schedule: { assignMs: 1000, runMs: 5000, processMs: 500 } });
  files = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-fah-files-'));
  downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-fah-dl-'));
  fs.writeFileSync(path.join(files, 'core.xml'), '<?xml version="1.0" ?><config><numSteps>1000000</numSteps></config>');
  for (let c = 0; c < 100; c++) fs.writeFileSync(path.join(files, `state-${c}.xml.bz2`), Buffer.from(`state of clone ${c}`));
  t = openTempCore(undefined, { fah: { pollMs: 3_600_000, certCheckMs: 3_600_000, downloadDir: downloads } });
  target = await ok<Target>(t.core, 'targets.create', { name: 'ws1', kind: 'fah', settings: { wsUrl: sim.wsUrl, asUrl: sim.asUrl, email: EMAIL, caPem: sim.caPem } });
});

afterAll(async () => {
  await t.dispose();
  await sim.stop();
  fs.rmSync(files, { recursive: true, force: true });
  fs.rmSync(downloads, { recursive: true, force: true });
});

describe('the client certificate', () => {
  it('refuses work server settings it cannot use, saying which', async () => {
    const url = await fails(t.core, 'targets.create', { name: 'bad', kind: 'fah', settings: { wsUrl: 'ws1.example.org' } });
    expect(url.message).toMatch(/settings\.wsUrl: the work server URL is an https:\/\/ address/);
    const ca = await fails(t.core, 'targets.create', { name: 'bad', kind: 'fah', settings: { wsUrl: 'https://ws1.example.org', caPem: 'not a pem' } });
    expect(ca.message).toMatch(/settings\.caPem/);
  });

  it('refuses a certificate whose key does not fit, and an expired one with what to do', async () => {
    const a = await sim.issueClientCert({ email: EMAIL });
    const b = await sim.issueClientCert({ email: EMAIL });
    const wrong = await fails(t.core, 'fah.importCert', { targetId: target.id, certPem: a.chainPem, keyPem: b.keyPem });
    expect(wrong.message).toMatch(/does not belong to the private key/);
    const old = await sim.issueClientCert({ email: EMAIL, notBefore: new Date(Date.now() - 40 * 86_400_000), days: 30 });
    const expired = await fails(t.core, 'fah.importCert', { targetId: target.id, certPem: old.chainPem, keyPem: old.keyPem });
    expect(expired.message).toMatch(/expired/);
    expect(expired.message).toMatch(/CSR/);
    expect(await ok(t.core, 'fah.cert', { targetId: target.id })).toBeNull();
  });

  it('makes a key and CSR, takes the certificate the AS signed for it, and checks the work server with it', async () => {
    const { csrPem, steps } = await ok<{ csrPem: string; steps: string }>(t.core, 'fah.generateCsr', { targetId: target.id, email: EMAIL });
    expect(csrPem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(steps).toMatch(/Submit CSR/);
    // The AS web page signs it (here: the simulator's CA, as its /api/auth/csr would).
    const bootstrap = await sim.issueClientCert({ email: EMAIL });
    const signed = await signCsr(sim, csrPem, bootstrap);
    const info = await ok<FahCertInfo>(t.core, 'fah.importCert', { targetId: target.id, certPem: signed });
    expect(info).toMatchObject({ subject: EMAIL, status: 'ok' });
    const check = await ok<{ ok: boolean; summary: string }>(t.core, 'targets.check', { id: target.id });
    expect(check.ok).toBe(true);
    // The key never leaves the vault: not in the workspace database, not in events.
    const db = fs.readFileSync(path.join(t.dir, 'workspace.sqlite'));
    expect(db.includes('PRIVATE KEY')).toBe(false);
    expect(JSON.stringify(t.events)).not.toContain('PRIVATE KEY');
  });

  it('renews through the AS with a PEM reply and with a JSON reply, and keeps working on the new certificate', async () => {
    const before = await ok<FahCertInfo>(t.core, 'fah.cert', { targetId: target.id });
    sim.asReplyShape = 'pem';
    const first = await ok<FahCertInfo>(t.core, 'fah.renew', { targetId: target.id });
    sim.asReplyShape = 'json';
    const second = await ok<FahCertInfo>(t.core, 'fah.renew', { targetId: target.id });
    expect(new Set([before.fingerprint, first.fingerprint, second.fingerprint]).size).toBe(3);
    expect(second.lastRenewalError).toBeNull();
    expect((await ok<{ ok: boolean }>(t.core, 'targets.check', { id: target.id })).ok).toBe(true);
  });
});

describe('projects and jobs', () => {
  const P = 90001;

  it('validates ProjectData before sending, and creates a project', async () => {
    const bad = await fails(t.core, 'fah.saveProject', { targetId: target.id, project: P, data: { ...PROJECT, deadline: 120 } });
    expect(bad.message).toMatch(/deadline is in seconds and at least 300/);
    const hex = await fails(t.core, 'fah.saveProject', { targetId: target.id, project: P, data: { ...PROJECT, core_id: '26' } });
    expect(hex.message).toMatch(/hexadecimal with 0x/);
    const view = await ok<FahProjectView>(t.core, 'fah.saveProject', { targetId: target.id, project: P, data: PROJECT });
    expect(view.data).toMatchObject({ core_id: '0x26', atoms: 25000 });
    expect(sim.state.project(P)).toBeDefined();
  });

  it('creates 100 jobs with their files, each PRCG once, and follows them to FINISHED incrementally', async () => {
    const r = await ok<{ run: number; clones: number[]; jobs: FahJob[] }>(t.core, 'fah.createJobs', {
      targetId: target.id,
      project: P,
      clones: 100,
      files: [
        { name: 'core.xml', path: path.join(files, 'core.xml') },
        { name: 'state.xml.bz2', path: path.join(files, 'state-{clone}.xml.bz2') },
      ],
    });
    expect(r.run).toBe(0);
    expect(r.clones).toEqual([...Array(100).keys()]);
    expect(r.jobs.every((j) => j.phase === 'created' && j.state === 'READY')).toBe(true);
    expect(sim.state.jobs(P)).toHaveLength(100);
    expect(sim.state.projectFile(P, 'RUN0/CLONE42/state.xml.bz2')?.toString()).toBe('state of clone 42');

    // A second batch gets the next RUN; the WS's clones are never asked for twice.
    const next = await ok<{ run: number }>(t.core, 'fah.createJobs', { targetId: target.id, project: P, clones: 1, files: [{ name: 'core.xml', path: path.join(files, 'core.xml') }] });
    expect(next.run).toBe(1);

    sim.clock.advance(60_000);
    const { changed } = await ok<{ changed: number }>(t.core, 'fah.poll', { targetId: target.id, project: P });
    expect(changed).toBe(101);
    const finished = await ok<FahJob[]>(t.core, 'fah.jobs', { targetId: target.id, project: P, state: 'FINISHED' });
    expect(finished).toHaveLength(101);
    // Nothing changed since: the incremental call brings nothing new.
    expect((await ok<{ changed: number }>(t.core, 'fah.poll', { targetId: target.id, project: P })).changed).toBe(0);
    const sinces = sim.faults.requests.filter((q) => q.path.endsWith('/jobs') && q.query.includes('since='));
    expect(decodeURIComponent(sinces.at(-1)?.query ?? '')).toMatch(/since=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('reads forward and reverse work from every finished clone, and downloads a result file', async () => {
    const w = await ok<{ points: { run: number; forward: number | null; reverse: number | null }[]; problems: string[] }>(t.core, 'fah.work', { targetId: target.id, project: P, run: 0 });
    expect(w.problems).toEqual([]);
    expect(w.points).toHaveLength(100);
    expect(w.points.every((p) => Number.isFinite(p.forward) && Number.isFinite(p.reverse))).toBe(true);
    const dl = await ok<{ path: string; bytes: number }>(t.core, 'fah.download', { targetId: target.id, project: P, run: 0, clone: 7, file: 'science.log' });
    expect(dl.path).toBe(path.join(downloads, `P${P}`, 'RUN0', 'CLONE7', 'results0', 'science.log'));
    expect(fs.statSync(dl.path).size).toBe(dl.bytes);
    expect(t.events.some((e) => e.event === 'fah.download')).toBe(true);
  });

  it('fails the clone whose file is gone (and the later ones of its RUN), keeps the ids, and retries them once it is back', async () => {
    for (const c of [0, 1, 3]) fs.writeFileSync(path.join(files, `partial-${c}.bin`), `partial ${c}`);
    const r = await ok<{ run: number; jobs: FahJob[] }>(t.core, 'fah.createJobs', { targetId: target.id, project: P, clones: 4, files: [{ name: 'state.xml.bz2', path: path.join(files, 'partial-{clone}.bin') }] });
    expect(r.jobs.map((j) => j.phase)).toEqual(['created', 'created', 'failed', 'failed']);
    expect(r.jobs[2]!.message).toMatch(/partial-2\.bin .*cannot be read: ENOENT/);
    expect(r.jobs[3]!.message).toMatch(/CLONE 2 of this RUN failed first/);
    expect(sim.state.jobs(P).filter((j) => j.run === r.run)).toHaveLength(2);
    fs.writeFileSync(path.join(files, 'partial-2.bin'), 'partial 2');
    expect(await ok(t.core, 'fah.retryFailed', { targetId: target.id, project: P })).toEqual({ retried: 2 });
    expect(sim.state.jobs(P).filter((j) => j.run === r.run).map((j) => j.clone).sort()).toEqual([0, 1, 2, 3]);
  });

  it('stops, restarts and fails jobs', async () => {
    const r = await ok<{ ok: boolean }[]>(t.core, 'fah.act', { targetId: target.id, project: P, jobs: [{ run: 1, clone: 0 }], action: 'fail' });
    expect(r[0]!.ok).toBe(true);
    expect(sim.state.job(P, 1, 0)?.state).toBe('FAILED');
    await ok(t.core, 'fah.act', { targetId: target.id, project: P, jobs: [{ run: 1, clone: 0 }], action: 'restart' });
    expect(sim.state.job(P, 1, 0)?.state).toBe('READY');
    const jobs = await ok<FahJob[]>(t.core, 'fah.jobs', { targetId: target.id, project: P, state: 'READY' });
    expect(jobs.filter((j) => j.run === 1).map((j) => `${j.run}/${j.clone}`)).toEqual(['1/0']);
  });

  it('retries a 5xx and never a 4xx, and shows the server\'s error text as it is', async () => {
    sim.faults.failNext(2, 503, { server: 'ws', method: 'GET', path: '/api/projects' });
    const before = sim.faults.count('/api/projects', 'GET');
    expect(await ok<unknown[]>(t.core, 'fah.projects', { targetId: target.id })).toHaveLength(1);
    expect(sim.faults.count('/api/projects', 'GET') - before).toBe(3);
    const missing = await fails(t.core, 'fah.project', { targetId: target.id, project: 4242 });
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toMatch(/404/);
    expect(sim.faults.count('/api/projects/4242', 'GET')).toBe(1);
  });
});

/** What the AS web page does with a pasted CSR: here through /api/auth/csr with a bootstrap certificate. */
async function signCsr(s: FahSim, csrPem: string, creds: { certPem: string; keyPem: string }): Promise<string> {
  const { request } = await import('node:https');
  const url = new URL('/api/auth/csr', s.asUrl);
  const body = JSON.stringify({ csr: csrPem });
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', ca: s.caPem, cert: creds.certPem, key: creds.keyPem, headers: { 'Content-Type': 'application/json' }, agent: false },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${res.statusCode} ${text}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
