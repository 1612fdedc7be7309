#!/usr/bin/env node
// After electron-builder: checks the unpacked app for this platform. It is the step that fails the release when
// the app is incomplete, its fuses are not what we configured, or a native module cannot load under Electron
// (the packaged app's own `--self-check` opens SQLite through the shipped binding).
// Usage: node scripts/release/verify-package.mjs [--release-dir release]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FUSES, ROOT } from './electron-builder.config.mjs';

export const REQUIRED_IN_ASAR = [
  'package.json',
  'dist/node/electron-main.cjs',
  'dist/node/core-host.cjs',
  'dist/node/preload.cjs',
  'dist/renderer/index.html',
];
export const SQLITE_BINDING = '.electron-native/better_sqlite3.node';
const SELF_CHECK_TIMEOUT_MS = 60_000;
// A fuse's byte in the wire: ASCII '0' / '1' (@electron/fuses' FuseState, which its index does not export).
export const FUSE_STATE = Object.freeze({ DISABLE: 0x30, ENABLE: 0x31 });

/**
 * Reads an asar archive's header (Chromium pickle): [uint32 4][uint32 headerSize] then, in the header pickle,
 * [uint32 payloadSize][uint32 jsonLength][json]. Only the header is read, not the archive.
 */
export function readAsarHeader(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const prefix = Buffer.alloc(8);
    if (fs.readSync(fd, prefix, 0, 8, 0) !== 8 || prefix.readUInt32LE(0) !== 4) throw new Error(`${file} is not an asar archive`);
    const headerSize = prefix.readUInt32LE(4);
    const header = Buffer.alloc(headerSize);
    if (fs.readSync(fd, header, 0, headerSize, 8) !== headerSize) throw new Error(`${file}: truncated asar header`);
    const jsonLength = header.readUInt32LE(4);
    return JSON.parse(header.toString('utf8', 8, 8 + jsonLength));
  } finally {
    fs.closeSync(fd);
  }
}

/** One file's bytes from inside an asar (not for unpacked files, which live in app.asar.unpacked). */
export function readAsarFile(file, entryPath) {
  const fd = fs.openSync(file, 'r');
  try {
    const prefix = Buffer.alloc(8);
    fs.readSync(fd, prefix, 0, 8, 0);
    let node = readAsarHeader(file);
    for (const part of entryPath.split('/')) node = node?.files?.[part];
    if (!node || node.files || node.unpacked) throw new Error(`${entryPath} is not a packed file in ${file}`);
    const data = Buffer.alloc(node.size);
    fs.readSync(fd, data, 0, node.size, 8 + prefix.readUInt32LE(4) + Number(node.offset));
    return data;
  } finally {
    fs.closeSync(fd);
  }
}

/** Packages a CommonJS bundle require()s by bare name (not Node built-ins, not electron). */
export function requiredPackages(source) {
  const names = new Set();
  for (const [, spec] of source.matchAll(/require\(\s*["']([^"'.\/][^"']*)["']\s*\)/g)) {
    if (spec === 'electron' || isBuiltin(spec)) continue;
    names.add(spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'));
  }
  return [...names].sort();
}

/** Flattens the header into [{ path, unpacked, size }] with forward-slash paths. */
export function asarEntries(header, prefix = '') {
  const out = [];
  for (const [name, node] of Object.entries(header.files ?? {})) {
    const p = prefix ? `${prefix}/${name}` : name;
    if (node.files) out.push(...asarEntries(node, p));
    else if (!node.link) out.push({ path: p, unpacked: node.unpacked === true, size: node.size });
  }
  return out;
}

/** Problems with the archive's content, as messages; [] when fine. */
export function checkAsarContent(entries) {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const problems = REQUIRED_IN_ASAR.filter((p) => !byPath.has(p)).map((p) => `app.asar lacks ${p}`);
  if (!byPath.has(SQLITE_BINDING)) problems.push(`app.asar lacks ${SQLITE_BINDING}`);
  for (const e of entries) {
    if (e.path.endsWith('.node') && !e.unpacked) problems.push(`${e.path} is inside app.asar, not unpacked: it cannot be loaded`);
  }
  if (entries.some((e) => e.path.startsWith('node_modules/better-sqlite3/build/'))) {
    problems.push('the Node-ABI build node_modules/better-sqlite3/build was packaged');
  }
  return problems;
}

/** Where electron-builder put the unpacked app for this platform/arch, and its parts. */
export function layout(releaseDir, platform = process.platform, arch = process.arch, exists = fs.existsSync) {
  if (platform === 'darwin') {
    const dirs = arch === 'arm64' ? ['mac-arm64', 'mac'] : ['mac', 'mac-x64'];
    const dir = dirs.map((d) => path.join(releaseDir, d, 'SimDeck.app')).find((d) => exists(d)) ?? path.join(releaseDir, dirs[0], 'SimDeck.app');
    return { appDir: dir, resources: path.join(dir, 'Contents', 'Resources'), executable: path.join(dir, 'Contents', 'MacOS', 'SimDeck') };
  }
  const suffix = arch === 'x64' ? '' : `-${arch}`;
  const unpacked = `${platform === 'win32' ? 'win' : 'linux'}${suffix}-unpacked`; // e.g. linux-unpacked, win-arm64-unpacked
  const appDir = path.join(releaseDir, unpacked);
  const exe = platform === 'win32' ? 'SimDeck.exe' : 'simdeck';
  return { appDir, resources: path.join(appDir, 'resources'), executable: path.join(appDir, exe) };
}

/** Machine architecture of an ELF, Mach-O or PE file (the .node binding or the executable), or null. */
export function binaryArch(file) {
  const b = Buffer.alloc(4096);
  const fd = fs.openSync(file, 'r');
  let n;
  try {
    n = fs.readSync(fd, b, 0, b.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (n >= 20 && b.readUInt32BE(0) === 0x7f454c46) return { 0x3e: 'x64', 0xb7: 'arm64' }[b.readUInt16LE(18)] ?? null;
  if (n >= 8 && b.readUInt32LE(0) === 0xfeedfacf) return { 0x01000007: 'x64', 0x0100000c: 'arm64' }[b.readUInt32LE(4)] ?? null;
  if (n >= 64 && b.toString('latin1', 0, 2) === 'MZ') {
    const pe = b.readUInt32LE(0x3c);
    if (pe + 6 <= n && b.toString('latin1', pe, pe + 4) === 'PE\0\0') return { 0x8664: 'x64', 0xaa64: 'arm64' }[b.readUInt16LE(pe + 4)] ?? null;
  }
  return null;
}

/** Compares fuses read back from the executable with FUSES; messages for each mismatch. */
export function fuseProblems(wire, FuseV1Options, FuseState = FUSE_STATE, want = FUSES) {
  const problems = [];
  for (const [name, value] of Object.entries(want)) {
    const key = name[0].toUpperCase() + name.slice(1);
    const state = wire[FuseV1Options[key]];
    const expected = value ? FuseState.ENABLE : FuseState.DISABLE;
    if (state !== expected) problems.push(`fuse ${name} is ${state === FuseState.ENABLE ? 'on' : state === FuseState.DISABLE ? 'off' : state}, want ${value ? 'on' : 'off'}`);
  }
  return problems;
}

/** The last JSON line of the app's --self-check output. */
export function parseSelfCheck(stdout) {
  const line = stdout.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.startsWith('{')).at(-1);
  if (!line) return null;
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

export function selfCheckArgs(platform = process.platform, uid = process.getuid?.()) {
  // Chromium refuses to run as root with its sandbox on Linux (CI containers).
  return platform === 'linux' && uid === 0 ? ['--self-check', '--no-sandbox'] : ['--self-check'];
}

function runSelfCheck(executable, args, timeoutMs = SELF_CHECK_TIMEOUT_MS) {
  return new Promise((resolve) => {
    const child = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_ENABLE_LOGGING: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => resolve({ code: null, stdout, stderr: `${stderr}${error.message}` }));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export async function verifyPackage({ releaseDir = path.join(ROOT, 'release'), platform = process.platform, arch = process.arch, log = console.log } = {}) {
  const problems = [];
  const where = layout(releaseDir, platform, arch);
  const asar = path.join(where.resources, 'app.asar');
  if (!fs.existsSync(asar)) return [`no ${path.relative(ROOT, asar)}: run electron-builder first (npm run dist -- --dir)`];

  const entries = asarEntries(readAsarHeader(asar));
  problems.push(...checkAsarContent(entries));
  // Every package the Node bundles require must have been packaged (node_modules are external to the bundles).
  const paths = new Set(entries.map((e) => e.path));
  for (const bundle of entries.filter((e) => /^dist\/node\/[^/]+\.cjs$/.test(e.path) && !e.unpacked)) {
    for (const name of requiredPackages(readAsarFile(asar, bundle.path).toString('utf8'))) {
      if (!paths.has(`node_modules/${name}/package.json`)) problems.push(`${bundle.path} requires ${name}, which is not in app.asar`);
    }
  }
  const unpackedBinding = path.join(where.resources, 'app.asar.unpacked', SQLITE_BINDING);
  if (!fs.existsSync(unpackedBinding)) problems.push(`missing ${path.relative(ROOT, unpackedBinding)}`);
  else if (binaryArch(unpackedBinding) !== arch) problems.push(`${SQLITE_BINDING} is for ${binaryArch(unpackedBinding) ?? 'an unknown arch'}, the package is ${arch}`);
  log(`verify-package: app.asar has ${entries.length} files; ${entries.filter((e) => e.unpacked).length} unpacked.`);

  if (!fs.existsSync(where.executable)) {
    problems.push(`missing executable ${path.relative(ROOT, where.executable)}`);
    return problems;
  }
  const { getCurrentFuseWire, FuseV1Options } = await import('@electron/fuses');
  problems.push(...fuseProblems(await getCurrentFuseWire(where.executable), FuseV1Options));

  const exeArch = binaryArch(where.executable);
  if (platform !== process.platform || exeArch !== process.arch) {
    log(`verify-package: skipping --self-check: the executable is ${platform}/${exeArch ?? 'not a recognised binary'}, this machine is ${process.platform}/${process.arch}.`);
    return problems;
  }
  const result = await runSelfCheck(where.executable, selfCheckArgs(platform));
  const report = parseSelfCheck(result.stdout);
  if (result.code !== 0 || report?.ok !== true) {
    problems.push(
      `--self-check failed (exit ${result.code ?? result.signal}${result.code === null ? ', killed after 60 s or not started' : ''}): ` +
        `${report ? JSON.stringify(report) : 'no JSON report'}\n${result.stderr.trim().split('\n').slice(-20).join('\n')}`,
    );
  } else {
    log(`verify-package: --self-check ok: ${JSON.stringify(report)}`);
  }
  return problems;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const i = process.argv.indexOf('--release-dir');
  const releaseDir = i > 0 ? path.resolve(process.argv[i + 1]) : undefined;
  const problems = await verifyPackage({ releaseDir });
  for (const p of problems) console.error(`verify-package: FAIL ${p}`);
  if (problems.length === 0) console.log('verify-package: ok');
  process.exitCode = problems.length ? 1 : 0;
}
