// squeue and sacct in their parseable text forms (not --json: for 10,000 jobs JSON is tens of MB per poll, and
// the openapi plugin is missing on many clusters). Fields are separated by the ASCII unit separator (0x1f),
// which squeue prints verbatim inside -o formats and sacct accepts with --delimiter; free text (job name,
// comment) comes last so a stray separator inside it cannot shift the other fields. A line that does not fit is
// collected as a parse problem, never thrown.
import { commandLine } from '../core/shell-quote.js';

export const SEP = '\x1f';

/** squeue -o: job id (5 / 5_1 / 5_[1-4]), raw id, array job id, array task id (or pending range), ... */
const SQUEUE_FIELDS = ['%i', '%A', '%F', '%K', '%T', '%P', '%V', '%S', '%D', '%M', '%r', '%Z', '%j', '%k'] as const;
const SACCT_FIELDS = ['JobID', 'JobIDRaw', 'State', 'ExitCode', 'Partition', 'Submit', 'Start', 'End', 'Reason', 'WorkDir', 'JobName', 'Comment'] as const;

export const squeueArgs = (): string[] => ['squeue', '--me', '-h', '-t', 'all', '-o', SQUEUE_FIELDS.join(SEP)];

/** `since` is a sacct time, e.g. "now-86400" (seconds back: immune to the cluster's time zone). */
export const sacctArgs = (since: string): string[] => [
  'sacct', '-X', '-P', '-n', `--delimiter=${SEP}`, '-S', since, '-E', 'now', '-o', SACCT_FIELDS.join(','),
];

export const squeueCommand = () => commandLine(squeueArgs());
export const sacctCommand = (since: string) => commandLine(sacctArgs(since));

export interface ParseProblem {
  line: number;
  text: string;
  why: string;
}

export interface QueueRow {
  /** squeue %i / sacct JobID: "5", "5_1", "5_[1-4%2]" */
  jobId: string;
  rawId: string;
  /** Array parent id, or null when not an array job. */
  arrayJobId: string | null;
  /** A task index ("3"), or for a pending block the range spec ("1-4%2"). */
  arrayTaskId: string | null;
  state: string;
  partition: string;
  submitTime: string | null;
  startTime: string | null;
  endTime: string | null;
  nodes: string | null;
  timeUsed: string | null;
  reason: string | null;
  workDir: string | null;
  name: string;
  comment: string | null;
  exitCode: string | null;
}

const opt = (v: string | undefined): string | null => {
  const t = (v ?? '').trim();
  return t === '' || t === 'N/A' || t === '(null)' || t === 'Unknown' || t === 'None' ? null : t;
};

/** Splits a line with `fixed` leading fields plus name and comment last; extra separators stay in the name. */
function split(line: string, fixed: number): string[] | null {
  const parts = line.split(SEP);
  if (parts.length < fixed + 2) return null;
  const head = parts.slice(0, fixed);
  const comment = parts[parts.length - 1] ?? '';
  const name = parts.slice(fixed, parts.length - 1).join(SEP);
  return [...head, name, comment];
}

function lines(text: string): [number, string][] {
  return text
    .split('\n')
    .map((l, i): [number, string] => [i + 1, l.replace(/\r$/, '')])
    .filter(([, l]) => l.trim() !== '');
}

export function parseSqueue(text: string): { rows: QueueRow[]; problems: ParseProblem[] } {
  const rows: QueueRow[] = [];
  const problems: ParseProblem[] = [];
  for (const [n, line] of lines(text)) {
    const f = split(line, SQUEUE_FIELDS.length - 2);
    if (!f || !f[0] || !f[4]) {
      problems.push({ line: n, text: line.slice(0, 300), why: `expected ${SQUEUE_FIELDS.length} fields, got ${line.split(SEP).length}` });
      continue;
    }
    const [jobId, rawId, arrayJob, arrayTask, state, partition, submit, start, nodes, used, reason, workDir, name, comment] = f as [
      string, string, string, string, string, string, string, string, string, string, string, string, string, string,
    ];
    const task = opt(arrayTask);
    rows.push({
      jobId: jobId.trim(),
      rawId: rawId.trim(),
      arrayJobId: task ? (opt(arrayJob) ?? null) : null,
      arrayTaskId: task,
      state: state.trim(),
      partition: partition.trim(),
      submitTime: opt(submit),
      startTime: opt(start),
      endTime: null,
      nodes: opt(nodes),
      timeUsed: opt(used),
      reason: opt(reason),
      workDir: opt(workDir),
      name,
      comment: opt(comment),
      exitCode: null,
    });
  }
  return { rows, problems };
}

/** sacct -X -P: JobID "5_1" carries the array parent and task; JobIDRaw is SLURM's internal id. */
export function parseSacct(text: string): { rows: QueueRow[]; problems: ParseProblem[] } {
  const rows: QueueRow[] = [];
  const problems: ParseProblem[] = [];
  for (const [n, line] of lines(text)) {
    const f = split(line, SACCT_FIELDS.length - 2);
    if (!f || !f[0] || !f[2]) {
      problems.push({ line: n, text: line.slice(0, 300), why: `expected ${SACCT_FIELDS.length} fields, got ${line.split(SEP).length}` });
      continue;
    }
    const [jobId, rawId, state, exitCode, partition, submit, start, end, reason, workDir, name, comment] = f as [
      string, string, string, string, string, string, string, string, string, string, string, string,
    ];
    const m = /^(\d+)_(\[?[^\]]+\]?)$/.exec(jobId.trim());
    rows.push({
      jobId: jobId.trim(),
      rawId: rawId.trim(),
      arrayJobId: m?.[1] ?? null,
      arrayTaskId: m?.[2]?.replace(/^\[|\]$/g, '') ?? null,
      state: state.trim(),
      partition: partition.trim(),
      submitTime: opt(submit),
      startTime: opt(start),
      endTime: opt(end),
      nodes: null,
      timeUsed: null,
      reason: opt(reason),
      workDir: opt(workDir),
      name,
      comment: opt(comment),
      exitCode: exitCode.trim() || null,
    });
  }
  return { rows, problems };
}

/**
 * Expands SLURM's compact array syntax ("1-4", "1,3,7-9", "0-20:5", "1-100%10", "[1-4%2]") into task indexes,
 * at most `cap` of them. Returns null for text that is not an array spec.
 */
export function expandArraySpec(spec: string, cap = 1000): { tasks: number[]; truncated: boolean } | null {
  const body = spec.trim().replace(/^\[|\]$/g, '').replace(/%\d+$/, '');
  if (!/^[0-9,:-]+$/.test(body)) return null;
  const tasks: number[] = [];
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    if (b < a || step < 1) return null;
    for (let i = a; i <= b; i += step) {
      if (tasks.length >= cap) return { tasks, truncated: true };
      tasks.push(i);
    }
  }
  return { tasks, truncated: false };
}

/** Marker lines between the outputs of the one-round-trip poll command; they carry each tool's exit status. */
export const MARK_SQUEUE = '@@SIMDECK-SQUEUE-RC';
export const MARK_SACCT = '@@SIMDECK-SACCT-RC';

/**
 * One remote command for a whole poll: squeue, a marker with its status, sacct (stderr folded in after its own
 * marker is not needed: stderr stays separate), a marker with its status. Everything variable is quoted.
 */
export function pollCommand(since: string): string {
  return [
    squeueCommand(),
    `printf '\\n%s %s\\n' ${MARK_SQUEUE} "$?"`,
    sacctCommand(since),
    `printf '\\n%s %s\\n' ${MARK_SACCT} "$?"`,
  ].join('; ');
}

export interface PollOutput {
  squeue: string;
  squeueRc: number | null;
  sacct: string;
  sacctRc: number | null;
}

/** Cuts the one stdout into the squeue and sacct parts; a missing marker leaves the rc null (output cut short). */
export function splitPollOutput(stdout: string): PollOutput {
  const markerRe = (m: string) => new RegExp(`(?:^|\\n)${m} (\\d+)\\n?`);
  const q = markerRe(MARK_SQUEUE).exec(stdout);
  if (!q) return { squeue: stdout, squeueRc: null, sacct: '', sacctRc: null };
  const rest = stdout.slice(q.index + q[0].length);
  const s = markerRe(MARK_SACCT).exec(rest);
  return {
    squeue: stdout.slice(0, q.index),
    squeueRc: Number(q[1]),
    sacct: s ? rest.slice(0, s.index) : rest,
    sacctRc: s ? Number(s[1]) : null,
  };
}
