import { describe, expect, it } from 'vitest';
import {
  addRosettaCommonsChannel,
  condaChannelStripped,
  environmentKind,
  environmentSources,
  maskCredentials,
  pyrosettaPinned,
  unusualReason,
  usesPyrosettaInstaller,
} from './environment.js';
import {
  CONDA_YML,
  LEGACY_CONDA_YML,
  LEGACY_CONDA_YML_WITH_CHANNEL,
  PIXI_LOCK,
  UV_LOCK,
  UV_REQUIREMENTS,
} from './test-records.js';

describe('environmentKind', () => {
  it('recognises every format by content', () => {
    expect(environmentKind(CONDA_YML)).toBe('conda-yaml');
    expect(environmentKind(LEGACY_CONDA_YML)).toBe('conda-yaml');
    expect(environmentKind('name: x\ndependencies:\n  - python=3.12\n')).toBe('conda-yaml');
    expect(environmentKind(PIXI_LOCK)).toBe('pixi-lock');
    expect(environmentKind('version: 4\nenvironments: {}\n')).toBe('pixi-lock');
    expect(environmentKind(UV_LOCK)).toBe('uv-lock');
    expect(environmentKind(UV_REQUIREMENTS)).toBe('uv-requirements');
    expect(environmentKind('# comment\n--index-url https://pypi.org/simple\nattrs==23.1.0\nnumpy==2.2.0 ; python_version >= "3.9"\n')).toBe('uv-requirements');
    expect(environmentKind('')).toBe('empty');
    expect(environmentKind('  \n\n')).toBe('empty');
    expect(environmentKind('hello world')).toBe('unknown');
    expect(environmentKind('# only a comment\n')).toBe('unknown');
  });

  it('handles CRLF text', () => {
    expect(environmentKind(CONDA_YML.replaceAll('\n', '\r\n'))).toBe('conda-yaml');
    expect(environmentKind(UV_LOCK.replaceAll('\n', '\r\n'))).toBe('uv-lock');
    expect(environmentKind(UV_REQUIREMENTS.replaceAll('\n', '\r\n'))).toBe('uv-requirements');
  });
});

describe('pyrosettaPinned (PRC regexes)', () => {
  it('per kind', () => {
    expect(pyrosettaPinned(CONDA_YML, 'conda-yaml', 'conda')).toBe(true);
    expect(pyrosettaPinned('dependencies:\n  - numpy=1\n', 'conda-yaml', 'conda')).toBe(false);
    expect(pyrosettaPinned(PIXI_LOCK, 'pixi-lock', 'pixi')).toBe(true);
    expect(pyrosettaPinned(PIXI_LOCK.replaceAll('conda.rosettacommons.org/linux-64/pyrosetta', 'conda.anaconda.org/x/linux-64/pyrosetta'), 'pixi-lock', 'pixi')).toBe(false);
    expect(pyrosettaPinned('version: 5\npackages:\n- kind: conda\n  name: pyrosetta\n', 'pixi-lock', 'pixi')).toBe(true);
    expect(pyrosettaPinned(UV_LOCK, 'uv-lock', 'uv')).toBe(true);
    expect(pyrosettaPinned(UV_LOCK.replace('name = "pyrosetta"', 'name = "pyrosetta-installer"'), 'uv-lock', 'uv')).toBe(false);
    expect(pyrosettaPinned(UV_REQUIREMENTS, 'uv-requirements', 'uv')).toBe(false);
    expect(pyrosettaPinned('pyrosetta==2026.3\n', 'uv-requirements', 'uv')).toBe(true);
  });

  it('detects pyrosetta-installer in uv.lock and requirements', () => {
    expect(usesPyrosettaInstaller(UV_REQUIREMENTS)).toBe(true);
    expect(usesPyrosettaInstaller(UV_LOCK)).toBe(false);
    expect(usesPyrosettaInstaller('[[package]]\nname = "pyrosetta-installer"\nversion = "0.1.2"\n')).toBe(true);
  });
});

describe('legacy channel strip', () => {
  it('detects stripped conda YAML and adds the channel first, keeping the rest', () => {
    expect(condaChannelStripped(LEGACY_CONDA_YML)).toBe(true);
    expect(condaChannelStripped(CONDA_YML)).toBe(false);
    expect(condaChannelStripped('channels:\n  - conda-forge\ndependencies:\n  - numpy=1\n')).toBe(false);
    expect(condaChannelStripped('channels:\n  - conda-forge\ndependencies:\n  - conda-forge::pyrosetta=2025\n')).toBe(false);
    expect(condaChannelStripped('channels:\n  - https://user:pw@conda.graylab.jhu.edu\ndependencies:\n  - pyrosetta=1\n')).toBe(false);
    expect(addRosettaCommonsChannel(LEGACY_CONDA_YML)).toBe(LEGACY_CONDA_YML_WITH_CHANNEL);
  });

  it('creates channels: when every channel was stripped, and keeps CRLF', () => {
    expect(addRosettaCommonsChannel('dependencies:\n  - pyrosetta=1\n')).toBe('channels:\n  - https://conda.rosettacommons.org\ndependencies:\n  - pyrosetta=1\n');
    expect(addRosettaCommonsChannel('channels:\n- conda-forge\ndependencies:\n- pyrosetta=1\n')).toBe(
      'channels:\n- https://conda.rosettacommons.org\n- conda-forge\ndependencies:\n- pyrosetta=1\n',
    );
    expect(addRosettaCommonsChannel(LEGACY_CONDA_YML.replaceAll('\n', '\r\n'))).toBe(LEGACY_CONDA_YML_WITH_CHANNEL.replaceAll('\n', '\r\n'));
  });
});

describe('environmentSources', () => {
  it('conda YAML: channels, channel::pkg prefixes, pip options, count', () => {
    const s = environmentSources(CONDA_YML, 'conda-yaml');
    expect(s.channels).toEqual(['https://conda.rosettacommons.org', 'conda-forge']);
    expect(s.indexes).toEqual([]);
    expect(s.packageCount).toBe(4);
    expect(s.unusual).toEqual([]);

    const odd = environmentSources(
      `channels:
  - defaults
  - bioconda
  - https://alice:secret@private.example.org/channel
dependencies:
  - python=3.12
  - my-lab::tool=1.0
  - pip:
    - --extra-index-url https://pypi.example.org/simple
    - somepkg==1.0
    - other @ https://example.com/other-1.0.whl
`,
      'conda-yaml',
    );
    expect(odd.channels).toEqual(['defaults', 'bioconda', 'https://***@private.example.org/channel', 'my-lab']);
    expect(odd.indexes).toEqual(['https://pypi.example.org/simple', 'https://example.com']);
    expect(odd.packageCount).toBe(4);
    expect(odd.unusual.map((u) => u.source)).toEqual([
      'defaults',
      'bioconda',
      'https://***@private.example.org/channel',
      'my-lab',
      'https://pypi.example.org/simple',
      'https://example.com',
    ]);
    expect(odd.unusual[0]?.reason).toMatch(/licence/);
    expect(odd.unusual[1]?.reason).toMatch(/not conda-forge, PyPI or RosettaCommons/);
  });

  it('pixi.lock: channel URLs, indexes, package count', () => {
    const s = environmentSources(PIXI_LOCK, 'pixi-lock');
    expect(s.channels).toEqual(['https://conda.rosettacommons.org', 'https://conda.anaconda.org/conda-forge']);
    expect(s.indexes).toEqual(['https://pypi.org/simple', 'https://files.pythonhosted.org']);
    expect(s.packageCount).toBe(3);
    expect(s.unusual).toEqual([]);
    const main = environmentSources(PIXI_LOCK.replaceAll('https://conda.anaconda.org/conda-forge/', 'https://repo.anaconda.com/pkgs/main/'), 'pixi-lock');
    expect(main.unusual.map((u) => u.source)).toEqual(['https://repo.anaconda.com/pkgs/main']);
    expect(main.unusual[0]?.reason).toMatch(/licence/);
  });

  it('uv.lock: registries, urls, git; project itself ignored', () => {
    const s = environmentSources(UV_LOCK, 'uv-lock');
    expect(s.indexes).toEqual(['https://pypi.org/simple', 'https://west.rosettacommons.org/pyrosetta/quarterly/release.cxx11thread.serialization']);
    expect(s.packageCount).toBe(3);
    expect(s.unusual).toEqual([]);
    const more = environmentSources(
      `${UV_LOCK}
[[package]]
name = "x"
source = { url = "https://example.com/x-1.0.tar.gz" }

[[package]]
name = "y"
source = { git = "https://github.com/a/y?rev=1#abc" }

[[package]]
name = "z"
source = { path = "/home/alice/z" }
`,
      'uv-lock',
    );
    expect(more.packageCount).toBe(6);
    expect(more.unusual.map((u) => u.source)).toEqual(['https://example.com', 'https://github.com', '/home/alice/z']);
    expect(more.unusual[2]?.reason).toMatch(/local path/);
  });

  it('requirements: index options and pins', () => {
    const s = environmentSources(
      `--index-url https://pypi.org/simple
--extra-index-url=https://download.pytorch.org/whl/cpu
--find-links https://west.rosettacommons.org/pyrosetta/quarterly/release.cxx11thread.serialization/
-f https://example.org/wheels
${UV_REQUIREMENTS}`,
      'uv-requirements',
    );
    expect(s.indexes).toEqual([
      'https://pypi.org/simple',
      'https://download.pytorch.org/whl/cpu',
      'https://west.rosettacommons.org/pyrosetta/quarterly/release.cxx11thread.serialization',
      'https://example.org/wheels',
    ]);
    expect(s.packageCount).toBe(2);
    expect(s.unusual.map((u) => u.source)).toEqual(['https://download.pytorch.org/whl/cpu', 'https://example.org/wheels']);
  });

  it('classifies sources', () => {
    expect(unusualReason('conda-forge')).toBeNull();
    expect(unusualReason('https://conda.anaconda.org/conda-forge/')).toBeNull();
    expect(unusualReason('https://conda.anaconda.org/anaconda')).toMatch(/licence/);
    expect(unusualReason('https://repo.anaconda.com/pkgs/main')).toMatch(/licence/);
    expect(unusualReason('main')).toMatch(/licence/);
    expect(unusualReason('https://files.pythonhosted.org')).toBeNull();
    expect(unusualReason('https://conda.graylab.jhu.edu')).toBeNull();
    expect(unusualReason('https://u:p@west.rosettacommons.org/x')).toBeNull();
    expect(unusualReason('https://evil.example/conda.rosettacommons.org')).toMatch(/not conda-forge/);
    expect(maskCredentials('https://u:p@host/x')).toBe('https://***@host/x');
  });
});
