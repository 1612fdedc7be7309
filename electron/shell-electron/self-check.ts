// `SimDeck --self-check`: the packaging check starts the packaged app this way to prove it works under Electron's
// ABI without a window: the core starts as usual against a throwaway workspace, SQLite answers (projects.create +
// projects.list), and every native module in the unpacked app loads in the main process. One JSON line on stdout
// says how it went; the exit code is 0 or 1. A hung core fails the check after a time limit instead of hanging CI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Method } from '../../shared/contract.js';
import type { CoreCaller } from './ipc.js';
import { describe } from './log.js';

export const SELF_CHECK_FLAG = '--self-check';
export const SELF_CHECK_TIMEOUT_MS = 45_000;

export function isSelfCheck(argv: readonly string[]): boolean {
  return argv.includes(SELF_CHECK_FLAG);
}

/**
 * Native modules cannot load from inside an asar archive; electron-builder puts them in app.asar.unpacked next to
 * it. We map the path ourselves rather than rely on Electron's asar redirection, which the core's SQLite loader
 * (a plain path in SIMDECK_SQLITE_BINDING) would not get in every case.
 */
export function unpackedAppPath(appPath: string): string {
  return path.basename(appPath) === 'app.asar' ? `${appPath}.unpacked` : appPath;
}

/**
 * The packaging check reads stdout for the report, so the shell's and the core's log lines (console.log) go to
 * stderr in this mode. Only for the self-check process, which exits right after.
 */
export function keepStdoutForReport(): void {
  console.log = (...args: unknown[]) => console.error(...args);
  console.info = (...args: unknown[]) => console.error(...args);
}

export interface SelfCheckCore extends CoreCaller {
  start(): void;
  stop(): Promise<void>;
}

export interface SelfCheckOptions {
  /** Creates the core exactly as the app does, but for this workspace. */
  createCore(workspaceDir: string): SelfCheckCore;
  /** Where to look for *.node files (the unpacked app, or .electron-native in development). */
  nativeDir: string;
  version: string;
  timeoutMs?: number;
  loadNative?: (file: string) => void;
  write?: (line: string) => void;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  detail?: string;
}

/** Resolves to the exit code; never rejects. */
export async function runSelfCheck(options: SelfCheckOptions): Promise<0 | 1> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-self-check-'));
  const checks: CheckResult[] = [];
  const started: { core?: SelfCheckCore } = {};
  let failure: { check: string; message: string } | null = null;
  try {
    await withTimeout(runChecks(options, workspace, checks, started), options.timeoutMs ?? SELF_CHECK_TIMEOUT_MS);
  } catch (err) {
    failure = err instanceof CheckFailed ? { check: err.check, message: err.message } : { check: 'self-check', message: describe(err) };
  }
  await stopQuietly(started.core);
  fs.rmSync(workspace, { recursive: true, force: true, maxRetries: 3 });
  const report = { ok: !failure, version: options.version, electron: process.versions.electron ?? null, checks, ...failure };
  (options.write ?? ((line) => process.stdout.write(line)))(`${JSON.stringify(report)}\n`);
  return failure ? 1 : 0;
}

class CheckFailed extends Error {
  constructor(
    readonly check: string,
    message: string,
  ) {
    super(message);
  }
}

async function runChecks(options: SelfCheckOptions, workspace: string, checks: CheckResult[], started: { core?: SelfCheckCore }): Promise<void> {
  const load = options.loadNative ?? loadNativeModule;
  for (const file of nativeModules(options.nativeDir)) {
    const name = `native:${path.relative(options.nativeDir, file)}`;
    await check(checks, name, () => void load(file));
  }
  const core = options.createCore(workspace);
  started.core = core; // so it is stopped even when a check times out
  core.start();
  await check(checks, 'core', async () => `app.info ${String((await ask(core, 'app.info', {}) as { version?: unknown }).version)}`);
  await check(checks, 'sqlite', async () => {
    const created = (await ask(core, 'projects.create', { name: 'self-check' })) as { id: string };
    const listed = (await ask(core, 'projects.list', {})) as { id: string }[];
    if (!listed.some((p) => p.id === created.id)) throw new Error('projects.list does not show the project just created');
    return 'projects.create + projects.list';
  });
}

async function check(checks: CheckResult[], name: string, run: () => unknown): Promise<void> {
  try {
    const detail = await run();
    checks.push({ name, ok: true, ...(typeof detail === 'string' ? { detail } : {}) });
  } catch (err) {
    checks.push({ name, ok: false, detail: describe(err) });
    throw new CheckFailed(name, describe(err));
  }
}

async function ask(core: CoreCaller, method: Method, params: unknown): Promise<unknown> {
  const reply = await core.call(method, params);
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
  return reply.result;
}

/** Every *.node file under dir (none when it does not exist); symlinks are not followed. */
export function nativeModules(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.node'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function loadNativeModule(file: string): void {
  process.dlopen({ exports: {} }, file);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new CheckFailed('timeout', `the self-check did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The core gets a few seconds to close the workspace; a hung one must not keep the check from reporting. */
async function stopQuietly(core: SelfCheckCore | undefined): Promise<void> {
  if (!core) return;
  await withTimeout(core.stop(), 5000).catch(() => undefined);
}
