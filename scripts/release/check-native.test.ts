import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkNative, isNative, productionPackages } from './check-native.mjs';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function write(root: string, rel: string, content: string | object = '') {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
}

/** A repo whose production tree is: better-sqlite3 (native), ssh2 -> cpu-features (native, optional), plus a dev-only native module. */
function fakeRepo({ binding = true, built = '45.4.1' }: { binding?: boolean; built?: string | null } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-check-native-'));
  roots.push(root);
  write(root, 'package.json', { dependencies: { 'better-sqlite3': '^12', ssh2: '^1' }, devDependencies: { 'dev-native': '1' } });
  write(root, 'node_modules/electron/package.json', { name: 'electron', version: '45.4.1' });
  write(root, 'node_modules/better-sqlite3/package.json', { name: 'better-sqlite3', dependencies: { bindings: '1' } });
  write(root, 'node_modules/better-sqlite3/binding.gyp', '{}');
  write(root, 'node_modules/bindings/package.json', { name: 'bindings' });
  write(root, 'node_modules/ssh2/package.json', { name: 'ssh2', optionalDependencies: { 'cpu-features': '0.0.10', nan: '2' } });
  write(root, 'node_modules/cpu-features/package.json', { name: 'cpu-features' });
  write(root, 'node_modules/cpu-features/binding.gyp', '{}');
  write(root, 'node_modules/dev-native/package.json', { name: 'dev-native' });
  write(root, 'node_modules/dev-native/binding.gyp', '{}');
  if (binding) write(root, '.electron-native/better_sqlite3.node', 'ELF');
  if (built) write(root, '.electron-native/electron-version', `${built}\n`);
  return root;
}

describe('check-native', () => {
  it('walks production dependencies only, following nested ones and skipping missing optionals', () => {
    const root = fakeRepo();
    expect(productionPackages(root).map((p) => p.name).sort()).toEqual(['better-sqlite3', 'bindings', 'cpu-features', 'ssh2']);
  });

  it('prefers a nested copy the way Node resolves it', () => {
    const root = fakeRepo();
    write(root, 'node_modules/ssh2/node_modules/cpu-features/package.json', { name: 'cpu-features' });
    const found = productionPackages(root).find((p) => p.name === 'cpu-features');
    expect(path.relative(root, found!.dir)).toBe(path.join('node_modules', 'ssh2', 'node_modules', 'cpu-features'));
  });

  it('counts binding.gyp or shipped .node files as native, ignoring nested node_modules', () => {
    const root = fakeRepo();
    write(root, 'node_modules/prebuilt/package.json', {});
    write(root, 'node_modules/prebuilt/prebuilds/linux-x64/addon.node', '');
    write(root, 'node_modules/plain/package.json', {});
    write(root, 'node_modules/plain/node_modules/inner/x.node', '');
    expect(isNative(path.join(root, 'node_modules/prebuilt'))).toBe(true);
    expect(isNative(path.join(root, 'node_modules/plain'))).toBe(false);
  });

  it('passes when the Electron build of better-sqlite3 matches the installed Electron', () => {
    const result = checkNative(fakeRepo());
    expect(result.ok).toBe(true);
    expect(result.lines.join('\n')).toMatch(/ok {3}better-sqlite3 .*\.electron-native/);
    expect(result.lines.join('\n')).toMatch(/ok {3}cpu-features .*not shipped/);
  });

  it('fails when .electron-native has no binding', () => {
    const result = checkNative(fakeRepo({ binding: false }));
    expect(result.ok).toBe(false);
    expect(result.lines.join('\n')).toMatch(/FAIL better-sqlite3 .*better_sqlite3\.node is missing: run `node scripts\/electron-native\.mjs`/);
  });

  it('fails when the binding was built for another Electron', () => {
    const result = checkNative(fakeRepo({ built: '44.0.0' }));
    expect(result.ok).toBe(false);
    expect(result.lines.join('\n')).toMatch(/built for Electron 44\.0\.0 but node_modules has 45\.4\.1/);
  });

  it('fails on a native module nobody planned for, saying what to do', () => {
    const root = fakeRepo();
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    pkg.dependencies.keytar = '7';
    write(root, 'package.json', pkg);
    write(root, 'node_modules/keytar/package.json', { name: 'keytar' });
    write(root, 'node_modules/keytar/build/Release/keytar.node', '');
    const result = checkNative(root);
    expect(result.ok).toBe(false);
    const line = result.lines.find((l) => l.includes('keytar'))!;
    expect(line).toMatch(/^FAIL keytar .*no plan.*NATIVE_MODULES in scripts\/release\/check-native\.mjs/);
  });

  it('passes on this repository as far as the tree goes (the binding itself may not be built here)', () => {
    const names = checkNative().lines.map((l) => l.split(' ').filter(Boolean)[1]);
    expect(names.every((n) => n === 'better-sqlite3' || n === 'cpu-features')).toBe(true);
  });
});
