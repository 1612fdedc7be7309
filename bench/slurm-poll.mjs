// Benchmark "slurm-poll": one full poll cycle of a cluster with 10,000 watched jobs.
// SimDeck: ONE SSH round trip (squeue; marker; sacct, parseable text with 0x1f separators) → parse → diff against a
// real SQLite workspace (the real Jobs/SlurmRepo classes, transitions recorded) → the list of changed job ids.
// The output is synthetic but in exactly the format the parsers read (electron/slurm/testing/fake-cluster.ts);
// the round trip is the real poll command over a fresh SSH connection to the test bed, measured in this run.
// Baseline: the researchers' notebook approach, one `scontrol show job <id>` per job over a fresh SSH connection,
// measured on a sample of real jobs on the test bed and scaled to 10,000.
// ratio = baseline / SimDeck (> 1: SimDeck faster).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const JOBS = 10_000;
const ARRAYS = 250; // of 4 tasks each: 1,000 of the 10,000 jobs are array tasks
const CYCLES = 5;
const BASELINE_SAMPLE = 20;
const testbedDir = process.env.SIMDECK_TESTBED_DIR || '/tmp/simdeck-testbed';
const sshConfig = path.join(testbedDir, 'ssh', 'ssh_config');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function loadSimdeck() {
  const outfile = path.join(os.tmpdir(), `simdeck-bench-slurm-poll-${process.pid}.cjs`);
  await build({
    stdin: {
      contents:
        "export { ClusterPoller } from './electron/slurm/poller.ts';\n" +
        "export { SlurmRepo } from './electron/slurm/repo.ts';\n" +
        "export { pollCommand } from './electron/slurm/parse.ts';\n" +
        "export { pollStdout } from './electron/slurm/testing/fake-cluster.ts';\n" +
        "export { openWorkspaceDb } from './electron/workspace/db.ts';\n" +
        "export { Projects } from './electron/workspace/projects.ts';\n" +
        "export { Targets } from './electron/workspace/targets.ts';\n",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // better-sqlite3 is native: loaded from the repository's node_modules, not bundled.
    external: ['better-sqlite3'],
    banner: { js: `module.paths.unshift(${JSON.stringify(path.join(root, 'node_modules'))});` },
    outfile,
    logLevel: 'warning',
  });
  try {
    return createRequire(path.join(root, 'package.json'))(outfile);
  } finally {
    fs.rmSync(outfile, { force: true });
  }
}

const ssh = (remote) => spawnSync('ssh', ['-F', sshConfig, 'testbed', remote], { encoding: 'utf8', maxBuffer: 64 * 1024 ** 2 });

function ensureTestbed() {
  if (fs.existsSync(path.join(testbedDir, 'testbed.env')) && ssh('true').status === 0) return;
  console.log('test bed not up: bash e2e/testbed/up.sh ssh slurm');
  const r = spawnSync('bash', [path.join(root, 'e2e/testbed/up.sh'), 'ssh', 'slurm'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not bring the test bed up');
}

/** Two cluster pictures that differ for every job, so each measured cycle changes all 10,000 states. */
function pictures(remoteIds, arrayIds) {
  const single = remoteIds.length;
  const a = { squeue: [], sacct: [] };
  const b = { squeue: [], sacct: [] };
  for (let i = 0; i < single; i++) {
    const id = remoteIds[i];
    const common = { id, name: `model-${i} mutant-A/conf${i % 7}`, comment: `simdeck:bench-${i}`, workDir: `/home/u/simdeck/p/m${i}` };
    if (i % 10 < 6) {
      a.squeue.push({ ...common, state: 'RUNNING' });
      b.squeue.push({ ...common, state: 'PENDING', reason: 'Priority' });
    } else if (i % 10 < 8) {
      a.squeue.push({ ...common, state: 'PENDING', reason: 'Resources' });
      b.squeue.push({ ...common, state: 'RUNNING' });
    } else {
      // gone from squeue: sacct resolves them
      a.sacct.push({ ...common, state: i % 2 ? 'COMPLETED' : 'FAILED', exitCode: i % 2 ? '0:0' : '3:0' });
      b.squeue.push({ ...common, state: 'SUSPENDED' });
    }
  }
  for (const p of arrayIds) {
    a.squeue.push({ id: `${p}_[1-4%2]`, arrayJobId: p, arrayTaskId: '1-4%2', state: 'PENDING', reason: 'JobArrayTaskLimit', comment: `simdeck:arr-${p}` });
    for (let t = 1; t <= 4; t++) b.squeue.push({ id: `${p}_${t}`, rawId: String(Number(p) * 10 + t), arrayJobId: p, arrayTaskId: String(t), state: 'RUNNING', comment: `simdeck:arr-${p}` });
  }
  return [a, b];
}

async function main() {
  ensureTestbed();
  const m = await loadSimdeck();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-bench-slurm-'));
  try {
    const db = m.openWorkspaceDb(dir);
    const project = new m.Projects(db).create({ name: 'bench', description: '', tags: [] });
    const target = new m.Targets(db).create({ name: 'bench-cluster', kind: 'slurm', settings: { host: 'bench' } });
    const repo = new m.SlurmRepo(db);
    const singles = JOBS - ARRAYS * 4;
    const remoteIds = [];
    const arrayIds = [];
    const t0 = performance.now();
    repo.transaction(() => {
      for (let i = 0; i < singles; i++) {
        const id = String(100_000 + i);
        remoteIds.push(id);
        repo.createJob({ projectId: project.id, targetId: target.id, name: `model-${i}`, state: 'pending', remoteId: id, details: {} });
      }
      for (let k = 0; k < ARRAYS; k++) {
        const id = String(200_000 + k);
        arrayIds.push(id);
        repo.createJob({ projectId: project.id, targetId: target.id, name: `arr-${k}`, state: 'pending', remoteId: id, details: { array: '1-4%2', arrayTaskCount: 4 } });
      }
    });
    console.log(`workspace: ${singles} jobs + ${ARRAYS} arrays of 4 tasks created in ${(performance.now() - t0).toFixed(0)} ms`);
    const [picA, picB] = pictures(remoteIds, arrayIds);
    const outA = m.pollStdout(picA.squeue, picA.sacct);
    const outB = m.pollStdout(picB.squeue, picB.sacct);
    console.log(`synthetic poll output: ${(outA.length / 1024).toFixed(0)} KB / ${(outB.length / 1024).toFixed(0)} KB`);

    let stdout = outB;
    let execs = 0;
    const runner = {
      async exec() {
        execs++;
        return { code: 0, signal: null, stdout, stderr: '' };
      },
      displayPrefix: () => 'ssh bench',
    };
    const ctx = { activity: { run: (_e, w) => w() }, secrets: { reveal: async () => '' }, log: { info() {}, warn() {}, error() {} } };
    const poller = new m.ClusterPoller(target, { repo, runner, ctx });
    // Warm-up (picture B): creates the 1,000 array task rows.
    await poller.pollNow();
    const cycles = [];
    const trips = [];
    let changedTotal = 0;
    const reset = db.prepare("UPDATE jobs SET state = 'pending', reason = NULL, exit_code = NULL, finished_at = NULL, details = json_remove(details, '$.exitPending')");
    for (let i = 0; i < CYCLES; i++) {
      // Untimed: every job back to pending, so each measured cycle sees the same 10,000 changes (20% resolved by sacct).
      reset.run();
      stdout = outA;
      const before = execs;
      const c0 = performance.now();
      const r = await poller.pollNow();
      cycles.push(performance.now() - c0);
      trips.push(execs - before);
      changedTotal = r.changed.length;
      if (!r.ok || r.problems.length) throw new Error(`poll failed: ${r.error ?? JSON.stringify(r.problems[0])}`);
      if (r.changed.length < singles) throw new Error(`expected >= ${singles} changed jobs, got ${r.changed.length}`);
    }
    db.close();

    // The real round trip: the poll command itself, over a fresh SSH connection to the test bed.
    const cmd = m.pollCommand('now-86400');
    const rtt = [];
    for (let i = 0; i < 5; i++) {
      const r0 = performance.now();
      const r = ssh(cmd);
      rtt.push(performance.now() - r0);
      if (r.status !== 0 || !r.stdout.includes('@@SIMDECK-SACCT-RC 0')) throw new Error(`poll command failed on the test bed: ${r.stderr}`);
    }

    // Baseline: scontrol show job per job, fresh connection each, on real job ids.
    const ids = ssh("squeue --me -h -t all -o '%A'").stdout.split('\n').filter((x) => /^\d+$/.test(x.trim()));
    if (!ids.length) {
      const sub = ssh("sbatch --parsable --wrap 'true' -o /dev/null");
      if (sub.status !== 0) throw new Error(`could not create a job for the baseline: ${sub.stderr}`);
      ids.push(sub.stdout.trim().split(';')[0]);
    }
    const base = [];
    for (let i = 0; i < BASELINE_SAMPLE; i++) {
      const id = ids[i % ids.length];
      const b0 = performance.now();
      const r = ssh(`scontrol show job ${id}`);
      base.push(performance.now() - b0);
      if (r.status !== 0) throw new Error(`scontrol show job ${id} failed: ${r.stderr}`);
    }
    const perJob = base.reduce((a, b) => a + b, 0) / base.length;
    const baselineMs = perJob * JOBS;
    const cycleMs = median(cycles);
    const rttMs = median(rtt);
    const value = cycleMs + rttMs;

    console.log(`SimDeck cycle, local part (parse + diff + SQLite + change list), ms: ${cycles.map((v) => v.toFixed(0)).join(', ')}; ${changedTotal} jobs changed in the last`);
    console.log(`SSH round trips per cycle: ${[...new Set(trips)].join(',')} (baseline: ${JOBS})`);
    console.log(`real poll command round trip on the test bed (fresh connection), ms: ${rtt.map((v) => v.toFixed(0)).join(', ')}`);
    console.log(`baseline: scontrol show job over a fresh ssh, ${BASELINE_SAMPLE} samples, mean ${perJob.toFixed(1)} ms/job → ×${JOBS} = ${(baselineMs / 1000).toFixed(0)} s`);
    console.log(`BENCH name=slurm-poll value=${value.toFixed(0)}ms baseline=${baselineMs.toFixed(0)}ms ratio=${(baselineMs / value).toFixed(1)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
