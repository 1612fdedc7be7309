// Benchmark "scorefile-pickle": listing every decoy of a 100,000-row PyRosettaCluster scorefile that is a pickled
// pandas DataFrame compressed with xz (full-record mode: instance/metadata/scores dicts per row).
//   SimDeck  = read the file + readResultFile() (xz, safe unpickler, records) + list the decoy names
//   baseline = /usr/bin/python3 -c "import pandas; df = pandas.read_pickle(PATH); names = [m['decoy_name'] for m in df['metadata']]"
// Both are wall times, median of 3, measured in the same run; both must list the same 100,000 names.
// ratio = baseline / SimDeck (> 1: SimDeck is faster). Goal: ratio >= 1.
// The scorefile is generated once with pandas (about a minute) and cached in the temp directory by version key.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const VERSION = `v1-${ROWS}`;
const cacheDir = path.join(os.tmpdir(), `simdeck-bench-scorefile-pickle-${VERSION}`);
const scorefile = path.join(cacheDir, 'scores.xz');

// Realistic rows: PRC 4.2.0-shaped instance (~30 keys, a short conda environment), metadata and scores. Each
// row's dicts are fresh objects (as when PRC re-reads and re-writes the file), so pandas memoizes within rows only.
const GENERATOR = `
import collections, json, random, sys, uuid
import pandas
path, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(20260115)
env = ("channels:\\n  - https://conda.rosettacommons.org\\n  - conda-forge\\ndependencies:\\n"
       "  - python=3.12.9=h9e4cc4f_1_cpython\\n  - pyrosetta=2026.03+release.0123456789=py312_0\\n"
       "  - pip:\\n      - pyrosetta-distributed==0.1.2\\n")
rows = {}
for i in range(n):
    decoy = "MyProject_" + uuid.UUID(int=rng.getrandbits(128)).hex
    out = f"/home/alice/prc_project/outputs/decoys/{i // 1000:04d}/{decoy}.pdb.bz2"
    seq = "".join(rng.choice("ACDEFGHIKLMNPQRSTVWY") for _ in range(12))
    instance = {
        "author": "Alice", "compressed": True, "compression": True, "cooldown_time": 0.5, "cores": 1,
        "dashboard_address": ":8787", "decoy_dir_name": "decoys", "decoy_ids": [0, rng.randrange(4)], "dry_run": False,
        "email": "alice@example.org", "environment": env, "filter_results": True, "ignore_errors": False,
        "license": "LICENSE.PyRosetta.md", "logging_level": "INFO", "logs_dir_name": "logs", "max_delay_time": 3.5,
        "max_nonce": 4096, "max_workers": 1000, "memory": "4g", "min_workers": 1, "norm_task_options": True, "nstruct": 1,
        "output_decoy_types": [".pdb"], "output_path": "/home/alice/prc_project/outputs", "output_scorefile_types": [".xz"],
        "processes": 1, "project_name": "MyProject",
        "pyrosetta_build": "PyRosetta4.Release.python312.linux 2026.03+release.0123456789", "save_all": False,
        "scheduler": None, "scorefile_name": "scores.json", "scratch_dir": "/temp",
        "seeds": [str(rng.randrange(-2**31, 2**31)), str(rng.randrange(-2**31, 2**31))],
        "sha1": "3f2c9d7e1b0a4c5d6e7f8091a2b3c4d5e6f70812", "simulation_name": "MyProject",
        "simulation_records_in_scorefile": True, "system_info": {"sys.platform": "linux"},
        "tasks": {"extra_options": {"multithreading:total_threads": "1", "out:level": "300"}, "options": "", "seq": seq},
        "timeout": 0.5,
    }
    metadata = {
        "datetime_end": f"2026-01-15 12:{i % 60:02d}:57.{rng.randrange(10**6):06d}",
        "datetime_start": f"2026-01-15 12:{i % 60:02d}:50.{rng.randrange(10**6):06d}",
        "decoy_name": decoy, "environment_manager": "conda",
        "logging_file": "/home/alice/prc_project/outputs/logs/MyProject_MyProject.log",
        "output_file": out, "protocols": ["my_first_protocol", "my_second_protocol"],
        "total_seconds": str(round(rng.uniform(1, 20), 6)),
    }
    scores = {"SEQUENCE": seq, "fa_atr": -rng.random() * 100, "fa_elec": -rng.random() * 10,
              "fa_rep": rng.random() * 10, "fa_sol": rng.random() * 50, "total_score": rng.uniform(-200, 0)}
    record = json.loads(json.dumps({"instance": dict(sorted(instance.items())), "metadata": dict(sorted(metadata.items())),
                                    "scores": dict(sorted(scores.items()))}))
    rows[out] = collections.OrderedDict((k, collections.OrderedDict(v)) for k, v in record.items())
df = pandas.DataFrame().from_dict(rows, orient="index")
df.to_pickle(path + ".part", compression="xz", protocol=4)
`;

const BASELINE = (file) => `import pandas; df = pandas.read_pickle(${JSON.stringify(file)}); names = [m['decoy_name'] for m in df['metadata']]`;
const BASELINE_NAMES = (file) =>
  `import hashlib, pandas; df = pandas.read_pickle(${JSON.stringify(file)}); names = [m['decoy_name'] for m in df['metadata']]; print(len(names), hashlib.sha256("\\n".join(names).encode()).hexdigest())`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function python(args, what) {
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${what} failed: ${r.stderr || r.error}`);
  return r.stdout;
}

function ensureScorefile() {
  if (fs.existsSync(scorefile)) return;
  fs.mkdirSync(cacheDir, { recursive: true });
  console.log(`generating ${ROWS.toLocaleString('en-US')}-row scorefile with pandas (once; cached in ${cacheDir}) ...`);
  const t0 = performance.now();
  python(['-c', GENERATOR, scorefile, String(ROWS)], 'generating the scorefile');
  fs.renameSync(`${scorefile}.part`, scorefile);
  console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${(fs.statSync(scorefile).size / 1e6).toFixed(1)} MB`);
}

async function loadReaders() {
  const { build } = await import('esbuild');
  const outfile = path.join(os.tmpdir(), `simdeck-bench-readers-${process.pid}.cjs`);
  await build({
    entryPoints: [path.join(root, 'electron/reproduce/readers/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  const mod = createRequire(import.meta.url)(outfile);
  fs.rmSync(outfile, { force: true });
  return mod;
}

async function main() {
  ensureScorefile();
  const { readResultFile } = await loadReaders();

  const simdeck = [];
  const baseline = [];
  let names = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternate so machine noise hits both sides alike.
    names = [];
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    const data = fs.readFileSync(scorefile);
    const result = await readResultFile(data, path.basename(scorefile));
    names = result.records.map((r) => r.decoyName);
    simdeck.push(performance.now() - t0);

    const t1 = performance.now();
    python(['-c', BASELINE(scorefile)], 'the pandas baseline');
    baseline.push(performance.now() - t1);
  }

  const [count, digest] = python(['-c', BASELINE_NAMES(scorefile)], 'the pandas name check').trim().split(' ');
  const ours = crypto.createHash('sha256').update(names.join('\n')).digest('hex');
  if (Number(count) !== ROWS || names.length !== ROWS || digest !== ours) {
    console.error(`MISMATCH: pandas lists ${count} names (sha256 ${digest}), SimDeck ${names.length} (sha256 ${ours})`);
    process.exit(1);
  }
  console.log(`both list the same ${ROWS.toLocaleString('en-US')} decoy names (sha256 ${ours.slice(0, 16)}…)`);
  console.log(`simdeck runs (ms): ${simdeck.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`baseline runs (ms): ${baseline.map((x) => x.toFixed(0)).join(' ')}`);
  const value = median(simdeck);
  const base = median(baseline);
  console.log(`BENCH name=scorefile-pickle value=${value.toFixed(0)}ms baseline=${base.toFixed(0)}ms ratio=${(base / value).toFixed(2)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
