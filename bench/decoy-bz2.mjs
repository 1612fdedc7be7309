// Benchmark "decoy-bz2": reading the PyRosettaCluster record out of a large `.pdb.bz2` decoy.
// SimDeck: read the file + bz2TailText (decodes only the last bzip2 block(s)) + JSON.parse of the record.
// Baseline: what a researcher types, `bzip2 -dc FILE | tail -n 1` (native bzip2, decompresses everything).
// The decoy is ~50 MB of bzip2 (about 300 MB of PDB text) with a record holding a ~50 KB conda environment, and
// is cached in the temp folder (keyed by VERSION) so reruns skip the slow generation.
// ratio = baseline / SimDeck (> 1: SimDeck faster). Goal: ratio >= 10.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VERSION = 'v1';
const TARGET_BZ2_BYTES = 50 * 1024 ** 2;
const MARKER = 'REMARK PyRosettaCluster: ';
const SIMDECK_RUNS = 5;
const BASELINE_RUNS = 3;
const decoyFile = path.join(os.tmpdir(), `simdeck-bench-decoy-bz2-${VERSION}.pdb.bz2`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Deterministic pseudo-random numbers (mulberry32): the same decoy on every machine. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** JSON as PyRosettaCluster writes it (Python json.dumps, ", " and ": " separators). */
function pyJson(value) {
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

function condaEnvironment(rand, bytes) {
  const lines = ['name: prc-bench', 'channels:', '  - https://conda.rosettacommons.org', '  - conda-forge', 'dependencies:'];
  const names = ['numpy', 'scipy', 'pandas', 'pyrosetta', 'biopython', 'openmm', 'dask', 'distributed', 'lz4', 'blosc'];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const name = `${names[i % names.length]}${i >= names.length ? `-plugin${i}` : ''}`;
    const line = `  - conda-forge/linux-64::${name}=${1 + Math.floor(rand() * 3)}.${Math.floor(rand() * 30)}.${Math.floor(rand() * 9)}=py311h${Math.floor(rand() * 2 ** 32).toString(16)}_0`;
    lines.push(line);
    size += line.length + 1;
  }
  lines.push('prefix: /opt/conda/envs/prc-bench');
  return lines.join('\n');
}

function record(rand) {
  const decoyName = `bench_${Math.floor(rand() * 2 ** 32).toString(16)}${Math.floor(rand() * 2 ** 32).toString(16)}`;
  return {
    decoyName,
    line:
      MARKER +
      pyJson({
        instance: {
          compressed: true,
          decoy_ids: [0],
          environment: condaEnvironment(rand, 50 * 1024),
          output_path: '/scratch/prc/outputs',
          project_name: 'bench',
          pyrosetta_build: 'PyRosetta4.conda.ubuntu.cxx11thread.serialization.Ubuntu.python311.Release 2024.39+release.59628fb',
          seeds: [-123456789],
          sha1: '0123456789abcdef0123456789abcdef01234567',
          simulation_name: 'bench',
          tasks: { extra_options: '-ex1 -ex2aro -mute all', seq: 'MKTAYIAKQRQISFVKSHFSRQ' },
        },
        metadata: {
          datetime_end: '2024-10-02 12:34:56',
          datetime_start: '2024-10-02 12:00:00',
          decoy_name: decoyName,
          environment_manager: 'conda',
          output_file: `/scratch/prc/outputs/decoys/0000/${decoyName}.pdb.bz2`,
          protocols: ['my_design_protocol', 'my_relax_protocol'],
        },
        scores: { fa_atr: -1234.5678, fa_rep: 210.25, total_score: -456.789, 'unicode_✓': 'é' },
      }),
  };
}

const RESIDUES = [
  ['MET', ['N', 'CA', 'C', 'O', 'CB', 'CG', 'SD', 'CE']],
  ['LYS', ['N', 'CA', 'C', 'O', 'CB', 'CG', 'CD', 'CE', 'NZ']],
  ['THR', ['N', 'CA', 'C', 'O', 'CB', 'OG1', 'CG2']],
  ['ALA', ['N', 'CA', 'C', 'O', 'CB']],
  ['GLY', ['N', 'CA', 'C', 'O']],
  ['PHE', ['N', 'CA', 'C', 'O', 'CB', 'CG', 'CD1', 'CD2', 'CE1', 'CE2', 'CZ']],
  ['SER', ['N', 'CA', 'C', 'O', 'CB', 'OG']],
  ['GLU', ['N', 'CA', 'C', 'O', 'CB', 'CG', 'CD', 'OE1', 'OE2']],
];

/** About 1 MB of PDB ATOM records per call, continuing serial numbers and a random-walk chain. */
function* atomChunks(rand) {
  let serial = 0;
  let residue = 0;
  let x = 27.34;
  let y = 24.43;
  let z = 2.614;
  const coord = (v) => v.toFixed(3).padStart(8);
  for (;;) {
    const lines = [];
    while (lines.length < 12_000) {
      const [name, atoms] = RESIDUES[residue % RESIDUES.length];
      residue++;
      const chain = String.fromCharCode(65 + (Math.floor(residue / 9999) % 26));
      for (const atom of atoms) {
        serial = (serial % 99999) + 1;
        x += rand() * 3 - 1.5;
        y += rand() * 3 - 1.5;
        z += rand() * 3 - 1.5;
        if (Math.abs(x) > 900 || Math.abs(y) > 900 || Math.abs(z) > 900) x = y = z = 0;
        const atomName = atom.length < 4 ? ` ${atom}`.padEnd(4) : atom;
        lines.push(
          `ATOM  ${String(serial).padStart(5)} ${atomName} ${name} ${chain}${String(((residue - 1) % 9999) + 1).padStart(4)}    ` +
            `${coord(x)}${coord(y)}${coord(z)}  1.00${(rand() * 60).toFixed(2).padStart(6)}           ${atom[0]}`,
        );
      }
    }
    yield lines.join('\n') + '\n';
  }
}

/** Streams PDB text into `bzip2 -9` until its output reaches the target size, then appends the record line. */
async function generateDecoy() {
  const partial = `${decoyFile}.${process.pid}.partial`;
  const out = fs.openSync(partial, 'w');
  const bzip2 = spawn('bzip2', ['-9', '-c'], { stdio: ['pipe', out, 'inherit'] });
  const exited = new Promise((resolve, reject) => {
    bzip2.on('error', reject);
    bzip2.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bzip2 exited ${code}`))));
  });
  const write = (text) =>
    new Promise((resolve, reject) => {
      if (bzip2.stdin.write(text, (error) => error && reject(error))) resolve();
      else bzip2.stdin.once('drain', resolve);
    });
  const rand = prng(2024);
  const { line, decoyName } = record(rand);
  let textBytes = 0;
  // bzip2 holds back at most one 900 kB block (~150 kB compressed), so stop a little short of the target.
  for (const chunk of atomChunks(rand)) {
    await write(chunk);
    textBytes += chunk.length;
    if (fs.fstatSync(out).size >= TARGET_BZ2_BYTES - 400 * 1024) break;
  }
  // Rosetta's PDB text ends with a newline, then PyRosettaCluster adds os.linesep + the record, no final newline.
  await write(`\n${line}`);
  textBytes += line.length + 1;
  bzip2.stdin.end();
  await exited;
  fs.closeSync(out);
  fs.renameSync(partial, decoyFile);
  fs.writeFileSync(`${decoyFile}.json`, JSON.stringify({ decoyName, textBytes }));
}

/** Bundles the TypeScript module (and its npm dependencies) to a temporary CommonJS file and loads it. */
async function loadSimdeck() {
  const outfile = path.join(os.tmpdir(), `simdeck-bench-decoy-bz2-${process.pid}.cjs`);
  await build({
    stdin: {
      contents:
        "export { bz2TailText } from './electron/reproduce/decompress/index.ts';\n" +
        "export { DEFAULT_LIMITS } from './electron/reproduce/types.ts';\n",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  // seek-bzip calls the old Buffer constructor; Node only warns about that outside node_modules, which is
  // where bundling moved it. The app loads it from node_modules and never sees the warning.
  process.noDeprecation = true;
  try {
    return createRequire(import.meta.url)(outfile);
  } finally {
    fs.rmSync(outfile, { force: true });
  }
}

async function main() {
  if (!fs.existsSync(decoyFile) || !fs.existsSync(`${decoyFile}.json`)) {
    console.log(`generating ${path.basename(decoyFile)} (one-time, cached in ${os.tmpdir()}) ...`);
    const t0 = performance.now();
    await generateDecoy();
    console.log(`  generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const { decoyName, textBytes } = JSON.parse(fs.readFileSync(`${decoyFile}.json`, 'utf8'));
  const bz2Bytes = fs.statSync(decoyFile).size;
  console.log(
    `decoy: ${(bz2Bytes / 1024 ** 2).toFixed(1)} MB .pdb.bz2, ${(textBytes / 1024 ** 2).toFixed(0)} MB of PDB text, ` +
      `record for ${decoyName}`,
  );

  const { bz2TailText, DEFAULT_LIMITS } = await loadSimdeck();
  const simdeck = [];
  let simdeckLine = '';
  for (let i = 0; i < SIMDECK_RUNS; i++) {
    const t0 = performance.now();
    const data = await fs.promises.readFile(decoyFile);
    const text = await bz2TailText(data, MARKER, DEFAULT_LIMITS, path.basename(decoyFile));
    const parsed = JSON.parse(text.slice(MARKER.length));
    simdeck.push(performance.now() - t0);
    if (parsed.metadata.decoy_name !== decoyName) throw new Error(`SimDeck read the wrong record: ${parsed.metadata.decoy_name}`);
    simdeckLine = text;
  }

  const baseline = [];
  let baselineLine = '';
  for (let i = 0; i < BASELINE_RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync('/bin/sh', ['-c', 'bzip2 -dc "$1" | tail -n 1', 'sh', decoyFile], { maxBuffer: 256 * 1024 ** 2 });
    baseline.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`baseline failed: ${r.stderr}`);
    baselineLine = r.stdout.toString('utf8');
  }
  if (baselineLine !== simdeckLine) {
    throw new Error(`SimDeck and the baseline disagree (${simdeckLine.length} vs ${baselineLine.length} characters)`);
  }
  console.log(`record line: ${(simdeckLine.length / 1024).toFixed(0)} KB, identical in both`);
  console.log(`SimDeck runs (ms): ${simdeck.map((v) => v.toFixed(1)).join(', ')}`);
  console.log(`baseline runs (ms): ${baseline.map((v) => v.toFixed(0)).join(', ')}`);
  const value = median(simdeck);
  const base = median(baseline);
  console.log(`BENCH name=decoy-bz2 value=${value.toFixed(1)}ms baseline=${base.toFixed(0)}ms ratio=${(base / value).toFixed(1)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
