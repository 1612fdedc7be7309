// Runs the real electron-builder on the real config and dependency tree, with a stand-in "Electron" (a file that
// carries a fuse wire) instead of the binary, which is not installed here. It checks what only a real packaging
// run shows: the file globs, asar and asarUnpack, the fuse flip, the update feed file, and verify-package on the
// result. Only the --self-check launch needs the real Electron (e2e/electron/packaged.spec.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, builderConfig } from './electron-builder.config.mjs';
import { FUSE_STATE, asarEntries, readAsarHeader, verifyPackage } from './verify-package.mjs';

const require = createRequire(import.meta.url);
const ELF_MACHINE: Record<string, number> = { x64: 0x3e, arm64: 0xb7 };
const supported = process.platform === 'linux' && process.arch in ELF_MACHINE;
const reason = 'the stand-in Electron has the Linux layout; run on Linux x64 or arm64';
if (!supported) console.log(`[package-standin] skipped: ${reason}`);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-standin-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const write = (file: string, data: string | Buffer, mode?: number) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data, { mode });
};

describe.skipIf(!supported)('electron-builder with a stand-in Electron', () => {
  it('packages the app the way verify-package expects', { timeout: 240_000 }, async () => {
    const project = path.join(work, 'project');
    fs.mkdirSync(project, { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(project, 'package.json'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'), 'dir');
    fs.symlinkSync(path.join(ROOT, 'resources'), path.join(project, 'resources'), 'dir');
    const bundle = 'require("ws"); require("better-sqlite3"); require("zod"); require("electron"); require("node:fs");';
    for (const name of ['electron-main', 'core-host', 'preload', 'cli']) write(path.join(project, 'dist/node', `${name}.cjs`), bundle);
    write(path.join(project, 'dist/node/core-host.cjs.map'), '{}');
    write(path.join(project, 'dist/renderer/index.html'), '<!doctype html>');
    const elf = Buffer.alloc(64);
    elf.writeUInt32BE(0x7f454c46, 0);
    elf.writeUInt16LE(ELF_MACHINE[process.arch]!, 18);
    write(path.join(project, '.electron-native/better_sqlite3.node'), elf);

    const electronDist = path.join(work, 'electron-dist');
    const wire = Buffer.from([1, 8, ...Array(8).fill(FUSE_STATE.ENABLE)]);
    write(path.join(electronDist, 'electron'), Buffer.concat([Buffer.from('stand-in '), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), wire]), 0o755);
    write(path.join(electronDist, 'version'), 'v45.4.1');

    const config = { ...builderConfig({}, { platform: 'linux', root: project }), electronDist, electronVersion: '45.4.1' };
    const { build } = require('electron-builder');
    await build({ projectDir: project, config, dir: true, linux: [], [process.arch]: true, publish: 'never' });

    const logs: string[] = [];
    const releaseDir = path.join(project, 'release');
    expect(await verifyPackage({ releaseDir, platform: 'linux', arch: process.arch, log: (m) => logs.push(m) })).toEqual([]);
    expect(logs.join('\n')).toMatch(/skipping --self-check/);

    const unpacked = path.join(releaseDir, process.arch === 'x64' ? 'linux-unpacked' : `linux-${process.arch}-unpacked`);
    const paths = asarEntries(readAsarHeader(path.join(unpacked, 'resources', 'app.asar'))).map((e) => e.path);
    expect(paths).toContain('node_modules/better-sqlite3/lib/database.js');
    expect(paths.filter((p) => p.startsWith('node_modules/better-sqlite3/build/') || p.startsWith('node_modules/better-sqlite3/src/'))).toEqual([]);
    expect(paths.filter((p) => p.startsWith('node_modules/cpu-features/'))).toEqual([]);
    expect(paths.filter((p) => p.startsWith('node_modules/react-dom/') || p.startsWith('node_modules/recharts/'))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(fs.readFileSync(path.join(unpacked, 'resources', 'app-update.yml'), 'utf8')).toMatch(/provider: github/);
    // Where the tray looks for its icon in a package (process.resourcesPath/icons).
    expect(fs.readdirSync(path.join(unpacked, 'resources', 'icons')).sort()).toEqual(['16x16.png', '32x32.png']);
  });
});
