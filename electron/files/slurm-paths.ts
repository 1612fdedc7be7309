// Where a SLURM job writes: `scontrol show job -o` records (values may contain spaces), the #SBATCH options of a
// stored script, and SLURM's filename patterns (%j %A %a %x %u %N %%, with optional zero padding like %3a).
import { posix } from 'node:path';

/** Keys scontrol prints for a job; a space followed by one of these (and "=") starts the next field. */
const SCONTROL_KEYS = new Set(
  `JobId ArrayJobId ArrayTaskId ArrayTaskThrottle HetJobId HetJobOffset HetJobIdSet JobName UserId GroupId MCS_label
  Priority Nice Account QOS JobState Reason Dependency Requeue Restarts BatchFlag Reboot ExitCode DerivedExitCode
  RunTime TimeLimit TimeMin SubmitTime EligibleTime AccrueTime StartTime EndTime Deadline PreemptEligibleTime
  PreemptTime SuspendTime SecsPreSuspend LastSchedEval Scheduler Partition AllocNode:Sid ReqNodeList ExcNodeList
  NodeList BatchHost NumNodes NumCPUs NumTasks CPUs/Task ReqB:S:C:T TRES Socks/Node NtasksPerN:B:S:C CoreSpec
  MinCPUsNode MinMemoryNode MinMemoryCPU MinTmpDiskNode Features DelayBoot OverSubscribe Contiguous Licenses Network
  Command WorkDir StdErr StdIn StdOut Power Comment AdminComment SystemComment TresPerNode TresPerTask TresPerJob
  TresPerSocket TresBind TresFreq MailUser MailType NtasksPerTRES CpusPerTres MemPerTres CPU_IDs Mem GRES GRES_IDX
  Nodes JOB_GRES Container ContainerID Cluster ClusterFeatures Reservation ResvPorts KillOInInvalidDependent
  Prolog Epilog SiblingsActive SiblingsViable CpusPerTask Profile BurstBuffer BurstBufferState CpuFreqMin
  CpuFreqMax CpuFreqGov SelinuxContext Extra FedOrigin FedViableSiblings FedActiveSiblings OOMKillStep
  MemPerNode MemPerCPU TimeLimitRaw`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Parses one line of `scontrol show job -o`. Fields are "Key=value" separated by single spaces, but values such
 * as WorkDir, StdOut or JobName may themselves contain spaces (and "="), so a new field starts only where a space
 * is followed by a key scontrol is known to print.
 */
export function parseScontrolLine(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const text = line.replace(/\r?\n$/, '');
  // Candidate boundaries: start of line, or a space followed by Key= .
  const re = /(^|\s)([A-Za-z][A-Za-z0-9_/:]*)=/g;
  const starts: { at: number; key: string; valueAt: number }[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const key = m[2]!;
    const at = m.index + m[1]!.length;
    if (starts.length === 0 ? at === 0 : SCONTROL_KEYS.has(key)) starts.push({ at, key, valueAt: at + key.length + 1 });
    // Continue scanning right after the key (a value may hold "Key=" text that we must not skip past).
    re.lastIndex = m.index + m[0].length;
  }
  starts.forEach((s, i) => {
    const next = starts[i + 1];
    const value = text.slice(s.valueAt, next ? next.at : text.length);
    out[s.key] = next ? value.replace(/ $/, '') : value.trimEnd();
  });
  return out;
}

/** All job records of `scontrol show job -o` output (an array prints one line per task). */
export function parseScontrolOutput(stdout: string): Record<string, string>[] {
  return stdout
    .split('\n')
    .filter((l) => /^JobId=/.test(l))
    .map(parseScontrolLine);
}

/** "slurmuser(1000)" → "slurmuser". */
export const userName = (userId: string | undefined): string | undefined => userId?.replace(/\(\d+\)$/, '') || undefined;

export interface PatternContext {
  jobId?: string;
  arrayJobId?: string;
  arrayTaskId?: string;
  jobName?: string;
  user?: string;
  node?: string;
}

/**
 * Substitutes SLURM filename patterns: %j job id, %A array master id, %a task id, %x job name, %u user, %N node,
 * %% a literal %, and a width between % and the letter zero-pads numbers (%4a → 0007). Patterns SimDeck cannot
 * know (for example %a of a whole array, %s, %t) stay as they are. A backslash anywhere disables the patterns
 * (SLURM prints the name without the backslashes).
 */
export function expandSlurmPattern(pattern: string, ctx: PatternContext): string {
  if (pattern.includes('\\')) return pattern.replaceAll('\\', '');
  return pattern.replace(/%(\d*)([A-Za-z%])/g, (whole, width: string, letter: string) => {
    if (letter === '%') return '%';
    const value: string | undefined = {
      j: ctx.jobId,
      A: ctx.arrayJobId ?? (ctx.arrayTaskId === undefined ? ctx.jobId : undefined),
      a: ctx.arrayTaskId,
      x: ctx.jobName,
      u: ctx.user,
      N: ctx.node,
    }[letter];
    if (value === undefined) return whole;
    const w = width ? Number(width) : 0;
    return w > 0 && /^\d+$/.test(value) ? value.padStart(Math.min(w, 10), '0') : value;
  });
}

export interface ScriptOptions {
  output?: string;
  error?: string;
  chdir?: string;
  jobName?: string;
  array?: string;
}

const LONG: Record<string, keyof ScriptOptions> = { output: 'output', error: 'error', chdir: 'chdir', 'job-name': 'jobName', array: 'array' };
const SHORT: Record<string, keyof ScriptOptions> = { o: 'output', e: 'error', D: 'chdir', J: 'jobName', a: 'array' };

/** One #SBATCH value: surrounding quotes removed, a trailing " # comment" dropped. */
function cleanValue(raw: string): string {
  const v = raw.trim();
  const q = /^"([^"]*)"|^'([^']*)'/.exec(v);
  if (q) return q[1] ?? q[2] ?? '';
  return v.replace(/\s+#.*$/, '').trim();
}

/** The #SBATCH options SLURM reads from a script: only those before the first command line count. */
export function parseSbatchOptions(script: string): ScriptOptions {
  const out: ScriptOptions = {};
  const lines = script.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (i === 0 && line.startsWith('#!')) continue;
    if (line === '') continue;
    if (!line.startsWith('#')) break; // sbatch stops reading options at the first command
    const m = /^#SBATCH\s+(.*)$/.exec(line);
    if (!m) continue;
    const rest = m[1]!.trim();
    let key: keyof ScriptOptions | undefined;
    let value: string | undefined;
    const long = /^--([A-Za-z-]+)(?:=(.*)|\s+(.*))?$/.exec(rest);
    if (long) {
      key = LONG[long[1]!];
      value = long[2] ?? long[3];
    } else {
      const short = /^-([A-Za-z])\s*(.*)$/.exec(rest);
      if (short) {
        key = SHORT[short[1]!];
        value = short[2];
      }
    }
    if (key && value !== undefined && cleanValue(value) !== '') out[key] = cleanValue(value);
  }
  return out;
}

/** Makes `p` absolute against `base` (both already free of patterns SimDeck could fill in). */
export function absoluteIn(base: string, p: string): string {
  return p.startsWith('/') ? posix.normalize(p) : posix.join(base, p);
}

/**
 * Where a job writes according to its script: the work dir is --chdir (relative to the submit folder) or the submit
 * folder; stdout is --output or slurm-%j.out (slurm-%A_%a.out for arrays), relative to the work dir; stderr is
 * --error or the same file as stdout.
 */
export function filesFromScript(
  script: string,
  submitDir: string,
  ctx: PatternContext & { isArray?: boolean },
): { workDir: string; stdoutPath: string; stderrPath: string } {
  const o = parseSbatchOptions(script);
  const name = ctx.jobName ?? o.jobName;
  const c: PatternContext = { ...ctx, jobName: name };
  const workDir = o.chdir ? absoluteIn(submitDir, expandSlurmPattern(o.chdir, c)) : submitDir;
  const isArray = ctx.isArray || o.array !== undefined || ctx.arrayTaskId !== undefined;
  const out = o.output ?? (isArray ? 'slurm-%A_%a.out' : 'slurm-%j.out');
  const stdoutPath = absoluteIn(workDir, expandSlurmPattern(out, c));
  const stderrPath = o.error ? absoluteIn(workDir, expandSlurmPattern(o.error, c)) : stdoutPath;
  return { workDir, stdoutPath, stderrPath };
}
