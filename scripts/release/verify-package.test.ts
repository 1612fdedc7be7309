import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPackageWithOptions } from '@electron/asar';
import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } from '@electron/fuses';
import { afterEach, describe, expect, it } from 'vitest';
import { FUSES } from './electron-builder.config.mjs';
import {
  FUSE_STATE,
  REQUIRED_IN_ASAR,
  asarEntries,
  binaryArch,
  checkAsarContent,
  fuseProblems,
  layout,
  parseSelfCheck,
  readAsarFile,
  readAsarHeader,
  requiredPackages,
  selfCheckArgs,
  verifyPackage,
} from './verify-package.mjs';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-verify-'));
  dirs.push(d);
  return d;
};
const write = (file: string, data: string | Buffer) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
};

const ELF_MACHINE: Record<string, number> = { x64: 0x3e, arm64: 0xb7 };
function elf(arch: string): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b.writeUInt16LE(ELF_MACHINE[arch] ?? 0, 18);
  return b;
}
const ARCH = process.arch in ELF_MACHINE ? process.arch : 'x64';
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Bytes with a V1 fuse wire of 8 fuses, all ENABLE, as an unflipped Electron has for most of them. */
const fakeElectron = () => Buffer.concat([Buffer.from('not really electron '), Buffer.from(SENTINEL), Buffer.from([1, 8, ...Array(8).fill(FUSE_STATE.ENABLE)])]);
/** The FuseConfig electron-builder builds from config.electronFuses (platformPackager.generateFuseConfig). */
function builderFuseConfig() {
  const config: Record<string | number, unknown> = { version: FuseVersion.V1 };
  for (const [name, value] of Object.entries(FUSES)) config[FuseV1Options[(name[0]!.toUpperCase() + name.slice(1)) as keyof typeof FuseV1Options]] = value;
  return config as Parameters<typeof flipFuses>[1];
}

/** An app folder like electron-builder's staging dir, packed with @electron/asar and `*.node` unpacked. */
async function fakeApp(root: string, { withPreload = true, unpackNode = true, coreHost = 'require("ws")' } = {}) {
  const src = path.join(root, 'app-src');
  for (const rel of REQUIRED_IN_ASAR) if (withPreload || !rel.endsWith('preload.cjs')) write(path.join(src, rel), '// x');
  write(path.join(src, 'dist/node/core-host.cjs'), coreHost);
  write(path.join(src, '.electron-native/better_sqlite3.node'), elf(ARCH));
  write(path.join(src, 'node_modules/ws/index.js'), 'module.exports = 1');
  write(path.join(src, 'node_modules/ws/package.json'), '{"name":"ws"}');
  const resources = path.join(root, 'release', ARCH === 'x64' ? 'linux-unpacked' : `linux-${ARCH}-unpacked`, 'resources');
  fs.mkdirSync(resources, { recursive: true });
  await createPackageWithOptions(src, path.join(resources, 'app.asar'), unpackNode ? { unpack: '*.node', dot: true } : { dot: true });
  return resources;
}

describe('verify-package', () => {
  it('reads the header of an asar made by @electron/asar, with unpacked .node files marked', async () => {
    const root = tmp();
    const resources = await fakeApp(root);
    const entries = asarEntries(readAsarHeader(path.join(resources, 'app.asar')));
    expect(entries.map((e) => e.path).sort()).toEqual(
      [...REQUIRED_IN_ASAR, '.electron-native/better_sqlite3.node', 'node_modules/ws/index.js', 'node_modules/ws/package.json'].sort(),
    );
    expect(entries.find((e) => e.path.endsWith('.node'))).toMatchObject({ unpacked: true });
    expect(checkAsarContent(entries)).toEqual([]);
    expect(fs.existsSync(path.join(resources, 'app.asar.unpacked/.electron-native/better_sqlite3.node'))).toBe(true);
  });

  it('reports missing bundles, packed .node files and a packaged Node-ABI better-sqlite3', () => {
    const problems = checkAsarContent([
      { path: 'package.json', unpacked: false },
      { path: 'node_modules/x/x.node', unpacked: false },
      { path: 'node_modules/better-sqlite3/build/Release/better_sqlite3.node', unpacked: true },
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        'app.asar lacks dist/node/preload.cjs',
        'app.asar lacks .electron-native/better_sqlite3.node',
        'node_modules/x/x.node is inside app.asar, not unpacked: it cannot be loaded',
        'the Node-ABI build node_modules/better-sqlite3/build was packaged',
      ]),
    );
  });

  it('refuses a file that is not an asar', () => {
    const file = path.join(tmp(), 'app.asar');
    write(file, 'PK\u0003\u0004 zip, not asar');
    expect(() => readAsarHeader(file)).toThrow(/not an asar/);
  });

  it('reads back fuses flipped the way electron-builder flips them, and catches unflipped ones', async () => {
    const exe = path.join(tmp(), 'simdeck');
    write(exe, fakeElectron());
    expect(fuseProblems(await getCurrentFuseWire(exe), FuseV1Options)).toEqual(
      expect.arrayContaining(['fuse runAsNode is on, want off', 'fuse enableNodeCliInspectArguments is on, want off']),
    );
    await flipFuses(exe, builderFuseConfig());
    expect(fuseProblems(await getCurrentFuseWire(exe), FuseV1Options)).toEqual([]);
  });

  it('tells the architecture of ELF, Mach-O and PE binaries', () => {
    const d = tmp();
    write(path.join(d, 'a.node'), elf('arm64'));
    const macho = Buffer.alloc(32);
    macho.writeUInt32LE(0xfeedfacf, 0);
    macho.writeUInt32LE(0x01000007, 4);
    write(path.join(d, 'b.node'), macho);
    const pe = Buffer.alloc(256);
    pe.write('MZ', 0, 'latin1');
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write('PE\0\0', 0x80, 'latin1');
    pe.writeUInt16LE(0xaa64, 0x84);
    write(path.join(d, 'c.node'), pe);
    write(path.join(d, 'd.txt'), 'text');
    expect([binaryArch(path.join(d, 'a.node')), binaryArch(path.join(d, 'b.node')), binaryArch(path.join(d, 'c.node')), binaryArch(path.join(d, 'd.txt'))]).toEqual([
      'arm64',
      'x64',
      'arm64',
      null,
    ]);
  });

  it('knows where electron-builder puts the unpacked app per platform and arch', () => {
    const none = () => false;
    expect(layout('/r', 'linux', 'x64', none).executable).toBe(path.join('/r', 'linux-unpacked', 'simdeck'));
    expect(layout('/r', 'linux', 'arm64', none).resources).toBe(path.join('/r', 'linux-arm64-unpacked', 'resources'));
    expect(layout('/r', 'win32', 'x64', none).executable).toBe(path.join('/r', 'win-unpacked', 'SimDeck.exe'));
    expect(layout('/r', 'darwin', 'arm64', none)).toEqual({
      appDir: path.join('/r', 'mac-arm64', 'SimDeck.app'),
      resources: path.join('/r', 'mac-arm64', 'SimDeck.app', 'Contents', 'Resources'),
      executable: path.join('/r', 'mac-arm64', 'SimDeck.app', 'Contents', 'MacOS', 'SimDeck'),
    });
    expect(layout('/r', 'darwin', 'x64', none).appDir).toBe(path.join('/r', 'mac', 'SimDeck.app'));
  });

  it('parses the --self-check JSON line among other output, and adds --no-sandbox only for root on Linux', () => {
    expect(parseSelfCheck('[123:ERROR] gpu\n{"ok":true,"sqlite":"3.50"}\n')).toEqual({ ok: true, sqlite: '3.50' });
    expect(parseSelfCheck('{"ok":false,"error":"x"}')).toEqual({ ok: false, error: 'x' });
    expect(parseSelfCheck('crashed')).toBeNull();
    expect(selfCheckArgs('linux', 0)).toEqual(['--self-check', '--no-sandbox']);
    expect(selfCheckArgs('linux', 1000)).toEqual(['--self-check']);
    expect(selfCheckArgs('darwin', 0)).toEqual(['--self-check']);
  });

  it('verifies a whole fake package (skipping --self-check, which needs a real Electron)', async () => {
    const root = tmp();
    const resources = await fakeApp(root);
    const exe = path.join(path.dirname(resources), 'simdeck');
    write(exe, fakeElectron());
    const logs: string[] = [];
    expect(await verifyPackage({ releaseDir: path.join(root, 'release'), platform: 'linux', arch: ARCH, log: (m) => logs.push(m) })).toEqual(
      expect.arrayContaining(['fuse runAsNode is on, want off']),
    );
    await flipFuses(exe, builderFuseConfig());
    expect(await verifyPackage({ releaseDir: path.join(root, 'release'), platform: 'linux', arch: ARCH, log: (m) => logs.push(m) })).toEqual([]);
    expect(logs.join('\n')).toMatch(/skipping --self-check/);
  });

  it('fails a package whose preload is missing or whose .node files stayed inside the archive', async () => {
    const root = tmp();
    await fakeApp(root, { withPreload: false, unpackNode: false });
    const problems = await verifyPackage({ releaseDir: path.join(root, 'release'), platform: 'linux', arch: ARCH, log: () => {} });
    expect(problems).toEqual(
      expect.arrayContaining([
        'app.asar lacks dist/node/preload.cjs',
        '.electron-native/better_sqlite3.node is inside app.asar, not unpacked: it cannot be loaded',
        expect.stringMatching(/^missing .*app\.asar\.unpacked/),
        expect.stringMatching(/^missing executable/),
      ]),
    );
  });

  it('finds the packages a bundle requires, and fails a package that left one out', async () => {
    expect(requiredPackages('require("ws");require(\'@kubernetes/client-node/dist/x\');require("node:fs");require("fs");require("electron");require("./local")')).toEqual([
      '@kubernetes/client-node',
      'ws',
    ]);
    const root = tmp();
    const resources = await fakeApp(root, { coreHost: 'require("ws"); require("zod");' });
    expect(readAsarFile(path.join(resources, 'app.asar'), 'dist/node/core-host.cjs').toString()).toBe('require("ws"); require("zod");');
    write(path.join(path.dirname(resources), 'simdeck'), fakeElectron());
    await flipFuses(path.join(path.dirname(resources), 'simdeck'), builderFuseConfig());
    expect(await verifyPackage({ releaseDir: path.join(root, 'release'), platform: 'linux', arch: ARCH, log: () => {} })).toEqual([
      'dist/node/core-host.cjs requires zod, which is not in app.asar',
    ]);
  });

  it('says to run electron-builder first when there is no package', async () => {
    expect(await verifyPackage({ releaseDir: path.join(tmp(), 'release'), platform: 'linux', arch: 'x64', log: () => {} })).toEqual([
      expect.stringMatching(/run electron-builder first/),
    ]);
  });
});
