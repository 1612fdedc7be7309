import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { coreEnv, shellPaths } from './paths.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('shellPaths', () => {
  it('finds preload, core host and renderer relative to dist/node', () => {
    expect(shellPaths(path.resolve('/app/dist/node'))).toEqual({
      preload: path.resolve('/app/dist/node/preload.cjs'),
      coreHost: path.resolve('/app/dist/node/core-host.cjs'),
      indexHtml: path.resolve('/app/dist/renderer/index.html'),
    });
  });
});

describe('coreEnv', () => {
  it('points the core at .electron-native/better_sqlite3.node when it exists', () => {
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-app-'));
    dirs.push(app);
    expect(coreEnv({ PATH: '/bin' }, app)).toEqual({ PATH: '/bin' });
    fs.mkdirSync(path.join(app, '.electron-native'));
    fs.writeFileSync(path.join(app, '.electron-native', 'better_sqlite3.node'), '');
    expect(coreEnv({ PATH: '/bin' }, app)).toEqual({
      PATH: '/bin',
      SIMDECK_SQLITE_BINDING: path.join(app, '.electron-native', 'better_sqlite3.node'),
    });
  });

  it('keeps an explicitly set SIMDECK_SQLITE_BINDING', () => {
    expect(coreEnv({ SIMDECK_SQLITE_BINDING: '/custom.node' }, '/nowhere').SIMDECK_SQLITE_BINDING).toBe('/custom.node');
  });
});
