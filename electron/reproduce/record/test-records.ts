// Test data only (imported by *.test.ts): small PyRosettaCluster records of every era and manager, in the shape
// of notes §2.4. Environment strings are illustrative but follow the real formats.
import type { RawRecord } from '../types.js';

export const CONDA_YML = `channels:
  - https://conda.rosettacommons.org
  - conda-forge
dependencies:
  - python=3.12.9=h9e4cc4f_1_cpython
  - pyrosetta=2026.03+release.0123456789=py312_0
  - numpy=2.2.0=py312h_0
  - pip:
      - pyrosetta-distributed==0.1.2
`;

/** conda-only era: the RosettaCommons channel line was removed by PRC, metadata has no environment_manager. */
export const LEGACY_CONDA_YML = `channels:
  - conda-forge
dependencies:
  - python=3.9.18=h955ad1f_0
  - pyrosetta=2023.45+release.dbc838b=py39_0
  - attrs=23.1.0=pyh71513ae_1
`;

export const LEGACY_CONDA_YML_WITH_CHANNEL = `channels:
  - https://conda.rosettacommons.org
  - conda-forge
dependencies:
  - python=3.9.18=h955ad1f_0
  - pyrosetta=2023.45+release.dbc838b=py39_0
  - attrs=23.1.0=pyh71513ae_1
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
      - conda: https://conda.anaconda.org/conda-forge/linux-64/python-3.12.9-h9e4cc4f_1_cpython.conda
      - conda: https://conda.rosettacommons.org/linux-64/pyrosetta-2026.03+release.0123456789-py312_0.tar.bz2
      - pypi: https://files.pythonhosted.org/packages/aa/bb/pyrosetta_distributed-0.1.2-py3-none-any.whl
packages:
- conda: https://conda.anaconda.org/conda-forge/linux-64/python-3.12.9-h9e4cc4f_1_cpython.conda
  sha256: 0b2a
  md5: 9e1f
- conda: https://conda.rosettacommons.org/linux-64/pyrosetta-2026.03+release.0123456789-py312_0.tar.bz2
  sha256: 7c3d
- pypi: https://files.pythonhosted.org/packages/aa/bb/pyrosetta_distributed-0.1.2-py3-none-any.whl
  name: pyrosetta-distributed
  version: 0.1.2
`;

export const PIXI_TOML = `[workspace]
name = "prc"
channels = ["https://conda.rosettacommons.org", "conda-forge"]
platforms = ["linux-64"]

[dependencies]
pyrosetta = "*"
`;

export const UV_LOCK = `version = 1
revision = 2
requires-python = ">=3.12"

[[package]]
name = "numpy"
version = "2.2.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pyrosetta"
version = "2026.3+release.0123456789"
source = { registry = "https://west.rosettacommons.org/pyrosetta/quarterly/release.cxx11thread.serialization/" }

[[package]]
name = "prc-project"
version = "0.1.0"
source = { virtual = "." }
`;

/** PR #567-era uv record: a requirements export; PyRosetta through pyrosetta-installer. */
export const UV_REQUIREMENTS = `numpy==2.2.0 \\
    --hash=sha256:aaaa
pyrosetta-installer==0.1.2 \\
    --hash=sha256:bbbb
# via prc-project
`;

export const PYPROJECT = `[project]
name = "prc-project"
version = "0.1.0"
requires-python = ">=3.12"
dependencies = ["numpy"]
`;

export interface RecordSpec {
  manager?: string | null;
  environment?: string;
  toml?: string;
  tomlFormat?: string;
  managerVersion?: string | null;
  sha1?: string;
  instance?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  scores?: Record<string, unknown>;
}

/** A PRC 4.2.0-shaped record; `manager: null` leaves environment_manager out (legacy). */
export function makeRecord(spec: RecordSpec = {}): RawRecord {
  const metadata: Record<string, unknown> = {
    datetime_end: '2026-01-15 12:34:57.123456',
    datetime_start: '2026-01-15 12:34:50.000001',
    decoy_name: 'MyProject_0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    output_file: '/home/alice/prc_project/outputs/decoys/0000/MyProject_0a1b2c3d4e5f60718293a4b5c6d7e8f9.pdb.bz2',
    protocols: ['my_first_protocol', 'my_second_protocol'],
    total_seconds: '7.123455',
  };
  if (spec.manager !== null) metadata.environment_manager = spec.manager ?? 'conda';
  if (spec.managerVersion !== undefined && spec.managerVersion !== null) metadata.environment_manager_version = spec.managerVersion;
  if (spec.toml !== undefined) metadata.toml = spec.toml;
  if (spec.tomlFormat !== undefined) metadata.toml_format = spec.tomlFormat;
  return {
    instance: {
      author: 'Alice',
      compressed: true,
      decoy_ids: [0, 0],
      environment: spec.environment ?? CONDA_YML,
      output_path: '/home/alice/prc_project/outputs',
      project_name: 'MyProject',
      pyrosetta_build: 'PyRosetta-4 2026 [Rosetta PyRosetta4.Release.python312.linux 2026.03+release.0123456789]',
      scratch_dir: '/temp',
      seeds: ['-1509402617', '1094382616'],
      sha1: spec.sha1 ?? '3f2c9d7e1b0a4c5d6e7f8091a2b3c4d5e6f70812',
      simulation_name: 'MyProject',
      system_info: { 'sys.platform': 'linux' },
      tasks: { extra_options: { 'out:level': '300' }, options: '' },
      ...spec.instance,
    },
    metadata: { ...metadata, ...spec.metadata },
    scores: spec.scores ?? { SEQUENCE: 'GGG', VALUE: 3.141592653589793, fa_atr: -1.2345, total_score: -3.1415 },
  };
}
