// electron-builder configuration for SimDeck's desktop packages. `npm run dist` (scripts/release/dist.mjs) builds
// with builderConfig(); `npx electron-builder --config scripts/release/electron-builder.config.mjs` works too.
// Packages are built for the host platform and architecture only: the app ships better-sqlite3 compiled for
// Electron by scripts/electron-native.mjs, which can only build for the machine it runs on.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onlyReachableThrough } from './deps.mjs';
import { signingPlan } from './signing.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The fuses every packaged build must carry; scripts/release/verify-package.mjs reads them back. */
export const FUSES = Object.freeze({
  runAsNode: false, // ELECTRON_RUN_AS_NODE would turn the signed app into a general-purpose Node
  enableNodeOptionsEnvironmentVariable: false, // NODE_OPTIONS could preload code into the main process
  enableNodeCliInspectArguments: false, // --inspect would open a debugger on the main process
  enableEmbeddedAsarIntegrityValidation: true, // refuse a tampered app.asar (macOS, Windows)
  onlyLoadAppFromAsar: true, // never load a loose app/ folder planted next to app.asar
  enableCookieEncryption: true, // cookies at rest encrypted with the OS keychain key
  // grantFileProtocolExtraPrivileges keeps its default (on): the UI is loaded from file://.
});

/**
 * PyRosettaCluster result files SimDeck opens (see README "Reproduce"). Double extensions need care:
 * - Windows keys associations by the LAST extension only (HKCU\Software\Classes\.bz2); a ".pdb.bz2" key is never
 *   consulted, and claiming ".bz2" would hijack every bzip2 file. So no decoy association on Windows.
 * - macOS Launch Services matches CFBundleTypeExtensions against the last path extension too, so "pdb.bz2" would
 *   never match; same limit as Windows. (".pdb" alone is not ours either: it is also Microsoft's debug symbols.)
 * - Linux (deb): electron-builder writes a shared-mime-info package with glob "*.pdb.bz2"; the longest matching
 *   glob wins, so decoys get their own type without touching other .bz2 files. electron-builder's AppImage
 *   launcher skips extensions containing a dot, and AppImages do not install MIME types anyway.
 * Everywhere, drag-and-drop and "Choose files…" take every supported name; the associations are a convenience.
 * One extension per entry: electron-builder's Linux glob is "*.${ext}", which an array would break.
 */
export const PORTABLE_ASSOCIATIONS = Object.freeze([
  { ext: 'pkl_pose', name: 'PyRosetta pickled pose', description: 'PyRosettaCluster pickled pose', mimeType: 'application/x-pyrosetta-pkl-pose', rank: 'Owner' },
  { ext: 'b64_pose', name: 'PyRosetta base64 pose', description: 'PyRosettaCluster base64-encoded pose', mimeType: 'application/x-pyrosetta-b64-pose', rank: 'Owner' },
  // ".init" is a generic name other tools use; be an alternative handler on macOS, not the owner.
  { ext: 'init', name: 'PyRosetta init file', description: 'PyRosettaCluster .init file', mimeType: 'application/x-pyrosetta-init', rank: 'Alternate' },
].map((a) => ({ role: 'Viewer', icon: 'file-icon', ...a })));

export const LINUX_ONLY_ASSOCIATIONS = Object.freeze([
  { ext: 'pdb.bz2', name: 'PyRosetta decoy', description: 'PyRosettaCluster decoy (bzip2-compressed PDB)', mimeType: 'application/x-pyrosetta-decoy', role: 'Viewer' },
]);

/**
 * Dependencies Vite bundles into dist/renderer; the Node bundles never require them, so their node_modules copies
 * (and whatever only they pull in) would be dead weight in app.asar (~20 MB). verify-package.mjs checks that every
 * package the packaged Node bundles require is still in the archive, so a wrong entry here fails the build.
 */
export const RENDERER_ONLY = Object.freeze(['react', 'react-dom', 'recharts', 'zustand']);

export const PROTOCOLS = Object.freeze([{ name: 'SimDeck link', schemes: ['simdeck'] }]); // simdeck://project/<id>, simdeck://job/<id>

/** electron-updater's feed: GitHub releases, or a generic HTTPS server when SIMDECK_UPDATE_URL is set. */
export function publishConfig(env = process.env) {
  const url = env.SIMDECK_UPDATE_URL?.trim();
  if (!url) {
    return [{ provider: 'github', owner: env.SIMDECK_UPDATE_OWNER || 'simdeck', repo: env.SIMDECK_UPDATE_REPO || 'simdeck' }];
  }
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`SIMDECK_UPDATE_URL is not a URL: ${JSON.stringify(url)}. Use https://host/path/ where latest*.yml is served.`);
  }
  if (parsed.protocol !== 'https:') {
    // Updates are code: over plain HTTP anyone on the path could serve their own.
    throw new Error(`SIMDECK_UPDATE_URL must be an https:// URL (got ${parsed.protocol}//…); updates must not travel unencrypted.`);
  }
  return [{ provider: 'generic', url }];
}

function electronInfo(root) {
  const dist = path.join(root, 'node_modules', 'electron', 'dist');
  let version = null;
  try {
    version = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  } catch {
    version = null;
  }
  // With electronDist set electron-builder copies the local Electron instead of downloading one.
  return { electronVersion: version, ...(fs.existsSync(dist) ? { electronDist: dist } : {}) };
}

/** The whole config. `platform` is the one being packaged (always the host: see the top of this file). */
export function builderConfig(env = process.env, { log, platform = process.platform, root = ROOT } = {}) {
  const signing = signingPlan(env, platform);
  for (const message of signing.messages) log?.(message);
  return {
    appId: 'org.simdeck.desktop',
    productName: 'SimDeck',
    copyright: `Copyright © ${new Date().getUTCFullYear()} SimDeck contributors`,
    directories: { output: 'release', buildResources: 'resources' },
    ...electronInfo(root),
    // Written into the packaged package.json: on Linux Electron takes its app_id/WM_CLASS from desktopName, and
    // app.setAsDefaultProtocolClient('simdeck') registers x-scheme-handler/simdeck for that .desktop file.
    extraMetadata: { desktopName: 'simdeck.desktop' },
    files: [
      'package.json',
      'dist/**',
      '!dist/**/*.map',
      '.electron-native/better_sqlite3.node',
      // Production node_modules are added by electron-builder. better-sqlite3's own build/ is the Node-ABI one
      // (kept for the browser shell and tests); the app loads .electron-native's instead (SIMDECK_SQLITE_BINDING).
      '!node_modules/better-sqlite3/{build,deps,src}/**',
      '!node_modules/better-sqlite3/binding.gyp',
      // Optional native speed-up for ssh2; its install script is disabled, so there is nothing to load: ssh2
      // falls back to JavaScript (scripts/release/check-native.mjs).
      '!node_modules/cpu-features/**',
      ...onlyReachableThrough(root, [...RENDERER_ONLY]).map((dir) => `!${dir}/**`),
      // Never needed at run time. (electron-builder itself drops each package's top-level test/ and example/.)
      '!node_modules/**/*.{map,d.ts,d.mts,d.cts,md,markdown}',
    ],
    // The tray icon (electron/shell-electron/tray.ts looks in <resources>/icons); the window and installers take
    // theirs from the per-platform icon settings below.
    extraResources: [{ from: 'resources/icons', to: 'icons', filter: ['16x16.png', '32x32.png'] }],
    asar: true,
    asarUnpack: ['**/*.node'], // dlopen() cannot read inside an asar; Electron redirects to app.asar.unpacked
    // No rebuild of node_modules for Electron: scripts/electron-native.mjs builds the Electron-ABI copy of
    // better-sqlite3 into .electron-native (checked by check-native.mjs). An in-place rebuild would replace the
    // Node-ABI build that the browser shell and the tests load from node_modules.
    npmRebuild: false,
    nodeGypRebuild: false,
    electronFuses: { ...FUSES, ...signing.electronFuses },
    fileAssociations: [...PORTABLE_ASSOCIATIONS],
    protocols: [...PROTOCOLS],
    publish: publishConfig(env),
    linux: {
      // x64 and arm64 both work; each is built on its own machine (see top). AppImage: self-updating via
      // electron-updater; deb: system install with MIME types.
      target: ['AppImage', 'deb'],
      category: 'Science',
      icon: 'resources/icons',
      synopsis: 'Control room for computational chemistry compute',
      maintainer: 'SimDeck contributors <simdeck@users.noreply.github.com>',
      vendor: 'SimDeck',
      fileAssociations: [...LINUX_ONLY_ASSOCIATIONS],
      // electron-builder writes MimeType= from fileAssociations and protocols (incl. x-scheme-handler/simdeck).
      desktop: { entry: { Name: 'SimDeck', GenericName: 'Simulation control room', Keywords: 'SLURM;Kubernetes;PyRosetta;simulation;' } },
      executableName: 'simdeck',
      syncDesktopName: true, // the .desktop file is simdeck.desktop, matching desktopName above
    },
    deb: {
      // electron-builder's defaults, spelled out: libsecret-1-0 backs safeStorage (the encrypted target credentials)
      // on GNOME/KDE; libnss3/libgtk-3-0 etc. are Electron's own needs.
      depends: ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0'],
    },
    mac: {
      // dmg to install, zip for electron-updater (it updates macOS apps from the zip). Arch = the host's (x64 on
      // an Intel Mac, arm64 on Apple Silicon): better-sqlite3 must be built on each arch's own machine, so a
      // release builds twice instead of producing a universal app.
      target: ['dmg', 'zip'],
      category: 'public.app-category.developer-tools',
      icon: 'resources/icon.icns',
      hardenedRuntime: true,
      entitlements: 'resources/entitlements.mac.plist',
      entitlementsInherit: 'resources/entitlements.mac.plist',
      ...signing.config.mac,
    },
    win: {
      target: [{ target: 'nsis', arch: ['x64'] }],
      icon: 'resources/icon.ico',
      ...signing.config.win,
    },
    nsis: {
      // Per-user install: no admin prompt; file associations go to HKCU\Software\Classes.
      oneClick: false,
      perMachine: false,
      allowToChangeInstallationDirectory: true,
      createDesktopShortcut: true,
      createStartMenuShortcut: true,
      shortcutName: 'SimDeck',
    },
  };
}

// For `electron-builder --config <this file>`: electron-builder calls a default-exported function to get the
// config, so env checks (SIMDECK_UPDATE_URL) run at build time, not whenever another script imports ROOT or FUSES.
export default function config() {
  return builderConfig(process.env, { log: (message) => console.log(`  • ${message}`) });
}
