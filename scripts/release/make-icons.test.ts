import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ROOT } from './electron-builder.config.mjs';
import { ICNS_TYPES, ICO_SIZES, LINUX_SIZES, PNG_SIGNATURE, encodePng, render } from './make-icons.mjs';

const resources = path.join(ROOT, 'resources');
const read = (rel: string) => fs.readFileSync(path.join(resources, rel));

/** [width, height] from a PNG's IHDR, after checking the signature and that IHDR comes first. */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('icons (committed outputs of make-icons.mjs)', () => {
  it('icon.png is 1024 px and the Linux set has every size, named NxN.png', () => {
    expect(pngSize(read('icon.png'))).toEqual([1024, 1024]);
    for (const s of LINUX_SIZES) expect(pngSize(read(`icons/${s}x${s}.png`))).toEqual([s, s]);
  });

  it.each(['icon.ico', 'file-icon.ico'])('%s has a PNG entry per size up to 256, where 0 means 256', (name) => {
    const ico = read(name);
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, ICO_SIZES.length]);
    const sizes = ICO_SIZES.map((_, i) => {
      const e = 6 + 16 * i;
      const [w, h, bytes, offset] = [ico[e]!, ico[e + 1]!, ico.readUInt32LE(e + 8), ico.readUInt32LE(e + 12)];
      expect(ico.readUInt16LE(e + 6)).toBe(32);
      const png = ico.subarray(offset, offset + bytes);
      expect(pngSize(png)).toEqual([w || 256, h || 256]);
      return w || 256;
    });
    expect(sizes).toEqual(ICO_SIZES);
  });

  it.each(['icon.icns', 'file-icon.icns'])('%s is an ICNS container whose PNG entries match their types', (name) => {
    const icns = read(name);
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const seen: [string, number][] = [];
    for (let at = 8; at < icns.length; ) {
      const type = icns.toString('latin1', at, at + 4);
      const length = icns.readUInt32BE(at + 4);
      seen.push([type, pngSize(icns.subarray(at + 8, at + length))[0]]);
      at += length;
    }
    expect(seen).toEqual(ICNS_TYPES);
    expect(seen.map(([t]) => t)).toEqual(expect.arrayContaining(['ic07', 'ic08', 'ic09', 'ic10', 'icp4', 'icp5', 'ic11', 'ic12']));
  });

  it('the rendered icon is opaque in the middle, transparent in the corners and anti-aliased at the edge', () => {
    const size = 64;
    const px = render(size);
    const alpha = (x: number, y: number) => px[(y * size + x) * 4 + 3]!;
    expect(alpha(32, 32)).toBe(255);
    expect(alpha(0, 0)).toBe(0);
    const edge = new Set(Array.from({ length: size }, (_, x) => alpha(x, 32 - 0)).filter((a) => a > 0 && a < 255));
    expect(edge.size).toBeGreaterThan(0);
  });

  it('encodePng writes a PNG zlib can read back to the same pixels', () => {
    const rgba = Buffer.from([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 1, 2, 3, 4]);
    const png = encodePng(rgba, 2, 2);
    expect(pngSize(png)).toEqual([2, 2]);
    const idatLength = png.readUInt32BE(33);
    const raw = zlib.inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw).toEqual(Buffer.from([0, ...rgba.subarray(0, 8), 0, ...rgba.subarray(8)]));
  });
});
