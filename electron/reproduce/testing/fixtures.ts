// Test fixtures shared by the reproduce tests: realistic PyRosettaCluster records for every environment manager
// and era, and writers for every result-file format PyRosettaCluster produces. Text formats are written here
// byte for byte as PRC writes them (notes/pyrosettacluster.md §1-§5); pickled DataFrames, pickled poses and
// .init files are written by a real Python (/usr/bin/python3 with Debian's pandas, blosc and zstandard) so the
// readers are tested against genuine pickles, never against our own idea of them.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { RawRecord } from '../types.js';

export type Manager = 'conda' | 'mamba' | 'pixi' | 'uv' | 'uv-requirements' | 'legacy-conda';

/** The Python with pandas 1.5.3, numpy, blosc and zstandard (the `python3` on PATH has none of them). */
export const FIXTURE_PYTHON = '/usr/bin/python3';

export const PYROSETTA_BUILD = 'PyRosetta-4 2026 [Rosetta PyRosetta4.Release.python312.linux 2026.03+release.0123456789 2026-01-09T10:11:12] retrieved from: http://www.pyrosetta.org';

export const CONDA_ENVIRONMENT = `channels:
  - https://conda.rosettacommons.org
  - conda-forge
dependencies:
  - _libgcc_mutex=0.1=conda_forge
  - bzip2=1.0.8=h4bc722e_7
  - libzlib=1.3.1=hb9d3cd8_2
  - numpy=2.2.1=py312h7e784f5_0
  - pandas=2.2.3=py312hf9745cd_1
  - pip=24.3.1=pyh8b19718_2
  - python=3.12.9=h9e4cc4f_1_cpython
  - pyrosetta=2026.03+release.0123456789=py312_0
  - python-blosc=1.11.2=py312h_0
  - pip:
      - pyrosetta-distributed==0.1.2
`;

/** PRC's conda-only era dropped every line naming a RosettaCommons domain: the PyRosetta channel is gone. */
export const LEGACY_CONDA_ENVIRONMENT = `channels:
  - conda-forge
dependencies:
  - _libgcc_mutex=0.1=conda_forge
  - numpy=1.26.4=py311h64a7726_0
  - python=3.11.8=hab00c5b_0_cpython
  - pyrosetta=2024.39+release.59628fb=py311_0
`;

export const PIXI_LOCK = `version: 6
environments:
  default:
    channels:
    - url: https://conda.rosettacommons.org/
    - url: https://conda.anaconda.org/conda-forge/
    indexes:
    - https://pypi.org/simple
    packages:
      linux-64:
      - conda: https://conda.anaconda.org/conda-forge/linux-64/_libgcc_mutex-0.1-conda_forge.tar.bz2
      - conda: https://conda.anaconda.org/conda-forge/linux-64/python-3.12.9-h9e4cc4f_1_cpython.conda
      - conda: https://conda.rosettacommons.org/linux-64/pyrosetta-2026.03+release.0123456789-py312_0.tar.bz2
      - pypi: https://files.pythonhosted.org/packages/3a/7f/pyrosetta_distributed-0.1.2-py3-none-any.whl
packages:
- conda: https://conda.anaconda.org/conda-forge/linux-64/_libgcc_mutex-0.1-conda_forge.tar.bz2
  sha256: fe51de6107f9edc7aa4f786a70f4a883943bc9d39b3bb7307c04c41410990726
  md5: d7c89558ba9fa0495403155b64376d81
  license: None
  size: 2562
  timestamp: 1578324546067
- conda: https://conda.anaconda.org/conda-forge/linux-64/python-3.12.9-h9e4cc4f_1_cpython.conda
  sha256: 77f2073889d4c91a57bc0da73a0466d9164dbcf6191ea9c3a7be6872f784d625
  md5: d82342192dfc9145185190e651065aa9
  depends:
  - __glibc >=2.17,<3.0.a0
  license: Python-2.0
  size: 31670716
  timestamp: 1741130026152
- conda: https://conda.rosettacommons.org/linux-64/pyrosetta-2026.03+release.0123456789-py312_0.tar.bz2
  sha256: 3c6cfb1a4a4e8d6d35d1f9a1a6f1e7c2d9b0e8f7a6b5c4d3e2f1a0b9c8d7e6f5
  md5: 0f1e2d3c4b5a69788796a5b4c3d2e1f0
  depends:
  - python >=3.12,<3.13.0a0
  - numpy
  license: Rosetta Commons
  size: 1436549011
- pypi: https://files.pythonhosted.org/packages/3a/7f/pyrosetta_distributed-0.1.2-py3-none-any.whl
  name: pyrosetta-distributed
  version: 0.1.2
  sha256: 1b3c5e7f9a0b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f2a4b6c8d0e2f4a6b8c0d
  requires_dist:
  - attrs>=19.3.0
  - blosc>=1.8.3
`;

export const PIXI_TOML = `[workspace]
authors = ["Alice <alice@example.org>"]
channels = ["https://conda.rosettacommons.org", "conda-forge"]
name = "prc_project"
platforms = ["linux-64"]
version = "0.1.0"

[dependencies]
python = "3.12.*"
pyrosetta = "2026.03.*"

[pypi-dependencies]
pyrosetta-distributed = "*"
`;

export const UV_LOCK = `version = 1
revision = 3
requires-python = "==3.12.*"

[[package]]
name = "numpy"
version = "2.2.1"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/f2/a5/numpy-2.2.1.tar.gz", hash = "sha256:45681fd7128c8ad1c379f0ca0776a8b0c6583d2f69889ddac01559dfe4390918", size = 20227662 }

[[package]]
name = "prc-project"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "numpy" },
    { name = "pyrosetta" },
]

[package.metadata]
requires-dist = [
    { name = "numpy" },
    { name = "pyrosetta", specifier = "==2026.3+release.0123456789" },
]

[[package]]
name = "pyrosetta"
version = "2026.3+release.0123456789"
source = { registry = "https://west.rosettacommons.org/pyrosetta/quarterly/release.cxx11thread.serialization/" }
wheels = [
    { url = "https://west.rosettacommons.org/pyrosetta/quarterly/release.cxx11thread.serialization/pyrosetta-2026.3+release.0123456789-cp312-cp312-linux_x86_64.whl", hash = "sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0" },
]
`;

/** PR #567-era uv records: `uv export --format requirements-txt --frozen` with the comment lines removed. */
export const UV_REQUIREMENTS = `numpy==2.2.1 \\
    --hash=sha256:45681fd7128c8ad1c379f0ca0776a8b0c6583d2f69889ddac01559dfe4390918
pyrosetta==2026.3+release.0123456789 \\
    --hash=sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0
`;

export const PYPROJECT_TOML = `[project]
name = "prc-project"
version = "0.1.0"
requires-python = "==3.12.*"
dependencies = ["numpy", "pyrosetta==2026.3+release.0123456789"]

[tool.uv]
find-links = ["https://west.rosettacommons.org/pyrosetta/quarterly/release.cxx11thread.serialization/"]
`;

export interface RecordOverrides {
  /** Fix the decoy name (default `<simulation_name>_<random 32 hex>`). */
  decoyName?: string;
  instance?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  scores?: Record<string, unknown>;
}

const OUTPUT_PATH = '/home/alice/prc_project/outputs';

const sortKeys = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));

/**
 * A realistic PRC record for the given environment manager. `legacy-conda` is a conda-only-era record: the
 * RosettaCommons channel stripped from the YAML, no metadata.environment_manager, and no instance keys newer PRC
 * versions added. Keys are sorted like PRC sorts them; overrides are merged in and re-sorted.
 */
export function recordFor(manager: Manager, overrides: RecordOverrides = {}): RawRecord {
  const simulation = 'MyProject';
  const decoyName = overrides.decoyName ?? `${simulation}_${crypto.randomBytes(16).toString('hex')}`;
  const environment = {
    conda: CONDA_ENVIRONMENT,
    mamba: CONDA_ENVIRONMENT,
    pixi: PIXI_LOCK,
    uv: UV_LOCK,
    'uv-requirements': UV_REQUIREMENTS,
    'legacy-conda': LEGACY_CONDA_ENVIRONMENT,
  }[manager];
  const legacy = manager === 'legacy-conda';
  const instance: Record<string, unknown> = {
    compressed: true,
    compression: true,
    cooldown_time: 0.5,
    cores: 1,
    dashboard_address: ':8787',
    decoy_dir_name: 'decoys',
    decoy_ids: [0, 0],
    dry_run: false,
    environment,
    ignore_errors: false,
    logging_level: 'INFO',
    logs_dir_name: 'logs',
    max_delay_time: 3.5,
    max_workers: 1000,
    memory: '4g',
    min_workers: 1,
    nstruct: 1,
    output_path: OUTPUT_PATH,
    processes: 1,
    project_name: simulation,
    pyrosetta_build: PYROSETTA_BUILD,
    save_all: false,
    scheduler: null,
    scorefile_name: 'scores.json',
    scratch_dir: '/temp',
    seeds: ['-1509402617', '1094382616'],
    sha1: '3f2c9d7e1b0a4c5d6e7f8091a2b3c4d5e6f70812',
    simulation_name: simulation,
    simulation_records_in_scorefile: true,
    system_info: { 'sys.platform': 'linux' },
    tasks: {
      extra_options: { 'multithreading:total_threads': '1', 'out:level': '300' },
      options: '',
      seq: 'CREATE/A/NEW/ENV',
      set_logging_handler: 'logging',
      silent: false,
    },
    timeout: 0.5,
  };
  if (!legacy)
    Object.assign(instance, {
      author: 'Alice',
      email: 'alice@example.org',
      filter_results: true,
      license: 'LICENSE.PyRosetta.md',
      max_nonce: 4096,
      norm_task_options: true,
      output_decoy_types: ['.pdb'],
      output_scorefile_types: ['.json'],
    });
  const metadata: Record<string, unknown> = {
    datetime_end: '2026-01-15 12:34:57.123456',
    datetime_start: '2026-01-15 12:34:50.000001',
    decoy_name: decoyName,
    output_file: `${OUTPUT_PATH}/decoys/0000/${decoyName}.pdb.bz2`,
    protocols: ['my_first_protocol', 'my_second_protocol'],
    total_seconds: '7.123455',
  };
  if (!legacy) {
    metadata.environment_manager = manager === 'uv-requirements' ? 'uv' : manager;
    metadata.logging_file = `${OUTPUT_PATH}/logs/${simulation}_${simulation}.log`;
    metadata.init_file = `${OUTPUT_PATH}/${simulation}_${simulation}_pyrosetta.init.bz2`;
  }
  if (manager === 'pixi') Object.assign(metadata, { toml: PIXI_TOML, toml_format: 'pixi.toml' });
  if (manager === 'uv' || manager === 'uv-requirements') Object.assign(metadata, { toml: PYPROJECT_TOML, toml_format: 'pyproject.toml' });
  const scores = { SEQUENCE: 'GGGGG', VALUE: 3.141592653589793, fa_atr: -1.2345, fa_rep: 0.2345, total_score: -3.1415 };
  return {
    instance: sortKeys({ ...instance, ...overrides.instance }),
    metadata: sortKeys({ ...metadata, ...overrides.metadata }),
    scores: sortKeys({ ...scores, ...overrides.scores }),
  };
}

/**
 * Python's `json.dumps(x, ensure_ascii=False, separators=(", ", ": "))` as PRC calls it: one line, key order
 * kept. (Floats with no fractional part print as JS does, "3" not "3.0"; the fixtures avoid them.)
 */
export function pyJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`).join(', ')}}`;
  return JSON.stringify(v);
}

/** The record as PRC writes it after the REMARK prefix and as one scorefile line. */
export function recordLine(record: RawRecord): string {
  return pyJson({ instance: record.instance, metadata: record.metadata, scores: record.scores });
}

export interface PdbOptions {
  crlf?: boolean;
  /** Put an older record (this one, or a made-up older one) inside the ##Begin comments## block. */
  olderRecordInComments?: boolean | RawRecord;
}

/** A decoy's text: a Rosetta PDB body (atoms, pose energies, comments) then the REMARK line, no final newline. */
export function pdbText(record: RawRecord, opts: PdbOptions = {}): string {
  const atoms = [
    'ATOM      1  N   GLY A   1      -1.195   0.365  -0.102  1.00  0.00           N  ',
    'ATOM      2  CA  GLY A   1       0.000   1.206   0.000  1.00  0.00           C  ',
    'ATOM      3  C   GLY A   1       1.243   0.337   0.000  1.00  0.00           C  ',
    'ATOM      4  O   GLY A   1       1.201  -0.893   0.000  1.00  0.00           O  ',
    'TER',
  ];
  const older =
    opts.olderRecordInComments === true
      ? recordFor('legacy-conda', { decoyName: 'Older_00000000000000000000000000000000' })
      : opts.olderRecordInComments || undefined;
  const lines = [
    ...atoms,
    '# All scores below are weighted scores, not raw scores.',
    '#BEGIN_POSE_ENERGIES_TABLE MyProject',
    'label fa_atr fa_rep total',
    'weights 1 0.55 NA',
    'pose -1.2345 0.2345 -3.1415',
    'GLY:NtermProteinFull_1 -0.4 0.1 -0.3',
    '#END_POSE_ENERGIES_TABLE MyProject',
    '##Begin comments##',
    ...(older ? [`REMARK PyRosettaCluster: ${recordLine(older)}`] : []),
    '##End comments##',
    'SEQUENCE GGGGG',
    '',
  ];
  const nl = opts.crlf ? '\r\n' : '\n';
  return lines.join(nl) + nl + 'REMARK PyRosettaCluster: ' + recordLine(record);
}

export interface DecoyOptions extends PdbOptions {
  bz2?: boolean;
  fileName?: string;
}

/** Write a decoy as PRC does (`<decoy_name>.pdb` or `.pdb.bz2`, bzip2 of the whole UTF-8 text). Returns its path. */
export function writeDecoy(dir: string, record: RawRecord, opts: DecoyOptions = {}): string {
  const name = opts.fileName ?? `${String(record.metadata.decoy_name)}.pdb${opts.bz2 ? '.bz2' : ''}`;
  const text = Buffer.from(pdbText(record, opts), 'utf8');
  const file = path.join(dir, name);
  fs.writeFileSync(file, opts.bz2 ? bzip2(text) : text);
  return file;
}

/** bzip2 through the system's bzip2 (Node has none built in); falls back to Python's bz2 module. */
export function bzip2(data: Buffer): Buffer {
  const r = spawnSync('bzip2', ['-9', '-c'], { input: data, maxBuffer: 1 << 30 });
  if (r.status === 0) return r.stdout;
  return runPython('import sys, bz2; sys.stdout.buffer.write(bz2.compress(sys.stdin.buffer.read(), 9))', [], data);
}

export interface JsonScorefileOptions {
  /** Add score-only lines (`{"<output_file>": {scores}}`): true = one per record, or a count. */
  scoreOnlyLines?: boolean | number;
  fileName?: string;
  crlf?: boolean;
}

/** A JSON Lines scorefile: each record as its own line (simulation_records_in_scorefile=True), plus score-only lines. */
export function writeJsonScorefile(dir: string, records: RawRecord[], opts: JsonScorefileOptions = {}): string {
  const lines = records.map(recordLine);
  const extra = opts.scoreOnlyLines === true ? records.length : typeof opts.scoreOnlyLines === 'number' ? opts.scoreOnlyLines : 0;
  for (let i = 0; i < extra; i++) {
    const r = records[i % Math.max(1, records.length)] ?? recordFor('conda');
    const out = `${OUTPUT_PATH}/decoys/0000/MyProject_${crypto.randomBytes(16).toString('hex')}.pdb.bz2`;
    lines.push(pyJson({ [out]: r.scores }));
  }
  const file = path.join(dir, opts.fileName ?? 'scores.json');
  const nl = opts.crlf ? '\r\n' : '\n';
  fs.writeFileSync(file, lines.map((l) => l + nl).join(''), 'utf8');
  return file;
}

// ---------------------------------------------------------------------------------------------------------------
// Python-written fixtures

export function hasFixturePython(): boolean {
  const r = spawnSync(FIXTURE_PYTHON, ['-c', 'import pandas, numpy, blosc, zstandard'], { encoding: 'utf8' });
  return r.status === 0;
}

/** Run a Python script with FIXTURE_PYTHON; throws with its stderr on failure. Returns stdout. */
export function runPython(script: string, args: string[] = [], input?: Buffer): Buffer {
  const r = spawnSync(FIXTURE_PYTHON, ['-c', script, ...args], { input, maxBuffer: 1 << 30, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${FIXTURE_PYTHON} failed (${r.status ?? r.signal}): ${r.stderr?.toString() ?? ''}`);
  return r.stdout;
}

function withJson<T>(value: unknown, fn: (file: string) => T): T {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-fixture-'));
  try {
    const file = path.join(tmp, 'input.json');
    fs.writeFileSync(file, JSON.stringify(value), 'utf8');
    return fn(file);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export interface PandasScorefileOptions {
  /** Pickle protocol (PRC uses pickle.DEFAULT_PROTOCOL, 4). */
  protocol?: number;
  /** Add arbitrary Python objects to the unfiltered scores: a numpy array and an instance of a class from the script. */
  oddScores?: boolean;
  /** Curtailed mode (simulation_records_in_scorefile=False): one column per score, no records. */
  curtailed?: boolean;
  /** Write the last N records curtailed (a scorefile whose simulations were run with both settings). */
  curtailedRows?: number;
  /** File name without extension (default "scores"). */
  stem?: string;
}

const PANDAS_SCRIPT = `
import collections, json, sys
import numpy, pandas
job = json.load(open(sys.argv[1], encoding="utf-8"), object_pairs_hook=collections.OrderedDict)
records, opts = job["records"], job["opts"]

class ProtocolMetric:
    """A score value PyRosettaCluster keeps in the pickled scorefile only (scores are unfiltered there)."""
    def __init__(self, value):
        self.value = value
        self.label = "metric"

frames = []
for i, record in enumerate(records):
    scores = collections.OrderedDict(record["scores"])
    if opts["odd"]:
        scores["per_residue_energy"] = numpy.linspace(-1.0, 1.0, 5)
        scores["protocol_metric"] = ProtocolMetric(i)
        scores = collections.OrderedDict(sorted(scores.items()))
    output_file = record["metadata"]["output_file"]
    if opts["curtailed"] or i >= len(records) - opts["curtailed_rows"]:
        data = {output_file: scores}
    else:
        simulation_data = {"instance": collections.OrderedDict(record["instance"]),
                           "metadata": collections.OrderedDict(record["metadata"]), "scores": scores}
        data = {output_file: collections.OrderedDict(simulation_data)}
    frames.append(pandas.DataFrame().from_dict(data, orient="index"))
# PRC rewrites the file after every result: read + concat + write.
df = pandas.concat(frames)
for path in job["paths"]:
    df.to_pickle(path, compression="infer", protocol=opts["protocol"])
`;

/**
 * Pickled-DataFrame scorefiles exactly as PRC writes them (`DataFrame().from_dict({output_file: OrderedDict(record)},
 * orient="index")`, concatenated, `to_pickle(compression="infer")`), one file per extension (".pkl", ".gz", ".tar.xz" ...).
 * Returns the paths in the order of `exts`.
 */
export function writePandasScorefile(dir: string, records: RawRecord[], exts: string | string[], opts: PandasScorefileOptions = {}): string[] {
  const list = Array.isArray(exts) ? exts : [exts];
  const stem = opts.stem ?? 'scores';
  const paths = list.map((e) => path.join(dir, `${stem}${e}`));
  const pyOpts = { protocol: opts.protocol ?? 4, odd: !!opts.oddScores, curtailed: !!opts.curtailed, curtailed_rows: opts.curtailedRows ?? 0 };
  withJson({ records, opts: pyOpts, paths }, (input) => runPython(PANDAS_SCRIPT, [input]));
  return paths;
}

/** Python defining a stand-in for pyrosetta.rosetta.core.pose.Pose that pickles like the real one. */
const POSE_PY = `
import base64, bz2, copyreg, json, pickle, struct, sys, types, zlib
import blosc

for _name in ["pyrosetta", "pyrosetta.rosetta", "pyrosetta.rosetta.core", "pyrosetta.rosetta.core.pose"]:
    sys.modules.setdefault(_name, types.ModuleType(_name))

class Pose:
    def __init__(self, state):
        self._state = state
    def __reduce_ex__(self, protocol):
        # STACK_GLOBAL 'pyrosetta.rosetta.core.pose' 'Pose', EMPTY_TUPLE, NEWOBJ, state, BUILD
        return (copyreg.__newobj__, (type(self),), self._state)

Pose.__module__ = "pyrosetta.rosetta.core.pose"
Pose.__qualname__ = "Pose"
Pose.__name__ = "Pose"
sys.modules["pyrosetta.rosetta.core.pose"].Pose = Pose

def cereal_string(b):
    return struct.pack("<Q", len(b)) + b

def archive_bytes(record_line):
    """Binary junk standing for the pose (residues, coordinates), then the comments map, then more junk."""
    coords = b"".join(struct.pack("<ddd", i * 0.731, -i * 1.117, i * 0.013) for i in range(12000))
    head = b"\\x01\\x00\\x00\\x00" + cereal_string(b"fa_standard") + coords
    comments = struct.pack("<Q", 2 if record_line else 1) + cereal_string(b"input_tag") + cereal_string(b"5tpn_relaxed")
    if record_line:
        comments += cereal_string(b"REMARK PyRosettaCluster:") + cereal_string(record_line.encode("utf-8"))
    tail = bytes((i * 37 + 11) % 251 for i in range(70000))
    return head + comments + tail

def pose_pickle(record_line, codec="blosclz"):
    archive = archive_bytes(record_line)
    if codec == "none":
        state = {"cereal_binary_archive": archive, "cereal_archive_version": "1.3.2"}
    else:
        packed = blosc.compress(archive, typesize=8, clevel=9, shuffle=blosc.SHUFFLE, cname=codec)
        state = {"blosc_cereal_binary_archive": packed, "cereal_archive_version": "1.3.2"}
    return pickle.dumps(Pose(state), protocol=4)
`;

export type PoseCodec = 'blosclz' | 'lz4' | 'lz4hc' | 'zlib' | 'zstd' | 'none';

export interface PoseOptions {
  format?: 'pkl_pose' | 'b64_pose';
  bz2?: boolean;
  /** blosc codec of the archive, or 'none' for the uncompressed `cereal_binary_archive` state. */
  codec?: PoseCodec;
  fileName?: string;
}

/** A .pkl_pose/.b64_pose (+ .bz2) holding a stand-in Pose whose cereal archive carries the record as a pose comment. */
export function writePose(dir: string, record: RawRecord | null, opts: PoseOptions = {}): string {
  return writePoses(dir, [{ record, ...opts }])[0] as string;
}

/** Several poses in one Python run (each Python start costs ~0.2 s). */
export function writePoses(dir: string, specs: ({ record: RawRecord | null } & PoseOptions)[]): string[] {
  const jobs = specs.map((s, i) => {
    const format = s.format ?? 'pkl_pose';
    const name = s.fileName ?? `${s.record ? String(s.record.metadata.decoy_name) : `pose${i}`}_${s.codec ?? 'blosclz'}.${format}${s.bz2 ? '.bz2' : ''}`;
    return { line: s.record ? recordLine(s.record) : '', codec: s.codec ?? 'blosclz', format, bz2: !!s.bz2, path: path.join(dir, name) };
  });
  withJson(jobs, (input) =>
    runPython(
      `${POSE_PY}
for job in json.load(open(sys.argv[1], encoding="utf-8")):
    data = pose_pickle(job["line"], job["codec"])
    if job["format"] == "b64_pose":
        data = base64.b64encode(data)
    if job["bz2"]:
        data = bz2.compress(data)
    open(job["path"], "wb").write(data)
`,
      [input],
    ),
  );
  return jobs.map((j) => j.path);
}

export interface InitOptions {
  bz2?: boolean;
  fileName?: string;
  /** Embed an input pose (no record) before the output pose. */
  inputPose?: boolean;
  codec?: PoseCodec;
}

/**
 * An .init file as PyRosettaCluster writes it: options with embedded text ('Txt'), object ('Obj', with a
 * sub-file) and binary files, poses as base64 pickled Poses, metadata.idx_poses_output pointing at the pose
 * that carries the record. `record: null` writes the instantiation-time .init file (no output decoy).
 */
export function writeInit(dir: string, record: RawRecord | null, opts: InitOptions = {}): string {
  const file = path.join(dir, opts.fileName ?? `MyProject_MyProject_pyrosetta.init${opts.bz2 ? '.bz2' : ''}`);
  withJson({ line: record ? recordLine(record) : '', path: file, bz2: !!opts.bz2, input: !!opts.inputPose, codec: opts.codec ?? 'blosclz' }, (input) =>
    runPython(
      `${POSE_PY}
import hashlib
job = json.load(open(sys.argv[1], encoding="utf-8"))
def text_file(text):
    return "[PyRosettaInitTextFile]" + base64.b64encode(b"Txt" + zlib.compress(text.encode("utf-8"), 9)).decode()
def obj_file(pieces):
    raw = json.dumps(pieces, ensure_ascii=False, separators=(",", ":"))
    return "[PyRosettaInitTextFile]" + base64.b64encode(b"Obj" + zlib.compress(raw.encode("utf-8"), 9)).decode()
def binary_file(data):
    return "[PyRosettaInitBinaryFile]" + base64.b64encode(data).decode()
params = "NAME LIG\\nIO_STRING LIG Z\\nTYPE LIGAND\\nAA UNK\\nATOM  C1  CH1  X   0.00\\n"
options = {
    "extra_res_fa": [{"LIG.params": text_file(params)}],
    "constraints:cst_fa_file": [{"pair.cst": obj_file(["AtomPair CA 1 CA 5 HARMONIC 3.0 0.5", "\\n", "# from ", {"extra.cst": text_file("AtomPair CA 2 CA 6 HARMONIC 3.0 0.5\\n")}, "\\n"])}],
    "in:file:native": [{"native.bin": binary_file(bytes(range(256)) * 4)}],
    "multithreading:total_threads": ["1"],
    "out:level": ["300"],
    "run:constant_seed": ["1"],
}
poses, metadata = [], {"comment": "Generated by PyRosettaCluster", "version": "4.2.0"}
if job["input"]:
    poses.append(base64.b64encode(pose_pickle("", job["codec"])).decode())
    metadata["idx_poses_input"] = len(poses) - 1
if job["line"]:
    poses.append(base64.b64encode(pose_pickle(job["line"], job["codec"])).decode())
    metadata["idx_poses_output"] = len(poses) - 1
metadata["sha256"] = hashlib.sha256(b"poses").hexdigest()
metadata["signature"] = hashlib.sha256(b"signature").hexdigest()
data = {"poses": poses, "author": "Alice", "email": "alice@example.org", "license": "LICENSE.PyRosetta.md",
        "metadata": metadata, "pyrosetta_build": ${JSON.stringify(PYROSETTA_BUILD)}, "datetime": "2026-01-15-12-34-50",
        "num_files": 4, "num_poses": len(poses), "options": options}
data["md5"] = hashlib.md5(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")).hexdigest()
text = json.dumps(data, skipkeys=False, ensure_ascii=False, check_circular=True, allow_nan=False, indent=2, separators=(", ", ": "), sort_keys=True)
raw = text.encode("utf-8")
open(job["path"], "wb").write(bz2.compress(raw) if job["bz2"] else raw)
`,
      [input],
    ),
  );
  return file;
}

export type HostileKind = 'os.system' | 'posix.system' | 'subprocess.Popen' | 'builtins.eval';

/**
 * Pickles that run a command when Python loads them: `__reduce__` returning (os.system, ('touch <marker>',)) and
 * friends, written by real Python. `os.system` is written by hand (Python names it posix.system on Linux).
 * Returns the path of each file, `<kind>.pkl`.
 */
export function writeHostilePickles(dir: string, marker: string, kinds: HostileKind[] = ['os.system', 'posix.system', 'subprocess.Popen', 'builtins.eval']): Record<HostileKind, string> {
  const out = {} as Record<HostileKind, string>;
  const script = `
import json, os, pickle, subprocess, sys
marker, out_dir = sys.argv[1], sys.argv[2]
class PosixSystem:
    def __reduce__(self):
        return (os.system, ("touch " + marker,))
class Popen:
    def __reduce__(self):
        return (subprocess.Popen, (["touch", marker],))
class Eval:
    def __reduce__(self):
        return (eval, ("__import__('os').system('touch " + marker + "')",))
objs = {"posix.system": PosixSystem(), "subprocess.Popen": Popen(), "builtins.eval": Eval()}
for kind, obj in objs.items():
    open(f"{out_dir}/{kind}.pkl", "wb").write(pickle.dumps({"scores": obj}, protocol=4))
# Protocol 0 by hand: GLOBAL 'os system', MARK, STRING, TUPLE, REDUCE, STOP.
open(f"{out_dir}/os.system.pkl", "wb").write(b"cos\\nsystem\\n(S'touch " + marker.encode() + b"'\\ntR.")
`;
  runPython(script, [marker, dir]);
  for (const k of kinds) out[k] = path.join(dir, `${k}.pkl`);
  return out;
}

/** zlib-compressed bytes, for hand-made .init values in tests. */
export function initTextValue(text: string, tag: 'Txt' | 'Obj' = 'Txt'): string {
  return `[PyRosettaInitTextFile]${Buffer.concat([Buffer.from(tag), zlib.deflateSync(Buffer.from(text, 'utf8'), { level: 9 })]).toString('base64')}`;
}

/** A fresh temporary directory for a test; remove it with fs.rmSync(dir, { recursive: true, force: true }). */
export function fixtureDir(prefix = 'simdeck-readers-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
