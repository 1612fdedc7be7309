import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Envelope } from '../../shared/transport.js';
import { isSelfCheck, keepStdoutForReport, nativeModules, runSelfCheck, unpackedAppPath, type SelfCheckCore, type SelfCheckOptions } from './self-check.js';

let native = '';
let lines: string[];
let workspaces: string[];

/** A core that answers like the real one, keeping projects in memory. */
function fakeCore(overrides: Partial<Record<string, () => Promise<Envelope>>> = {}): SelfCheckCore & { stop: ReturnType<typeof vi.fn> } {
  const projects: { id: string }[] = [];
  const answers: Record<string, (params: unknown) => Promise<Envelope>> = {
    'app.info': () => Promise.resolve({ ok: true, result: { version: '0.1.0' } }),
    'projects.create': () => {
      projects.push({ id: `p${projects.length + 1}` });
      return Promise.resolve({ ok: true, result: projects.at(-1) });
    },
    'projects.list': () => Promise.resolve({ ok: true, result: projects }),
    ...overrides,
  };
  return { start: vi.fn(), stop: vi.fn(() => Promise.resolve()), call: vi.fn((method: string, params: unknown) => answers[method]!(params)) };
}

function options(core: SelfCheckCore, extra: Partial<SelfCheckOptions> = {}): SelfCheckOptions {
  return {
    createCore: (dir) => {
      workspaces.push(dir);
      return core;
    },
    nativeDir: native,
    version: '0.1.0',
    loadNative: vi.fn(),
    write: (line) => void lines.push(line),
    ...extra,
  };
}
const report = () => JSON.parse(lines[0]!) as Record<string, unknown> & { checks: { name: string; ok: boolean }[] };

beforeEach(() => {
  native = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-unpacked-'));
  fs.mkdirSync(path.join(native, 'node_modules', 'better-sqlite3', 'build', 'Release'), { recursive: true });
  fs.writeFileSync(path.join(native, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), '');
  fs.writeFileSync(path.join(native, 'README.md'), '');
  lines = [];
  workspaces = [];
});
afterEach(() => {
  vi.useRealTimers();
  fs.rmSync(native, { recursive: true, force: true });
});

describe('runSelfCheck', () => {
  it('prints one JSON line with every check passed, stops the core and removes its workspace', async () => {
    const core = fakeCore();
    const opts = options(core);
    expect(await runSelfCheck(opts)).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\{.*\}\n$/);
    expect(report()).toMatchObject({ ok: true, version: '0.1.0' });
    expect('electron' in report()).toBe(true);
    expect(report().checks.map((c) => [c.name, c.ok])).toEqual([
      [`native:${path.join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')}`, true],
      ['core', true],
      ['sqlite', true],
    ]);
    expect(opts.loadNative).toHaveBeenCalledWith(path.join(native, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
    expect(core.call).toHaveBeenCalledWith('projects.create', { name: 'self-check' });
    expect(core.stop).toHaveBeenCalled();
    expect(fs.existsSync(workspaces[0]!)).toBe(false);
  });

  it('fails on a native module that does not load, before starting the core', async () => {
    const core = fakeCore();
    const loadNative = vi.fn(() => {
      throw new Error('was compiled against a different Node.js version (NODE_MODULE_VERSION 115)');
    });
    expect(await runSelfCheck(options(core, { loadNative }))).toBe(1);
    expect(report()).toMatchObject({ ok: false, check: expect.stringMatching(/^native:.*better_sqlite3\.node$/), message: expect.stringContaining('NODE_MODULE_VERSION') });
    expect(core.start).not.toHaveBeenCalled();
  });

  it('loads with process.dlopen by default: a file that is not a shared library fails', async () => {
    const core = fakeCore();
    expect(await runSelfCheck(options(core, { loadNative: undefined }))).toBe(1);
    expect(report()).toMatchObject({ ok: false, check: expect.stringMatching(/^native:/), message: expect.any(String) });
  });

  it('fails when SQLite does not work in the core', async () => {
    const core = fakeCore({ 'projects.create': () => Promise.resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'better_sqlite3.node: invalid ELF header' } }) });
    expect(await runSelfCheck(options(core))).toBe(1);
    expect(report()).toMatchObject({ ok: false, check: 'sqlite', message: expect.stringContaining('invalid ELF header') });
    expect(core.stop).toHaveBeenCalled();
  });

  it('fails after the time limit when the core never answers, and still stops it', async () => {
    vi.useFakeTimers();
    const core = fakeCore({ 'app.info': () => new Promise<Envelope>(() => {}) });
    const done = runSelfCheck(options(core, { timeoutMs: 45_000 }));
    await vi.advanceTimersByTimeAsync(45_000);
    expect(await done).toBe(1);
    expect(report()).toMatchObject({ ok: false, check: 'timeout', message: expect.stringContaining('45 s') });
    expect(core.stop).toHaveBeenCalled();
  });

  it('reports even when the core does not stop', async () => {
    vi.useFakeTimers();
    const core = fakeCore();
    core.stop.mockReturnValue(new Promise(() => {}));
    const done = runSelfCheck(options(core));
    await vi.advanceTimersByTimeAsync(5000);
    expect(await done).toBe(0);
    expect(lines).toHaveLength(1);
  });
});

describe('helpers', () => {
  it('sends console.log to stderr so stdout carries only the report', () => {
    const { log, info } = console;
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      keepStdoutForReport();
      console.log('core ready');
      console.info('hello');
      expect(error).toHaveBeenCalledWith('core ready');
      expect(error).toHaveBeenCalledWith('hello');
    } finally {
      Object.assign(console, { log, info });
      error.mockRestore();
    }
  });

  it('recognises --self-check', () => {
    expect(isSelfCheck(['/opt/SimDeck/simdeck', '--self-check'])).toBe(true);
    expect(isSelfCheck(['/opt/SimDeck/simdeck'])).toBe(false);
  });

  it('maps app.asar to app.asar.unpacked, where native modules are', () => {
    expect(unpackedAppPath(path.join('/opt/SimDeck/resources', 'app.asar'))).toBe(path.join('/opt/SimDeck/resources', 'app.asar.unpacked'));
    expect(unpackedAppPath('/src/simdeck')).toBe('/src/simdeck');
    expect(unpackedAppPath('/opt/SimDeck/resources/app')).toBe('/opt/SimDeck/resources/app');
  });

  it('finds *.node files and nothing in a missing directory', () => {
    expect(nativeModules(native)).toEqual([path.join(native, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')]);
    expect(nativeModules(path.join(native, 'missing'))).toEqual([]);
  });
});
