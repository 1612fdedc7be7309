// The real `simdeck serve` process is killed (SIGKILL) while it creates 60 Folding@home jobs, after some exist on
// the work server and before the rest do. Restarted on the same workspace, it finishes them by itself: every
// reserved PROJECT/RUN/CLONE exists exactly once with all its files, nothing is lost, and the next batch gets
// ids above them. Uses the built app (npm run build) and the WS + AS simulator in this process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Target } from '../../shared/domain.js';
import type { FahJob } from '../../shared/fah.js';
import { callServed, serve, type Served, stopProcess, tempWorkspace, waitFor as waitUntil } from '../support/serve.js';
import { startFahSim, type FahSim } from './server.js';
import { PROJECT } from './test-helpers.js';

const waitFor = <T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> => waitUntil(what, fn, ms, 100);

const P = 90010;
const N = 60;
let sim: FahSim;
let ws: string;
let files: string;
const running: Served[] = [];

beforeAll(async () => {
  sim = await startFahSim({ clock: { speed: 0 } });
  ws = tempWorkspace();
  files = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-fah-crash-'));
  for (const f of ['core.xml', 'system.xml.bz2']) fs.writeFileSync(path.join(files, f), `${f} contents`);
});

afterAll(async () => {
  for (const s of running) await s.stop();
  await sim.stop();
  fs.rmSync(ws, { recursive: true, force: true });
  fs.rmSync(files, { recursive: true, force: true });
});

it('finishes an interrupted creation after a restart: no PRCG reused, nothing lost', async () => {
  const first = await serve(ws);
  running.push(first);
  const target = await callServed<Target>(first, 'targets.create', { name: 'ws', kind: 'fah', settings: { wsUrl: sim.wsUrl, asUrl: sim.asUrl, email: 'me@example.org', caPem: sim.caPem } });
  const cert = await sim.issueClientCert({ email: 'me@example.org' });
  await callServed(first, 'fah.importCert', { targetId: target.id, certPem: cert.chainPem, keyPem: cert.keyPem });
  await callServed(first, 'fah.saveProject', { targetId: target.id, project: P, data: PROJECT });

  // Slow uploads and creates keep the creation in flight long enough to be cut in the middle.
  sim.faults.add({ server: 'ws', method: 'PUT', path: /\/files\//, delayMs: 40, times: 10_000 });
  sim.faults.add({ server: 'ws', method: 'PUT', path: /\/create$/, delayMs: 150, times: 10_000 });
  const creating = callServed(first, 'fah.createJobs', {
    targetId: target.id,
    project: P,
    clones: N,
    files: ['core.xml', 'system.xml.bz2'].map((name) => ({ name, path: path.join(files, name) })),
  }).catch((err: unknown) => err);
  await waitFor('some jobs to exist on the WS', () => (sim.state.jobs(P).length >= 5 ? true : undefined));
  first.proc.kill('SIGKILL');
  await stopProcess(first.proc);
  expect(await creating).toBeInstanceOf(Error);
  const before = sim.state.jobs(P).length;
  expect(before).toBeGreaterThan(0);
  expect(before).toBeLessThan(N);
  sim.faults.clear();

  const second = await serve(ws);
  running.push(second);
  await waitFor('the restarted core to create the rest', () => (sim.state.jobs(P).length === N ? true : undefined));
  const jobs = await waitFor('SimDeck to record them all as created', async () => {
    const list = await callServed<FahJob[]>(second, 'fah.jobs', { targetId: target.id, project: P });
    return list.length === N && list.every((j) => j.phase === 'created') ? list : undefined;
  });
  // Exactly RUN 0, CLONEs 0…N-1, each once on the WS, each with both files.
  expect(sim.state.jobs(P).map((j) => `${j.run}/${j.clone}`).sort()).toEqual(jobs.map((j) => `${j.run}/${j.clone}`).sort());
  expect(new Set(sim.state.jobs(P).map((j) => j.clone)).size).toBe(N);
  for (const j of sim.state.jobs(P)) {
    expect(sim.state.projectFile(P, `RUN${j.run}/CLONE${j.clone}/system.xml.bz2`)?.toString()).toBe('system.xml.bz2 contents');
  }
  // The next batch starts above everything reserved before the crash.
  const next = await callServed<{ run: number; clones: number[] }>(second, 'fah.createJobs', { targetId: target.id, project: P, run: 0, clones: 2, files: [{ name: 'core.xml', path: path.join(files, 'core.xml') }] });
  expect(next.clones).toEqual([N, N + 1]);
}, 120_000);
