import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InstalledManager } from '../../../shared/reproduce.js';
import { detectManagers, parseVersion } from './managers.js';
import { STUBS_DIR, stubEnv } from './test-stubs.js';
import { which } from './which.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'simdeck-mgr-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('detectManagers', () => {
  it('finds the stubs on PATH and reads their versions', async () => {
    const env = stubEnv(path.join(root, 'log'), { SIMDECK_STUB_CONDA_VERSION: '25.1.1' });
    const found = await detectManagers(env);
    for (const m of found) InstalledManager.parse(m);
    expect(found).toEqual([
      { name: 'conda', path: path.join(STUBS_DIR, 'conda'), version: '25.1.1' },
      { name: 'mamba', path: path.join(STUBS_DIR, 'mamba'), version: '2.0.5' },
      { name: 'pixi', path: path.join(STUBS_DIR, 'pixi'), version: '0.50.0' },
      { name: 'uv', path: path.join(STUBS_DIR, 'uv'), version: '0.5.0' },
    ]);
  });

  it('lists missing managers with null path and version', async () => {
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    const found = await detectManagers({ PATH: empty });
    expect(found.map((m) => [m.name, m.path, m.version])).toEqual([
      ['conda', null, null],
      ['mamba', null, null],
      ['pixi', null, null],
      ['uv', null, null],
    ]);
  });

  it('reports an unreadable version as null', async () => {
    const dir = path.join(root, 'broken');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'uv'), '#!/bin/sh\necho "no version here"\n', { mode: 0o755 });
    const found = await detectManagers({ PATH: dir });
    expect(found.find((m) => m.name === 'uv')).toEqual({ name: 'uv', path: path.join(dir, 'uv'), version: null });
  });
});

describe('which', () => {
  it('walks PATH, needs the executable bit, skips relative entries', () => {
    const a = path.join(root, 'a');
    const b = path.join(root, 'b');
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(path.join(a, 'pixi'), '#!/bin/sh\n');
    chmodSync(path.join(a, 'pixi'), 0o644);
    writeFileSync(path.join(b, 'pixi'), '#!/bin/sh\n', { mode: 0o755 });
    mkdirSync(path.join(a, 'uv'));
    symlinkSync(path.join(b, 'pixi'), path.join(b, 'uv'));
    expect(which('pixi', { env: { PATH: `${a}:${b}` } })).toBe(path.join(b, 'pixi'));
    expect(which('uv', { env: { PATH: `${a}:${b}` } })).toBe(path.join(b, 'uv'));
    expect(which('pixi', { env: { PATH: `:.:${a}` } })).toBeNull();
    expect(which('conda', { env: { PATH: b } })).toBeNull();
  });

  it('Windows: Path spelling and PATHEXT (.exe, .bat)', () => {
    const w = path.join(root, 'win');
    mkdirSync(w);
    writeFileSync(path.join(w, 'conda.bat'), '@echo off\n');
    writeFileSync(path.join(w, 'uv.exe'), '');
    writeFileSync(path.join(w, 'pixi'), '');
    const env = { Path: w, PATHEXT: '.COM;.EXE;.BAT;.CMD' };
    expect(which('conda', { env, platform: 'win32' })).toBe(path.join(w, 'conda.bat'));
    expect(which('uv', { env, platform: 'win32' })).toBe(path.join(w, 'uv.exe'));
    expect(which('pixi', { env, platform: 'win32' })).toBeNull();
  });

  it('parses versions like recreate_env.py', () => {
    expect(parseVersion('conda 24.9.2')).toBe('24.9.2');
    expect(parseVersion('pixi v0.50.0\n')).toBe('0.50.0');
    expect(parseVersion('uv 0.5.0 (Homebrew 2024-11-07)')).toBe('0.5.0');
    expect(parseVersion('mamba 1.5.8\nconda 24.3.0')).toBe('1.5.8');
    expect(parseVersion('nothing')).toBeNull();
  });
});
