import { describe, expect, it } from 'vitest';
import { RecordView } from '../../../shared/reproduce.js';
import type { RawRecord } from '../types.js';
import { pickleScoresWarning, toRecordView } from './record.js';
import {
  CONDA_YML,
  LEGACY_CONDA_YML,
  makeRecord,
  PIXI_LOCK,
  PIXI_TOML,
  PYPROJECT,
  UV_LOCK,
  UV_REQUIREMENTS,
} from './test-records.js';

const codes = (raw: RawRecord) => toRecordView(raw).warnings.map((w) => w.code);

describe('toRecordView', () => {
  it('reads a modern conda record', () => {
    const v = toRecordView(makeRecord({ managerVersion: '24.9.2' }));
    expect(RecordView.parse(v)).toEqual(v);
    expect(v).toMatchObject({
      decoyName: 'MyProject_0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      protocols: ['my_first_protocol', 'my_second_protocol'],
      seeds: ['-1509402617', '1094382616'],
      decoyIds: [0, 0],
      sha1: '3f2c9d7e1b0a4c5d6e7f8091a2b3c4d5e6f70812',
      manager: 'conda',
      managerRecorded: true,
      managerVersion: '24.9.2',
      environmentKind: 'conda-yaml',
      environment: CONDA_YML,
      toml: null,
      datetimeStart: '2026-01-15 12:34:50.000001',
      totalSeconds: '7.123455',
      projectName: 'MyProject',
      simulationName: 'MyProject',
      systemInfo: { 'sys.platform': 'linux' },
    });
    expect(v.warnings).toEqual([]);
    for (const w of v.warnings) expect(w.action).not.toBe('');
  });

  it('legacy conda without manager: treated as conda, channel strip noted', () => {
    const v = toRecordView(makeRecord({ manager: null, environment: LEGACY_CONDA_YML }));
    expect(RecordView.parse(v)).toEqual(v);
    expect(v.manager).toBe('conda');
    expect(v.managerRecorded).toBe(false);
    expect(v.managerVersion).toBeNull();
    expect(v.warnings.map((w) => w.code)).toEqual(['manager-missing', 'legacy-conda-channel-stripped']);
    const strip = v.warnings[1];
    expect(strip?.action).toContain('https://conda.rosettacommons.org');
    expect(strip?.action).toContain('"environment": ""');
  });

  it('pixi with lock and manifest', () => {
    const v = toRecordView(makeRecord({ manager: 'pixi', environment: PIXI_LOCK, toml: PIXI_TOML, tomlFormat: 'pixi.toml', managerVersion: '0.50.0' }));
    expect(RecordView.parse(v)).toEqual(v);
    expect(v.environmentKind).toBe('pixi-lock');
    expect(v.toml).toEqual({ format: 'pixi.toml', text: PIXI_TOML });
    expect(v.warnings).toEqual([]);
  });

  it('pixi without manifest warns toml-missing', () => {
    expect(codes(makeRecord({ manager: 'pixi', environment: PIXI_LOCK }))).toEqual(['toml-missing']);
    expect(codes(makeRecord({ manager: 'pixi', environment: PIXI_LOCK, toml: '  ' }))).toEqual(['toml-missing']);
  });

  it('pixi record holding conda YAML (PR #536 era)', () => {
    const v = toRecordView(makeRecord({ manager: 'pixi', environment: CONDA_YML }));
    expect(v.environmentKind).toBe('conda-yaml');
    expect(v.warnings.map((w) => w.code)).toEqual(['pixi-holds-conda-yaml']);
    expect(v.warnings[0]?.action).toContain('pixi init --import environment.yml');
  });

  it('uv lock with pyproject', () => {
    const v = toRecordView(makeRecord({ manager: 'uv', environment: UV_LOCK, toml: PYPROJECT, tomlFormat: 'pyproject.toml' }));
    expect(v.environmentKind).toBe('uv-lock');
    expect(v.toml?.format).toBe('pyproject.toml');
    expect(v.warnings).toEqual([]);
  });

  it('legacy uv requirements with pyrosetta-installer', () => {
    const v = toRecordView(makeRecord({ manager: 'uv', environment: UV_REQUIREMENTS, toml: PYPROJECT }));
    expect(RecordView.parse(v)).toEqual(v);
    expect(v.environmentKind).toBe('uv-requirements');
    expect(v.toml?.format).toBe('pyproject.toml');
    expect(v.warnings.map((w) => w.code)).toEqual(['pyrosetta-not-pinned', 'uv-pyrosetta-installer']);
    expect(v.warnings[1]?.message).toContain('latest PyRosetta');
    expect(v.warnings[1]?.message).toContain('2026.03+release.0123456789');
  });

  it('mamba record', () => {
    const v = toRecordView(makeRecord({ manager: 'MAMBA' }));
    expect(v.manager).toBe('mamba');
    expect(v.managerRecorded).toBe(true);
  });

  it('empty environment: cannot recreate, explains environment=""', () => {
    const v = toRecordView(makeRecord({ environment: '' }));
    expect(v.environmentKind).toBe('empty');
    expect(v.warnings.map((w) => w.code)).toEqual(['empty-environment']);
    expect(v.warnings[0]?.action).toContain('"environment": ""');
    expect(v.warnings[0]?.action).toContain('2026.03+release.0123456789');
  });

  it('not pinned', () => {
    expect(codes(makeRecord({ environment: 'channels:\n  - conda-forge\ndependencies:\n  - numpy=1\n' }))).toEqual(['pyrosetta-not-pinned']);
  });

  it('input pose hints, sha1 empty', () => {
    const v = toRecordView(makeRecord({ metadata: { init_file: '/out/P_S_pyrosetta.init.bz2' }, sha1: '' }));
    expect(v.warnings.map((w) => w.code)).toEqual(['input-pose-not-in-record', 'sha1-empty']);
    expect(v.warnings[0]?.action).toContain('/out/P_S_pyrosetta.init.bz2');
    expect(v.warnings[1]?.action).toMatch(/clean repository/);
    expect(codes(makeRecord({ instance: { tasks: { note: 'uses input_packed_pose' } } }))).toEqual(['input-pose-not-in-record']);
  });

  it('pickle-scores hook and extra warnings', () => {
    const v = toRecordView(makeRecord(), { fromPickle: true, extraWarnings: [pickleScoresWarning(), { code: 'sha1-empty', message: 'm', action: 'a' }] });
    expect(v.warnings.map((w) => w.code)).toEqual(['pickle-scores', 'sha1-empty']);
    expect(RecordView.parse(v)).toEqual(v);
  });

  it('is permissive with missing and oddly typed keys', () => {
    const v = toRecordView({ instance: { seeds: [1, -2, null], decoy_ids: ['3', 'x'], environment: 5 }, metadata: { environment_manager: 'poetry' }, scores: [] } as unknown as RawRecord);
    expect(RecordView.parse(v)).toEqual(v);
    expect(v.seeds).toEqual(['1', '-2']);
    expect(v.decoyIds).toEqual([3]);
    expect(v.environment).toBe('');
    expect(v.manager).toBe('conda');
    expect(v.managerRecorded).toBe(false);
    expect(v.warnings[0]?.message).toContain('poetry');
    const bare = toRecordView({} as RawRecord);
    expect(RecordView.parse(bare).decoyName).toBe('');
  });
});
