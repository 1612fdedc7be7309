// `simdeck inspect` / `simdeck recreate` for headless use. Stub managers from e2e/stubs stand in for conda & co.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureDir, recordFor, writeDecoy, writeJsonScorefile } from '../reproduce/testing/fixtures.js';
import { parseArgs, type InspectArgs, type RecreateArgs } from './args.js';
import { inspectCommand, recreateCommand } from './reproduce-commands.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const fresh = () => {
  const d = fixtureDir('simdeck-cli-');
  dirs.push(d);
  return d;
};

function capture() {
  let out = '';
  let err = '';
  return { out: (t: string) => void (out += t), err: (t: string) => void (err += t), text: () => ({ out, err }) };
}

describe('simdeck inspect', () => {
  it('--json prints the record itself plus warnings', async () => {
    const record = recordFor('uv', { instance: { sha1: '' } });
    const file = writeDecoy(fresh(), record, { bz2: true });
    const io = capture();
    expect(await inspectCommand(parseArgs(['inspect', file, '--json']) as InspectArgs, io.out, io.err)).toBe(0);
    const printed = JSON.parse(io.text().out);
    expect(Object.keys(printed)).toEqual(['instance', 'metadata', 'scores', 'warnings']);
    expect(printed.instance).toEqual(record.instance);
    expect(printed.metadata).toEqual(record.metadata);
    expect(printed.warnings.map((w: { code: string }) => w.code)).toContain('sha1-empty');
  });

  it('prints a readable summary with each warning and what to do', async () => {
    const file = writeDecoy(fresh(), recordFor('legacy-conda'));
    const io = capture();
    expect(await inspectCommand(parseArgs(['inspect', file]) as InspectArgs, io.out, io.err)).toBe(0);
    expect(io.text().out).toMatch(/Decoy\s+\S+/);
    expect(io.text().out).toMatch(/legacy record: assumed conda/);
    expect(io.text().out).toMatch(/Warning: .*\n\s+What to do: /);
  });

  it('lists the decoys of a scorefile and asks for --decoy', async () => {
    const [a, b] = [recordFor('conda'), recordFor('pixi')];
    const file = writeJsonScorefile(fresh(), [a, b]);
    const io = capture();
    expect(await inspectCommand(parseArgs(['inspect', file]) as InspectArgs, io.out, io.err)).toBe(0);
    expect(io.text().out).toContain(String(a.metadata.decoy_name));
    expect(io.text().out).toContain('--decoy NAME');
    const json = capture();
    expect(await inspectCommand(parseArgs(['inspect', file, '--json']) as InspectArgs, json.out, json.err)).toBe(2);
    const one = capture();
    expect(await inspectCommand(parseArgs(['inspect', file, '--json', '--decoy', String(b.metadata.decoy_name)]) as InspectArgs, one.out, one.err)).toBe(0);
    expect(JSON.parse(one.text().out).metadata.environment_manager).toBe('pixi');
  });
});

describe('simdeck recreate', () => {
  it('refuses to run without --yes when nobody can answer, and runs the stub manager with --yes', async () => {
    const dir = fresh();
    const file = writeDecoy(dir, recordFor('pixi'));
    const envDir = path.join(dir, 'env');
    const stubLog = path.join(dir, 'stub.log');
    const saved = { PATH: process.env.PATH };
    process.env.PATH = `${path.resolve(__dirname, '../../e2e/stubs')}:${saved.PATH}`;
    process.env.SIMDECK_STUB_LOG = stubLog;
    try {
      const noYes = capture();
      expect(await recreateCommand(parseArgs(['recreate', file, '--dir', envDir]) as RecreateArgs, noYes.out, noYes.err)).toBe(2);
      expect(noYes.text().err).toMatch(/--yes/);
      expect(fs.existsSync(envDir)).toBe(false);

      const io = capture();
      expect(await recreateCommand(parseArgs(['recreate', file, '--dir', envDir, '--yes']) as RecreateArgs, io.out, io.err)).toBe(0);
      expect(io.text().out).toContain('Command:  pixi install --frozen');
      expect(fs.readdirSync(envDir).sort()).toEqual(expect.arrayContaining(['environment_metadata.json', 'pixi.lock', 'pixi.toml']));
      const calls = fs.readFileSync(stubLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[]; cwd: string });
      expect(calls.filter((c) => c.argv[1] !== '--version')).toEqual([expect.objectContaining({ argv: ['pixi', 'install', '--frozen'], cwd: envDir })]);
      expect(fs.existsSync(`${envDir}.recreate.log`)).toBe(true);
    } finally {
      process.env.PATH = saved.PATH;
      delete process.env.SIMDECK_STUB_LOG;
    }
  });
});
