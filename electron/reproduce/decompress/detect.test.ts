import { describe, expect, it } from 'vitest';
import { detectLayers, innerNameAfterCompression } from './detect.js';

const gzipHead = Buffer.from([0x1f, 0x8b, 8, 0]);
const bzipHead = Buffer.from('BZh91AY&SY');
const xzHead = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 4]);
const zstdHead = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x24]);
const zipHead = Buffer.from('PK\x03\x04\x14\x00', 'latin1');
const tarHead = Buffer.alloc(512);
tarHead.write('ustar\0', 257, 'latin1');
const pickleHead = Buffer.from([0x80, 0x04, 0x95]);

describe('detectLayers', () => {
  it('trusts magic bytes for the outer layer and the name for what is inside', () => {
    expect(detectLayers('scores.tar.xz', xzHead)).toEqual(['xz', 'tar']);
    expect(detectLayers('scores.tar.gz', gzipHead)).toEqual(['gzip', 'tar']);
    expect(detectLayers('scores.tgz', gzipHead)).toEqual(['gzip', 'tar']);
    expect(detectLayers('scores.tar.bz2', bzipHead)).toEqual(['bzip2', 'tar']);
    expect(detectLayers('decoy.pdb.bz2', bzipHead)).toEqual(['bzip2']);
    expect(detectLayers('scores.zst', zstdHead)).toEqual(['zstd']);
    expect(detectLayers('scores.zip', zipHead)).toEqual(['zip']);
    expect(detectLayers('scores.tar', tarHead)).toEqual(['tar']);
  });

  it('lets the bytes win over a misleading name', () => {
    expect(detectLayers('scores.gz', xzHead)).toEqual(['xz']);
    expect(detectLayers('scores.pkl', gzipHead)).toEqual(['gzip']);
    expect(detectLayers('scores.gz', tarHead)).toEqual(['tar']);
  });

  it('falls back to the extension when no signature matches', () => {
    expect(detectLayers('scores.pkl', pickleHead)).toEqual([]);
    expect(detectLayers('decoy.pdb', Buffer.from('ATOM      1  N'))).toEqual([]);
    expect(detectLayers('old-v7.tar', Buffer.alloc(512, 0x41))).toEqual(['tar']);
    expect(detectLayers('scores.TAR.GZ', Buffer.alloc(0))).toEqual(['gzip', 'tar']);
    expect(detectLayers('.gz', Buffer.alloc(0))).toEqual([]);
  });

  it('names what is inside a compression layer', () => {
    expect(innerNameAfterCompression('scores.tar.gz')).toBe('scores.tar');
    expect(innerNameAfterCompression('x.tgz')).toBe('x.tar');
    expect(innerNameAfterCompression('decoy.pdb.bz2')).toBe('decoy.pdb');
    expect(innerNameAfterCompression('renamed.pkl')).toBe('renamed.pkl');
  });
});
