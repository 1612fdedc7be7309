// Reference-client check: the real curl (OpenSSL) with --cert/--key/--cacert drives the WS like an operator would.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFahSim, type FahSim, type JobData } from './server.js';
import { PROJECT } from './test-helpers.js';

const run = promisify(execFile);
let haveCurl = false;
try {
  execFileSync('curl', ['--version'], { stdio: 'ignore' });
  haveCurl = true;
} catch {
  haveCurl = false;
}

describe.skipIf(!haveCurl)('fah-sim with the real curl', () => {
  let sim: FahSim;
  let dir: string;
  let tls: string[];
  const START = Date.UTC(2024, 4, 29, 19, 51, 2);

  /** curl ... → [status, body]. */
  async function curl(method: string, path: string, extra: string[] = [], certArgs = tls): Promise<[number, string]> {
    const { stdout } = await run('curl', ['-sS', '-X', method, ...certArgs, ...extra, '-w', '\n%{http_code}', `${sim.wsUrl}${path}`]);
    const i = stdout.lastIndexOf('\n');
    return [Number(stdout.slice(i + 1)), stdout.slice(0, i)];
  }

  beforeAll(async () => {
    sim = await startFahSim({ clock: { start: START, speed: 0 }, schedule: { assignMs: 3000, runMs: 60_000, processMs: 1000 } });
    dir = mkdtempSync(join(tmpdir(), 'fah-sim-curl-'));
    const c = await sim.issueClientCert({ email: 'curl@example.org' });
    writeFileSync(join(dir, 'fah-cert-chain.pem'), c.chainPem);
    writeFileSync(join(dir, 'private.pem'), c.keyPem);
    writeFileSync(join(dir, 'ca.pem'), sim.caPem);
    writeFileSync(join(dir, 'state.xml.bz2'), Buffer.from([0x42, 0x5a, 0x68, 0x39, 0x17, 0x72, 0x45, 0x38, 0x50, 0x90, 0, 0, 0, 0]));
    tls = ['--cert', join(dir, 'fah-cert-chain.pem'), '--key', join(dir, 'private.pem'), '--cacert', join(dir, 'ca.pem')];
  });
  afterAll(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a project, a job, uploads a file and polls jobs?since', async () => {
    const [s1] = await curl('PUT', '/api/projects/12600', ['-H', 'Content-Type: application/json', '--data', JSON.stringify(PROJECT)]);
    expect(s1).toBe(200);
    const [s2, b2] = await curl('GET', '/api/projects/12600');
    expect(s2).toBe(200);
    expect(JSON.parse(b2)).toMatchObject(PROJECT);

    const [s3] = await curl('PUT', '/api/projects/12600/files/RUN0/CLONE0/state.xml.bz2', ['--data-binary', `@${join(dir, 'state.xml.bz2')}`]);
    expect(s3).toBe(200);
    expect(sim.state.projectFile(12600, 'RUN0/CLONE0/state.xml.bz2')?.subarray(0, 4).toString('latin1')).toBe('BZh9');
    expect(sim.state.uploads.at(-1)).toMatchObject({ project: 12600, tree: 'input', path: 'RUN0/CLONE0/state.xml.bz2', size: 14 });

    const [s4] = await curl('PUT', '/api/projects/12600/runs/0/create', ['-H', 'Content-Type: application/json', '--data', '{"clones": 1}']);
    expect(s4).toBe(200);
    const [s5, b5] = await curl('GET', '/api/projects/12600/runs/0/clones/0');
    expect(s5).toBe(200);
    expect(JSON.parse(b5)).toMatchObject({ project: 12600, run: 0, clone: 0, gen: 0, state: 'READY', last: '2024-05-29T19:51:02Z' });

    const [s6, b6] = await curl('GET', '/api/projects/12600/jobs');
    const first = JSON.parse(b6) as { jobs: JobData[]; ts: string };
    expect(s6).toBe(200);
    expect(first.ts).toBe('2024-05-29T19:51:02Z');
    sim.clock.advance(4000);
    const [, b7] = await curl('GET', '/api/projects/12600/jobs?since=2024-05-29T19:51:05Z');
    expect((JSON.parse(b7) as { jobs: JobData[] }).jobs.map((j) => j.state)).toEqual(['ASSIGNED']);
    const [, b8] = await curl('GET', '/api/projects/12600/jobs?since=2024-05-29T19:51:06Z');
    expect(JSON.parse(b8)).toEqual({ jobs: [], ts: '2024-05-29T19:51:06Z' });

    sim.clock.advance(70_000);
    const [s9, b9] = await curl('GET', '/api/projects/12600/runs/0/clones/0/gens/0/files/globals.csv');
    expect(s9).toBe(200);
    expect(b9.split('\n')[0]).toMatch(/^Step,Time,.*,kT,.*,protocol_work,step,volume$/);

    const [s10, b10] = await curl('GET', '/api/projects/99999');
    expect(s10).toBe(404);
    expect(JSON.parse(b10)).toEqual({ error: 'Project 99999 not found', code: 404 });
  });

  it('curl without a client certificate fails the handshake', async () => {
    await expect(curl('GET', '/api/projects', [], ['--cacert', join(dir, 'ca.pem')])).rejects.toThrow();
  });
});
