// Benchmark "fah-create": create 10,000 Folding@home jobs (100 RUNs × 100 CLONEs, alchemiscale-fah's layout of
// 100 transformations × 100 NEQ cycles, notes §7.4) with 4 files each (core.xml, system.xml.bz2, state.xml.bz2,
// integrator.xml.bz2) against the WS simulator (e2e/fah-sim), mutual TLS on every request.
//
// SimDeck: its real path through the core (openTempCore: router, real SQLite workspace, real file vault holding the
// client key): one `fah.createJobs` call per RUN (run 'new', 100 clones), the 100 calls issued together, as a batch
// would be. Each call is FahService.createJobs: GET /jobs + GET /files, reserve the ids in SQLite, then
// createReserved (uploads in parallel, creates in clone order per RUN, RUNs in parallel, every phase recorded in
// SQLite) and one GET /jobs to confirm, all through the one FahHttpClient of the target (keep-alive, concurrency 8
// by default, retries). Timed from the calls to their last return; then checked on the simulator: 10,000 jobs and
// every clone's 4 files with the right bytes.
//
// Baseline: the public client alchemiscale-fah (notes §2.1): Python `requests` WITHOUT a Session, so every request
// opens a new TLS connection (full handshake with the client certificate, cert and key read from their files), one
// request at a time: per clone one PUT of raw bytes per file, then PUT runs/{r}/create {"clones": c+1}, clone after
// clone. Modelled with node:https and agent:false (a new connection per request, `Connection: close`). A sequential
// client is linear by construction, so when FAH_CREATE_BASELINE_JOBS < 10,000 it is measured on that prefix (same
// RUN-major order, fresh project) and scaled; the output says so.
//
// The simulator runs in a child process (its own event loop and CPU; the machine has 2 cores), clock speed 0 (jobs
// stay READY, nothing moves). Requests and TLS handshakes are counted by the simulator, for both sides alike.
// value/baseline in seconds; ratio = baseline / SimDeck (> 1: SimDeck faster). Goal: ratio ≥ 10.
//
// Env: FAH_CREATE_RUNS (100), FAH_CREATE_CLONES (100), FAH_CREATE_BASELINE_JOBS (full set), FAH_CREATE_CONCURRENCY
// (SimDeck's default 8), FAH_CREATE_MODE: batch (default: the 100 calls together) | sequential (one call after the
// other) | one-run (a single call of RUNS×CLONES clones in one RUN).
import { fork, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.FAH_CREATE_RUNS || 100);
const CLONES = Number(process.env.FAH_CREATE_CLONES || 100);
const N = RUNS * CLONES;
// ~7 ms per request with a full handshake here: all 50,000 would take ~6 minutes; 2,000 jobs (10,000 requests) ≈ 70 s.
const BASELINE_JOBS = Math.min(N, Number(process.env.FAH_CREATE_BASELINE_JOBS || 2000));
const MODE = process.env.FAH_CREATE_MODE || 'batch';
const CONCURRENCY = process.env.FAH_CREATE_CONCURRENCY ? Number(process.env.FAH_CREATE_CONCURRENCY) : undefined;
const RATIO_GOAL = 10;
const P_SIMDECK = 90001;
const P_BASELINE = 90002;
const EMAIL = 'researcher@example.org';
const FILE_NAMES = ['core.xml', 'system.xml.bz2', 'state.xml.bz2', 'integrator.xml.bz2'];
// ProjectData as the simulator's tests use it (notes §4.1).
const PROJECT = { core_id: '0x26', contact: EMAIL, runs: 0, clones: 0, gens: 1, atoms: 25000, credit: 253152, timeout: 86400, deadline: 172800, compression: 'ZLIB' };

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const sec = (ms) => (ms / 1000).toFixed(1);
const sha1 = (b) => crypto.createHash('sha1').update(b).digest('hex');

// ---- bundling (TypeScript sources through esbuild, as the other benchmarks do) ------------------------------

async function bundle(name, contents) {
  const outfile = path.join(os.tmpdir(), `simdeck-bench-fah-create-${name}-${process.pid}.cjs`);
  await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Native modules are loaded from the repository's node_modules, not bundled.
    external: ['better-sqlite3', 'ssh2', 'cpu-features'],
    banner: { js: `module.paths.unshift(${JSON.stringify(path.join(root, 'node_modules'))});` },
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

// The simulator's process: startFahSim plus a small IPC protocol; TLS handshakes counted on its servers.
const SIM_CHILD = `
import tls from 'node:tls';
import crypto from 'node:crypto';
import { startFahSim } from './e2e/fah-sim/server.ts';
let handshakes = 0;
const emit = tls.Server.prototype.emit;
tls.Server.prototype.emit = function (ev, ...args) {
  if (ev === 'secureConnection') handshakes++;
  return emit.call(this, ev, ...args);
};
(async () => {
const sim = await startFahSim({ clock: { speed: 0 } });
const snapshot = () => ({ requests: sim.state.requests.length, handshakes, tlsRejections: { ...sim.state.tlsRejections }, cpu: process.cpuUsage(), at: Date.now() });
const handlers = {
  info: () => ({ wsUrl: sim.wsUrl, asUrl: sim.asUrl, caPem: sim.caPem }),
  cert: (m) => sim.issueClientCert({ email: m.email }),
  mark: () => snapshot(),
  summary: (m) => {
    const end = snapshot();
    const kinds = {};
    for (const r of sim.state.requests.slice(m.from.requests)) {
      let k = r.method + ' ' + r.path.replace(/\\/api\\/projects\\/\\d+/, '').replace(/\\/files\\/.+/, '/files/…').replace(/\\/runs\\/\\d+/, '/runs/{r}').replace(/\\/clones\\/\\d+/, '/clones/{c}');
      if (r.status >= 400 || r.status === 0) k += ' → ' + r.status;
      const e = (kinds[k] ??= { n: 0, first: Infinity, last: 0 });
      e.n++;
      e.first = Math.min(e.first, r.at);
      e.last = Math.max(e.last, r.at);
    }
    return { kinds, requests: end.requests - m.from.requests, handshakes: end.handshakes - m.from.handshakes, tlsRejections: end.tlsRejections,
      cpuMs: (end.cpu.user + end.cpu.system - m.from.cpu.user - m.from.cpu.system) / 1000 };
  },
  verify: (m) => {
    const jobs = sim.state.jobs(m.project);
    const problems = [];
    const want = new Set(m.jobs.map(([r, c]) => r + '/' + c));
    for (const j of jobs) if (!want.delete(j.run + '/' + j.clone)) problems.push('unexpected job R' + j.run + ':C' + j.clone);
    for (const k of want) problems.push('missing job ' + k);
    const notReady = jobs.filter((j) => j.state !== 'READY').length;
    if (notReady) problems.push(notReady + ' jobs not READY');
    let files = 0;
    for (const [p, hash] of m.files) {
      const b = sim.state.projectFile(m.project, p);
      if (!b) problems.push('missing file ' + p);
      else if (crypto.createHash('sha1').update(b).digest('hex') !== hash) problems.push('wrong bytes in ' + p);
      else files++;
    }
    return { jobs: jobs.length, files, problems: problems.slice(0, 10), problemCount: problems.length };
  },
  stop: async () => { await sim.stop(); setImmediate(() => process.exit(0)); return true; },
};
process.on('message', async (m) => {
  try {
    process.send({ id: m.id, result: await handlers[m.cmd](m) });
  } catch (e) {
    process.send({ id: m.id, error: String(e && e.stack || e) });
  }
});
process.on('disconnect', () => process.exit(0)); // the benchmark died: do not outlive it
process.send({ ready: true });
})().catch((e) => { console.error(e); process.exit(1); });
`;

function startSimChild(file) {
  const child = fork(file, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  const pending = new Map();
  let seq = 0;
  let ready;
  const readyP = new Promise((resolve, reject) => {
    ready = resolve;
    child.once('exit', (code) => reject(new Error(`simulator process exited (${code}) before it was ready`)));
  });
  child.on('message', (m) => {
    if (m.ready) return ready();
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(`simulator: ${m.error}`));
    else p.resolve(m.result);
  });
  child.on('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`simulator process exited (${code})`));
    pending.clear();
  });
  const call = (cmd, args = {}) =>
    new Promise((resolve, reject) => {
      const id = ++seq;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, ...args });
    });
  return { child, ready: readyP, call };
}

// ---- input files: real-ish OpenMM XML, bzip2-compressed with the real bzip2 ---------------------------------

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const num = (x) => x.toPrecision(17).replace(/\.?0+$/, '');

function bz2(text) {
  const r = spawnSync('bzip2', ['-c', '-9'], { input: Buffer.from(text), maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`bzip2 failed: ${r.stderr}`);
  return r.stdout;
}

const ATOMS = 120;
function systemXml(seed) {
  const r = rng(seed);
  const masses = Array.from({ length: ATOMS }, (_, i) => (i % 3 === 0 ? 15.999 : i % 3 === 1 ? 12.011 : 1.008));
  let s = '<?xml version="1.0" ?>\n<System openmmVersion="8.1.1" type="System" version="1">\n\t<PeriodicBoxVectors>\n';
  s += '\t\t<A x="3.2" y="0" z="0"/>\n\t\t<B x="0" y="3.2" z="0"/>\n\t\t<C x="0" y="0" z="3.2"/>\n\t</PeriodicBoxVectors>\n\t<Particles>\n';
  for (const m of masses) s += `\t\t<Particle mass="${m}"/>\n`;
  s += '\t</Particles>\n\t<Constraints/>\n\t<Forces>\n\t\t<Force forceGroup="0" name="HarmonicBondForce" type="HarmonicBondForce" usesPeriodic="0" version="2">\n\t\t\t<Bonds>\n';
  for (let i = 1; i < ATOMS; i++) s += `\t\t\t\t<Bond d="${num(0.1 + r() * 0.05)}" k="${num(250000 + r() * 100000)}" p1="${i - 1}" p2="${i}"/>\n`;
  s += '\t\t\t</Bonds>\n\t\t</Force>\n\t\t<Force alpha="0" cutoff="1" dispersionCorrection="1" ewaldTolerance=".0005" forceGroup="0" method="4" name="NonbondedForce" type="NonbondedForce" version="4">\n\t\t\t<Particles>\n';
  for (let i = 0; i < ATOMS; i++) s += `\t\t\t\t<Particle eps="${num(0.2 + r() * 0.6)}" q="${num(r() - 0.5)}" sig="${num(0.2 + r() * 0.15)}"/>\n`;
  s += '\t\t\t</Particles>\n\t\t</Force>\n\t</Forces>\n</System>\n';
  return s;
}
function stateXml(seed) {
  const r = rng(seed);
  let s = '<?xml version="1.0" ?>\n<State openmmVersion="8.1.1" time="0" type="State" version="1">\n\t<PeriodicBoxVectors>\n';
  s += '\t\t<A x="3.2" y="0" z="0"/>\n\t\t<B x="0" y="3.2" z="0"/>\n\t\t<C x="0" y="0" z="3.2"/>\n\t</PeriodicBoxVectors>\n\t<Parameters lambda="0"/>\n\t<Positions>\n';
  for (let i = 0; i < ATOMS; i++) s += `\t\t<Position x="${num(r() * 3.2)}" y="${num(r() * 3.2)}" z="${num(r() * 3.2)}"/>\n`;
  s += '\t</Positions>\n\t<Velocities>\n';
  for (let i = 0; i < ATOMS; i++) s += `\t\t<Velocity x="${num(r() - 0.5)}" y="${num(r() - 0.5)}" z="${num(r() - 0.5)}"/>\n`;
  s += '\t</Velocities>\n</State>\n';
  return s;
}
const INTEGRATOR_XML =
  '<?xml version="1.0" ?>\n<Integrator constraintTolerance="1e-06" stepSize=".004" type="CustomIntegrator" version="1">\n\t<GlobalVariables>\n' +
  ['lambda', 'protocol_work', 'Eold', 'Enew', 'step', 'n_steps_per_cycle', 'n_lambda_steps'].map((g) => `\t\t<Variable name="${g}" value="0"/>\n`).join('') +
  '\t</GlobalVariables>\n\t<PerDofVariables>\n\t\t<Variable name="x1"/>\n\t</PerDofVariables>\n\t<Computations>\n' +
  ['Eold=energy', 'lambda=(step-250000)/250000', 'Enew=energy', 'protocol_work=protocol_work+(Enew-Eold)', 'v=v+0.5*dt*f/m', 'x=x+0.5*dt*v', 'v=a*v+b*sqrt(kT/m)*gaussian', 'x=x+0.5*dt*v', 'x1=x', 'v=v+0.5*dt*f/m+(x-x1)/dt', 'step=step+1']
    .map((e, i) => `\t\t<Computation computationType="${i % 4 === 0 ? 0 : 1}" computationVariable="${e.split('=')[0]}" computationExpression="${e.slice(e.indexOf('=') + 1)}" computationCondition="" forceGroup="-1"/>\n`)
    .join('') +
  '\t</Computations>\n</Integrator>\n';
const CORE_XML =
  '<?xml version="1.0" ?><config><numSteps>1000000</numSteps><xtcFreq>100000</xtcFreq><checkpointFreq>-5</checkpointFreq><viewerFreq>-1</viewerFreq>' +
  '<globalVarFreq>1000</globalVarFreq><globalVarFilename>globals.csv</globalVarFilename><precision>mixed</precision><minimize>1</minimize></config>';

/** One core.xml and integrator, a system per RUN (transformation), a state per CLONE index (cycle). */
function writeInputs(dir) {
  const core = path.join(dir, 'core.xml');
  const integrator = path.join(dir, 'integrator.xml.bz2');
  fs.writeFileSync(core, CORE_XML);
  fs.writeFileSync(integrator, bz2(INTEGRATOR_XML));
  const systems = [];
  for (let k = 0; k < RUNS; k++) {
    const p = path.join(dir, `system-${k}.xml.bz2`);
    fs.writeFileSync(p, bz2(systemXml(1000 + k)));
    systems.push(p);
  }
  const clonesNeeded = MODE === 'one-run' ? N : CLONES;
  const stateFiles = Math.min(clonesNeeded, CLONES); // one-run: states repeat every CLONES clones (bytes checked the same way)
  for (let c = 0; c < stateFiles; c++) fs.writeFileSync(path.join(dir, `state-${c}.xml.bz2`), bz2(stateXml(5000 + c)));
  // one-run: SimDeck's path template is state-{clone}.xml.bz2, so clones past CLONES get links to the same states.
  for (let c = stateFiles; c < clonesNeeded; c++) fs.symlinkSync(`state-${c % CLONES}.xml.bz2`, path.join(dir, `state-${c}.xml.bz2`));
  const hashOf = new Map();
  const h = (p) => hashOf.get(p) ?? (hashOf.set(p, sha1(fs.readFileSync(p))), hashOf.get(p));
  const state = (c) => path.join(dir, `state-${c % CLONES}.xml.bz2`);
  const sizes = {
    'core.xml': fs.statSync(core).size,
    'system.xml.bz2': systems.map((p) => fs.statSync(p).size),
    'state.xml.bz2': Array.from({ length: stateFiles }, (_, c) => fs.statSync(state(c)).size),
    'integrator.xml.bz2': fs.statSync(integrator).size,
  };
  return { core, integrator, systems, state, h, sizes };
}

/** The files of job (k-th system, clone c), by WS name → local path. */
function jobFiles(inp, k, c) {
  return { 'core.xml': inp.core, 'system.xml.bz2': inp.systems[k % inp.systems.length], 'state.xml.bz2': inp.state(c), 'integrator.xml.bz2': inp.integrator };
}

// ---- the baseline: requests without a Session ---------------------------------------------------------------

function makeBaseline(wsUrl, files) {
  const url = new URL(wsUrl);
  let requests = 0;
  const latencies = [];
  /** One request on a NEW TLS connection (agent:false), cert and key read from their files like requests' cert=(…). */
  const request = (method, p, body, headers = {}) =>
    new Promise((resolve, reject) => {
      requests++;
      const t0 = performance.now();
      const req = https.request(
        {
          hostname: url.hostname,
          port: url.port,
          path: p,
          method,
          agent: false,
          ca: fs.readFileSync(files.ca),
          cert: fs.readFileSync(files.cert),
          key: fs.readFileSync(files.key),
          headers: { 'User-Agent': 'python-requests/2.32.3', Accept: '*/*', 'Accept-Encoding': 'gzip, deflate', ...headers, ...(body ? { 'Content-Length': String(body.length) } : { 'Content-Length': '0' }) },
        },
        (res) => {
          const chunks = [];
          res.on('data', (d) => chunks.push(d));
          res.on('error', reject);
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            if (res.statusCode >= 400) reject(new Error(`${method} ${p} → ${res.statusCode} ${Buffer.concat(chunks).toString()}`));
            else resolve(Buffer.concat(chunks));
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return {
    get requests() {
      return requests;
    },
    latencies,
    /** requests.put(url, data=open(path, 'rb'), cert=…): raw bytes, no Content-Type. */
    upload: (project, rel, file) => request('PUT', `/api/projects/${project}/files/${rel.split('/').map(encodeURIComponent).join('/')}`, fs.readFileSync(file)),
    /** requests.put(url, json=data, cert=…). */
    putJson: (p, data) => request('PUT', p, Buffer.from(JSON.stringify(data)), { 'Content-Type': 'application/json' }),
  };
}

// ---- SQLite accounting (diagnostic: time spent in better-sqlite3 calls on the core's event loop) -------------

function instrumentSqlite() {
  const Database = createRequire(path.join(root, 'package.json'))('better-sqlite3');
  const db = new Database(':memory:');
  const stmtProto = Object.getPrototypeOf(db.prepare('SELECT 1'));
  const acc = { ms: 0, calls: 0, writes: 0, writeMs: 0 };
  for (const name of ['run', 'get', 'all']) {
    const orig = stmtProto[name];
    stmtProto[name] = function (...args) {
      const t0 = performance.now();
      try {
        return orig.apply(this, args);
      } finally {
        const d = performance.now() - t0;
        acc.ms += d;
        acc.calls++;
        if (name === 'run') {
          acc.writes++;
          acc.writeMs += d;
        }
      }
    };
  }
  db.close();
  return acc;
}

// ---- main ---------------------------------------------------------------------------------------------------

async function main() {
  const wall0 = performance.now();
  const simFile = await bundle('sim', SIM_CHILD);
  const coreFile = await bundle(
    'core',
    "export { openTempCore, ok } from './electron/testing/temp-core.ts';\n",
  );
  const m = createRequire(path.join(root, 'package.json'))(coreFile);
  const sim = startSimChild(simFile);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-bench-fah-create-'));
  const home = path.join(work, 'home');
  fs.mkdirSync(home);
  const oldHome = process.env.HOME;
  process.env.HOME = home;
  let t;
  try {
    await sim.ready;
    fs.rmSync(simFile, { force: true });
    const info = await sim.call('info');
    console.log(`bundled and started in ${sec(performance.now() - wall0)} s; simulator ${info.wsUrl} in its own process (pid ${sim.child.pid}), clock speed 0 (jobs stay READY); ${os.cpus().length} cores`);

    const inp = writeInputs(work);
    const avg = (xs) => (Array.isArray(xs) ? xs.reduce((a, b) => a + b, 0) / xs.length : xs);
    const perJobBytes = FILE_NAMES.reduce((a, f) => a + avg(inp.sizes[f]), 0);
    console.log(
      `setup: ${fmt(N)} jobs = ${MODE === 'one-run' ? `1 RUN × ${fmt(N)} CLONEs` : `${RUNS} RUNs × ${CLONES} CLONEs`}, 4 files each (bytes: core.xml ${inp.sizes['core.xml']}, ` +
        `system.xml.bz2 ~${fmt(avg(inp.sizes['system.xml.bz2']))} (one per RUN), state.xml.bz2 ~${fmt(avg(inp.sizes['state.xml.bz2']))} (one per CLONE), integrator.xml.bz2 ${inp.sizes['integrator.xml.bz2']}; ` +
        `~${fmt(perJobBytes)} B per job, ${(N * perJobBytes / 1e6).toFixed(0)} MB in all); bzip2 -9 of OpenMM-style XML (${ATOMS} atoms)`,
    );

    // ---- SimDeck ----------------------------------------------------------------------------------------------
    const me = await sim.call('cert', { email: EMAIL });
    const sqlite = instrumentSqlite();
    t = m.openTempCore(undefined, { fah: { pollMs: 3_600_000, certCheckMs: 3_600_000, ...(CONCURRENCY ? { concurrency: CONCURRENCY } : {}) } });
    const target = await m.ok(t.core, 'targets.create', { name: 'ws (sim)', kind: 'fah', settings: { wsUrl: info.wsUrl, asUrl: info.asUrl, email: EMAIL, caPem: info.caPem } });
    await m.ok(t.core, 'fah.importCert', { targetId: target.id, certPem: me.chainPem, keyPem: me.keyPem });
    await m.ok(t.core, 'fah.saveProject', { targetId: target.id, project: P_SIMDECK, data: PROJECT });
    const check = await m.ok(t.core, 'targets.check', { id: target.id });
    if (!check.ok) throw new Error(`targets.check failed: ${check.summary}`);
    if (fs.readFileSync(path.join(t.dir, 'workspace.sqlite')).includes('PRIVATE KEY')) throw new Error('the key is in the workspace database');
    await new Promise((r) => setTimeout(r, 500)); // the service's start-up (renewal at start) settles before the clock starts
    const files = (k) => [
      { name: 'core.xml', path: inp.core },
      { name: 'system.xml.bz2', path: inp.systems[k] },
      { name: 'state.xml.bz2', path: path.join(work, 'state-{clone}.xml.bz2') },
      { name: 'integrator.xml.bz2', path: inp.integrator },
    ];
    const sqlBefore = { ...sqlite };
    const mark = await sim.call('mark');
    const cpu0 = process.cpuUsage();
    const s0 = performance.now();
    let results;
    const call = (k, clones) => m.ok(t.core, 'fah.createJobs', { targetId: target.id, project: P_SIMDECK, run: 'new', clones, files: files(k) });
    if (MODE === 'batch') results = await Promise.all(Array.from({ length: RUNS }, (_, k) => call(k, CLONES)));
    else if (MODE === 'sequential') {
      results = [];
      for (let k = 0; k < RUNS; k++) results.push(await call(k, CLONES));
    } else if (MODE === 'one-run') {
      if (N > 65_536) throw new Error('one-run: at most 65,536 clones in a RUN');
      results = [await call(0, N)];
    } else throw new Error(`FAH_CREATE_MODE=${MODE}: batch, sequential or one-run`);
    const simdeckMs = performance.now() - s0;
    const cpu = process.cpuUsage(cpu0);
    const simdeckCpuMs = (cpu.user + cpu.system) / 1000;
    const sum = await sim.call('summary', { from: mark });
    const sql = { ms: sqlite.ms - sqlBefore.ms, calls: sqlite.calls - sqlBefore.calls, writes: sqlite.writes - sqlBefore.writes, writeMs: sqlite.writeMs - sqlBefore.writeMs };

    // Verify: SimDeck's own view and the simulator's.
    const expJobs = [];
    const expFiles = [];
    results.forEach((r, k) => {
      for (const j of r.jobs) if (j.phase !== 'created' || j.state !== 'READY') throw new Error(`SimDeck: R${j.run}:C${j.clone} is ${j.phase}/${j.state}: ${j.message}`);
      for (const c of r.clones) {
        expJobs.push([r.run, c]);
        for (const [name, p] of Object.entries(jobFiles(inp, k, c))) expFiles.push([`RUN${r.run}/CLONE${c}/${name}`, inp.h(p)]);
      }
    });
    if (expJobs.length !== N) throw new Error(`SimDeck reserved ${expJobs.length} jobs, expected ${N}`);
    const v = await sim.call('verify', { project: P_SIMDECK, jobs: expJobs, files: expFiles });
    if (v.problemCount > 0 || v.jobs !== N || v.files !== 4 * N) throw new Error(`simulator check for SimDeck failed (${v.jobs} jobs, ${v.files} files): ${v.problems.join('; ')}${v.problemCount > 10 ? ` … ${v.problemCount} problems` : ''}`);
    await t.dispose();
    t = undefined;

    const kinds = Object.entries(sum.kinds).sort((a, b) => a[1].first - b[1].first);
    const span = (e) => `${sec(e.first - (mark.at))}–${sec(e.last - mark.at)} s`;
    console.log('');
    console.log(`SimDeck (${MODE === 'batch' ? `${RUNS} fah.createJobs calls of ${CLONES} clones issued together` : MODE === 'sequential' ? `${RUNS} fah.createJobs calls one after another` : `one fah.createJobs call of ${fmt(N)} clones`}; client concurrency ${CONCURRENCY ?? 8}${CONCURRENCY ? '' : ' (default)'}, keep-alive):`);
    console.log(`  ${sec(simdeckMs)} s until every call returned; checked on the simulator: ${fmt(v.jobs)} jobs READY, ${fmt(v.files)} files with the right bytes`);
    console.log(`  requests seen by the simulator: ${fmt(sum.requests)} (${kinds.map(([k, e]) => `${k} ${fmt(e.n)} at ${span(e)}`).join('; ')})`);
    console.log(`  TLS connections opened: ${fmt(sum.handshakes)}; ${((simdeckMs / sum.requests) * 1000).toFixed(0)} µs of wall time per request`);
    console.log(`  CPU: SimDeck's process ${sec(simdeckCpuMs)} s (${((simdeckCpuMs / simdeckMs) * 100).toFixed(0)} % of one core), simulator ${sec(sum.cpuMs)} s (${((sum.cpuMs / simdeckMs) * 100).toFixed(0)} %)`);
    console.log(`  SQLite (better-sqlite3 calls on the core's thread): ${fmt(sql.calls)} statements, ${sec(sql.ms)} s; of them ${fmt(sql.writes)} writes (run) ${sec(sql.writeMs)} s = ${(sql.writes / N).toFixed(1)} per job`);

    // ---- Baseline ---------------------------------------------------------------------------------------------
    const credFiles = { ca: path.join(work, 'ca.pem'), cert: path.join(work, 'certificate.pem'), key: path.join(work, 'private.pem') };
    fs.writeFileSync(credFiles.ca, info.caPem);
    fs.writeFileSync(credFiles.cert, me.chainPem);
    fs.writeFileSync(credFiles.key, me.keyPem, { mode: 0o600 });
    const base = makeBaseline(info.wsUrl, credFiles);
    await base.putJson(`/api/projects/${P_BASELINE}`, PROJECT);
    const bmark = await sim.call('mark');
    const bcpu0 = process.cpuUsage();
    const b0 = performance.now();
    const bJobs = [];
    const bFiles = [];
    const order = MODE === 'one-run' ? Array.from({ length: N }, (_, i) => [0, i]) : Array.from({ length: N }, (_, i) => [Math.floor(i / CLONES), i % CLONES]);
    for (const [r, c] of order.slice(0, BASELINE_JOBS)) {
      const jf = jobFiles(inp, r, c);
      for (const name of FILE_NAMES) {
        await base.upload(P_BASELINE, `RUN${r}/CLONE${c}/${name}`, jf[name]);
        bFiles.push([`RUN${r}/CLONE${c}/${name}`, inp.h(jf[name])]);
      }
      await base.putJson(`/api/projects/${P_BASELINE}/runs/${r}/create`, { clones: c + 1 });
      bJobs.push([r, c]);
    }
    const baselineMeasuredMs = performance.now() - b0;
    const bcpu = process.cpuUsage(bcpu0);
    const bsum = await sim.call('summary', { from: bmark });
    const bv = await sim.call('verify', { project: P_BASELINE, jobs: bJobs, files: bFiles });
    if (bv.problemCount > 0) throw new Error(`simulator check for the baseline failed: ${bv.problems.join('; ')}`);
    const scale = N / BASELINE_JOBS;
    const baselineMs = baselineMeasuredMs * scale;
    const lat = [...base.latencies].sort((a, b) => a - b);
    const q = (p) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))];
    console.log('');
    console.log(`baseline (the public client's way: sequential, a new TLS connection per request, ${FILE_NAMES.length} file PUTs + 1 create PUT per clone):`);
    console.log(
      `  measured on ${fmt(BASELINE_JOBS)} jobs: ${sec(baselineMeasuredMs)} s` +
        (scale !== 1 ? `; baseline measured on ${fmt(BASELINE_JOBS)} jobs, scaled ×${scale.toFixed(2)} to ${fmt(N)} jobs: ${sec(baselineMs)} s` : ' (the full set)'),
    );
    console.log(`  checked on the simulator: ${fmt(bv.jobs)} jobs READY, ${fmt(bv.files)} files with the right bytes`);
    console.log(`  requests: ${fmt(base.requests - 1)} sent (simulator saw ${fmt(bsum.requests)}), TLS connections opened: ${fmt(bsum.handshakes)}; per request median ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms`);
    console.log(`  CPU: client ${sec((bcpu.user + bcpu.system) / 1000)} s (${(((bcpu.user + bcpu.system) / 1000 / baselineMeasuredMs) * 100).toFixed(0)} %), simulator ${sec(bsum.cpuMs)} s (${((bsum.cpuMs / baselineMeasuredMs) * 100).toFixed(0)} %)`);

    const ratio = baselineMs / simdeckMs;
    console.log('');
    console.log(`total wall time ${sec(performance.now() - wall0)} s`);
    console.log(`goal: ratio ≥ ${RATIO_GOAL} with bounded concurrency (${CONCURRENCY ?? 8} requests in flight): ${ratio >= RATIO_GOAL ? 'met' : 'NOT met'} (${ratio.toFixed(1)})`);
    console.log(`BENCH name=fah-create value=${(simdeckMs / 1000).toFixed(2)}s baseline=${(baselineMs / 1000).toFixed(2)}s ratio=${ratio.toFixed(1)}`);
  } finally {
    await t?.dispose().catch(() => undefined);
    await sim.call('stop').catch(() => undefined);
    sim.child.kill();
    process.env.HOME = oldHome;
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(simFile, { force: true });
    fs.rmSync(coreFile, { force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
