import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { LINUX_ONLY_ASSOCIATIONS, PORTABLE_ASSOCIATIONS, ROOT, builderConfig, publishConfig } from './electron-builder.config.mjs';
import { validateBuilderConfig } from './dist.mjs';

const quiet = { log: () => {} };
const linux = builderConfig({}, { ...quiet, platform: 'linux' });

describe('electron-builder config', () => {
  it('names the app and keeps outputs and build resources where the repo has them', () => {
    expect(linux).toMatchObject({ appId: 'org.simdeck.desktop', productName: 'SimDeck', directories: { output: 'release', buildResources: 'resources' } });
    expect(linux.copyright).toMatch(/SimDeck/);
    expect(linux.electronVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('targets AppImage+deb, dmg+zip (zip feeds electron-updater on macOS) and per-user NSIS', () => {
    expect(linux.linux.target).toEqual(['AppImage', 'deb']);
    expect(linux.linux).toMatchObject({ category: 'Science', icon: 'resources/icons' });
    expect(linux.deb.depends).toContain('libsecret-1-0');
    expect(linux.mac.target).toEqual(['dmg', 'zip']);
    expect(linux.mac).toMatchObject({ hardenedRuntime: true, icon: 'resources/icon.icns', entitlements: 'resources/entitlements.mac.plist' });
    expect(linux.win).toMatchObject({ target: [{ target: 'nsis', arch: ['x64'] }], icon: 'resources/icon.ico' });
    expect(linux.nsis).toMatchObject({ oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true });
  });

  it('flips exactly the fuses we promise and leaves file:// privileges alone', () => {
    expect(linux.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
  });

  it('re-applies the ad-hoc signature after the fuse flip on an unsigned macOS build only', () => {
    expect(builderConfig({}, { ...quiet, platform: 'darwin' }).electronFuses.resetAdHocDarwinSignature).toBe(true);
    expect(builderConfig({ CSC_LINK: 'x' }, { ...quiet, platform: 'darwin' }).electronFuses.resetAdHocDarwinSignature).toBeUndefined();
  });

  it('ships the bundles and the Electron-ABI SQLite, unpacks native modules, and never rebuilds node_modules', () => {
    expect(linux.files).toEqual(expect.arrayContaining(['package.json', 'dist/**', '.electron-native/better_sqlite3.node']));
    expect(linux.files).toContain('!node_modules/better-sqlite3/{build,deps,src}/**');
    expect(linux.files).toContain('!node_modules/cpu-features/**');
    expect(linux.asar).toBe(true);
    expect(linux.asarUnpack).toContain('**/*.node');
    // The tray finds its icon in <resources>/icons (electron/shell-electron/tray.ts trayIconCandidates).
    expect(linux.extraResources).toEqual([{ from: 'resources/icons', to: 'icons', filter: ['16x16.png', '32x32.png'] }]);
    for (const name of ['16x16.png', '32x32.png']) expect(fs.existsSync(path.join(ROOT, 'resources', 'icons', name))).toBe(true);
    expect(linux.npmRebuild).toBe(false);
    expect(linux.nodeGypRebuild).toBe(false);
  });

  it('leaves out what only the renderer bundle uses, and nothing the Node bundles require', () => {
    expect(linux.files).toEqual(expect.arrayContaining(['!node_modules/react-dom/**', '!node_modules/recharts/**', '!node_modules/zustand/**']));
    const runtime = ['zod', 'ws', 'better-sqlite3', 'ssh2', 'dockerode', '@kubernetes/client-node', 'kubernetes-models', 'electron-updater', 'js-yaml'];
    for (const name of runtime) expect(linux.files).not.toContain(`!node_modules/${name}/**`);
  });

  it('associates every PyRosettaCluster result type, with the double extension on Linux only', () => {
    expect(linux.fileAssociations.map((a: { ext: string }) => a.ext)).toEqual(['pkl_pose', 'b64_pose', 'init']);
    expect(linux.linux.fileAssociations.map((a: { ext: string }) => a.ext)).toEqual(['pdb.bz2']);
    for (const a of [...PORTABLE_ASSOCIATIONS, ...LINUX_ONLY_ASSOCIATIONS]) {
      expect(a).toMatchObject({ role: 'Viewer', name: expect.any(String), description: expect.any(String) });
      expect(a.mimeType).toMatch(/^application\/x-[a-z0-9-]+$/);
      expect(typeof a.ext).toBe('string'); // one extension per entry: electron-builder's Linux glob is "*.${ext}"
    }
    expect(linux.mac.fileAssociations).toBeUndefined();
    expect(linux.win.fileAssociations).toBeUndefined();
  });

  it('registers simdeck:// links (electron-builder adds x-scheme-handler/simdeck to the .desktop MimeType)', () => {
    expect(linux.protocols).toEqual([{ name: 'SimDeck link', schemes: ['simdeck'] }]);
    expect(linux.linux.desktop.entry.MimeType).toBeUndefined(); // it would be overwritten anyway
  });

  it('publishes to GitHub releases by default, to a generic HTTPS feed when asked, and refuses plain HTTP', () => {
    expect(publishConfig({})).toEqual([{ provider: 'github', owner: 'simdeck', repo: 'simdeck' }]);
    expect(publishConfig({ SIMDECK_UPDATE_OWNER: 'lab', SIMDECK_UPDATE_REPO: 'deck' })).toEqual([{ provider: 'github', owner: 'lab', repo: 'deck' }]);
    expect(publishConfig({ SIMDECK_UPDATE_URL: 'https://updates.example.org/simdeck/' })).toEqual([
      { provider: 'generic', url: 'https://updates.example.org/simdeck/' },
    ]);
    expect(() => publishConfig({ SIMDECK_UPDATE_URL: 'http://updates.example.org/' })).toThrow(/must be an https:\/\/ URL/);
    expect(() => publishConfig({ SIMDECK_UPDATE_URL: 'not a url' })).toThrow(/not a URL/);
    expect(() => builderConfig({ SIMDECK_UPDATE_URL: 'ftp://x/' }, quiet)).toThrow(/https/);
  });

  it.each(['linux', 'darwin', 'win32'] as const)('passes electron-builder 26 schema validation (%s, signed and not)', async (platform) => {
    await validateBuilderConfig(builderConfig({}, { ...quiet, platform }));
    await validateBuilderConfig(builderConfig({ CSC_LINK: 'x', APPLE_ID: 'a', APPLE_APP_SPECIFIC_PASSWORD: 'b', APPLE_TEAM_ID: 'c' }, { ...quiet, platform }));
  });

  it('the schema validation really rejects a wrong option (so the test above means something)', async () => {
    await expect(validateBuilderConfig({ ...linux, mac: { ...linux.mac, notarise: true } })).rejects.toThrow(/configuration\.mac/);
  });
});

describe('electron-builder --config entry point', () => {
  it('default-exports a function electron-builder calls, so importing the module never throws on env', async () => {
    const mod = await import('./electron-builder.config.mjs');
    expect(typeof mod.default).toBe('function');
  });

  it("electron-builder's own loader reads this file as --config", async () => {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const { getConfig } = require('app-builder-lib/out/util/config/config.js');
    const config = await getConfig(ROOT, path.join(ROOT, 'scripts/release/electron-builder.config.mjs'), null);
    expect(config).toMatchObject({ appId: 'org.simdeck.desktop', npmRebuild: false });
  });
});
