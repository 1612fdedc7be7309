import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MISSING_ELECTRON,
  buildEnv,
  ensureElectronSqlite,
  nodeGypArgs,
  prebuildArgs,
  rebuildReason,
  type Run,
} from './electron-native.mjs';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** A repo with just enough node_modules: Electron (binary optional), better-sqlite3 with its Node build. */
function fakeRepo({ electron = '45.4.1', sqlite = '12.11.1', binary = true } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-native-'));
  roots.push(root);
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  write('node_modules/electron/package.json', JSON.stringify({ version: electron }));
  if (binary) {
    write('node_modules/electron/path.txt', 'electron');
    write('node_modules/electron/dist/electron', '');
  }
  write('node_modules/better-sqlite3/package.json', JSON.stringify({ version: sqlite }));
  write('node_modules/better-sqlite3/binding.gyp', '{}');
  write('node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'node build');
  write('node_modules/prebuild-install/bin.js', '');
  return root;
}

/** A spawnSync stand-in: prebuild-install / node-gyp "succeed" by writing an Electron build into the copy. */
function fakeRun({ prebuild = true, gyp = true, loads = true } = {}) {
  const calls: Array<{ command: string; args: string[]; cwd?: string; env?: NodeJS.ProcessEnv; hadBuildDir?: boolean }> = [];
  const run: Run = (command, args, options) => {
    const hadBuildDir = options.cwd ? fs.existsSync(path.join(options.cwd, 'build')) : undefined;
    calls.push({ command, args, cwd: options.cwd, env: options.env, hadBuildDir });
    const isPrebuild = args.some((a) => a.endsWith(path.join('prebuild-install', 'bin.js')));
    const isGyp = args.includes('rebuild');
    if ((isPrebuild && prebuild) || (isGyp && gyp)) {
      const out = path.join(options.cwd!, 'build', 'Release');
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, 'better_sqlite3.node'), isPrebuild ? 'electron prebuild' : 'electron compiled');
      return { status: 0 };
    }
    if (options.env?.ELECTRON_RUN_AS_NODE === '1') return { status: loads ? 0 : 1 };
    return { status: 1 };
  };
  return { run, calls };
}

const quiet = { log: vi.fn(), warn: vi.fn() };
const read = (root: string, rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');

describe('rebuildReason', () => {
  const want = { electronVersion: '45.4.1', sqliteVersion: '12.11.1' };
  it('is null only when the binding exists and both recorded versions match', () => {
    expect(rebuildReason({ haveBinding: true, electronVersion: '45.4.1', sqliteVersion: '12.11.1' }, want)).toBeNull();
  });
  it.each([
    [{ haveBinding: false, electronVersion: '45.4.1', sqliteVersion: '12.11.1' }, /no better_sqlite3.node/],
    [{ haveBinding: true, electronVersion: '44.0.0', sqliteVersion: '12.11.1' }, /Electron 44.0.0, this is Electron 45.4.1/],
    [{ haveBinding: true, electronVersion: null, sqliteVersion: '12.11.1' }, /Electron \(unknown\)/],
    [{ haveBinding: true, electronVersion: '45.4.1', sqliteVersion: '12.0.0' }, /better-sqlite3 12.0.0/],
  ])('asks for a rebuild for %j', (state, reason) => {
    expect(rebuildReason(state, want)).toMatch(reason);
  });
});

describe('build commands', () => {
  it('target Electron, not Node', () => {
    expect(prebuildArgs('45.4.1', 'x64')).toEqual(['--runtime', 'electron', '--target', '45.4.1', '--arch', 'x64', '--verbose']);
    expect(nodeGypArgs('45.4.1', 'arm64')).toEqual([
      'rebuild', '--release', '--target=45.4.1', '--arch=arm64', '--dist-url=https://electronjs.org/headers',
    ]);
  });
  it('neutralise an npm nodedir that would force Node headers', () => {
    expect(buildEnv({ npm_config_nodedir: '/usr', NPM_CONFIG_NODEDIR: '/usr', PATH: '/bin' })).toEqual({ PATH: '/bin', npm_config_nodedir: '' });
  });
});

describe('ensureElectronSqlite', () => {
  it('exits 1 with instructions when the Electron binary is missing', () => {
    const root = fakeRepo({ binary: false });
    const warn = vi.fn();
    const { run, calls } = fakeRun();
    expect(ensureElectronSqlite({ root, env: {}, log: vi.fn(), warn, run })).toBe(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(MISSING_ELECTRON));
    expect(MISSING_ELECTRON).toContain('npx install-electron');
    expect(calls).toEqual([]);
  });

  it('downloads the Electron binary on first start (Electron 45 no longer does it at install)', () => {
    const root = fakeRepo({ binary: false });
    fs.writeFileSync(path.join(root, 'node_modules/electron/install.js'), '');
    const { run: build, calls } = fakeRun();
    const run: Run = (command, args, options) => {
      if (args[0]?.endsWith(path.join('electron', 'install.js'))) {
        calls.push({ command, args });
        fs.writeFileSync(path.join(root, 'node_modules/electron/path.txt'), 'electron');
        fs.mkdirSync(path.join(root, 'node_modules/electron/dist'), { recursive: true });
        fs.writeFileSync(path.join(root, 'node_modules/electron/dist/electron'), '');
        return { status: 0 };
      }
      return build(command, args, options);
    };
    expect(ensureElectronSqlite({ root, env: {}, log: vi.fn(), warn: vi.fn(), run })).toBe(0);
    expect(calls[0]!.args[0]).toMatch(/electron[/\\]install\.js$/);
    expect(fs.existsSync(path.join(root, '.electron-native', 'better_sqlite3.node'))).toBe(true);
  });

  it('does not try to download when told to skip it, and says what to do', () => {
    const root = fakeRepo({ binary: false });
    fs.writeFileSync(path.join(root, 'node_modules/electron/install.js'), '');
    const warn = vi.fn();
    const { run, calls } = fakeRun();
    expect(ensureElectronSqlite({ root, env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, log: vi.fn(), warn, run })).toBe(1);
    expect(calls).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('npx install-electron'));
  });

  it('installs a prebuilt Electron binary, records versions, and leaves the Node build alone', () => {
    const root = fakeRepo();
    const { run, calls } = fakeRun();
    expect(ensureElectronSqlite({ root, env: { npm_config_nodedir: '/usr' }, ...quiet, run })).toBe(0);
    expect(read(root, '.electron-native/better_sqlite3.node')).toBe('electron prebuild');
    expect(read(root, '.electron-native/electron-version').trim()).toBe('45.4.1');
    expect(read(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe('node build');
    const [prebuild, verify] = calls;
    expect(prebuild?.args).toEqual(expect.arrayContaining(['--runtime', 'electron', '--target', '45.4.1']));
    expect(prebuild?.cwd).not.toContain(path.join(root, 'node_modules')); // a temp copy, not node_modules
    expect(prebuild?.hadBuildDir).toBe(false); // the Node build was not copied along
    expect(prebuild?.env?.npm_config_nodedir).toBe('');
    expect(verify?.command).toBe(path.join(root, 'node_modules/electron/dist/electron'));
    expect(verify?.env?.ELECTRON_RUN_AS_NODE).toBe('1');
    expect(fs.existsSync(prebuild!.cwd!)).toBe(false); // temp copy cleaned up
  });

  it('falls back to node-gyp against the Electron headers when no prebuilt binary exists', () => {
    const root = fakeRepo();
    const { run, calls } = fakeRun({ prebuild: false });
    expect(ensureElectronSqlite({ root, env: {}, ...quiet, run })).toBe(0);
    expect(read(root, '.electron-native/better_sqlite3.node')).toBe('electron compiled');
    expect(calls[1]?.args).toEqual(expect.arrayContaining(['rebuild', '--target=45.4.1', '--dist-url=https://electronjs.org/headers']));
  });

  it('does nothing when the recorded build matches, and rebuilds after an Electron upgrade', () => {
    const root = fakeRepo();
    expect(ensureElectronSqlite({ root, env: {}, ...quiet, run: fakeRun().run })).toBe(0);
    const again = fakeRun();
    expect(ensureElectronSqlite({ root, env: {}, ...quiet, run: again.run })).toBe(0);
    expect(again.calls).toEqual([]);
    fs.writeFileSync(path.join(root, 'node_modules/electron/package.json'), JSON.stringify({ version: '46.0.0' }));
    const upgraded = fakeRun();
    expect(ensureElectronSqlite({ root, env: {}, ...quiet, run: upgraded.run })).toBe(0);
    expect(upgraded.calls[0]?.args).toContain('46.0.0');
    expect(read(root, '.electron-native/electron-version').trim()).toBe('46.0.0');
  });

  it('fails with advice when neither prebuild nor compile works', () => {
    const root = fakeRepo();
    const warn = vi.fn();
    expect(ensureElectronSqlite({ root, env: {}, log: vi.fn(), warn, run: fakeRun({ prebuild: false, gyp: false }).run })).toBe(1);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/C\+\+ toolchain/));
    expect(fs.existsSync(path.join(root, '.electron-native/better_sqlite3.node'))).toBe(false);
  });

  it('installs nothing when the build does not load in Electron', () => {
    const root = fakeRepo();
    expect(ensureElectronSqlite({ root, env: {}, ...quiet, run: fakeRun({ loads: false }).run })).toBe(1);
    expect(fs.readdirSync(path.join(root, '.electron-native'))).toEqual([]);
  });

  it('respects an explicit SIMDECK_SQLITE_BINDING', () => {
    const root = fakeRepo();
    const { run, calls } = fakeRun();
    expect(ensureElectronSqlite({ root, env: { SIMDECK_SQLITE_BINDING: '/x.node' }, ...quiet, run })).toBe(0);
    expect(calls).toEqual([]);
  });
});
