// The WS endpoints (notes §2.2), the job state machine on a manual clock (§6), results (§7) and faults.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFahSim, type FahSim, type JobData } from './server.js';
import { call, PROJECT, type Creds } from './test-helpers.js';
import { GLOBALS_COLUMNS } from './results.js';

const START = Date.UTC(2024, 4, 29, 19, 51, 2); // 2024-05-29T19:51:02Z

describe('fah-sim WS', () => {
  let sim: FahSim;
  let creds: Creds;
  const ws = (method: string, path: string, o: Parameters<typeof call>[4] = {}) => call(sim, 'ws', method, path, { creds, ...o });

  beforeAll(async () => {
    sim = await startFahSim({
      seed: 7,
      clock: { start: START, speed: 0 },
      schedule: { assignMs: [1000, 5000], runMs: [60_000, 120_000], processMs: 1000 },
    });
    const c = await sim.issueClientCert({ email: 'me@example.org', keyType: 'ec' });
    creds = { cert: c.chainPem, key: c.keyPem };
  });
  afterAll(() => sim.stop());
  beforeEach(() => {
    sim.faults.clear();
    sim.options.strictActions = false;
  });

  it('creates, reads, lists, updates and deletes projects', async () => {
    expect((await ws('PUT', '/api/projects/90001', { json: PROJECT })).status).toBe(200);
    const got = await ws('GET', '/api/projects/90001');
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ ...PROJECT, gens_completed: 0, total_jobs: 0 });
    expect((got.json as { histogram: number[] }).histogram).toHaveLength(1000);
    // Defaults applied to a minimal body; "core" accepted as the key (notes §11.2).
    expect((await ws('PUT', '/api/projects/90002', { json: { core: '0x23', contact: 'a@b.c', atoms: 10, credit: 5 } })).status).toBe(200);
    const list = await ws('GET', '/api/projects');
    expect(Object.keys(list.json as object)).toEqual(['90001', '90002']);
    expect((list.json as Record<string, unknown>)['90002']).toEqual({ core_id: '0x23', contact: 'a@b.c', runs: 0, clones: 0, gens: 1, atoms: 10, credit: 5, timeout: 86400, deadline: 172800, compression: 'ZLIB' });
    expect((await ws('PUT', '/api/projects/90002', { json: { ...PROJECT, credit: 9 } })).status).toBe(200);
    expect(sim.state.project(90002)?.data.credit).toBe(9);
    expect((await ws('DELETE', '/api/projects/90002')).status).toBe(200);
    expect((await ws('GET', '/api/projects/90002')).status).toBe(404);
  });

  it('rejects bad input with 4xx and JSON error bodies', async () => {
    const bad = async (method: string, path: string, json?: unknown) => {
      const r = await ws(method, path, json === undefined ? {} : { json });
      expect(r.headers['content-type']).toBe('application/json');
      return { status: r.status, body: r.json as { error: string; code: number } };
    };
    expect(await bad('PUT', '/api/projects/90003', { ...PROJECT, timeout: 2 })).toMatchObject({ status: 400, body: { error: expect.stringContaining('timeout'), code: 400 } });
    expect((await bad('PUT', '/api/projects/90003', { ...PROJECT, deadline: 299 })).status).toBe(400);
    expect((await bad('PUT', '/api/projects/90003', { ...PROJECT, core_id: '26' })).body.error).toMatch(/core_id/);
    expect((await bad('PUT', '/api/projects/90003', { ...PROJECT, core_id: '0xZZ' })).status).toBe(400);
    expect((await bad('PUT', '/api/projects/90003', { ...PROJECT, compression: 'zlib' })).status).toBe(400);
    expect((await bad('PUT', '/api/projects/90003', { ...PROJECT, atoms: 0 })).status).toBe(400);
    expect((await ws('PUT', '/api/projects/90003', { raw: '{not json' })).status).toBe(400);
    expect(await bad('GET', '/api/projects/424242')).toEqual({ status: 404, body: { error: 'Project 424242 not found', code: 404 } });
    expect((await bad('PUT', '/api/projects/424242/runs/0/create', { clones: 1 })).status).toBe(404);
    expect((await bad('PUT', '/api/projects/90001/runs/65536/create', { clones: 1 })).status).toBe(400);
    expect((await ws('PUT', '/api/projects/90001/runs/0/create', { json: { clones: 1, offset: 65535 } })).status).toBe(200);
    expect((await bad('PUT', '/api/projects/90001/runs/0/create', { clones: 2, offset: 65535 })).body.error).toMatch(/65536 out of range/);
    expect((await bad('GET', '/api/projects/90001/runs/0/clones/70000')).status).toBe(400);
    expect((await bad('PUT', '/api/projects/90001/runs/0/create', { clones: 0 })).status).toBe(400);
    expect(await bad('GET', '/api/projects/90001/runs/9/clones/9')).toEqual({ status: 404, body: { error: 'Job P90001:R9:C9 not found', code: 404 } });
    expect((await bad('PUT', '/api/projects/90001/files/a/../../etc/passwd', undefined)).status).toBe(400);
    expect((await bad('PUT', '/api/projects/90001/files/a/%2e%2e/b', undefined)).status).toBe(400);
    expect((await bad('GET', '/api/projects/90001/jobs?since=2024-05-29T19:51:02%2B00:00')).body.error).toMatch(/did not parse/);
    expect((await bad('GET', '/api/projects/90001/jobs?since=yesterday')).status).toBe(400);
    expect((await bad('DELETE', '/api/projects/90001/runs/0/clones/0')).status).toBe(405);
  });

  it("accepts short timeouts as days with shortTimeouts: 'days'", async () => {
    sim.options.shortTimeouts = 'days';
    try {
      expect((await ws('PUT', '/api/projects/90004', { json: { ...PROJECT, timeout: 2, deadline: 5 } })).status).toBe(200);
      expect(sim.state.project(90004)?.data).toMatchObject({ timeout: 172800, deadline: 432000 });
    } finally {
      sim.options.shortTimeouts = 'reject';
    }
  });

  it('stores input files as raw bytes, lists and deletes them', async () => {
    const bytes = Buffer.from([0x42, 0x5a, 0x68, 0x39, 0, 255, 10, 13]);
    expect((await ws('PUT', '/api/projects/90001/files/RUN0/CLONE0/state.xml.bz2', { raw: bytes })).status).toBe(200);
    expect((await ws('PUT', '/api/projects/90001/files/alchemiscale-project.txt', { raw: '{"project_id": 90001}' })).status).toBe(200);
    const got = await ws('GET', '/api/projects/90001/files/RUN0/CLONE0/state.xml.bz2');
    expect(got.headers['content-type']).toBe('application/octet-stream');
    expect(got.body.equals(bytes)).toBe(true);
    const list = (await ws('GET', '/api/projects/90001/files')).json as { path: string; size: number; modified: string }[];
    expect(list).toEqual([
      { path: 'RUN0/CLONE0/state.xml.bz2', size: 8, modified: '2024-05-29T19:51:02Z' },
      { path: 'alchemiscale-project.txt', size: 21, modified: '2024-05-29T19:51:02Z' },
    ]);
    expect(sim.state.uploads.map((u) => u.path)).toContain('RUN0/CLONE0/state.xml.bz2');
    expect((await ws('DELETE', '/api/projects/90001/files/alchemiscale-project.txt')).status).toBe(200);
    expect((await ws('GET', '/api/projects/90001/files/alchemiscale-project.txt')).status).toBe(404);
  });

  it('creates clones (JSON body, query form, legacy path) and moves them on schedule', async () => {
    await ws('PUT', '/api/projects/90010', { json: PROJECT });
    expect((await ws('PUT', '/api/projects/90010/runs/0/create', { json: { clones: 3 } })).status).toBe(200); // clones 0,1,2
    expect((await ws('PUT', '/api/projects/90010/runs/1/create?clones=1&offset=4')).status).toBe(200); // R1 C4
    expect((await ws('PUT', '/api/projects/90010/runs/2/clones/7/create')).status).toBe(200); // legacy
    // Existing clones are left alone: asking again for 3 creates nothing new.
    expect((await ws('PUT', '/api/projects/90010/runs/0/create', { json: { clones: 3 } })).status).toBe(200);
    const t0 = sim.clock.now();
    const jobs = () => sim.state.jobs(90010);
    expect(jobs().map((j) => `${j.run}/${j.clone}/${j.state}/${j.gen}`)).toEqual(['0/0/READY/0', '0/1/READY/0', '0/2/READY/0', '1/4/READY/0', '2/7/READY/0']);
    const clone0 = (await ws('GET', '/api/projects/90010/runs/0/clones/0')).json as JobData;
    expect(clone0).toEqual({ server: 2130706433, core: 0x26, project: 90010, run: 0, clone: 0, gen: 0, state: 'READY', last: '2024-05-29T19:51:02Z', retries: 0, assigns: 0, progress: 0 });

    sim.clock.advance(5000); // every assignMs draw is <= 5 s
    expect(jobs().every((j) => j.state === 'ASSIGNED' && j.assigns === 1)).toBe(true);
    sim.clock.advance(121_000); // assign <= 5 s, run <= 120 s, process 1 s: all done
    const done = jobs();
    expect(done.every((j) => j.state === 'FINISHED' && j.progress === 1)).toBe(true);
    // Deterministic per PRCG: the same seed gives the same transition times.
    const times = done.map((j) => Date.parse(j.last) - t0);
    const again = await startFahSim({ seed: 7, clock: { start: START, speed: 0 }, schedule: { assignMs: [1000, 5000], runMs: [60_000, 120_000], processMs: 1000 } });
    try {
      const c2 = await again.issueClientCert({ email: 'me@example.org', keyType: 'ec' });
      const w2 = (m: string, p: string, json?: unknown) => call(again, 'ws', m, p, { creds: { cert: c2.certPem, key: c2.keyPem }, json });
      await w2('PUT', '/api/projects/90010', PROJECT);
      await w2('PUT', '/api/projects/90010/runs/0/create', { clones: 3 });
      await w2('PUT', '/api/projects/90010/runs/1/create?clones=1&offset=4');
      await w2('PUT', '/api/projects/90010/runs/2/clones/7/create');
      again.clock.advance(200_000);
      expect(again.state.jobs(90010).map((j) => Date.parse(j.last) - t0)).toEqual(times);
    } finally {
      await again.stop();
    }
  });

  it('walks READY → ASSIGNED → PROCESSING → FINISHED at the drawn times, writing results', async () => {
    await ws('PUT', '/api/projects/90011', { json: PROJECT });
    await ws('PUT', '/api/projects/90011/runs/0/create', { json: { clones: 1 } });
    const seen: string[] = [];
    const get = async () => (await ws('GET', '/api/projects/90011/runs/0/clones/0')).json as JobData;
    for (let i = 0; i < 200 && seen.at(-1) !== 'FINISHED'; i++) {
      const j = await get();
      if (seen.at(-1) !== j.state) seen.push(j.state);
      sim.clock.advance(1000);
    }
    expect(seen).toEqual(['READY', 'ASSIGNED', 'PROCESSING', 'FINISHED']);
    const files = (await ws('GET', '/api/projects/90011/runs/0/clones/0/gens/0/files')).json as { path: string }[];
    expect(files.map((f) => f.path)).toEqual(['globals.csv', 'positions.xtc', 'science.log']);
    const csv = (await ws('GET', '/api/projects/90011/runs/0/clones/0/gens/0/files/globals.csv')).text;
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe(GLOBALS_COLUMNS.join(','));
    expect(lines).toHaveLength(42);
    expect(lines[1]!.split(',')).toHaveLength(30);
    expect(lines.at(-1)!.startsWith('1000000,')).toBe(true);
    const log = (await ws('GET', '/api/projects/90011/runs/0/clones/0/gens/0/files/science.log')).text;
    expect(log).toContain('Project: 90011 (Run 0, Clone 0, Gen 0)');
    expect((await ws('GET', '/api/projects/90011/runs/0/clones/0/gens/1/files')).status).toBe(404);
    // Job dir: W17 upload, W16 listing (results included), W18 download.
    expect((await ws('PUT', '/api/projects/90011/runs/0/clones/0/files/alchemiscale-complete.txt', { raw: "{'completed': 'x'}" })).status).toBe(200);
    const jobFiles = ((await ws('GET', '/api/projects/90011/runs/0/clones/0/files')).json as { path: string }[]).map((f) => f.path);
    expect(jobFiles).toEqual(['alchemiscale-complete.txt', 'results0/globals.csv', 'results0/positions.xtc', 'results0/science.log']);
    expect((await ws('GET', '/api/projects/90011/runs/0/clones/0/files/alchemiscale-complete.txt')).text).toBe("{'completed': 'x'}");
    const info = (await ws('GET', '/api/projects/90011')).json as Record<string, number>;
    expect(info).toMatchObject({ gens_completed: 1, total_jobs: 1, runs: 1, clones: 1 });
  });

  it('serves the duplicate-header globals.csv (core22 0.0.11 bug) that parsers read from the last header', async () => {
    await ws('PUT', '/api/projects/90012', { json: PROJECT });
    await ws('PUT', '/api/projects/90012/runs/0/create', { json: { clones: 2 } });
    sim.control.plan(90012, 0, 1, { duplicateHeader: true });
    sim.clock.advance(200_000);
    const plain = (await ws('GET', '/api/projects/90012/runs/0/clones/0/gens/0/files/globals.csv')).text;
    const dup = (await ws('GET', '/api/projects/90012/runs/0/clones/1/gens/0/files/globals.csv')).text;
    const headers = (t: string) => t.split('\n').filter((l) => l.includes('kT')).length;
    expect(headers(plain)).toBe(1);
    expect(headers(dup)).toBe(2);
    const lines = dup.trimEnd().split('\n');
    const lastHeader = lines.map((l, i) => (l.includes('kT') ? i : -1)).filter((i) => i >= 0).at(-1)!;
    const after = lines.slice(lastHeader + 1);
    expect(after.length).toBeGreaterThan(41); // duplicate records ...
    const unique = [...new Set(after)];
    expect(unique).toHaveLength(41); // ... that drop_duplicates() removes
    expect(Number(unique.at(-1)!.split(',')[0]) - Number(unique[0]!.split(',')[0])).toBe(1_000_000);
    // Deterministic: the same job serves the same bytes twice.
    expect((await ws('GET', '/api/projects/90012/runs/0/clones/1/gens/0/files/globals.csv')).text).toBe(dup);
  });

  it('GET jobs?since= returns only jobs changed since, with ts as the next cursor', async () => {
    await ws('PUT', '/api/projects/90013', { json: PROJECT });
    await ws('PUT', '/api/projects/90013/runs/0/create', { json: { clones: 2 } });
    const all = (await ws('GET', '/api/projects/90013/jobs')).json as { jobs: JobData[]; ts: string };
    expect(all.jobs).toHaveLength(2);
    expect(all.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    sim.clock.advance(10_000);
    const future = new Date(sim.clock.now() + 1000).toISOString().slice(0, 19) + 'Z';
    const none = (await ws('GET', `/api/projects/90013/jobs?since=${future}`)).json as { jobs: JobData[] };
    expect(none.jobs).toEqual([]);
    const cursor = all.ts;
    const changed = (await ws('GET', `/api/projects/90013/jobs?since=${cursor}`)).json as { jobs: JobData[]; ts: string };
    expect(changed.jobs.map((j) => j.state)).toEqual(['ASSIGNED', 'ASSIGNED']);
    await ws('PUT', '/api/projects/90013/runs/0/clones/1/stop');
    const next = (await ws('GET', `/api/projects/90013/jobs?since=${changed.ts}`)).json as { jobs: JobData[] };
    expect(next.jobs.map((j) => [j.clone, j.state])).toEqual([[1, 'STOPPED']]);
    // Python isoformat() without a zone and with microseconds is accepted too (cbang parser).
    const py = await ws('GET', `/api/projects/90013/jobs?since=${changed.ts.slice(0, 19)}.123456`);
    expect(py.status).toBe(200);
  });

  it('applies stop / restart / fail / reset', async () => {
    await ws('PUT', '/api/projects/90014', { json: { ...PROJECT, gens: 2 } });
    await ws('PUT', '/api/projects/90014/runs/3/create', { json: { clones: 1 } });
    const state = () => sim.state.job(90014, 3, 0)!;
    const act = (a: string) => ws('PUT', `/api/projects/90014/runs/3/clones/0/${a}`);
    expect((await act('stop')).status).toBe(200);
    expect(state().state).toBe('STOPPED');
    sim.clock.advance(1_000_000);
    expect(state().state).toBe('STOPPED'); // stays put
    expect((await act('restart')).status).toBe(200);
    expect(state().state).toBe('READY');
    sim.clock.advance(130_000); // gen 0 done, gen 1 queued
    expect(state().gen).toBeGreaterThanOrEqual(1);
    expect((await act('fail')).status).toBe(200);
    expect(state().state).toBe('FAILED');
    expect((await act('restart')).status).toBe(200);
    expect(state()).toMatchObject({ state: 'READY', retries: 0 });
    // restart of a READY job: a no-op by default, 409 with strictActions.
    expect((await act('restart')).status).toBe(200);
    sim.options.strictActions = true;
    expect((await act('restart')).status).toBe(409);
    expect((await act('reset')).status).toBe(200);
    expect(state()).toMatchObject({ state: 'READY', gen: 0, assigns: 0 });
    expect(sim.state.jobFile(90014, 3, 0, 'results0/globals.csv')).toBeUndefined();
    expect((await ws('PUT', '/api/projects/90014/runs/3/clones/5/stop')).status).toBe(404);
  });

  it('fails jobs per the schedule (faulty returns beyond maxRetries) and via the test hook', async () => {
    const s = await startFahSim({ seed: 1, clock: { start: START, speed: 0 }, schedule: { assignMs: 1000, runMs: 10_000, processMs: 500, failRate: 1, maxRetries: 1 } });
    try {
      const c = await s.issueClientCert({ email: 'f@example.org', keyType: 'ec' });
      const w = (m: string, p: string, json?: unknown) => call(s, 'ws', m, p, { creds: { cert: c.certPem, key: c.keyPem }, json });
      await w('PUT', '/api/projects/1', PROJECT);
      await w('PUT', '/api/projects/1/runs/0/create', { clones: 2 });
      s.clock.advance(11_000); // assigned at 1 s, faulty return at 11 s: retry 1, READY again
      expect(s.state.job(1, 0, 0)).toMatchObject({ state: 'READY', retries: 1, assigns: 1, last: '2024-05-29T19:51:13Z' });
      s.clock.advance(11_000); // second faulty return: FAILED
      expect(s.state.job(1, 0, 0)).toMatchObject({ state: 'FAILED', retries: 2, assigns: 2, last: '2024-05-29T19:51:24Z' });
      s.control.plan(1, 0, 1, { outcome: 'finish' });
      expect(s.state.job(1, 0, 1)?.state).toBe('FAILED'); // the plan applies to later returns only
      await w('PUT', '/api/projects/1/runs/0/clones/1/restart');
      s.clock.advance(12_000);
      expect(s.state.job(1, 0, 1)?.state).toBe('FINISHED');
      s.control.force(1, 0, 1, 'HELD');
      expect((await w('GET', '/api/projects/1/runs/0/clones/1')).json).toMatchObject({ state: 'HELD' });
    } finally {
      await s.stop();
    }
  });

  it('injects faults and counts requests per path', async () => {
    const path = '/api/projects/90001';
    const before = sim.faults.count(path, 'GET');
    sim.faults.failNext(2, 503, { path });
    expect((await ws('GET', path)).status).toBe(503);
    expect((await ws('GET', path)).json).toEqual({ error: 'Injected fault: HTTP 503', code: 503 });
    expect((await ws('GET', path)).status).toBe(200);
    expect(sim.faults.count(path, 'GET') - before).toBe(3);
    // A 404 is counted once: a client that does not retry 4xx leaves exactly one request.
    const missing = '/api/projects/90001/runs/0/clones/999';
    await ws('GET', missing);
    expect(sim.faults.count(missing)).toBe(1);
    // 502 on one method of one path only.
    sim.faults.add({ server: 'ws', method: 'PUT', path: /\/files\//, status: 502, times: 1 });
    expect((await ws('GET', '/api/projects/90001/files')).status).toBe(200);
    expect((await ws('PUT', '/api/projects/90001/files/x.txt', { raw: 'x' })).status).toBe(502);
    expect((await ws('PUT', '/api/projects/90001/files/x.txt', { raw: 'x' })).status).toBe(200);
    // Delay.
    sim.faults.delayNext(1, 300);
    const t = Date.now();
    expect((await ws('GET', '/api/projects')).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(290);
    // Socket destroyed mid-response: headers promise more bytes than arrive.
    sim.faults.destroyNext(1, 'mid-response', { path: '/api/projects/90011/runs/0/clones/0/gens/0/files/globals.csv' });
    await expect(ws('GET', '/api/projects/90011/runs/0/clones/0/gens/0/files/globals.csv')).rejects.toThrow();
    sim.faults.destroyNext(1, 'before-response');
    await expect(ws('GET', '/api/projects')).rejects.toThrow();
    expect((await ws('GET', '/api/projects/90011/runs/0/clones/0/gens/0/files/globals.csv')).status).toBe(200);
  });
});
