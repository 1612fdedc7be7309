#!/usr/bin/env node
// Renders SimDeck's icons procedurally and writes every size the packages need (no image tools, no dependencies):
// a rounded square in a deep-blue-to-teal gradient holding a fanned deck of cards, the front card marked with a
// benzene-like ring. Shapes are signed distance fields, so every size is drawn natively with exact anti-aliasing
// (no downscaling blur); sizes of 32 px and below drop the ring so the deck stays legible.
// Outputs (committed): resources/icon.png (1024), resources/icons/NxN.png (Linux), resources/icon.ico,
// resources/icon.icns, and the document icon resources/file-icon.{png,ico,icns} for associated files.
// Usage: node scripts/release/make-icons.mjs
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { ROOT } from './electron-builder.config.mjs';

export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
// ICNS PNG entry types and their pixel sizes (the @2x types are the Retina variants).
export const ICNS_TYPES = [
  ['icp4', 16], ['icp5', 32], ['icp6', 64], ['ic07', 128], ['ic08', 256], ['ic09', 512], ['ic10', 1024],
  ['ic11', 32], ['ic12', 64], ['ic13', 256], ['ic14', 512],
];

// ---------- signed distance functions (unit square coordinates, y down) ----------
const roundedBox = (px, py, cx, cy, hw, hh, r) => {
  const qx = Math.abs(px - cx) - hw + r;
  const qy = Math.abs(py - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const rotate = (px, py, cx, cy, deg) => {
  const a = (-deg * Math.PI) / 180;
  const dx = px - cx;
  const dy = py - cy;
  return [cx + dx * Math.cos(a) - dy * Math.sin(a), cy + dx * Math.sin(a) + dy * Math.cos(a)];
};
const hexagon = (px, py, cx, cy, r) => {
  // Exact SDF of a regular hexagon with circumradius r (pointy top).
  const k = [-0.866025404, 0.5, 0.577350269];
  let x = Math.abs(py - cy);
  let y = Math.abs(px - cx);
  const d = 2 * Math.min(k[0] * x + k[1] * y, 0);
  x -= d * k[0];
  y -= d * k[1];
  const ri = r * 0.866025404;
  x -= Math.min(Math.max(x, -k[2] * ri), k[2] * ri);
  y -= ri;
  return Math.hypot(x, y) * Math.sign(y);
};
const segment = (px, py, ax, ay, bx, by) => {
  const pax = px - ax;
  const pay = py - ay;
  const bax = bx - ax;
  const bay = by - ay;
  const h = Math.min(Math.max((pax * bax + pay * bay) / (bax * bax + bay * bay), 0), 1);
  return Math.hypot(pax - bax * h, pay - bay * h);
};

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);
const hex = (s) => [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16) / 255);
const DEEP = hex('#0b1f4d');
const TEAL = hex('#11a39b');
const CARD = hex('#f4f8fb');
const INK = hex('#0e6f8a');

/** Layers for one pixel, back to front: [distance in unit coords, rgb, alpha, optional edge softness]. */
function appIconLayers(x, y, small) {
  const half = small ? 0.47 : 0.41; // macOS/Windows large icons keep a margin; tiny ones use the whole square
  const bg = roundedBox(x, y, 0.5, 0.5, half, half, half * 0.45);
  const t = Math.min(Math.max((x + y - 0.2) / 1.6, 0), 1);
  const layers = [[bg, mix(DEEP, TEAL, t), 1]];
  const s = small ? 1.18 : 1; // cards grow when the margin goes
  const card = (cx, cy, deg, alpha) => {
    const [qx, qy] = rotate(x, y, 0.5 + (cx - 0.5) * s, 0.5 + (cy - 0.5) * s, deg);
    const d = roundedBox(qx, qy, 0.5 + (cx - 0.5) * s, 0.5 + (cy - 0.5) * s, 0.16 * s, 0.21 * s, 0.035 * s);
    return [d, CARD, alpha];
  };
  const shadow = (d) => [d - 0.012, [0, 0, 0], 0.22, 0.05]; // soft: fades over 0.05 of the icon
  const back = card(0.6, 0.44, 14, 0.45);
  const mid = card(0.54, 0.48, 5, 0.7);
  const front = card(0.46, 0.53, -7, 1);
  layers.push(back, shadow(mid[0]), mid, shadow(front[0]), front);
  if (!small) {
    // A six-ring with one substituent on the front card: "chemistry", drawn in the card's own frame.
    const [qx, qy] = rotate(x, y, 0.46, 0.53, -7);
    const ring = Math.abs(hexagon(qx, qy, 0.46, 0.56, 0.075)) - 0.011;
    const bond = segment(qx, qy, 0.46, 0.485, 0.46, 0.41) - 0.011;
    const atom = Math.hypot(qx - 0.46, qy - 0.4) - 0.026;
    layers.push([Math.min(ring, bond), INK, 1], [atom, TEAL, 1]);
  }
  return { layers, clip: bg };
}

/** Document icon: a page with a folded corner and the app mark in the middle. */
function fileIconLayers(x, y, small) {
  const page = roundedBox(x, y, 0.5, 0.5, 0.33, 0.43, 0.04);
  const cut = (x - y - 0.56) / Math.SQRT2; // the dog-ear: cut off the top-right corner along a diagonal
  const body = Math.max(page, cut);
  const layers = [[body, [0.97, 0.98, 0.99], 1], [Math.abs(body) - 0.006, [0.55, 0.6, 0.66], 1]];
  // The folded-over flap: the triangle under the cut (intersection of three half-planes).
  const flap = Math.max(y - 0.27, 0.63 - x, cut);
  layers.push([flap, [0.8, 0.84, 0.88], 1], [Math.abs(flap) - 0.005, [0.55, 0.6, 0.66], 1]);
  const inner = appIconLayers((x - 0.5) / 0.62 + 0.5, (y - 0.56) / 0.62 + 0.5, small);
  for (const [d, rgb, a] of inner.layers) layers.push([Math.max(d, inner.clip) * 0.62, rgb, a]);
  return { layers, clip: body };
}

/** RGBA pixels for one size. Coverage = distance to the edge in pixels, clamped: exact area AA for straight edges. */
export function render(size, kind = 'app') {
  const out = Buffer.alloc(size * size * 4);
  const small = size <= 32;
  const draw = kind === 'file' ? fileIconLayers : appIconLayers;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const x = (px + 0.5) / size;
      const y = (py + 0.5) / size;
      const { layers, clip } = draw(x, y, small);
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (const [d, rgb, alpha, soft = 0] of layers) {
        const dd = Math.max(d, clip);
        const c = Math.min(Math.max(0.5 - dd * Math.min(size, 1 / (soft || 1e-9)), 0), 1) * alpha;
        if (c <= 0) continue;
        // "over" compositing in premultiplied space
        r = rgb[0] * c + r * (1 - c);
        g = rgb[1] * c + g * (1 - c);
        b = rgb[2] * c + b * (1 - c);
        a = c + a * (1 - c);
      }
      const i = (py * size + px) * 4;
      out[i] = a > 0 ? Math.round((r / a) * 255) : 0;
      out[i + 1] = a > 0 ? Math.round((g / a) * 255) : 0;
      out[i + 2] = a > 0 ? Math.round((b / a) * 255) : 0;
      out[i + 3] = Math.round(a * 255);
    }
  }
  return out;
}

// ---------- PNG ----------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function encodePng(rgba, width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4); // filter 0
  const idat = zlib.deflateSync(raw, { level: 9 });
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

// ---------- ICO (PNG-compressed entries, Windows Vista and later) ----------
export function encodeIco(pngsBySize) {
  const sizes = Object.keys(pngsBySize).map(Number).sort((a, b) => a - b);
  const header = Buffer.alloc(6 + 16 * sizes.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(sizes.length, 4);
  let offset = header.length;
  sizes.forEach((size, i) => {
    const e = 6 + 16 * i;
    header[e] = size >= 256 ? 0 : size; // 0 means 256
    header[e + 1] = size >= 256 ? 0 : size;
    header.writeUInt16LE(1, e + 4); // planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(pngsBySize[size].length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += pngsBySize[size].length;
  });
  return Buffer.concat([header, ...sizes.map((s) => pngsBySize[s])]);
}

// ---------- ICNS (PNG entries) ----------
export function encodeIcns(pngsBySize, types = ICNS_TYPES) {
  const entries = types.map(([type, size]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + pngsBySize[size].length, 4);
    return Buffer.concat([head, pngsBySize[size]]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + entries.reduce((n, e) => n + e.length, 0), 4);
  return Buffer.concat([head, ...entries]);
}

export function makeIcons(outDir = path.join(ROOT, 'resources'), log = console.log) {
  const all = [...new Set([...LINUX_SIZES, ...ICO_SIZES, ...ICNS_TYPES.map(([, s]) => s)])];
  const pngs = (kind) => Object.fromEntries(all.map((s) => [s, encodePng(render(s, kind), s, s)]));
  const app = pngs('app');
  const file = pngs('file');
  const write = (rel, data) => {
    fs.mkdirSync(path.dirname(path.join(outDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(outDir, rel), data);
    log(`make-icons: wrote resources/${rel} (${data.length} bytes)`);
  };
  write('icon.png', app[1024]);
  for (const s of LINUX_SIZES) write(`icons/${s}x${s}.png`, app[s]);
  write('icon.ico', encodeIco(Object.fromEntries(ICO_SIZES.map((s) => [s, app[s]]))));
  write('icon.icns', encodeIcns(app));
  write('file-icon.png', file[512]);
  write('file-icon.ico', encodeIco(Object.fromEntries(ICO_SIZES.map((s) => [s, file[s]]))));
  write('file-icon.icns', encodeIcns(file));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  makeIcons();
}
