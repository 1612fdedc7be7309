import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Compressor } from './test-fixtures.js';
import { LIMITS, compress, pickleLike, readErrorOf, run, tempDir } from './test-fixtures.js';
import type { Layer } from './index.js';
import { unpack } from './index.js';

const payload = pickleLike(300_000, 3);
let dir = '';

function writeMember(name: string, data: Buffer): void {
  fs.writeFileSync(path.join(dir, name), data);
}

function zipOf(member: string, data: Buffer, ...args: string[]): Buffer {
  writeMember(member, data);
  const out = path.join(dir, `${member}-${Math.random().toString(36).slice(2)}.zip`);
  run('zip', ['-q', '-X', ...args, out, member], undefined, dir);
  return fs.readFileSync(out);
}

function tarOf(member: string, data: Buffer, ...args: string[]): Buffer {
  writeMember(member, data);
  return run('tar', ['-c', '-f', '-', ...args, member], undefined, dir);
}

/** Archives made the way pandas makes them (zipfile.writestr, tarfile.addfile in the default pax format). */
function pythonArchive(kind: 'zip' | 'tar', member: string, data: Buffer): Buffer {
  const script =
    kind === 'zip'
      ? `import sys, zipfile, io\nb = io.BytesIO()\nz = zipfile.ZipFile(b, 'w', compression=zipfile.ZIP_DEFLATED)\nz.writestr(sys.argv[1], sys.stdin.buffer.read())\nz.close()\nsys.stdout.buffer.write(b.getvalue())`
      : `import sys, tarfile, io\nd = sys.stdin.buffer.read()\nb = io.BytesIO()\nt = tarfile.open(fileobj=b, mode='w')\ni = tarfile.TarInfo(name=sys.argv[1])\ni.size = len(d)\nt.addfile(i, io.BytesIO(d))\nt.close()\nsys.stdout.buffer.write(b.getvalue())`;
  return run('python3', ['-c', script, member], data);
}

beforeAll(() => {
  dir = tempDir('unpack');
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('unpack round-trips what the real tools write', () => {
  const single: [string, Compressor, Layer][] = [
    ['scores.gz', 'gzip', 'gzip'],
    ['scores.bz2', 'bzip2', 'bzip2'],
    ['scores-1.bz2', 'bzip2-1', 'bzip2'],
    ['scores.xz', 'xz', 'xz'],
    ['scores.zst', 'zstd', 'zstd'],
  ];
  for (const [name, compressor, layer] of single) {
    it(`${name} (${compressor})`, async () => {
      const result = await unpack(compress(compressor, payload), name, LIMITS);
      expect(result.layers).toEqual([layer]);
      expect(result.innerName).toBe(name.replace(/\.[a-z0-9]+$/, ''));
      expect(result.data.equals(payload)).toBe(true);
    });
    it(`${name} of an empty file`, async () => {
      const result = await unpack(compress(compressor, Buffer.alloc(0)), name, LIMITS);
      expect(result.layers).toEqual([layer]);
      expect(result.data.length).toBe(0);
    });
  }

  it('a plain pickle is returned as is', async () => {
    const result = await unpack(payload, 'scores.pkl', LIMITS);
    expect(result).toMatchObject({ layers: [], innerName: 'scores.pkl' });
    expect(result.data).toBe(payload);
  });

  it('zip (one deflated member, Info-ZIP and Python zipfile) and stored members', async () => {
    for (const [bytes, label] of [
      [zipOf('scores.pkl', payload), 'zip -6'],
      [zipOf('scores.pkl', payload, '-0'), 'zip -0 (stored)'],
      [pythonArchive('zip', 'scores.pkl', payload), 'python zipfile'],
      [zipOf('empty.pkl', Buffer.alloc(0)), 'empty member'],
    ] as const) {
      const result = await unpack(bytes, 'scores.zip', LIMITS);
      expect(result.layers, label).toEqual(['zip']);
      expect(result.innerName, label).toMatch(/^(scores|empty)\.pkl$/);
      expect(result.data.equals(label === 'empty member' ? Buffer.alloc(0) : payload), label).toBe(true);
    }
  });

  it('tar in GNU, POSIX, v7 and Python (pax) formats', async () => {
    for (const format of ['gnu', 'posix', 'ustar', 'v7']) {
      const bytes = tarOf('scores.pkl', payload, `--format=${format}`);
      const result = await unpack(bytes, 'scores.tar', LIMITS);
      expect(result.layers, format).toEqual(['tar']);
      expect(result.innerName, format).toBe('scores.pkl');
      expect(result.data.equals(payload), format).toBe(true);
    }
    const python = await unpack(pythonArchive('tar', 'scores', payload), 'scores.tar', LIMITS);
    expect(python.innerName).toBe('scores');
    expect(python.data.equals(payload)).toBe(true);
  });

  it('tar inside every compression, by magic and by name', async () => {
    const tar = tarOf('scores.pkl', payload);
    const cases: [string, Compressor, Layer][] = [
      ['scores.tar.gz', 'gzip', 'gzip'],
      ['scores.tgz', 'gzip', 'gzip'],
      ['scores.tar.bz2', 'bzip2', 'bzip2'],
      ['scores.tar.xz', 'xz', 'xz'],
      ['scores.tar.zst', 'zstd', 'zstd'],
    ];
    for (const [name, compressor, layer] of cases) {
      const result = await unpack(compress(compressor, tar), name, LIMITS);
      expect(result.layers, name).toEqual([layer, 'tar']);
      expect(result.innerName, name).toBe('scores.pkl');
      expect(result.data.equals(payload), name).toBe(true);
    }
    // A v7 tar has no signature: only the name says it is one.
    const v7 = compress('xz', tarOf('scores.pkl', payload, '--format=v7'));
    expect((await unpack(v7, 'scores.tar.xz', LIMITS)).layers).toEqual(['xz', 'tar']);
  });

  it('renamed files: the bytes decide', async () => {
    const xzNamedGz = await unpack(compress('xz', payload), 'scores.gz', LIMITS);
    expect(xzNamedGz.layers).toEqual(['xz']);
    expect(xzNamedGz.innerName).toBe('scores');
    const gzNamedPkl = await unpack(compress('gzip', payload), 'scores.pkl', LIMITS);
    expect(gzNamedPkl).toMatchObject({ layers: ['gzip'], innerName: 'scores.pkl' });
  });

  it('nested layers: a gzip member inside a zip, gzip inside xz', async () => {
    const zipped = zipOf('scores.pkl.gz', compress('gzip', payload));
    const result = await unpack(zipped, 'scores.zip', LIMITS);
    expect(result).toMatchObject({ layers: ['zip', 'gzip'], innerName: 'scores.pkl' });
    expect(result.data.equals(payload)).toBe(true);
    const twice = await unpack(compress('xz', compress('gzip', payload)), 'scores.gz.xz', LIMITS);
    expect(twice.layers).toEqual(['xz', 'gzip']);
    expect(twice.data.equals(payload)).toBe(true);
  });

  it('concatenated gzip members, bzip2 streams (mixed levels), xz streams and zstd frames', async () => {
    const a = payload.subarray(0, 100_000);
    const b = payload.subarray(100_000);
    for (const [name, first, second] of [
      ['x.gz', 'gzip', 'gzip'],
      ['x.bz2', 'bzip2-1', 'bzip2'],
      ['x.xz', 'xz', 'xz'],
      ['x.zst', 'zstd', 'zstd'],
    ] as const) {
      const joined = Buffer.concat([compress(first, a), compress(second, b)]);
      expect((await unpack(joined, name, LIMITS)).data.equals(payload), name).toBe(true);
    }
  });

  it('bzip2: trailing bytes that cannot start a stream are ignored, as Python does', async () => {
    const result = await unpack(Buffer.concat([compress('bzip2', payload), Buffer.from('junk after the end')]), 'x.bz2', LIMITS);
    expect(result.data.equals(payload)).toBe(true);
  });

  it('output exactly at the cap passes; one byte more is refused, for every layer', async () => {
    const atCap = { ...LIMITS, maxDecompressedBytes: payload.length };
    const below = { ...LIMITS, maxDecompressedBytes: payload.length - 1 };
    const files: [string, Buffer][] = [
      ['x.gz', compress('gzip', payload)],
      ['x.bz2', compress('bzip2', payload)],
      ['x.xz', compress('xz', payload)],
      ['x.zst', compress('zstd', payload)],
      ['x.zip', zipOf('scores.pkl', payload)],
    ];
    for (const [name, bytes] of files) {
      expect((await unpack(bytes, name, atCap)).data.length, name).toBe(payload.length);
      const error = await readErrorOf(unpack(bytes, name, below));
      expect(error.kind, name).toBe('too-large');
      expect(error.message).toContain(`Decompressing ${name} would produce more than 0.3 MB`);
      expect(error.message).toContain('If this is a genuine file, raise the limit with');
    }
  });

  it('refuses a file larger than maxFileBytes before looking at it', async () => {
    const error = await readErrorOf(unpack(payload, 'scores.pkl', { ...LIMITS, maxFileBytes: 1000 }));
    expect(error.kind).toBe('too-large');
    expect(error.message).toContain('maxFileBytes');
  });

  it('refuses absurd nesting', async () => {
    let data = Buffer.from('pickle');
    for (let i = 0; i < 9; i++) data = zlib.gzipSync(data);
    expect((await readErrorOf(unpack(data, 'x.gz', LIMITS))).kind).toBe('hostile');
  });
});

describe('damaged files give the right kind of error and say what happened', () => {
  const kinds: [string, () => Buffer, string][] = [
    ['scores.gz', () => compress('gzip', payload), 'gzip'],
    ['scores.bz2', () => compress('bzip2', payload), 'bzip2'],
    ['scores.xz', () => compress('xz', payload), 'xz'],
    ['scores.zst', () => compress('zstd', payload), 'zstd (Zstandard)'],
    ['scores.zip', () => zipOf('scores.pkl', payload), 'zip'],
    ['scores.tar', () => tarOf('scores.pkl', payload), 'tar'],
  ];
  for (const [name, make, title] of kinds) {
    it(`${name} cut short`, async () => {
      const whole = make();
      // For a tar, the zero blocks after the member may go missing without loss; cutting its data may not.
      const last = name.endsWith('.tar') ? 512 + payload.length - 1 : whole.length - 1;
      for (const keep of [Math.floor(whole.length * 0.6), last, 3]) {
        const error = await readErrorOf(unpack(whole.subarray(0, keep), name, LIMITS));
        expect(error.kind, `${name} cut to ${keep}`).toBe('truncated');
        expect(error.message).toBe(
          `${name} is not a complete ${title} file (it ends early): was it still being written or cut off in a copy?`,
        );
      }
    });

    it(`${name} with damaged contents`, async () => {
      const whole = make();
      const damaged = Buffer.from(whole);
      // Inside the compressed data (for tar: inside the header, whose checksum guards it).
      const at = name.endsWith('.tar') ? 20 : Math.floor(whole.length / 2);
      damaged[at] = damaged[at]! ^ 0x55;
      const error = await readErrorOf(unpack(damaged, name, LIMITS));
      expect(error.kind, name).toBe('corrupt');
      expect(error.message).toMatch(new RegExp(`^${name.replace('.', '\\.')} is not a valid ${title.replace(/[()]/g, '\\$&')} file: .+\\. It is probably damaged`));
    });

    it(`${name} holding random bytes`, async () => {
      const error = await readErrorOf(unpack(pickleLike(5000, 9).subarray(2), name, LIMITS));
      expect(error.kind, name).toBe('corrupt');
      expect(error.message).toContain(name);
    });
  }

  it('a damaged tar inside a .tar.gz names both', async () => {
    const tar = Buffer.from(tarOf('scores.pkl', payload));
    tar[30] = tar[30]! ^ 0x55;
    const error = await readErrorOf(unpack(compress('gzip', tar), 'scores.tar.gz', LIMITS));
    expect(error.kind).toBe('corrupt');
    expect(error.message).toMatch(/^scores\.tar \(inside scores\.tar\.gz\) is not a valid tar file/);
  });

  it('a zip member whose checksum does not match is corrupt', async () => {
    const zip = Buffer.from(zipOf('scores.pkl', payload, '-0'));
    zip[1000] = zip[1000]! ^ 0x01; // stored data: decodes fine, only the CRC32 notices
    const error = await readErrorOf(unpack(zip, 'scores.zip', LIMITS));
    expect(error.kind).toBe('corrupt');
    expect(error.message).toContain('checksum of "scores.pkl" does not match');
  });

  it('a zstd frame whose content checksum does not match is corrupt', async () => {
    const zst = Buffer.from(compress('zstd', payload));
    zst[zst.length - 2] = zst[zst.length - 2]! ^ 0x01; // the stored XXH64 itself
    const error = await readErrorOf(unpack(zst, 'scores.zst', LIMITS));
    expect(error.kind).toBe('corrupt');
    expect(error.message).toContain('checksum does not match');
  });
});
