// What electron-builder writes for Linux from our config: the .desktop entry (deb and AppImage) and the
// shared-mime-info package (deb). Uses electron-builder's own LinuxTargetHelper with a minimal packager, since the
// deb/AppImage tools themselves are downloads this machine does not have.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { builderConfig } from './electron-builder.config.mjs';

const require = createRequire(import.meta.url);
const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-desktop-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const config = builderConfig({}, { platform: 'linux' });
const packager = {
  appInfo: { productName: 'SimDeck', sanitizedProductName: 'SimDeck', productFilename: 'SimDeck', description: 'SimDeck' },
  executableName: config.linux.executableName,
  info: { metadata: config.extraMetadata },
  config,
  platformSpecificBuildOptions: config.linux,
  // platformPackager.fileAssociations: top-level ones plus the platform's
  get fileAssociations() {
    return [...config.fileAssociations, ...config.linux.fileAssociations];
  },
  getTempFile: async (suffix: string) => path.join(work, `mime${suffix}`),
};
const helper = new LinuxTargetHelper(packager);

describe('Linux desktop integration', () => {
  it('the .desktop entry handles simdeck:// links and every associated type, under Science', async () => {
    const entry: string = await helper.computeDesktopEntry(config.linux);
    const mime = entry.match(/^MimeType=(.*)$/m)?.[1]?.split(';').filter(Boolean);
    expect(mime).toEqual(expect.arrayContaining(['x-scheme-handler/simdeck', 'application/x-pyrosetta-decoy', 'application/x-pyrosetta-pkl-pose', 'application/x-pyrosetta-b64-pose', 'application/x-pyrosetta-init']));
    expect(entry).toMatch(/^Exec=.*simdeck %U$/m); // %U: links and files arrive in argv
    expect(entry).toMatch(/^Categories=Science;$/m);
    expect(entry).toMatch(/^StartupWMClass=simdeck$/m);
    expect(helper.getDesktopFileName()).toBe('simdeck');
  });

  it('the deb MIME package gives decoys their own *.pdb.bz2 glob (longest glob wins over *.bz2)', async () => {
    const xml = fs.readFileSync(await helper.computeMimeTypeFiles(), 'utf8');
    expect(xml).toContain('<mime-type type="application/x-pyrosetta-decoy">');
    expect(xml).toContain('<glob pattern="*.pdb.bz2"/>');
    for (const ext of ['pkl_pose', 'b64_pose', 'init']) expect(xml).toContain(`<glob pattern="*.${ext}"/>`);
  });
});
