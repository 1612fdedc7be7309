import { describe, expect, it } from 'vitest';
import {
  baseName,
  dq,
  envKindLabel,
  filterDecoys,
  folderName,
  formatBytes,
  formatDelta,
  formatDuration,
  formatValue,
  helperCommand,
  pairProtocols,
  parentDir,
  parsePrcDatetime,
  recordSeconds,
  suggestEnvDir,
  suggestWorkDir,
  elapsedSeconds,
} from './reproduce.js';

describe('pairProtocols', () => {
  it('pairs each protocol with its seed and kept decoy id', () => {
    const { rows, consistent } = pairProtocols(['first', 'second'], ['-1509402617', '1094382616'], [0, 3]);
    expect(consistent).toBe(true);
    expect(rows).toEqual([
      { index: 0, protocol: 'first', seed: '-1509402617', decoyId: 0 },
      { index: 1, protocol: 'second', seed: '1094382616', decoyId: 3 },
    ]);
  });

  it('shows every position when the lists differ in length, marking the gaps', () => {
    const { rows, consistent } = pairProtocols(['a'], ['1', '2'], []);
    expect(consistent).toBe(false);
    expect(rows).toEqual([
      { index: 0, protocol: 'a', seed: '1', decoyId: null },
      { index: 1, protocol: null, seed: '2', decoyId: null },
    ]);
  });

  it('keeps decoy id 0 (not treated as missing)', () => {
    expect(pairProtocols(['p'], ['5'], [0]).rows[0]!.decoyId).toBe(0);
  });

  it('is empty and consistent for an empty record', () => {
    expect(pairProtocols([], [], [])).toEqual({ rows: [], consistent: true });
  });
});

describe('durations', () => {
  it('formats seconds the way a researcher reads them', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(0.25)).toBe('250 ms');
    expect(formatDuration(7.123455)).toBe('7.1 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(59.97)).toBe('1 min 0 s');
    expect(formatDuration(125.4)).toBe('2 min 5 s');
    expect(formatDuration(3725)).toBe('1 h 2 min 5 s');
    expect(formatDuration(2 * 86400 + 3 * 3600 + 4 * 60 + 5)).toBe('2 d 3 h 4 min');
  });

  it('says — for missing or impossible values', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });

  it('parses PyRosettaCluster datetimes with microseconds', () => {
    const a = parsePrcDatetime('2026-01-15 12:34:50.000001');
    const b = parsePrcDatetime('2026-01-15 12:34:57.123456');
    expect(a).not.toBeNull();
    expect((b! - a!) / 1000).toBeCloseTo(7.123455, 5);
    expect(parsePrcDatetime('2026-01-15 12:34:50')).toBe(Date.UTC(2026, 0, 15, 12, 34, 50));
    expect(parsePrcDatetime('yesterday')).toBeNull();
    expect(parsePrcDatetime(null)).toBeNull();
  });

  it('prefers metadata.total_seconds, else end − start', () => {
    expect(recordSeconds({ totalSeconds: '7.123455', datetimeStart: null, datetimeEnd: null })).toBeCloseTo(7.123455);
    expect(recordSeconds({ totalSeconds: null, datetimeStart: '2026-01-15 12:00:00.0', datetimeEnd: '2026-01-15 13:01:01.5' })).toBeCloseTo(3661.5);
    expect(recordSeconds({ totalSeconds: 'n/a', datetimeStart: '2026-01-15 12:00:00', datetimeEnd: '2026-01-15 12:00:10' })).toBe(10);
    expect(recordSeconds({ totalSeconds: null, datetimeStart: '2026-01-15 12:00:10', datetimeEnd: '2026-01-15 12:00:00' })).toBeNull();
    expect(recordSeconds({ totalSeconds: null, datetimeStart: null, datetimeEnd: null })).toBeNull();
  });

  it('counts elapsed whole seconds of a run, up to now while it runs', () => {
    const start = '2026-01-01T00:00:00.000Z';
    expect(elapsedSeconds(start, '2026-01-01T00:01:05.900Z')).toBe(65);
    expect(elapsedSeconds(start, null, Date.parse(start) + 3_500)).toBe(3);
    expect(elapsedSeconds(start, null, Date.parse(start) - 5_000)).toBe(0);
    expect(elapsedSeconds('garbage', null)).toBe(0);
  });
});

describe('envKindLabel', () => {
  it('names what the environment string really is', () => {
    expect(envKindLabel('conda-yaml')).toBe('conda YAML');
    expect(envKindLabel('pixi-lock')).toBe('pixi.lock');
    expect(envKindLabel('uv-lock')).toBe('uv.lock');
    expect(envKindLabel('uv-requirements')).toBe('uv requirements (legacy)');
    expect(envKindLabel('empty')).toMatch(/^empty/);
    expect(envKindLabel('unknown')).toBe('unrecognised text');
  });
});

describe('paths and suggested folders', () => {
  it('takes parents and base names of POSIX and Windows paths', () => {
    expect(parentDir('/home/a/out/decoy.pdb.bz2')).toBe('/home/a/out');
    expect(parentDir('/decoy.pdb')).toBe('/');
    expect(parentDir('C:\\Users\\a\\decoy.pdb')).toBe('C:\\Users\\a');
    expect(parentDir('C:\\decoy.pdb')).toBe('C:\\');
    expect(parentDir('decoy.pdb')).toBeNull();
    expect(baseName('/home/a/out/decoy.pdb.bz2')).toBe('decoy.pdb.bz2');
    expect(baseName('C:\\x\\scores.json')).toBe('scores.json');
  });

  it('suggests <parent>/<decoy>-env next to a file whose path is known', () => {
    expect(suggestEnvDir('/home/a/out/decoys/0000/P_abc.pdb.bz2', 'P_abc')).toBe('/home/a/out/decoys/0000/P_abc-env');
    expect(suggestEnvDir('C:\\data\\P_abc.pdb', 'P_abc')).toBe('C:\\data\\P_abc-env');
    expect(suggestWorkDir('/home/a/out/P_abc.pdb', 'P_abc')).toBe('/home/a/out/P_abc-reproduce');
  });

  it('suggests a folder under the workspace for uploads (an absolute path on the core\'s machine)', () => {
    expect(suggestEnvDir(null, 'MyProject_0a1b', '/home/a/SimDeck')).toBe('/home/a/SimDeck/reproduce/MyProject_0a1b-env');
    expect(suggestWorkDir(null, 'MyProject_0a1b', '/home/a/SimDeck/')).toBe('/home/a/SimDeck/reproduce/MyProject_0a1b-reproduce');
    expect(suggestEnvDir(null, 'P', 'C:\\Users\\a\\SimDeck')).toBe('C:\\Users\\a\\SimDeck\\reproduce\\P-env');
  });

  it('falls back to the home folder when nothing else is known', () => {
    expect(suggestEnvDir(null, 'MyProject_0a1b')).toBe('~/simdeck-envs/MyProject_0a1b');
    expect(suggestWorkDir(null, 'MyProject_0a1b')).toBe('~/simdeck-reproduce/MyProject_0a1b');
  });

  it('keeps odd decoy names to one safe folder name', () => {
    expect(folderName('../../etc/passwd')).toBe('etc_passwd');
    expect(folderName('x..y')).toBe('x_y');
    expect(folderName('a b:c')).toBe('a_b_c');
    expect(folderName('   ')).toBe('decoy');
    expect(suggestEnvDir('/x/y.pdb', 'a/b')).toBe('/x/a_b-env');
  });
});

describe('helperCommand', () => {
  it('builds the dump_env_file.py command line', () => {
    expect(helperCommand({ python: '/opt/py/bin/python', script: 'dump_env_file.py', file: '/d/x.pkl_pose', envDir: '/d/x-env' })).toBe(
      '"/opt/py/bin/python" dump_env_file.py --input_file "/d/x.pkl_pose" --env_dir "/d/x-env"',
    );
  });

  it('quotes what the shell would expand, and a script path with spaces', () => {
    expect(dq('a "b" $HOME `x` \\')).toBe('"a \\"b\\" \\$HOME \\`x\\` \\\\"');
    expect(helperCommand({ python: '', script: '/my scripts/dump_env_file.py', file: 'f', envDir: 'e' })).toBe(
      '"python" "/my scripts/dump_env_file.py" --input_file "f" --env_dir "e"',
    );
  });
});

describe('values', () => {
  it('formats table values', () => {
    expect(formatValue('GGG')).toBe('GGG');
    expect(formatValue(3.141592653589793)).toBe('3.141592653589793');
    expect(formatValue(null)).toBe('null');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(formatValue(undefined)).toBe('—');
  });

  it('formats score differences with a sign', () => {
    expect(formatDelta(null)).toBe('—');
    expect(formatDelta(0)).toBe('0');
    expect(formatDelta(0.25)).toBe('+0.25');
    expect(formatDelta(-3)).toBe('−3');
    expect(formatDelta(1e-7)).toBe('+1.000e-7');
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1234)).toBe('1.2 kB');
    expect(formatBytes(45_000_000)).toBe('45 MB');
  });

  it('filters decoys case-insensitively and caps the list', () => {
    const decoys = Array.from({ length: 1200 }, (_, i) => `Sim_${i.toString(16).padStart(4, '0')}`);
    expect(filterDecoys(decoys, '').shown).toHaveLength(500);
    expect(filterDecoys(decoys, '').matched).toBe(1200);
    expect(filterDecoys(decoys, 'SIM_00A').shown).toEqual(['Sim_00a0', 'Sim_00a1', 'Sim_00a2', 'Sim_00a3', 'Sim_00a4', 'Sim_00a5', 'Sim_00a6', 'Sim_00a7', 'Sim_00a8', 'Sim_00a9', 'Sim_00aa', 'Sim_00ab', 'Sim_00ac', 'Sim_00ad', 'Sim_00ae', 'Sim_00af']);
  });
});
