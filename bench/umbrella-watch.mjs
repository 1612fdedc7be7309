// Benchmark "umbrella-watch": 1,000 umbrella windows (10 replicas × 100 windows) tracked for one SIMULATED hour
// against the Kubernetes API simulator (e2e/kube-sim), counting every API request that reaches it.
//
// SimDeck: the real core (openTempCore: router, SQLite workspace, client-node) launches the campaign with
// `umbrella.launch`, then its campaign service follows it the way it does in the app: three namespace watches
// (Jobs, Pods, pod Events) and the progress reader, which execs `tail -n 1 production.out` in running pods on a
// budget (plus one pod-log read per pod for n_steps). Requests are counted by the simulator (`logRequests`).
//
// The clock. The simulator runs at SPEED simulated seconds per real second, so the hour takes 3600/SPEED real
// seconds. The progress reader's budget is REAL time in SimDeck (default 0.5 exec/s across all windows, each window
// at most every 60 s, urgent ones every 15 s). To give it exactly the same budget PER SIMULATED HOUR it is scaled by
// SPEED: readRatePerSecond = 0.5·SPEED, readIntervalMs = 60000/SPEED, urgentIntervalMs = 15000/SPEED. That is at most
// 0.5 × 3600 = 1,800 execs per (simulated) hour, whatever SPEED is. Watch backoff keeps its defaults.
// One thing cannot be scaled through the service's options: SimDeck asks the server to end each watch after
// timeoutSeconds=300 REAL seconds, and the simulator honours that in real seconds, so during a 40-60 s run no watch
// times out. In a real hour each of the 3 watches is re-opened 12 times: those 36 watch requests are ADDED to
// SimDeck's count as "projected" (nothing is left out in SimDeck's favour).
//
// What is counted: the launch (simulated clock paused while the 1,000 Jobs are created) and the ramp-up (scheduling,
// init containers, pull, pip, equilibration) are counted and printed, but the BENCH value is one simulated hour
// starting when all 1,000 windows run production: the steady state, where the progress reader has every window to
// read and spends its whole budget (the ramp-up, with fewer readable pods, would flatter SimDeck).
// Job creation: both approaches must create the 1,000 Jobs (one POST each), so creates are counted and shown but
// EXCLUDED from both sides of the ratio.
//
// Baseline: the seed's habit, per window every 30 s: `kubectl get job <name>` + `kubectl exec … cat production.out`
// = 2 requests (counted conservatively: kubectl also does discovery requests, and `exec job/<name>` resolves the
// pod with more GETs). 1,000 windows × 120 polls per hour × 2 = 240,000 requests per hour. It is measured in this run
// on a SAMPLE (20 windows, every 30 simulated seconds for 3 simulated minutes: the real readNamespacedJob and Exec
// calls of @kubernetes/client-node against the same simulator, checked to work and timed, and the requests the
// simulator saw counted), then scaled to 1,000 windows × 1 hour.
//
// UI grid update: the renderer's zustand store (renderer/store/umbrella.ts) merging one `umbrella.changed` batch of
// 1,000 changed windows, with 1,000 per-cell subscribers (one per grid cell, selector on its own key, as the grid's
// cells subscribe). Goal: < 100 ms. No DOM or React rendering is included: that is the store merge + notification.
//
// ratio = baseline requests / SimDeck requests (> 1: SimDeck makes fewer). Goal: ≥ 50.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SPEED = Number(process.env.UMBRELLA_WATCH_SPEED || 60); // simulated seconds per real second
const HOUR = 3600; // simulated seconds tracked
const REPLICAS = 10;
const WINDOWS = 100;
const N = REPLICAS * WINDOWS;
const NS = 'openforcefield';
// SimDeck's defaults (electron/kube/campaigns/service.ts, progress-reader.ts, watch.ts).
const DEFAULT_READ_RATE = 0.5; // exec/s, real
const DEFAULT_READ_INTERVAL_MS = 60_000;
const DEFAULT_URGENT_INTERVAL_MS = 15_000;
const DEFAULT_WATCH_TIMEOUT_S = 300;
const WATCH_STREAMS = 3;
// Baseline habit and sample.
const POLL_EVERY = 30; // simulated seconds
const SAMPLE_WINDOWS = 20;
const SAMPLE_ROUNDS = 6; // 6 × 30 s = 3 simulated minutes
const GRID_GOAL_MS = 100;
const RATIO_GOAL = 50;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function loadModules() {
  const outfile = path.join(os.tmpdir(), `simdeck-bench-umbrella-watch-${process.pid}.cjs`);
  await build({
    stdin: {
      contents:
        "export { startKubeSim } from './e2e/kube-sim/server.ts';\n" +
        "export { openTempCore, ok } from './electron/testing/temp-core.ts';\n" +
        "export { systemName } from './electron/kube/umbrella/manifest.ts';\n" +
        "export { windowLabel } from './electron/kube/umbrella/names.ts';\n" +
        "export { seedSpec } from './electron/kube/umbrella/seed.ts';\n" +
        "export { useUmbrella } from './renderer/store/umbrella.ts';\n" +
        "export { cellKey } from './renderer/lib/umbrella.ts';\n" +
        "export { KubeConfig, BatchV1Api, Exec } from '@kubernetes/client-node';\n",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Native modules (better-sqlite3, ssh2's cpu-features) are loaded from the repository's node_modules, not bundled.
    external: ['better-sqlite3', 'ssh2', 'cpu-features'],
    banner: { js: `module.paths.unshift(${JSON.stringify(path.join(root, 'node_modules'))});` },
    outfile,
    logLevel: 'error',
  });
  try {
    return createRequire(path.join(root, 'package.json'))(outfile);
  } finally {
    fs.rmSync(outfile, { force: true });
  }
}

/** One request line as the simulator logs it ("GET /path?query", "UPGRADE /…/exec?…") → its kind. */
function kindOf(line) {
  const [method, target] = line.split(' ');
  const [p, query = ''] = target.split('?');
  const q = new URLSearchParams(query);
  if (method === 'UPGRADE' && p.endsWith('/exec')) {
    // SimDeck's progress read is one `sh -c 'tail -n 1 …production.out …; nvidia-smi …'` exec.
    const cmd = new URLSearchParams(query).getAll('command').join(' ');
    return /\btail\b/.test(cmd) ? 'exec tail' : /nvidia-smi/.test(cmd) ? 'exec nvidia-smi' : 'exec';
  }
  if (method === 'POST' && /\/jobs$/.test(p)) return 'create';
  if (method !== 'GET') return `${method.toLowerCase()}`;
  if (p.endsWith('/log')) return 'log';
  if (q.get('watch') === 'true' || q.get('watch') === '1') return 'watch';
  const m = /^\/(?:api\/v1|apis\/batch\/v1)(?:\/namespaces\/[^/]+)?\/([a-z]+)(\/[^/]+)?$/.exec(p);
  if (m) return m[2] ? 'get' : 'list';
  return 'discovery';
}

function countKinds(lines) {
  const out = {};
  for (const l of lines) {
    const k = kindOf(l);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

/** exec through client-node's Exec (WebSocket), collecting stdout and the exit status. */
function execCat(m, kc, pod, file) {
  let out = '';
  return new Promise((resolve, reject) => {
    let status = null;
    const sink = new Writable({
      write(chunk, _e, cb) {
        out += chunk.toString('utf8');
        cb();
      },
    });
    const devnull = new Writable({ write: (_c, _e, cb) => cb() });
    new m.Exec(kc)
      .exec(NS, pod, 'main', ['cat', file], sink, devnull, null, false, (s) => {
        status = s;
      })
      .then((ws) => {
        ws.on('close', () => resolve({ stdout: out, ok: status?.status === 'Success' }));
        ws.on('error', reject);
      }, reject);
  });
}
async function main() {
  const b0 = performance.now();
  const m = await loadModules();
  console.log(`bundled in ${((performance.now() - b0) / 1000).toFixed(1)} s; simulator speed ${SPEED} simulated s per real s (one simulated hour ≈ ${(HOUR / SPEED).toFixed(0)} s real)`);

  // 130 nodes × 8 RTX 3090 with CUDA 12.4: 1,040 GPUs, so every one of the 1,000 windows gets one.
  const nodes = Array.from({ length: 130 }, (_, i) => ({
    name: `gpu-${String(i).padStart(3, '0')}.nrp.sim`,
    gpuProduct: 'NVIDIA-GeForce-RTX-3090',
    gpus: 8,
    cuda: { major: 12, minor: 4 },
    nsPerDay: 420,
    gpuMemoryMiB: 24576,
  }));
  // The real window length (500 ns = 125,000,000 steps, days of work): every window stays in production all hour.
  // The simulator advances its clock in 30-simulated-second slices and deep-copies every Job twice per slice
  // (e2e/kube-sim/controller.ts tick): one timer tick per slice (tickMs = 30000/SPEED) keeps that cost at its
  // minimum, so the simulator itself does not starve SimDeck's core on a 2-core machine. Time resolution: 30 s.
  const sim = await m.startKubeSim({ speed: SPEED, tickMs: Math.round(30_000 / SPEED), logRequests: true, nodes, run: { nSteps: 125_000_000 } });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-bench-home-'));
  const oldHome = process.env.HOME;
  process.env.HOME = home; // results records go to ~/SimDeck/<project>/results
  let t;
  try {
    const kubeconfig = path.join(home, 'kubeconfig');
    sim.writeKubeconfig(kubeconfig, { namespace: NS, context: 'nautilus' });
    // SimDeck's DEFAULT budget, scaled to the simulated clock (see the header).
    const umbrella = {
      readRatePerSecond: DEFAULT_READ_RATE * SPEED,
      readIntervalMs: DEFAULT_READ_INTERVAL_MS / SPEED,
      urgentIntervalMs: DEFAULT_URGENT_INTERVAL_MS / SPEED,
    };
    t = m.openTempCore(undefined, { umbrella });
    const project = await m.ok(t.core, 'projects.create', { name: 'GB3 umbrella bench' });
    const target = await m.ok(t.core, 'targets.create', { name: 'Nautilus (sim)', kind: 'kubernetes', settings: { kubeconfigPath: kubeconfig, context: 'nautilus', namespace: NS } });
    // The seed's own campaign (notes A2/A3), at 10 replicas × 100 windows.
    const spec = m.seedSpec({
      projectId: project.id,
      targetId: target.id,
      replicas: REPLICAS,
      windows: Array.from({ length: WINDOWS }, (_, i) => ({ index: i, centre: Math.round((1 - (0.6 * i) / (WINDOWS - 1)) * 1000) / 1000 })),
      requiredFiles: ['{S}/setup/', '{S}/replica-{R}/{S}-equilibration-1.xml', '{S}/replica-{R}/{S}-window-{WW}.pdb', '{S}/replica-{R}/window-{WW}/'],
    });

    // ---- SimDeck: launch, ramp-up, then one simulated hour of watching -----------------------------------------
    // The simulated clock is paused during the launch: creating 1,000 Jobs takes real seconds (provenance records,
    // validation, 1,000 POSTs), and at SPEED× those seconds would otherwise eat simulated minutes before any pod
    // exists. In a real launch they are under a simulated minute.
    const reqStart = sim.requests.length;
    const launchStart = performance.now();
    sim.controller.stop();
    const campaign = await m.ok(t.core, 'umbrella.launch', { spec, confirm: true });
    const launchReal = (performance.now() - launchStart) / 1000;
    sim.controller.start();
    const created = sim.store.list('jobs', NS).length;
    const launchLines = sim.requests.slice(reqStart);
    console.log(`launch: ${created} Jobs created in ${launchReal.toFixed(1)} s real (simulated clock paused); ${launchLines.length} requests`);
    if (created !== N) throw new Error(`expected ${N} Jobs, the simulator has ${created}`);

    // Ramp-up (scheduling, init containers, image pull, pip, equilibration): counted, reported, not in the hour.
    const rampReq = sim.requests.length;
    const rampSim = sim.controller.simTime;
    const inProduction = () =>
      sim.store.list('pods', NS).filter((p) => sim.controller.runtime(NS, p.metadata.name)?.run?.inProduction).length;
    for (const stopAt = performance.now() + 120_000; inProduction() < N; await sleep(200)) {
      if (performance.now() > stopAt) throw new Error(`only ${inProduction()} of ${N} windows reached production`);
    }
    const rampLines = sim.requests.slice(rampReq);
    console.log(`ramp-up: all ${N} windows in production after ${((sim.controller.simTime - rampSim) / 60).toFixed(1)} simulated min; ${rampLines.length} requests (${Object.entries(countKinds(rampLines)).map(([k, v]) => `${k} ${v}`).join(', ')})`);

    // The measured hour: every window running production from start to end.
    const hourReq = sim.requests.length;
    const eventsStart = t.events.length;
    const simStart = sim.controller.simTime;
    const realStart = performance.now();
    const summary = async () => {
      const g = await m.ok(t.core, 'umbrella.get', { campaignId: campaign.id });
      const phases = {};
      for (const w of g.windows) phases[w.phase] = (phases[w.phase] ?? 0) + 1;
      const read = g.windows.filter((w) => w.lastStep !== null).length;
      return { g, phases, read };
    };
    let nextReport = 20 * 60;
    for (;;) {
      const el = sim.controller.simTime - simStart;
      if (el >= HOUR) break;
      if (el >= nextReport) {
        const s = await summary();
        const real = (performance.now() - realStart) / 1000;
        console.log(`  hour +${(el / 60).toFixed(0)} simulated min (${real.toFixed(0)} s real): SimDeck shows ${Object.entries(s.phases).map(([k, v]) => `${k} ${v}`).join(', ')}; progress read for ${s.read} windows; ${fmt(sim.requests.length - hourReq)} requests in the hour so far`);
        nextReport += 20 * 60;
      }
      await sleep(20);
    }
    const hourReal = (performance.now() - realStart) / 1000;
    const hourSim = sim.controller.simTime - simStart;
    const lines = sim.requests.slice(hourReq);
    const end = await summary();
    const hourEvents = t.events.slice(eventsStart).filter((e) => e.event === 'umbrella.changed');
    const allEvents = t.events.filter((e) => e.event === 'umbrella.changed');
    const perPod = new Map();
    for (const l of lines) if (kindOf(l).startsWith('exec')) perPod.set(l.split('/')[6], (perPod.get(l.split('/')[6]) ?? 0) + 1);
    const execPods = new Set(perPod.keys());
    if (process.env.UMBRELLA_WATCH_DEBUG) console.log(lines.filter((l) => kindOf(l).startsWith('exec')).slice(0, 6).join('\n'), [...perPod.values()].reduce((a, v) => ((a[v] = (a[v] ?? 0) + 1), a), {}));
    // Stop SimDeck's watches and reader: the baseline sample below must not share the simulator with them.
    await t.core.close();
    await sleep(1000); // reads that were in flight when the core closed land now, not in the baseline's count

    const kinds = countKinds(lines);
    const creates = kinds.create ?? 0;
    const measured = lines.length - creates;
    const projectedWatchResumes = WATCH_STREAMS * Math.ceil(HOUR / DEFAULT_WATCH_TIMEOUT_S);
    const budget = DEFAULT_READ_RATE * HOUR;
    const effSpeed = hourSim / hourReal;
    // A progress read is one exec (`tail -n 1 production.out` and nvidia-smi in one `sh -c`); the pod log is read
    // once per campaign for n_steps and the timestep. At SPEED× the reader may fall short of its budget because exec round trips take REAL time (4 reads in
    // flight at most); at 0.5 reads/s in real time it would not. So SimDeck is charged for its FULL budget: if it
    // read less, its execs are scaled up to the budget (logs and watches stay as measured). Never scaled down.
    const execs = Object.entries(kinds).filter(([k]) => k.startsWith('exec')).reduce((a, [, v]) => a + v, 0);
    const reads = kinds['exec tail'] ?? 0;
    const budgetThisRun = budget * (hourSim / HOUR);
    const shortfall = reads > 0 && reads < budgetThisRun ? budgetThisRun / reads : 1;
    // The pod log is read once per campaign (until it has printed n_steps), not per read: it stays as measured.
    const logs = kinds.log ?? 0;
    const logsAtBudget = logs;
    const atBudget = measured - execs + execs * shortfall - logs + logsAtBudget;
    const simdeck = Math.max(measured, atBudget) + projectedWatchResumes;

    // ---- UI grid update: one umbrella.changed batch of 1,000 windows into the renderer store ------------------
    const store = m.useUmbrella;
    const initial = {};
    for (const w of end.g.windows) initial[m.cellKey(w.replica, w.window)] = w;
    store.setState({ openId: campaign.id, current: end.g.campaign, campaigns: [end.g.campaign], cells: initial });
    let notified = 0;
    const unsub = end.g.windows.map((w) => {
      const key = m.cellKey(w.replica, w.window);
      let last = store.getState().cells[key];
      return store.subscribe((s) => {
        const v = s.cells[key];
        if (v !== last) {
          last = v;
          notified++;
        }
      });
    });
    // A real 1,000-window payload from this run (the launch's full event, or the biggest batch), each window copied
    // with a new percent so all 1,000 cells really change.
    const biggest = allEvents.reduce((a, e) => (e.payload.windows.length > (a?.payload.windows.length ?? 0) ? e : a), null);
    const base = biggest && biggest.payload.windows.length >= N ? biggest.payload.windows : end.g.windows;
    const grid = [];
    for (let i = 0; i < 40; i++) {
      const windows = base.map((w) => ({ ...w, percent: ((w.percent ?? 0) + i + 1) % 100, updatedAt: new Date().toISOString() }));
      const before = notified;
      const g0 = performance.now();
      store.getState().onChanged({ campaignId: campaign.id, windows });
      grid.push(performance.now() - g0);
      if (notified - before !== N) throw new Error(`expected ${N} cells notified, got ${notified - before}`);
    }
    unsub.forEach((u) => u());
    const cellCount = Object.keys(store.getState().cells).length;
    if (cellCount !== N) throw new Error(`store has ${cellCount} cells, expected ${N}`);

    // ---- Baseline sample: GET job + exec cat production.out per window, every 30 simulated s ------------------
    const kc = new m.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const batch = kc.makeApiClient(m.BatchV1Api);
    const S = m.systemName(spec.target, spec.forceField);
    const sample = end.g.windows.filter((w) => w.pod && w.phase === 'production').slice(0, SAMPLE_WINDOWS);
    if (sample.length < SAMPLE_WINDOWS) throw new Error(`only ${sample.length} windows in production for the baseline sample`);
    const getMs = [];
    const execMs = [];
    let rows = 0;
    const baseReqStart = sim.requests.length;
    const sampleSimStart = sim.controller.simTime;
    const sampleRealStart = performance.now();
    for (let round = 0; round < SAMPLE_ROUNDS; round++) {
      while (sim.controller.simTime - sampleSimStart < round * POLL_EVERY) await sleep(5);
      for (const w of sample) {
        const g0 = performance.now();
        const job = await batch.readNamespacedJob({ name: w.jobName, namespace: NS });
        getMs.push(performance.now() - g0);
        if (job.metadata?.name !== w.jobName) throw new Error(`GET job ${w.jobName} returned ${job.metadata?.name}`);
        const file = `/results/${S}/replica-${w.replica}/window-${m.windowLabel(w.window)}/${S}-production.out`;
        const e0 = performance.now();
        const r = await execCat(m, kc, w.pod, file);
        execMs.push(performance.now() - e0);
        if (!r.ok || !r.stdout.startsWith('#"Step"')) throw new Error(`exec cat ${file} in ${w.pod} failed`);
        rows = Math.max(rows, r.stdout.trim().split('\n').length - 1);
      }
    }
    const sampleReal = (performance.now() - sampleRealStart) / 1000;
    const sampleSim = sim.controller.simTime - sampleSimStart;
    const baseKinds = countKinds(sim.requests.slice(baseReqStart));
    const sampleReqs = sim.requests.length - baseReqStart;
    const perPoll = sampleReqs / (SAMPLE_WINDOWS * SAMPLE_ROUNDS);
    const baseline = N * (HOUR / POLL_EVERY) * perPoll;
    const pollCycleS = (N * (median(getMs) + median(execMs))) / 1000;

    // ---- Report ------------------------------------------------------------------------------------------------
    const ratio = baseline / simdeck;
    const gridMed = median(grid);
    const gridMax = Math.max(...grid);
    const sizes = hourEvents.map((e) => e.payload.windows.length);
    console.log('');
    console.log(`SimDeck, one simulated hour with all ${N} windows in production (${(hourSim / 60).toFixed(1)} simulated min in ${hourReal.toFixed(1)} s real, effective speed ${effSpeed.toFixed(1)}×):`);
    console.log(`  windows at the end: ${Object.entries(end.phases).map(([k, v]) => `${k} ${v}`).join(', ')}; progress read at least once for ${end.read} of ${N} (SimDeck shows a window as equilibration until it has read a production row); ${execPods.size} windows exec'd into during the hour`);
    console.log(`  requests by kind: ${Object.entries(kinds).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
    console.log(`  Job creates: ${fmt(countKinds(launchLines).create ?? 0)}, all during the launch, excluded from both sides (the baseline must create the same Jobs); launch + ramp-up requests are reported above, not in the hour`);
    console.log(`  + ${projectedWatchResumes} projected watch re-opens (${WATCH_STREAMS} watches × ${HOUR / DEFAULT_WATCH_TIMEOUT_S} server timeouts of ${DEFAULT_WATCH_TIMEOUT_S} s in a real hour; none fall inside this ${hourReal.toFixed(0)} s run)`);
    console.log(`  read budget: ${DEFAULT_READ_RATE}/s × ${HOUR} s = ${fmt(budget)} progress reads per hour (reader at ${umbrella.readRatePerSecond}/s real, ${umbrella.readIntervalMs.toFixed(0)} ms per window minimum, at speed ${SPEED}); reads done: ${fmt(reads)} (${fmt(execs)} execs in all, ${(execs / Math.max(1, reads)).toFixed(2)} per read; the pod log is read once per campaign for n_steps)`);
    if (shortfall > 1) console.log(`  the reader fell short of its budget (exec round trips are real time): its ${fmt(execs)} execs are charged as ${fmt(execs * shortfall)} (×${shortfall.toFixed(2)}) and its ${fmt(logs)} pod-log reads as ${fmt(logsAtBudget)}, i.e. ${fmt(atBudget)} instead of ${fmt(measured)} requests`);
    console.log(`  total: ${fmt(Math.max(measured, atBudget))} at the full read budget + ${projectedWatchResumes} projected watch re-opens = ${fmt(simdeck)} requests/hour`);
    const charged = Object.entries(kinds).filter(([k]) => k !== 'create').map(([k, v]) => [k, k.startsWith('exec') ? v * shortfall : k === 'log' ? logsAtBudget : v]);
    console.log(`  share of the total: ${charged.sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${((v / simdeck) * 100).toFixed(0)} %`).join(', ')}, projected watch re-opens ${((projectedWatchResumes / simdeck) * 100).toFixed(1)} %`);
    console.log(`  umbrella.changed events: ${sizes.length} (250 ms batches), windows per event median ${sizes.length ? median(sizes) : 0}, max ${sizes.length ? Math.max(...sizes) : 0}`);
    console.log(`baseline sample: ${SAMPLE_WINDOWS} windows × ${SAMPLE_ROUNDS} polls every ${POLL_EVERY} simulated s (${sampleSim.toFixed(0)} simulated s, ${sampleReal.toFixed(1)} s real)`);
    console.log(`  requests seen by the simulator: ${Object.entries(baseKinds).map(([k, v]) => `${k} ${v}`).join(', ')} = ${perPoll.toFixed(2)} per window poll`);
    console.log(`  GET job median ${median(getMs).toFixed(1)} ms, exec cat production.out median ${median(execMs).toFixed(1)} ms (p95 ${pct(execMs, 0.95).toFixed(1)} ms, up to ${rows} rows)`);
    console.log(`  scaled: ${fmt(N)} windows × ${HOUR / POLL_EVERY} polls/hour × ${perPoll.toFixed(0)} = ${fmt(baseline)} requests/hour; one sequential poll cycle of ${fmt(N)} windows ≈ ${pollCycleS.toFixed(0)} s`);
    console.log(`grid update (renderer store, ${N} changed windows in one umbrella.changed batch, ${N} cell subscribers notified): median ${gridMed.toFixed(2)} ms, max ${gridMax.toFixed(2)} ms over ${grid.length} batches`);
    console.log(`goal: grid update < ${GRID_GOAL_MS} ms for ${N} windows: ${gridMax < GRID_GOAL_MS ? 'met' : 'NOT met'} (max ${gridMax.toFixed(2)} ms)`);
    console.log(`goal: ratio ≥ ${RATIO_GOAL} in requests: ${ratio >= RATIO_GOAL ? 'met' : 'NOT met'} (${ratio.toFixed(1)})`);
    console.log(`BENCH name=umbrella-watch value=${Math.round(simdeck)}req baseline=${Math.round(baseline)}req ratio=${ratio.toFixed(1)}`);
  } finally {
    await t?.dispose().catch(() => undefined);
    await sim.close();
    process.env.HOME = oldHome;
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
