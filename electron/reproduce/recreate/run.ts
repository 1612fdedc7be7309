// Runs a plan's commands one after another, without a shell, each in its own process group so that cancelling
// stops the whole tree (environment managers start solvers, downloaders and Python in turn). Output is streamed
// to listeners and written, with a header, to a log file the researcher can open later.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { RunInfo } from '../../../shared/reproduce.js';
import { commandLine } from '../../core/shell-quote.js';
import { isBatchFile, which } from './which.js';

export interface StartRunOptions {
  kind: RunInfo['kind'];
  /** The commands, run in order; the run stops at the first that fails. Never joined into a shell string. */
  argvList: string[][];
  cwd: string;
  /** Per-command working folders (same length as argvList); a command without one runs in `cwd`. */
  stepCwds?: (string | undefined)[];
  /** The complete environment of the commands (the caller merges process.env in if it wants it). */
  env: NodeJS.ProcessEnv;
  logFile: string;
  /**
   * recreate_env.py's mamba transaction: everything in `dir` is moved to `backupDir` (created, 0700) before the
   * commands; after success the files come back unless mamba created a file of the same name; after failure or
   * cancellation they all come back.
   */
  moveAside?: { dir: string; backupDir: string };
  /** Give up (and kill the process tree) after this long. recreate_env.py's default is 1800 s. */
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL when cancelling. Default 5000 ms. */
  killGraceMs?: number;
}

export interface RunProgress {
  /** 1-based index of the running (or last) command. */
  step: number;
  steps: number;
  command: string;
  /** Bytes of output so far, all commands together. */
  bytes: number;
}

export type OutputStream = 'stdout' | 'stderr';

export interface RunHandle {
  readonly runId: string;
  info(): RunInfo;
  progress(): RunProgress;
  /** Called with every decoded chunk of output. Returns a function that removes the listener. */
  onOutput(listener: (chunk: string, stream: OutputStream) => void): () => void;
  onProgress(listener: (progress: RunProgress) => void): () => void;
  /** Stops the run: SIGTERM to the process group, SIGKILL after the grace time. Safe to call more than once. */
  cancel(): void;
  /** Resolves with the final RunInfo once the run is over and the log is closed. Never rejects. */
  readonly done: Promise<RunInfo>;
}

/**
 * Whether any process of the group is still running. Zombies do not count: under an init that is slow to reap
 * (containers), a killed grandchild can linger as a zombie that holds nothing and runs nothing.
 */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue;
      }
      // After the command name in parentheses: state, ppid, pgrp, ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    }
    return false;
  } catch {
    return true;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function move(src: string, dst: string): Promise<void> {
  try {
    await rename(src, dst);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await cp(src, dst, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
    await rm(src, { recursive: true, force: true });
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** cmd.exe command line for a batch file; refuses what cmd.exe would reinterpret even inside quotes. */
function cmdLine(file: string, args: string[]): string {
  for (const a of [file, ...args]) {
    if (/["%!^\r\n]/.test(a)) throw new Error(`cannot pass ${JSON.stringify(a)} safely to a batch file`);
  }
  return [file, ...args].map((a) => `"${a}"`).join(' ');
}

/** Starts running `argvList` in sequence. See StartRunOptions. */
export function startRun(options: StartRunOptions): RunHandle {
  const { kind, argvList, cwd, env, logFile, moveAside } = options;
  const grace = options.killGraceMs ?? 5000;
  const runId = randomUUID();
  const command = argvList.map((a) => commandLine(a)).join(' && ');
  const info: RunInfo = {
    runId,
    kind,
    state: 'running',
    command,
    cwd,
    logFile,
    exitCode: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
  };
  const progress: RunProgress = { step: 0, steps: argvList.length, command: '', bytes: 0 };
  const outputListeners = new Set<(chunk: string, stream: OutputStream) => void>();
  const progressListeners = new Set<(p: RunProgress) => void>();
  let child: ChildProcess | null = null;
  let cancelled = false;
  let timedOut = false;
  let killTimer: NodeJS.Timeout | null = null;
  let timeoutTimer: NodeJS.Timeout | null = null;
  /** Process group of the command that ran last, to wait for its stragglers after a cancel. */
  let lastPid: number | undefined;

  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a', mode: 0o600 });
  log.on('error', () => undefined); // a broken log must not break the run; the UI still gets the output
  log.write(`# SimDeck ${kind} run ${runId}\n# command: ${command}\n# cwd: ${cwd}\n# started: ${info.startedAt}\n`);

  const emitProgress = () => {
    const p = { ...progress };
    for (const l of progressListeners) l(p);
  };
  const note = (text: string) => {
    log.write(text);
    for (const l of outputListeners) l(text, 'stderr');
  };

  const killTree = () => {
    const pid = child?.pid;
    if (!pid) return;
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
      return;
    }
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // the group is already gone
    }
    if (!killTimer) {
      killTimer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone
        }
      }, grace);
    }
  };

  const runOne = (argv: string[], stepCwd: string = cwd): Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }> =>
    new Promise((resolve) => {
      const cwd = stepCwd;
      const [name = '', ...args] = argv;
      const file = which(name, { env });
      if (!file) {
        resolve({ code: null, signal: null, error: `${name}: command not found on PATH` });
        return;
      }
      let c: ChildProcess;
      try {
        const batch = process.platform === 'win32' && isBatchFile(file);
        c = batch
          ? spawn(env.ComSpec ?? 'cmd.exe', ['/d', '/s', '/c', `"${cmdLine(file, args)}"`], {
              cwd,
              env,
              detached: true,
              stdio: ['ignore', 'pipe', 'pipe'],
              windowsHide: true,
              windowsVerbatimArguments: true,
            })
          : spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
      } catch (err) {
        resolve({ code: null, signal: null, error: (err as Error).message });
        return;
      }
      child = c;
      lastPid = c.pid;
      let spawnError: string | undefined;
      for (const stream of ['stdout', 'stderr'] as const) {
        const decoder = new StringDecoder('utf8');
        const src = c[stream];
        src?.on('data', (buf: Buffer) => {
          progress.bytes += buf.length;
          log.write(buf);
          const text = decoder.write(buf);
          if (text) for (const l of outputListeners) l(text, stream);
          emitProgress();
        });
        src?.on('end', () => {
          const rest = decoder.end();
          if (rest) for (const l of outputListeners) l(rest, stream);
        });
      }
      c.on('error', (err) => {
        spawnError = err.message;
      });
      c.on('close', (code, signal) => {
        child = null;
        resolve({ code, signal, error: spawnError });
      });
      if (cancelled) killTree();
    });

  const restore = async (success: boolean): Promise<void> => {
    if (!moveAside) return;
    const { dir, backupDir } = moveAside;
    const entries = await readdir(backupDir).catch(() => [] as string[]);
    const kept: string[] = [];
    for (const e of entries) {
      const target = path.join(dir, e);
      if (await exists(target)) {
        kept.push(e);
        continue;
      }
      await move(path.join(backupDir, e), target).catch(() => kept.push(e));
    }
    if (kept.length > 0) {
      note(
        `\n# ${success ? 'mamba created' : 'after the failed command,'} ${kept.join(', ')} ${success ? 'itself' : 'exist again'} in ${dir}; the original copies were kept in ${backupDir}\n`,
      );
    } else {
      await rmdir(backupDir).catch(() => undefined);
    }
  };

  const done = (async (): Promise<RunInfo> => {
    let ok = true;
    let exitCode: number | null = null;
    let movedAside = false;
    try {
      if (moveAside) {
        await mkdir(moveAside.backupDir, { mode: 0o700 });
        movedAside = true;
        log.write(`# moving the files of ${moveAside.dir} to ${moveAside.backupDir} while mamba runs\n`);
        for (const e of await readdir(moveAside.dir)) await move(path.join(moveAside.dir, e), path.join(moveAside.backupDir, e));
      }
      for (const [i, argv] of argvList.entries()) {
        if (cancelled) break;
        progress.step = i + 1;
        progress.command = commandLine(argv);
        const stepCwd = options.stepCwds?.[i] ?? cwd;
        log.write(`\n$ ${progress.command}${stepCwd === cwd ? '' : `    # in ${stepCwd}`}\n`);
        emitProgress();
        const r = await runOne(argv, stepCwd);
        exitCode = r.code;
        if (r.error) note(`\n# ${r.error}\n`);
        if (r.code !== 0 || r.error) {
          ok = false;
          if (r.signal) log.write(`\n# stopped by ${r.signal}\n`);
          break;
        }
      }
    } catch (err) {
      ok = false;
      note(`\n# ${(err as Error).message}\n`);
    }
    if (cancelled && child === null) {
      // The leader is gone; wait (up to the SIGKILL deadline) for the rest of its process group.
      const pid = lastPid;
      if (pid && process.platform !== 'win32') {
        const until = Date.now() + grace + 1000;
        while (groupAlive(pid) && Date.now() < until) await sleep(50);
      }
    }
    if (killTimer) clearTimeout(killTimer);
    if (timeoutTimer) clearTimeout(timeoutTimer);
    if (movedAside) {
      try {
        await restore(ok && !cancelled);
      } catch (err) {
        note(`\n# could not move the files back from ${moveAside?.backupDir}: ${(err as Error).message}\n`);
      }
    }
    info.state = cancelled && !timedOut ? 'cancelled' : ok && !cancelled ? 'succeeded' : 'failed';
    info.exitCode = exitCode;
    info.finishedAt = new Date().toISOString();
    if (timedOut) note(`\n# timed out after ${options.timeoutMs} ms\n`);
    log.write(`\n# ${info.state}${exitCode !== null ? ` (exit code ${exitCode})` : ''}\n# finished: ${info.finishedAt}\n`);
    await new Promise<void>((r) => log.end(() => r()));
    return { ...info };
  })();

  if (options.timeoutMs && options.timeoutMs > 0) {
    timeoutTimer = setTimeout(() => {
      timedOut = true;
      cancelled = true;
      killTree();
    }, options.timeoutMs);
  }

  return {
    runId,
    info: () => ({ ...info }),
    progress: () => ({ ...progress }),
    onOutput(listener) {
      outputListeners.add(listener);
      return () => {
        outputListeners.delete(listener);
      };
    },
    onProgress(listener) {
      progressListeners.add(listener);
      return () => {
        progressListeners.delete(listener);
      };
    },
    cancel() {
      if (info.state !== 'running' || cancelled) return;
      cancelled = true;
      killTree();
    },
    done,
  };
}
