// Benchmark "fleet-deploy": deploy and tear down a 50-worker fleet on the test bed's real single-node Swarm.
// SimDeck: planSwarm (a Redis broker/backend service and a 50-replica worker service, endpoint mode dnsrr, an
// attachable overlay network and two volumes) → deploySwarm through the Engine API (dockerode), then
// removeStack(…, { wait: true }).
// Baseline: the same stack with the CLI: the equivalent stack file (same services, image, command, env, mounts,
// aliases, placement, replicas 50, dnsrr), written from the very plan SimDeck deploys, then
// `docker -H <host> stack deploy -c FILE NS` and `docker -H <host> stack rm NS`.
// One measurement = deploy until the backend task and all 50 worker tasks are running + teardown until nothing of
// the stack is left (no service, no task container, no network carrying com.docker.stack.namespace=NS) AND the
// tool has returned. Both sides are observed by the SAME poll (dockerode, every POLL_MS, started with the deploy
// call's return and with the rm call), because `docker stack rm` returns before the node has removed the network
// and the task containers (removeStack with wait returns after them). Volumes are kept by both (as
// `docker stack rm` does) and removed outside the timed part. busybox `sleep` as PID 1 ignores SIGTERM, so every
// task container takes the 10 s stop grace period before its SIGKILL, on both sides.
// Rounds: one warm-up round (SimDeck + CLI, not counted), then ROUNDS measured rounds alternating which side goes
// first. value/baseline = medians in seconds; ratio = baseline / SimDeck (> 1: SimDeck faster).
// Needs the test bed's dockerd with Swarm: sudo bash e2e/testbed/up.sh docker
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const Docker = require('dockerode');

const WORKERS = Number(process.env.FLEET_DEPLOY_WORKERS || 50);
const ROUNDS = Number(process.env.BENCH_RUNS || 3);
const POLL_MS = 250; // the one poll both sides are observed with
const STEP_TIMEOUT_MS = 240_000;
const MIN_AVAILABLE_MB = 1500;
const NS_LABEL = 'com.docker.stack.namespace';
const testbedDir = process.env.SIMDECK_TESTBED_DIR || '/tmp/simdeck-testbed';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
const s = (ms) => (ms / 1000).toFixed(2);

function fail(msg) {
  console.error(`fleet-deploy: ${msg}`);
  process.exit(2);
}

// ---- test bed -------------------------------------------------------------------------------------------------

function readTestbedEnv() {
  const file = path.join(testbedDir, 'testbed.env');
  if (!fs.existsSync(file)) return null;
  const env = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}

async function connect() {
  const howTo = 'Start it with: sudo bash e2e/testbed/up.sh docker   (then rerun: npm run bench -- fleet-deploy)';
  const tb = readTestbedEnv();
  const hostFromEnv = process.env.SIMDECK_TB_DOCKER_HOST || tb?.SIMDECK_TB_DOCKER_HOST;
  if (!hostFromEnv) fail(`the test bed is not up: ${path.join(testbedDir, 'testbed.env')} is missing (or has no SIMDECK_TB_DOCKER_HOST). ${howTo}`);
  if (!hostFromEnv.startsWith('unix://')) fail(`SIMDECK_TB_DOCKER_HOST=${hostFromEnv}: this benchmark expects a unix:// socket`);
  const socketPath = hostFromEnv.slice('unix://'.length);
  if (!fs.existsSync(socketPath)) fail(`the test bed's dockerd socket ${socketPath} does not exist (dockerd not running). ${howTo}`);
  const image = process.env.SIMDECK_TB_DOCKER_IMAGE || tb?.SIMDECK_TB_DOCKER_IMAGE || 'local/busybox:latest';
  // The same options SimDeck uses for a unix socket (electron/docker/endpoint.ts): DOCKER_HOST must not win.
  const docker = new Docker({ socketPath, host: undefined, protocol: undefined, timeout: 60_000 });
  let info;
  try {
    info = await docker.info();
  } catch (err) {
    fail(`dockerd at ${hostFromEnv} does not answer (${err.message}). ${howTo}`);
  }
  if (info.Swarm?.LocalNodeState !== 'active' || !info.Swarm?.ControlAvailable) {
    fail(`dockerd at ${hostFromEnv} is not an active Swarm manager (state ${info.Swarm?.LocalNodeState}). ${howTo}`);
  }
  try {
    await docker.getImage(image).inspect();
  } catch {
    fail(`image ${image} is not on the test bed's dockerd. ${howTo}`);
  }
  // The CLI matching the test bed's engine (Debian docker.io), as e2e/integration/fleet-swarm.test.ts uses it.
  const cli = process.env.SIMDECK_DOCKER_CLI || (fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker');
  const v = spawnSync(cli, ['-H', hostFromEnv, 'version', '--format', '{{.Client.Version}} / {{.Server.Version}}'], { encoding: 'utf8' });
  if (v.status !== 0) fail(`the docker CLI (${cli}) cannot reach ${hostFromEnv}: ${v.stderr.trim()}`);
  return { docker, host: hostFromEnv, image, cli, info, cliVersion: v.stdout.trim() };
}

// ---- SimDeck's sources ----------------------------------------------------------------------------------------

async function loadSimdeck() {
  const outfile = path.join(os.tmpdir(), `simdeck-bench-fleet-deploy-${process.pid}.cjs`);
  await build({
    stdin: {
      contents:
        "export { planSwarm } from './electron/fleets/plan-swarm.ts';\n" +
        "export { deploySwarm, removeStack } from './electron/fleets/deploy-swarm.ts';\n" +
        "export { FleetSpec } from './shared/fleet.ts';\n",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['dockerode', 'ssh2', 'cpu-features', 'better-sqlite3'],
    banner: { js: `module.paths.unshift(${JSON.stringify(path.join(root, 'node_modules'))});` },
    outfile,
    logLevel: 'warning',
  });
  try {
    return require(outfile);
  } finally {
    fs.rmSync(outfile, { force: true });
  }
}

// ---- the fleet, and its stack file ----------------------------------------------------------------------------

function planFor(m, ns, image) {
  const spec = m.FleetSpec.parse({
    projectId: 'p-bench',
    targetId: 't-bench',
    name: ns,
    broker: { kind: 'redis', image },
    backend: { image },
    workers: { image, command: ['sleep', '3600'], replicas: WORKERS },
  });
  const plan = m.planSwarm(spec);
  // busybox's default command (sh) exits at once: keep the "Redis" backend running, as the swarm test does.
  const backend = plan.resources.find((r) => r.kind === 'service' && r.name === `${ns}_backend`);
  backend.body.TaskTemplate.ContainerSpec.Args = ['sleep', '3600'];
  return plan;
}

/**
 * The stack file a researcher would write for the same fleet, derived from the plan's service bodies so both
 * sides deploy the same thing. JSON is YAML, so `docker stack deploy -c` reads it as is.
 */
function composeFor(plan, ns) {
  const strip = (name) => name.slice(ns.length + 1);
  const fleetLabels = Object.fromEntries(Object.entries(plan.labels).filter(([k]) => k !== NS_LABEL));
  const services = {};
  for (const r of plan.resources.filter((x) => x.kind === 'service')) {
    const b = r.body;
    const c = b.TaskTemplate.ContainerSpec;
    const svc = {
      image: c.Image,
      environment: c.Env,
      volumes: (c.Mounts ?? []).map((mt) => `${strip(mt.Source)}:${mt.Target}`),
      networks: { default: { aliases: b.TaskTemplate.Networks[0].Aliases } },
      deploy: {
        mode: b.Mode.Global ? 'global' : 'replicated',
        endpoint_mode: b.EndpointSpec.Mode,
        placement: { constraints: b.TaskTemplate.Placement.Constraints },
        restart_policy: { condition: b.TaskTemplate.RestartPolicy.Condition },
        labels: Object.fromEntries(Object.entries(b.Labels).filter(([k]) => k !== NS_LABEL && k !== 'com.docker.stack.image')),
      },
    };
    if (c.Args) svc.command = c.Args;
    if (c.Hostname) svc.hostname = c.Hostname;
    if (b.Mode.Replicated) svc.deploy.replicas = b.Mode.Replicated.Replicas;
    if (b.EndpointSpec.Ports) svc.ports = b.EndpointSpec.Ports.map((p) => ({ target: p.TargetPort, published: p.PublishedPort, protocol: 'tcp', mode: 'host' }));
    services[strip(r.name)] = svc;
  }
  const networks = {};
  for (const r of plan.resources.filter((x) => x.kind === 'network')) {
    networks[strip(r.name)] = { driver: 'overlay', attachable: true, labels: fleetLabels };
  }
  const volumes = {};
  for (const r of plan.resources.filter((x) => x.kind === 'volume')) volumes[strip(r.name)] = { labels: fleetLabels };
  return { version: '3.8', services, networks, volumes };
}

// ---- the shared observer --------------------------------------------------------------------------------------

const byNs = (ns) => ({ filters: { label: [`${NS_LABEL}=${ns}`] } });

/** Running tasks per service short name (backend, worker) of stack ns. */
async function runningTasks(docker, ns) {
  const services = await docker.listServices(byNs(ns));
  if (services.length === 0) return {};
  const tasks = await docker.listTasks({ filters: { service: services.map((x) => x.ID), 'desired-state': ['running'] } });
  const out = {};
  for (const x of services) {
    out[x.Spec.Name.slice(ns.length + 1)] = tasks.filter((t) => t.ServiceID === x.ID && t.Status?.State === 'running').length;
  }
  return out;
}

async function waitRunning(docker, ns, t0) {
  for (;;) {
    const r = await runningTasks(docker, ns);
    if ((r.worker ?? 0) >= WORKERS && (r.backend ?? 0) >= 1) return now();
    if (now() - t0 > STEP_TIMEOUT_MS) throw new Error(`stack ${ns}: not all tasks running after ${STEP_TIMEOUT_MS / 1000} s: ${JSON.stringify(r)}`);
    await sleep(POLL_MS);
  }
}

/** Polls until the stack has no service, no task container and no network; when each went (ms from t0). */
async function waitGone(docker, ns, t0) {
  const at = {};
  for (;;) {
    const [svcs, ctrs, nets] = await Promise.all([
      docker.listServices(byNs(ns)),
      docker.listContainers({ all: true, ...byNs(ns) }),
      docker.listNetworks(byNs(ns)),
    ]);
    const t = now() - t0;
    if (svcs.length === 0) at.services ??= t;
    if (ctrs.length === 0) at.containers ??= t;
    if (nets.length === 0) at.networks ??= t;
    if (svcs.length + ctrs.length + nets.length === 0) return { end: now(), at };
    if (now() - t0 > STEP_TIMEOUT_MS) {
      throw new Error(`stack ${ns}: still ${svcs.length} services, ${ctrs.length} containers, ${nets.length} networks after ${STEP_TIMEOUT_MS / 1000} s`);
    }
    await sleep(POLL_MS);
  }
}

// ---- SimDeck's Engine API calls, timed --------------------------------------------------------------------------

/**
 * A dockerode client whose calls are recorded (method, start, duration, outcome), including calls on the objects
 * getService/getNetwork/... return: where deploySwarm and removeStack spend their time.
 */
function recording(docker, calls) {
  const wrap = (target, prefix) =>
    new Proxy(target, {
      get(obj, prop, recv) {
        const v = Reflect.get(obj, prop, recv);
        if (typeof v !== 'function' || typeof prop !== 'string' || prop === 'constructor') return v;
        return (...args) => {
          const name = prefix ? `${prefix}.${prop}` : prop;
          const t = now();
          const r = v.apply(obj, args);
          if (r && typeof r.then === 'function') {
            return r.then(
              (x) => (calls.push({ name, t, ms: now() - t, ok: true }), x),
              (e) => {
                calls.push({ name, t, ms: now() - t, ok: false, status: e?.statusCode, msg: e?.json?.message ?? e?.message });
                throw e;
              },
            );
          }
          if (r && typeof r === 'object' && /^get[A-Z]/.test(prop)) return wrap(r, prop);
          return r;
        };
      },
    });
  return wrap(docker, '');
}

function summarizeCalls(calls, from, to) {
  const mine = calls.filter((c) => c.t >= from && c.t < to);
  const agg = new Map();
  for (const c of mine) {
    const k = c.ok ? c.name : `${c.name} (failed${c.status ? ` ${c.status}` : ''})`;
    const a = agg.get(k) ?? { n: 0, ms: 0 };
    a.n++;
    a.ms += c.ms;
    agg.set(k, a);
  }
  const busy = mine.reduce((a, c) => a + c.ms, 0);
  return { busy, text: [...agg.entries()].map(([k, a]) => `${k} ×${a.n} ${a.ms.toFixed(0)} ms`).join(', ') };
}

// ---- one deploy + teardown per side ---------------------------------------------------------------------------

const active = new Set();
let stopping = false; // set by SIGINT/SIGTERM: the signal handler cleans up and exits

async function runSimdeck(env, m, ns, calls) {
  const { docker } = env;
  const rec = recording(docker, calls);
  if (stopping) throw new Error('interrupted');
  active.add(ns);
  const t0 = now();
  const plan = planFor(m, ns, env.image);
  const res = await m.deploySwarm(rec, plan, { endpointUrl: env.host });
  const deployed = now();
  const running = await waitRunning(docker, ns, t0);
  const t1 = now();
  const observed = waitGone(docker, ns, t1);
  observed.catch(() => undefined); // awaited below; not unhandled if the rm call throws first
  let rmError = null;
  try {
    await m.removeStack(rec, ns, { wait: true, endpointUrl: env.host });
  } catch (err) {
    rmError = err;
  }
  const removed = now();
  if (rmError) throw new Error(`SimDeck's removeStack(${ns}) failed after ${s(removed - t1)} s: ${rmError.message}`);
  const gone = await observed;
  await dropVolumes(docker, ns);
  active.delete(ns);
  if (res.warnings.length) console.log(`  deploySwarm warnings: ${res.warnings.join(' | ')}`);
  return {
    up: running - t0,
    down: Math.max(gone.end, removed) - t1,
    total: running - t0 + (Math.max(gone.end, removed) - t1),
    deployCall: deployed - t0,
    rmCall: removed - t1,
    at: gone.at,
    deployCalls: summarizeCalls(calls, t0, deployed),
    rmCalls: summarizeCalls(calls, t1, removed),
    rmContainerPolls: calls.filter((c) => c.t >= t1 && c.t < removed && c.name === 'listContainers').length,
  };
}

function runCli(env, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(env.cli, ['-H', env.host, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`docker ${args.join(' ')} exited ${code}: ${out.trim()}`))));
  });
}

async function runCliSide(env, m, ns, dir) {
  const { docker } = env;
  const file = path.join(dir, `${ns}.yaml`);
  // Writing the file is the researcher's job before the clock starts (SimDeck's plan is computed inside its time).
  fs.writeFileSync(file, `${JSON.stringify(composeFor(planFor(m, ns, env.image), ns), null, 2)}\n`);
  if (stopping) throw new Error('interrupted');
  active.add(ns);
  const t0 = now();
  await runCli(env, ['stack', 'deploy', '-c', file, ns]);
  const deployed = now();
  const running = await waitRunning(docker, ns, t0);
  const t1 = now();
  const observed = waitGone(docker, ns, t1);
  observed.catch(() => undefined); // awaited below; not unhandled if the rm call throws first
  const rmOut = await runCli(env, ['stack', 'rm', ns]);
  const removed = now();
  const gone = await observed;
  await dropVolumes(docker, ns);
  active.delete(ns);
  return {
    up: running - t0,
    down: Math.max(gone.end, removed) - t1,
    total: running - t0 + (Math.max(gone.end, removed) - t1),
    deployCall: deployed - t0,
    rmCall: removed - t1,
    at: gone.at,
    rmOut: rmOut.trim(),
  };
}

async function dropVolumes(docker, ns) {
  const vols = (await docker.listVolumes(byNs(ns)).catch(() => ({ Volumes: [] }))).Volumes ?? [];
  for (const v of vols) {
    for (let i = 0; i < 20; i++) {
      try {
        await docker.getVolume(v.Name).remove();
        break;
      } catch (err) {
        if (err?.statusCode === 404) break;
        await sleep(500);
      }
    }
  }
}

/** Leftovers of interrupted rounds: services, then networks, then volumes (by the namespace label). */
async function cleanup(docker) {
  for (const ns of [...active]) {
    try {
      for (const x of await docker.listServices(byNs(ns))) await docker.getService(x.ID).remove().catch(() => undefined);
      const until = Date.now() + 60_000;
      while (Date.now() < until && (await docker.listContainers({ all: true, ...byNs(ns) })).length > 0) await sleep(500);
      for (const n of await docker.listNetworks(byNs(ns))) await docker.getNetwork(n.Id).remove().catch(() => undefined);
      await dropVolumes(docker, ns);
      active.delete(ns);
      console.error(`  cleaned up stack ${ns}`);
    } catch (err) {
      console.error(`  could not clean up stack ${ns}: ${err.message} (docker -H … stack rm ${ns})`);
    }
  }
}

// ---- main -----------------------------------------------------------------------------------------------------

async function main() {
  const wall0 = now();
  const env = await connect();
  const availMb = Math.round(os.freemem() / 1024 ** 2);
  const free = spawnSync('free', ['-m'], { encoding: 'utf8' });
  const avail = Number(/^Mem:\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(\d+)/m.exec(free.stdout ?? '')?.[1] ?? availMb);
  if (avail < MIN_AVAILABLE_MB) fail(`only ${avail} MB of memory available; ${WORKERS + 1} busybox tasks need more (at least ${MIN_AVAILABLE_MB} MB)`);
  console.log(
    `test bed: ${env.host}, Swarm ${env.info.Swarm.Nodes} node(s), ${env.info.NCPU} CPUs, engine ${env.info.ServerVersion}; CLI ${env.cli} (${env.cliVersion}); image ${env.image}; ${avail} MB available`,
  );
  const m = await loadSimdeck();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-bench-fleet-deploy-'));
  const onSignal = (sig) => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${sig}: removing what this benchmark deployed…`);
    // Twice: a deploy call in flight when the signal came lands its stack after the first pass.
    cleanup(env.docker)
      .then(() => sleep(1000))
      .then(() => cleanup(env.docker))
      .finally(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        process.exit(130);
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const calls = [];
  const sim = [];
  const cli = [];
  try {
    // A stack file sample, for the log.
    const sample = composeFor(planFor(m, 'sample', env.image), 'sample');
    console.log(`stack file (baseline): services ${Object.keys(sample.services).join(', ')}; worker replicas ${sample.services.worker.deploy.replicas}, command ${JSON.stringify(sample.services.worker.command)}, endpoint_mode ${sample.services.worker.deploy.endpoint_mode}`);
    console.log(`measure: deploy until backend + ${WORKERS} workers running, then teardown until no service, task container or network of the stack is left (poll every ${POLL_MS} ms for both)`);
    for (let round = 0; round <= ROUNDS; round++) {
      const label = round === 0 ? 'warm-up' : `round ${round}`;
      const order = round % 2 === 1 ? ['cli', 'simdeck'] : ['simdeck', 'cli'];
      for (const side of order) {
        const ns = `fdbench${process.pid}${side === 'simdeck' ? 's' : 'c'}${round}`;
        const r = side === 'simdeck' ? await runSimdeck(env, m, ns, calls) : await runCliSide(env, m, ns, dir);
        const who = side === 'simdeck' ? 'SimDeck' : 'CLI    ';
        console.log(
          `${label.padEnd(8)} ${who} total ${s(r.total)} s = up ${s(r.up)} s (deploy call ${s(r.deployCall)} s) + down ${s(r.down)} s ` +
            `(rm call ${s(r.rmCall)} s; services gone at ${s(r.at.services)} s, containers at ${s(r.at.containers)} s, network at ${s(r.at.networks)} s)`,
        );
        if (side === 'simdeck') {
          console.log(`           deploySwarm API calls: ${r.deployCalls.text}`);
          console.log(`           removeStack API calls: ${r.rmCalls.text} (its wait polled listContainers ${r.rmContainerPolls}× of at most 60, 500 ms apart)`);
        }
        if (round > 0) (side === 'simdeck' ? sim : cli).push(r);
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!stopping) {
      await cleanup(env.docker);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  const med = (xs, f) => median(xs.map(f)) / 1000;
  const value = med(sim, (r) => r.total);
  const base = med(cli, (r) => r.total);
  console.log('');
  console.log(`medians over ${ROUNDS} rounds (s):   total    up   down  (deploy call, rm call)`);
  console.log(`  SimDeck                       ${value.toFixed(2).padStart(6)} ${med(sim, (r) => r.up).toFixed(2).padStart(5)} ${med(sim, (r) => r.down).toFixed(2).padStart(6)}  (${med(sim, (r) => r.deployCall).toFixed(2)}, ${med(sim, (r) => r.rmCall).toFixed(2)})`);
  console.log(`  docker stack deploy / rm      ${base.toFixed(2).padStart(6)} ${med(cli, (r) => r.up).toFixed(2).padStart(5)} ${med(cli, (r) => r.down).toFixed(2).padStart(6)}  (${med(cli, (r) => r.deployCall).toFixed(2)}, ${med(cli, (r) => r.rmCall).toFixed(2)})`);
  console.log(`whole benchmark: ${s(now() - wall0)} s wall`);
  console.log(`BENCH name=fleet-deploy value=${value.toFixed(2)}s baseline=${base.toFixed(2)}s ratio=${(base / value).toFixed(2)}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    if (stopping) return; // interrupted: the signal handler is cleaning up and exits with 130
    console.error(error);
    process.exit(1);
  },
);
