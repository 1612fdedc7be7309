// A raw PyRosettaCluster record made readable: the fields a researcher needs, read permissively (legacy records
// lack many keys), and the warnings that say what will get in the way of recreating and reproducing it.
import type {
  EnvironmentManager,
  RecordView,
  RecordWarning,
} from '../../../shared/reproduce.js';
import type { RawRecord } from '../types.js';
import {
  condaChannelStripped,
  environmentKind,
  pyrosettaPinned,
  ROSETTACOMMONS_CHANNEL,
  usesPyrosettaInstaller,
} from './environment.js';

const MANAGERS: readonly EnvironmentManager[] = ['conda', 'mamba', 'pixi', 'uv'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function strings(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v.filter((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'bigint').map(String);
}

function numbers(v: unknown): number[] {
  if (!Array.isArray(v)) return [];
  return v.map((x) => (typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN)).filter(Number.isFinite);
}

/** A string shown inside a warning, kept on one line and short. */
function shown(s: string, max = 120): string {
  const one = s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

export interface RecordViewOptions {
  /** The record came out of a pickled pandas DataFrame scorefile (readers set this). */
  fromPickle?: boolean;
  /** Warnings the reader wants attached (e.g. its own 'pickle-scores' note). */
  extraWarnings?: RecordWarning[];
}

/** The 'pickle-scores' warning: reproducing from a pickled DataFrame makes PyRosetta unpickle it. */
export function pickleScoresWarning(): RecordWarning {
  return {
    code: 'pickle-scores',
    message:
      'This record comes from a pickled pandas DataFrame scorefile. SimDeck read it without running any pickle code, but reproduce(scorefile=…) makes PyRosetta unpickle the whole file, and a pickle can run arbitrary code.',
    action:
      'Only reproduce from this scorefile if you trust where it came from. The generated script registers pandas with pyrosetta.secure_unpickle.add_secure_package("pandas") (add "pyarrow" too if the file was written with pandas 3). Reproducing from the decoy file instead avoids the pickle.',
  };
}

/** Turns a raw record into what the researcher sees. Never throws on missing or oddly typed keys. */
export function toRecordView(raw: RawRecord, options: RecordViewOptions = {}): RecordView {
  const instance = isObject(raw?.instance) ? raw.instance : {};
  const metadata = isObject(raw?.metadata) ? raw.metadata : {};
  const scores = isObject(raw?.scores) ? raw.scores : {};

  const recordedManager = str(metadata.environment_manager)?.trim().toLowerCase() ?? null;
  const managerRecorded = recordedManager !== null && (MANAGERS as readonly string[]).includes(recordedManager);
  const manager: EnvironmentManager = managerRecorded ? (recordedManager as EnvironmentManager) : 'conda';
  const environment = str(instance.environment) ?? '';
  const kind = environmentKind(environment);
  const tomlText = str(metadata.toml);
  const tomlFormat = str(metadata.toml_format) || (manager === 'pixi' ? 'pixi.toml' : 'pyproject.toml');
  const version = metadata.environment_manager_version;

  const view: RecordView = {
    decoyName: str(metadata.decoy_name) ?? '',
    protocols: strings(metadata.protocols),
    seeds: strings(instance.seeds),
    decoyIds: numbers(instance.decoy_ids),
    sha1: str(instance.sha1) ?? '',
    pyrosettaBuild: str(instance.pyrosetta_build) ?? '',
    manager,
    managerRecorded,
    managerVersion: typeof version === 'string' && version.trim() ? version.trim() : typeof version === 'number' ? String(version) : null,
    environmentKind: kind,
    environment,
    toml: tomlText && tomlText.trim() !== '' ? { format: tomlFormat, text: tomlText } : null,
    datetimeStart: str(metadata.datetime_start),
    datetimeEnd: str(metadata.datetime_end),
    totalSeconds: str(metadata.total_seconds) ?? (typeof metadata.total_seconds === 'number' ? String(metadata.total_seconds) : null),
    projectName: str(instance.project_name),
    simulationName: str(instance.simulation_name),
    outputFile: str(metadata.output_file),
    scores,
    tasks: instance.tasks ?? null,
    systemInfo: instance.system_info ?? null,
    instance,
    metadata,
    warnings: [],
  };
  view.warnings = recordWarnings(view, recordedManager);
  if (options.fromPickle) view.warnings.push(pickleScoresWarning());
  for (const w of options.extraWarnings ?? []) {
    if (!view.warnings.some((x) => x.code === w.code && x.message === w.message)) view.warnings.push(w);
  }
  return view;
}

function mentionsInputPose(v: unknown, depth = 0): boolean {
  if (depth > 6) return false;
  if (typeof v === 'string') return /input_packed_pose/i.test(v);
  if (Array.isArray(v)) return v.some((x) => mentionsInputPose(x, depth + 1));
  if (isObject(v)) return Object.entries(v).some(([k, x]) => /input_packed_pose/i.test(k) || mentionsInputPose(x, depth + 1));
  return false;
}

function recordWarnings(view: RecordView, recordedManager: string | null): RecordWarning[] {
  const w: RecordWarning[] = [];
  const { environment, environmentKind: kind, manager, pyrosettaBuild } = view;
  const build = pyrosettaBuild ? `PyRosetta build ${shown(pyrosettaBuild)}` : 'the PyRosetta build the author used (the record does not name it)';

  if (!view.managerRecorded) {
    w.push({
      code: 'manager-missing',
      message:
        recordedManager === null
          ? 'The record does not say which environment manager produced it (PyRosettaCluster before late 2025); SimDeck treats it as conda.'
          : `The record names an environment manager SimDeck does not know ("${shown(recordedManager, 40)}"); SimDeck treats it as conda.`,
      action: 'Recreate it with conda or mamba. The environment file is conda YAML in records of that age.',
    });
  }

  if (kind === 'empty') {
    w.push({
      code: 'empty-environment',
      message:
        'The record holds no environment: PyRosettaCluster could not export it when the simulation ran, so the environment cannot be recreated from this record.',
      action: `Ask the author for the environment file, or build an environment by hand with ${build}. reproduce() then needs instance_kwargs={"environment": ""} to skip the environment check.`,
    });
  } else if (!pyrosettaPinned(environment, kind, manager)) {
    const where =
      kind === 'conda-yaml'
        ? 'no "- pyrosetta=" dependency'
        : kind === 'pixi-lock'
          ? 'no pyrosetta package from a RosettaCommons channel'
          : kind === 'uv-lock'
            ? 'no [[package]] named "pyrosetta"'
            : kind === 'uv-requirements'
              ? 'no "pyrosetta==" line'
              : `text SimDeck does not recognise as a ${manager} environment`;
    w.push({
      code: 'pyrosetta-not-pinned',
      message: `The environment does not pin PyRosetta (${where}), so a recreated environment may get a different PyRosetta than ${build}.`,
      action:
        'Check which PyRosetta the recreated environment gets before reproducing; install the recorded build by hand if it differs (reproduce() compares the build and stops on a mismatch).',
    });
  }

  if (manager === 'uv' && kind !== 'empty' && usesPyrosettaInstaller(environment)) {
    w.push({
      code: 'uv-pyrosetta-installer',
      message: `This uv environment installs PyRosetta with pyrosetta-installer, which always downloads the latest PyRosetta, not the recorded one (${build}).`,
      action:
        'After recreating, check pyrosetta._build_signature() in the new environment. If it differs, install the recorded build by hand (PyRosetta quarterly wheels with find-links), or reproduce with conda/pixi instead.',
    });
  }

  if (kind === 'conda-yaml' && condaChannelStripped(environment)) {
    w.push({
      code: 'legacy-conda-channel-stripped',
      message:
        'The conda YAML lists pyrosetta but no RosettaCommons channel: older PyRosettaCluster versions removed that channel line from the record to protect credentials.',
      action: `SimDeck adds ${ROSETTACOMMONS_CHANNEL} as the first channel when recreating. The recreated environment then no longer matches the recorded string exactly, so reproduce() needs instance_kwargs={"environment": ""}.`,
    });
  }

  if (manager === 'pixi' && kind === 'conda-yaml') {
    w.push({
      code: 'pixi-holds-conda-yaml',
      message:
        'This pixi record holds conda YAML, not a pixi.lock (PyRosettaCluster of October 2025 exported pixi environments that way); it pins fewer details than a lock file.',
      action:
        'SimDeck recreates it with "pixi init --import environment.yml" followed by "pixi install", as PyRosettaCluster did then; you can also recreate it with conda or mamba. reproduce() needs instance_kwargs={"environment": ""} because the new export will differ.',
    });
  }

  const initFile = str(view.metadata.init_file);
  if (initFile || mentionsInputPose(view.tasks) || mentionsInputPose(view.metadata)) {
    w.push({
      code: 'input-pose-not-in-record',
      message:
        'If the original simulation started from an input pose (input_packed_pose), that pose is not stored in this record, and reproduce() needs the identical pose.',
      action: initFile
        ? `Reproduce from the .init file written at the start of the simulation (${shown(initFile, 200)}), which embeds the input pose, or pass the identical pose as input_packed_pose.`
        : 'Pass the identical pose as input_packed_pose, or reproduce from the simulation\'s .init file, which embeds it.',
    });
  }

  if (view.sha1 === '') {
    w.push({
      code: 'sha1-empty',
      message:
        'The record has no git SHA1 (the simulation ran with sha1=None), so the exact version of the protocol code is unknown.',
      action:
        'Check out the commit you believe the author used. reproduce() will then require a clean repository (no uncommitted or untracked files) and record its HEAD.',
    });
  }

  if ((manager === 'pixi' || manager === 'uv') && (kind === 'pixi-lock' || kind === 'uv-lock' || kind === 'uv-requirements') && view.toml === null) {
    const file = manager === 'pixi' ? 'pixi.toml (or pyproject.toml)' : 'pyproject.toml';
    w.push({
      code: 'toml-missing',
      message: `The record has no ${manager} manifest (metadata.toml is missing or empty); ${manager} needs ${file} next to the lock file to recreate the environment.`,
      action: `Ask the author for the project's ${file}, or write one that matches the lock file, and put it in the environment folder.`,
    });
  }
  return w;
}
