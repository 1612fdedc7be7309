// The reproduce backend behind the contract's reproduce.* calls: read a result file, show its record, plan and
// run environment recreation, write and run the reproduce() script, and compare the reproduced decoy.
// Every run streams its output as run.output events and ends with run.finished; every run is also recorded in
// the activity log with its exact command.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventName, EventPayload, Result } from '../../shared/contract.js';
import { ApiError } from '../../shared/errors.js';
import type { EnvironmentManager, InstalledManager, RecordView, RunInfo } from '../../shared/reproduce.js';
import type { ActivityRecorder, Logger } from '../core/adapter.js';
import { commandLine } from '../core/shell-quote.js';
import { pickleScoresWarning, toRecordView } from './record/index.js';
import { detectManagers, planRecreate, runOptionsForPlan, startRun, writeRecreateFiles, type RunHandle } from './recreate/index.js';
import { compareRecords, gitCommands, reproduceScript, runCommand } from './script/index.js';
import { readLimited, resolveSource, type FileSource, type ResolvedFile } from './sources.js';
import { DEFAULT_LIMITS, ReadError, type RawRecord, type ReadLimits, type ReadResult } from './types.js';

export interface ReproduceDeps {
  workspaceDir: string;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  activity: ActivityRecorder;
  settings: { get(key: string): string | undefined; set(key: string, value: string): void };
  assertProject(id: string): void;
  log: Logger;
  limits?: ReadLimits;
  env?: NodeJS.ProcessEnv;
}

type InspectResult = Result<'reproduce.inspect'>;

/** Saved next to the generated script, so "Run" repeats exactly what "Generate" showed. */
interface ReproducePlanFile {
  repoUrl: string;
  sha1: string;
  repoDir: string;
  scriptPath: string;
  envDir: string;
  manager: EnvironmentManager;
  gitSteps: { argv: string[]; cwd: string | null }[];
  run: { argv: string[]; cwd: string | null; env: Record<string, string> };
}
const PLAN_FILE = 'simdeck-reproduce.json';

export class ReproduceService {
  private readonly cache = new Map<string, ReadResult>();
  private readonly runs = new Map<string, RunHandle>();
  private managersCache?: { at: number; value: Promise<InstalledManager[]> };

  constructor(private readonly deps: ReproduceDeps) {}

  private get limits() {
    return this.deps.limits ?? DEFAULT_LIMITS;
  }
  private get env() {
    return this.deps.env ?? process.env;
  }

  /** Reads a file once per version of it (path, size, mtime): switching decoys in a big scorefile is instant. */
  private async read(source: FileSource): Promise<{ file: ResolvedFile; result: ReadResult }> {
    const file = resolveSource(source, this.deps.workspaceDir);
    const st = fs.statSync(file.path);
    const key = `${file.path}:${st.size}:${st.mtimeMs}`;
    let result = this.cache.get(key);
    if (!result) {
      try {
        // Loaded on first use: the decompressors are not needed to start SimDeck.
        const { readResultFile } = await import('./readers/index.js');
        result = await readResultFile(readLimited(file, this.limits), file.name, this.limits);
      } catch (err) {
        throw asApiError(err, file.name);
      }
      if (this.cache.size >= 8) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, result);
    }
    return { file, result };
  }

  private pick(result: ReadResult, fileName: string, decoyName?: string): { raw: RawRecord; view: RecordView } | null {
    if (result.records.length === 0) return null;
    const entry = decoyName ? result.records.find((r) => r.decoyName === decoyName) : result.records[0];
    if (!entry) {
      const some = result.records.slice(0, 3).map((r) => r.decoyName).join(', ');
      throw new ApiError('NOT_FOUND', `${fileName} has no decoy named "${decoyName}". It has ${result.records.length}, e.g. ${some}.`);
    }
    const fromPickle = result.format === 'pickle-scorefile';
    const view = toRecordView(entry.record, { fromPickle, ...(fromPickle ? { extraWarnings: [pickleScoresWarning()] } : {}) });
    return { raw: entry.record, view };
  }

  private async record(source: FileSource, decoyName?: string) {
    const { file, result } = await this.read(source);
    const picked = this.pick(result, file.name, decoyName);
    if (!picked) {
      throw new ApiError('INVALID_INPUT', result.needsHelper?.reason ?? `${file.name} holds no PyRosettaCluster record SimDeck can use.`);
    }
    return { file, result, ...picked };
  }

  async inspect(source: FileSource, decoyName?: string): Promise<InspectResult> {
    const { file, result } = await this.read(source);
    const picked = this.pick(result, file.name, decoyName);
    return {
      file: file.name,
      format: result.format,
      layers: result.layers,
      decoys: result.records.map((r) => r.decoyName),
      view: picked?.view ?? null,
      notes: result.notes,
      init: result.init ?? null,
      needsHelper: result.needsHelper ?? null,
    };
  }

  managers(): Promise<InstalledManager[]> {
    const now = Date.now();
    if (!this.managersCache || now - this.managersCache.at > 15_000) {
      this.managersCache = { at: now, value: detectManagers(this.env) };
    }
    return this.managersCache.value;
  }

  async planRecreate(source: FileSource, dir: string, decoyName?: string, manager?: EnvironmentManager) {
    const { view } = await this.record(source, decoyName);
    return { view, plan: planRecreate(view, absolute(dir, 'environment folder'), await this.managers(), manager) };
  }

  async recreate(source: FileSource, dir: string, decoyName?: string, manager?: EnvironmentManager): Promise<RunInfo> {
    const { view, plan } = await this.planRecreate(source, dir, decoyName, manager);
    await writeRecreateFiles(plan, view);
    const handle = startRun(runOptionsForPlan(plan, { env: this.env, logFile: this.newLogFile('recreate') }));
    return this.track(handle, 'reproduce.recreate', plan.command);
  }

  list(): RunInfo[] {
    return [...this.runs.values()].map((h) => h.info());
  }

  cancel(runId: string): RunInfo {
    const run = this.runs.get(runId);
    if (!run) throw new ApiError('NOT_FOUND', `No run ${runId} in this session.`);
    run.cancel();
    return run.info();
  }

  getRepo(projectId: string): { url: string | null } {
    this.deps.assertProject(projectId);
    return { url: this.deps.settings.get(`reproduce.repo:${projectId}`) ?? null };
  }

  setRepo(projectId: string, url: string): { url: string } {
    this.deps.assertProject(projectId);
    gitCommands(url, '0'.repeat(40), 'repo'); // validates the URL with the same rules the clone uses
    this.deps.settings.set(`reproduce.repo:${projectId}`, url.trim());
    return { url: url.trim() };
  }

  async script(p: {
    source: FileSource;
    decoyName?: string;
    repoUrl: string;
    workDir: string;
    envDir: string;
    manager?: EnvironmentManager;
    protocolsModule?: string;
  }): Promise<Result<'reproduce.script'>> {
    const workDir = absolute(p.workDir, 'work folder');
    const envDir = absolute(p.envDir, 'environment folder');
    const { file, result, view } = await this.record(p.source, p.decoyName);
    const manager = p.manager ?? view.manager;
    const repoDir = path.join(workDir, 'repo');
    const git = gitCommands(p.repoUrl, view.sha1, repoDir);
    const isScorefile = result.format === 'json-scorefile' || result.format === 'pickle-scorefile';
    const script = reproduceScript(view, {
      ...(isScorefile ? { scorefile: file.path, decoyName: view.decoyName } : { inputFile: file.path }),
      outputPath: path.join(workDir, 'outputs'),
      scratchDir: path.join(workDir, 'scratch'),
      manager,
      ...(p.protocolsModule ? { protocolsModule: p.protocolsModule } : {}),
    });
    const scriptPath = path.join(workDir, `reproduce_${safeName(view.decoyName)}.py`);
    const run = runCommand(manager, envDir, scriptPath, repoDir);
    fs.mkdirSync(workDir, { recursive: true });
    writeUnlessEdited(scriptPath, script);
    const plan: ReproducePlanFile = { repoUrl: p.repoUrl, sha1: view.sha1, repoDir, scriptPath, envDir, manager, gitSteps: git.steps, run };
    fs.writeFileSync(path.join(workDir, PLAN_FILE), JSON.stringify(plan, null, 2));
    return { gitCommands: git.lines, script, scriptPath, runCommand: run.command };
  }

  async run(p: { workDir: string }): Promise<RunInfo> {
    const workDir = absolute(p.workDir, 'work folder');
    let plan: ReproducePlanFile;
    try {
      plan = JSON.parse(fs.readFileSync(path.join(workDir, PLAN_FILE), 'utf8')) as ReproducePlanFile;
    } catch {
      throw new ApiError('NOT_FOUND', `No reproduce script was generated in ${workDir} yet. Generate the script first.`);
    }
    const cloned = fs.existsSync(path.join(plan.repoDir, '.git'));
    const steps = [...(cloned ? [] : plan.gitSteps.map((s) => ({ argv: s.argv, cwd: s.cwd ?? workDir }))), { argv: plan.run.argv, cwd: plan.run.cwd ?? plan.repoDir }];
    fs.mkdirSync(path.join(workDir, 'outputs'), { recursive: true });
    const handle = startRun({
      kind: 'reproduce',
      argvList: steps.map((s) => s.argv),
      stepCwds: steps.map((s) => s.cwd),
      cwd: workDir,
      env: { ...this.env, ...plan.run.env },
      logFile: this.newLogFile('reproduce'),
    });
    return this.track(handle, 'reproduce.run', steps.map((s) => s.argv.join(' ')).join(' && '));
  }

  /**
   * The official dump_env_file.py (RosettaCommons/pyrosetta-extras), run with the researcher's own Python: the
   * route for pickled poses and .init files whose record SimDeck cannot decode without PyRosetta.
   */
  async runHelper(p: { source: FileSource; decoyName?: string; python: string; helperScript: string; envDir: string }): Promise<RunInfo> {
    const file = resolveSource(p.source, this.deps.workspaceDir);
    const python = existingFile(p.python, 'Python interpreter');
    const script = existingFile(p.helperScript, 'dump_env_file.py');
    const envDir = absolute(p.envDir, 'environment folder');
    if (fs.existsSync(envDir) && fs.readdirSync(envDir).length > 0) {
      throw new ApiError('CONFLICT', `${envDir} is not empty. dump_env_file.py needs a new or empty folder.`);
    }
    const scorefile = /\.json$/i.test(file.name) || p.decoyName !== undefined;
    const args = scorefile
      ? ['--scorefile', file.path, '--decoy_name', p.decoyName ?? '', ...(/\.json$/i.test(file.name) ? [] : ['--pandas_secure'])]
      : ['--input_file', file.path];
    if (scorefile && !p.decoyName) throw new ApiError('INVALID_INPUT', 'Choose the decoy of this scorefile first.');
    const argv = [python, script, ...args, '--env_dir', envDir];
    const handle = startRun({ kind: 'recreate', argvList: [argv], cwd: path.dirname(envDir), env: this.env, logFile: this.newLogFile('dump-env-file') });
    return this.track(handle, 'reproduce.dumpEnvFile', commandLine(argv));
  }

  async compare(original: FileSource, reproduced: FileSource, decoyName?: string) {
    const a = await this.record(original, decoyName);
    const b = await this.record(reproduced);
    return compareRecords(a.raw, b.raw);
  }

  private newLogFile(kind: string): string {
    const dir = path.join(this.deps.workspaceDir, 'runs');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${kind}.log`);
  }

  /** Streams a run's output as events (batched: a chatty solver must not flood the UI) and logs its outcome. */
  private track(handle: RunHandle, action: string, command: string): RunInfo {
    const { runId } = handle;
    this.runs.set(runId, handle);
    let pending: { stream: 'stdout' | 'stderr'; chunk: string }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      for (const p of coalesce(pending)) this.deps.emit('run.output', { runId, ...p });
      pending = [];
    };
    handle.onOutput((chunk, stream) => {
      pending.push({ stream, chunk });
      timer ??= setTimeout(flush, 100);
    });
    const finished = handle.done.then((info) => {
      if (timer) clearTimeout(timer);
      flush();
      this.deps.emit('run.finished', info);
      if (info.state !== 'succeeded') throw new Error(`${info.state}${info.exitCode === null ? '' : ` (exit code ${info.exitCode})`}; log: ${info.logFile}`);
      return info;
    });
    void this.deps.activity.run({ action, command }, () => finished).catch(() => undefined);
    return handle.info();
  }
}

function coalesce(chunks: { stream: 'stdout' | 'stderr'; chunk: string }[]) {
  const out: typeof chunks = [];
  for (const c of chunks) {
    const last = out[out.length - 1];
    if (last && last.stream === c.stream) last.chunk += c.chunk;
    else out.push({ ...c });
  }
  return out;
}

function existingFile(p: string, what: string): string {
  const full = expandHome(p.trim());
  if (!path.isAbsolute(full)) throw new ApiError('INVALID_INPUT', `Give the full path of the ${what} (got "${p}").`);
  if (!fs.existsSync(full) || !fs.statSync(full).isFile()) throw new ApiError('NOT_FOUND', `There is no ${what} at ${full}.`);
  return full;
}

function asApiError(err: unknown, name: string): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ReadError) return new ApiError('INVALID_INPUT', err.message, { kind: err.kind, file: name });
  return new ApiError('INTERNAL', `SimDeck could not read ${name}: ${err instanceof Error ? err.message : String(err)}`);
}

/** `~/x` means the home folder of the user running the core (on a head node: the cluster account). */
export function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

function absolute(dir: string, what: string): string {
  const full = expandHome(dir);
  if (full.includes('\0') || !path.isAbsolute(full)) throw new ApiError('INVALID_INPUT', `The ${what} must be an absolute path or start with ~/ (got "${dir}").`);
  return path.resolve(full);
}

/** Decoy names come from files; as part of a file name they keep only safe characters. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(0, 120) || 'decoy';
}

/** Writes a generated file, but never over one the researcher has edited since. */
function writeUnlessEdited(file: string, text: string): void {
  if (fs.existsSync(file)) {
    if (fs.readFileSync(file, 'utf8') === text) return;
    throw new ApiError('CONFLICT', `${file} already exists and differs from what SimDeck would write (perhaps you edited it). Move it away or choose another work folder.`);
  }
  fs.writeFileSync(file, text, { flag: 'wx' });
}
