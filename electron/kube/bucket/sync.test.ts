import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinKey, localRelPath, needsDownload, needsUpload, rcloneMtime, resumePlan } from './sync.js';

const t = (iso: string) => new Date(iso);

describe('newer only (rclone copy --update)', () => {
  const remote = { size: 100, lastModified: t('2024-05-01T12:00:00.000Z') };
  it('downloads what is missing, differs in size or is older locally', () => {
    expect(needsDownload(null, remote)).toBe(true);
    expect(needsDownload({ size: 99, mtimeMs: t('2025-01-01T00:00:00Z').getTime() }, remote)).toBe(true);
    expect(needsDownload({ size: 100, mtimeMs: t('2024-05-01T11:59:59.000Z').getTime() }, remote)).toBe(true);
  });
  it('skips files that are as new or newer with the same size (seconds precision)', () => {
    expect(needsDownload({ size: 100, mtimeMs: remote.lastModified.getTime() }, remote)).toBe(false);
    expect(needsDownload({ size: 100, mtimeMs: remote.lastModified.getTime() + 400 }, remote)).toBe(false);
    expect(needsDownload({ size: 100, mtimeMs: t('2024-05-01T12:00:00.900Z').getTime() }, { size: 100, lastModified: t('2024-05-01T12:00:00.100Z') })).toBe(false);
    expect(needsDownload({ size: 100, mtimeMs: t('2030-01-01T00:00:00Z').getTime() }, remote)).toBe(false);
  });
  it('uploads unless the object is as new and the same size', () => {
    const local = { size: 10, mtimeMs: 1_700_000_000_000 };
    expect(needsUpload(local, null)).toBe(true);
    expect(needsUpload(local, { size: 11, mtimeMs: 1_800_000_000_000 })).toBe(true);
    expect(needsUpload(local, { size: 10, mtimeMs: 1_600_000_000_000 })).toBe(true);
    expect(needsUpload(local, { size: 10, mtimeMs: 1_700_000_000_000 })).toBe(false);
  });
});

describe('resume bookkeeping', () => {
  const obj = { etag: 'abc-3', size: 1000 };
  const meta = { etag: 'abc-3', size: 1000, lastModified: '2024-05-01T12:00:00.000Z' };
  it('starts fresh without a partial', () => {
    expect(resumePlan(null, null, obj)).toEqual({ offset: 0, discard: false });
  });
  it('continues a partial of the same object version from its size', () => {
    expect(resumePlan({ size: 400 }, meta, obj)).toEqual({ offset: 400, discard: false });
    expect(resumePlan({ size: 1000 }, meta, obj)).toEqual({ offset: 1000, discard: false });
  });
  it('discards a partial of another version, without a record, or longer than the object', () => {
    expect(resumePlan({ size: 400 }, { ...meta, etag: 'other' }, obj)).toEqual({ offset: 0, discard: true });
    expect(resumePlan({ size: 400 }, { ...meta, size: 2000 }, obj)).toEqual({ offset: 0, discard: true });
    expect(resumePlan({ size: 400 }, null, obj)).toEqual({ offset: 0, discard: true });
    expect(resumePlan({ size: 1001 }, meta, obj)).toEqual({ offset: 0, discard: true });
  });
});

describe('keys and paths', () => {
  it('joins prefix and relative paths', () => {
    expect(joinKey('results', 'gb3/setup/')).toBe('results/gb3/setup/');
    expect(joinKey('/results/', '/x')).toBe('results/x');
    expect(joinKey('', 'x')).toBe('x');
  });
  it('maps keys under the prefix to local paths and refuses unsafe ones', () => {
    expect(localRelPath('results/gb3/replica-1/a.pdb', 'results')).toBe(['gb3', 'replica-1', 'a.pdb'].join(path.sep));
    expect(localRelPath('other/a', 'results')).toBeNull();
    expect(localRelPath('results/../etc/passwd', 'results')).toBeNull();
    expect(localRelPath('results/a//b', 'results')).toBeNull();
    expect(localRelPath('results/a\\b', 'results')).toBeNull();
    expect(localRelPath('results/C:x', 'results')).toBeNull();
    expect(localRelPath('a/b', '')).toBe(['a', 'b'].join(path.sep));
  });
  it('writes mtimes the way rclone stores them', () => {
    expect(rcloneMtime(1_700_000_000_123)).toBe('1700000000.123000000');
    expect(rcloneMtime(1_700_000_000_000)).toBe('1700000000.000000000');
  });
});
