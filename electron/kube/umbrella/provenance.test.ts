import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import { renderWindowManifest, toYaml } from './manifest.js';
import {
  markApplyFailed,
  nextRestartPath,
  provenanceExists,
  provenancePath,
  restartPath,
  writeProvenance,
  writeRestartProvenance,
} from './provenance.js';
import { seedSpec } from './seed.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'simdeck-provenance-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const spec = seedSpec();
const manifestYaml = toYaml(renderWindowManifest(spec, 'camp-1', 1, { index: 0, centre: 1 }));

describe('provenancePath', () => {
  it('is the seed path, target and force field unchanged', () => {
    expect(provenancePath('/p/results', spec, 1, 0)).toBe(
      '/p/results/gb3-null-0.0.3-pair-opc3/replica-1/gb3-null-0.0.3-pair-opc3-1-00.yaml',
    );
    expect(provenancePath('/p/results', { target: 'hewl-4LZT', forceField: 'ff' }, 3, { index: 12, centre: 0.76 })).toBe(
      '/p/results/hewl-4LZT-ff/replica-3/hewl-4LZT-ff-3-12.yaml',
    );
  });
});

describe('writeProvenance', () => {
  it('creates parents and writes the manifest', async () => {
    const path = provenancePath(join(dir, 'results'), spec, 1, 0);
    expect(await provenanceExists(path)).toBe(false);
    await writeProvenance(path, manifestYaml);
    expect(readFileSync(path, 'utf8')).toBe(manifestYaml);
    expect(await provenanceExists(path)).toBe(true);
  });

  it('never overwrites: CONFLICT saying where the record is and how to relaunch', async () => {
    const path = provenancePath(join(dir, 'results'), spec, 1, 0);
    await writeProvenance(path, manifestYaml);
    const err = await writeProvenance(path, 'other').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('CONFLICT');
    expect((err as ApiError).message).toContain('already launched');
    expect((err as ApiError).message).toContain(path);
    expect((err as ApiError).message).toContain('Restart window');
    expect((err as ApiError).message).toContain('gb3-null-0.0.3-pair-opc3-1-00.restart-1.yaml');
    expect(readFileSync(path, 'utf8')).toBe(manifestYaml);
  });
});

describe('restart records', () => {
  it('numbers restarts next to the record and keeps every earlier one', async () => {
    const path = provenancePath(join(dir, 'results'), spec, 2, 7);
    expect(await nextRestartPath(path)).toBe(restartPath(path, 1));
    await writeProvenance(path, 'original');
    expect(await writeRestartProvenance(path, 'restart one')).toBe(restartPath(path, 1));
    expect(await writeRestartProvenance(path, 'restart two')).toBe(restartPath(path, 2));
    expect(restartPath(path, 2).endsWith('gb3-null-0.0.3-pair-opc3-2-07.restart-2.yaml')).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('original');
    expect(readFileSync(restartPath(path, 1), 'utf8')).toBe('restart one');
    // Window 07's restarts do not count window 070-like neighbours or stray names.
    await writeProvenance(join(dir, 'results/gb3-null-0.0.3-pair-opc3/replica-2/gb3-null-0.0.3-pair-opc3-2-07.restart-x.yaml'), '');
    expect(await nextRestartPath(path)).toBe(restartPath(path, 3));
  });
});

describe('markApplyFailed', () => {
  it('moves the record aside with the error so the retry can create it again', async () => {
    const path = provenancePath(join(dir, 'results'), spec, 1, 0);
    await writeProvenance(path, manifestYaml);
    const at = new Date('2026-11-21T17:27:21.123Z');
    const failed = await markApplyFailed(path, new Error('error: You must be logged in to the server (Unauthorized)\nsecond line'), at);
    expect(failed).toBe(path.replace(/\.yaml$/, '.failed-2026-11-21T17-27-21.123Z.yaml'));
    expect(await provenanceExists(path)).toBe(false);
    const text = readFileSync(failed, 'utf8');
    expect(text.startsWith(manifestYaml)).toBe(true);
    expect(text).toContain('# kubectl apply failed at 2026-11-21T17:27:21.123Z:\n# error: You must be logged in');
    expect(text).toContain('\n# second line\n');
    expect(load(text)).toEqual(load(manifestYaml)); // still a loadable manifest
    // The retry is not blocked.
    await writeProvenance(path, manifestYaml);
    // A second failure in the same millisecond keeps both records.
    const failed2 = await markApplyFailed(path, 'again', at);
    expect(failed2).not.toBe(failed);
    expect(readdirSync(join(dir, 'results/gb3-null-0.0.3-pair-opc3/replica-1')).sort()).toEqual([
      'gb3-null-0.0.3-pair-opc3-1-00.failed-2026-11-21T17-27-21.123Z-2.yaml',
      'gb3-null-0.0.3-pair-opc3-1-00.failed-2026-11-21T17-27-21.123Z.yaml',
    ]);
  });
});
