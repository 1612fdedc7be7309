import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args.js';
import { defaultWorkspaceDir } from './workspace-dir.js';

describe('simdeck command line', () => {
  it('parses serve flags', () => {
    expect(parseArgs(['serve'])).toEqual({ command: 'serve', port: 0, open: false });
    expect(parseArgs(['serve', '--port', '8123', '--workspace', '/data/ws', '--open'])).toEqual({
      command: 'serve',
      port: 8123,
      workspace: '/data/ws',
      open: true,
    });
    expect(parseArgs(['serve', '--port=9000'])).toMatchObject({ port: 9000 });
    expect(parseArgs(['--version'])).toEqual({ command: 'version' });
  });

  it('explains bad input', () => {
    expect(() => parseArgs(['serve', '--port', 'http'])).toThrow(UsageError);
    expect(() => parseArgs(['serve', '--port'])).toThrow(/--port needs a value/);
    expect(() => parseArgs(['serve', '--bind', '0.0.0.0'])).toThrow(/Unknown option "--bind"/);
    expect(() => parseArgs(['deploy'])).toThrow(/Unknown command "deploy"/);
  });

  it('keeps the workspace in the OS user-data directory unless told otherwise', () => {
    expect(defaultWorkspaceDir({ HOME: '/home/ana' }, 'linux')).toMatch(/\.local\/share\/simdeck\/workspace$/);
    expect(defaultWorkspaceDir({ XDG_DATA_HOME: '/xdg' }, 'linux')).toBe('/xdg/simdeck/workspace');
    expect(defaultWorkspaceDir({ SIMDECK_WORKSPACE: '/tmp/ws' }, 'linux')).toBe('/tmp/ws');
    expect(defaultWorkspaceDir({}, 'darwin')).toMatch(/Library\/Application Support\/SimDeck\/workspace$/);
  });
});

describe('inspect and recreate', () => {
  it('parses inspect', () => {
    expect(parseArgs(['inspect', 'a.pdb.bz2'])).toEqual({ command: 'inspect', file: 'a.pdb.bz2', json: false });
    expect(parseArgs(['inspect', 'scores.xz', '--decoy', 'run_0a1b', '--json'])).toEqual({
      command: 'inspect',
      file: 'scores.xz',
      decoy: 'run_0a1b',
      json: true,
    });
    expect(() => parseArgs(['inspect'])).toThrow(/needs a file/);
    expect(() => parseArgs(['inspect', 'a', 'b'])).toThrow(/one file/);
    expect(() => parseArgs(['inspect', 'a', '--decoy'])).toThrow(/--decoy needs a value/);
    expect(() => parseArgs(['inspect', 'a', '--decoy', '--json'])).toThrow(/--decoy needs a value/);
  });

  it('parses recreate', () => {
    expect(parseArgs(['recreate', 'a.pdb', '--dir', '/tmp/env', '--manager', 'pixi', '--yes'])).toEqual({
      command: 'recreate',
      file: 'a.pdb',
      dir: '/tmp/env',
      manager: 'pixi',
      yes: true,
    });
    expect(() => parseArgs(['recreate', 'a.pdb'])).toThrow(/needs --dir/);
    expect(() => parseArgs(['recreate', 'a.pdb', '--dir', 'x', '--manager', 'pip'])).toThrow(/conda, mamba, pixi, uv/);
  });
});
