import { describe, expect, it, vi } from 'vitest';
import { findElectronBinary } from '../electron-native.mjs';
import { dist, parseDistArgs } from './dist.mjs';

const linuxX64 = { platform: 'linux', arch: 'x64' };

describe('dist arguments', () => {
  it('passes electron-builder options through, never publishing unless asked', () => {
    expect(parseDistArgs(['--dir', '--linux', '--x64'], linuxX64)).toEqual({ checkConfig: false, cli: { dir: true, linux: [], x64: true, publish: 'never' } });
    expect(parseDistArgs(['--linux', 'deb', 'AppImage', '--publish', 'always'], linuxX64).cli).toEqual({ linux: ['deb', 'AppImage'], publish: 'always' });
    expect(parseDistArgs(['--check-config'], linuxX64).checkConfig).toBe(true);
  });

  it('refuses another platform or arch: the Electron build of better-sqlite3 is the host one', () => {
    expect(() => parseDistArgs(['--mac'], linuxX64)).toThrow(/cannot package mac on linux/);
    expect(() => parseDistArgs(['--win'], { platform: 'darwin', arch: 'arm64' })).toThrow(/cannot package win on darwin/);
    expect(() => parseDistArgs(['--arm64'], linuxX64)).toThrow(/build on a arm64 machine/);
    expect(parseDistArgs(['--mac', '--arm64'], { platform: 'darwin', arch: 'arm64' }).cli).toMatchObject({ mac: [], arm64: true });
  });

  it('rejects unknown options and bad --publish values', () => {
    expect(() => parseDistArgs(['--publish', 'sometimes'], linuxX64)).toThrow(/--publish takes one of never, always/);
    expect(() => parseDistArgs(['--universal'], linuxX64)).toThrow(/unknown option --universal/);
  });
});

describe('dist', () => {
  it('--check-config validates the config without Electron or a build', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await dist(['--check-config'], {})).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toMatch(/electron-builder config is valid/);
    } finally {
      log.mockRestore();
    }
  });

  it.skipIf(!('missing' in findElectronBinary()))('stops before building when the Electron binary is missing and cannot be fetched', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await dist(['--dir'], { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' })).toBe(1);
      expect(error.mock.calls.flat().join('\n')).toMatch(/^dist: packaging needs the Electron binary: /);
    } finally {
      error.mockRestore();
    }
  });

  it('a bad SIMDECK_UPDATE_URL fails --check-config with the reason', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await dist(['--check-config'], { SIMDECK_UPDATE_URL: 'http://plain.example.org/' })).toBe(1);
      expect(error.mock.calls.flat().join('\n')).toMatch(/SIMDECK_UPDATE_URL must be an https:\/\/ URL/);
    } finally {
      error.mockRestore();
    }
  });
});
