// Archives that are not "one regular file" are refused by name, as pandas refuses them; hostile member names
// are only ever labels, never paths that get written.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, pickleLike, readErrorOf, run, tempDir } from './test-fixtures.js';
import { unpack } from './index.js';

const payload = pickleLike(50_000, 5);
let dir = '';

beforeAll(() => {
  dir = tempDir('archives');
  fs.mkdirSync(path.join(dir, 'results'));
  fs.writeFileSync(path.join(dir, 'results', 'scores.pkl'), payload);
  fs.writeFileSync(path.join(dir, 'scores.pkl'), payload);
  fs.writeFileSync(path.join(dir, 'other.pkl'), payload.subarray(0, 100));
  fs.mkdirSync(path.join(dir, 'empty-folder'));
  fs.symlinkSync('scores.pkl', path.join(dir, 'link.pkl'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `zip -q -X ARGS` in the fixture folder and returns the archive named among ARGS. */
function zip(...args: string[]): Buffer {
  run('zip', ['-q', '-X', ...args], undefined, dir);
  return fs.readFileSync(path.join(dir, args.find((a) => a.endsWith('.zip'))!));
}
const tar = (...args: string[]): Buffer => run('tar', ['-c', '-f', '-', ...args], undefined, dir);
const python = (script: string): Buffer => run('python3', ['-c', script], undefined, dir);

describe('zip archives', () => {
  it('with two members are refused, naming both', async () => {
    const error = await readErrorOf(unpack(zip('two.zip', 'scores.pkl', 'other.pkl'), 'two.zip', LIMITS));
    expect(error.kind).toBe('unsupported');
    expect(error.message).toContain('two.zip: the zip archive holds 2 entries ("scores.pkl", "other.pkl")');
  });

  it('with a folder entry are refused (pandas counts it as a member too)', async () => {
    const error = await readErrorOf(unpack(zip('-r', 'folder.zip', 'results'), 'folder.zip', LIMITS));
    expect(error.kind).toBe('unsupported');
    expect(error.message).toContain('("results/", "results/scores.pkl")');
    const only = await readErrorOf(unpack(zip('-r', 'only-folder.zip', 'empty-folder'), 'only-folder.zip', LIMITS));
    expect(only.message).toContain('holds only the folder "empty-folder/"');
  });

  it('in ZIP64 form are refused clearly', async () => {
    const error = await readErrorOf(unpack(zip('-fz', 'z64.zip', 'scores.pkl'), 'z64.zip', LIMITS));
    expect(error.kind).toBe('unsupported');
    expect(error.message).toContain('ZIP64');
  });

  it('that are empty, encrypted or use another compression method are refused clearly', async () => {
    const empty = Buffer.concat([Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]);
    expect((await readErrorOf(unpack(empty, 'empty.zip', LIMITS))).message).toContain('the zip archive is empty');
    const encrypted = await readErrorOf(unpack(zip('-P', 'secret', 'enc.zip', 'scores.pkl'), 'enc.zip', LIMITS));
    expect(encrypted).toMatchObject({ kind: 'unsupported' });
    expect(encrypted.message).toContain('encrypted');
    const bzip2 = python(
      "import sys, zipfile, io\nb = io.BytesIO()\nz = zipfile.ZipFile(b, 'w', compression=zipfile.ZIP_BZIP2)\n" +
        "z.write('scores.pkl')\nz.close()\nsys.stdout.buffer.write(b.getvalue())",
    );
    const method = await readErrorOf(unpack(bzip2, 'bz.zip', LIMITS));
    expect(method.kind).toBe('unsupported');
    expect(method.message).toContain('compressed with bzip2');
  });

  it('with a comment are read', async () => {
    run('zip', ['-q', '-X', '-z', 'commented.zip', 'scores.pkl'], Buffer.from('a comment\n.\n'), dir);
    const result = await unpack(fs.readFileSync(path.join(dir, 'commented.zip')), 'commented.zip', LIMITS);
    expect(result.data.equals(payload)).toBe(true);
  });

  it('whose directory understates the member size are corrupt, and inflating stops at the stated size', async () => {
    const bytes = Buffer.from(zip('lying.zip', 'scores.pkl'));
    const central = bytes.lastIndexOf(Buffer.from('PK\x01\x02', 'latin1'));
    bytes.writeUInt32LE(1000, central + 24);
    const error = await readErrorOf(unpack(bytes, 'lying.zip', LIMITS));
    expect(error.kind).toBe('corrupt');
    expect(error.message).toContain('inflates to more than the 1000 bytes its directory entry says');
  });

  it('with a path-traversal member name are read as data, and nothing is written', async () => {
    const name = `../../simdeck-evil-${process.pid}.txt`;
    const bytes = python(
      `import sys, zipfile, io\nb = io.BytesIO()\nz = zipfile.ZipFile(b, 'w')\nz.writestr(${JSON.stringify(name)}, b'owned')\n` +
        'z.close()\nsys.stdout.buffer.write(b.getvalue())',
    );
    const result = await unpack(bytes, 'evil.zip', LIMITS);
    expect(result.innerName).toBe(name);
    expect(result.data.toString()).toBe('owned');
    expect(fs.existsSync(path.resolve(dir, name))).toBe(false);
    expect(fs.existsSync(path.resolve(name))).toBe(false);
  });
});

describe('tar archives', () => {
  it('with two members are refused, naming both', async () => {
    const error = await readErrorOf(unpack(tar('scores.pkl', 'other.pkl'), 'two.tar', LIMITS));
    expect(error.kind).toBe('unsupported');
    expect(error.message).toContain('two.tar: the tar archive holds 2 entries ("scores.pkl", "other.pkl")');
  });

  it('with folders, links or nothing regular are refused', async () => {
    const folder = await readErrorOf(unpack(tar('results'), 'folder.tar', LIMITS));
    expect(folder.message).toContain('("results/", "results/scores.pkl")');
    const onlyFolder = await readErrorOf(unpack(tar('empty-folder'), 'f.tar', LIMITS));
    expect(onlyFolder.message).toContain('"empty-folder/", is a folder, not a file');
    const link = await readErrorOf(unpack(tar('link.pkl'), 'link.tar', LIMITS));
    expect(link.message).toContain('"link.pkl", is a symbolic link, not a file');
    const nothing = await readErrorOf(unpack(Buffer.alloc(10240), 'empty.tar', LIMITS));
    expect(nothing.message).toContain('holds no files');
  });

  it('long member names through GNU and pax headers', async () => {
    const longName = `${'a-very-long-directory-name/'.repeat(6)}scores.pkl`;
    fs.mkdirSync(path.join(dir, path.dirname(longName)), { recursive: true });
    fs.writeFileSync(path.join(dir, longName), payload);
    for (const format of ['gnu', 'pax']) {
      const result = await unpack(tar(`--format=${format}`, longName), 'long.tar', LIMITS);
      expect(result.innerName, format).toBe(longName);
      expect(result.data.equals(payload), format).toBe(true);
    }
  });

  it('without the closing zero blocks are read (as Python tarfile does)', async () => {
    const whole = tar('scores.pkl');
    const end = 512 + Math.ceil(payload.length / 512) * 512;
    expect((await unpack(whole.subarray(0, end), 'x.tar', LIMITS)).data.equals(payload)).toBe(true);
  });

  it('with path-traversal or absolute member names are read as data, and nothing is written', async () => {
    const evil = `../../simdeck-evil-${process.pid}`;
    const result = await unpack(tar('-P', '--transform', `s,^,${evil}/,`, 'scores.pkl'), 'evil.tar', LIMITS);
    expect(result.innerName).toBe(`${evil}/scores.pkl`);
    expect(result.data.equals(payload)).toBe(true);
    expect(fs.existsSync(path.resolve(dir, evil))).toBe(false);
    expect(fs.existsSync(path.resolve(evil))).toBe(false);
    const absolute = await unpack(tar('-P', '--transform', 's,^,/etc/simdeck-evil/,', 'scores.pkl'), 'abs.tar', LIMITS);
    expect(absolute.innerName).toBe('/etc/simdeck-evil/scores.pkl');
    expect(fs.existsSync('/etc/simdeck-evil')).toBe(false);
  });
});
