// Renders a SLURM job array of Celery workers (BigChem on a cluster: Redis on the head node serves as broker and
// backend, one array task per worker). Notes: ../../shared/notes/nrp-and-bigchem.md B12.
// Every researcher value that reaches the shell goes through quote(); #SBATCH directives are read by sbatch, not by
// the shell, so their values are validated against strict patterns instead. Setup lines are shell on purpose
// ("module load cuda/12.4", "source ~/venvs/bigchem/bin/activate") and are inserted verbatim, one line each.
import { ApiError } from '../../shared/errors.js';
import { commandLine, quote } from '../core/shell-quote.js';

export interface WorkerArrayOptions {
  /** Job name and worker name prefix. */
  name: string;
  /** Array size: tasks 1..workers. */
  workers: number;
  /** Celery --concurrency per worker (0 = number of CPUs; BigChem advises 1 under SLURM). */
  concurrency: number;
  /** Celery -Q queues; empty: Celery's default queue. */
  queues: string[];
  brokerUrl: string;
  backendUrl: string;
  /** The worker argv, e.g. celery -A bigchem.tasks worker --without-heartbeat … */
  command: string[];
  /** Shell lines run before the worker, verbatim; each must be a single line. */
  setup: string[];
  /** Directory for %x_%A_%a.out; it must exist before sbatch runs (SLURM does not create it). */
  logDir: string;
  cpusPerTask: number;
  /** sbatch --mem, e.g. 16G. */
  mem: string;
  /** sbatch --time, e.g. 48:00:00 or 2-00:00:00. */
  time?: string;
  partition?: string;
  gpusPerTask?: number;
}

export interface WorkerArray {
  /** The batch script (its #SBATCH lines carry the same options as sbatchArgs). */
  script: string;
  /** The same options as sbatch argv (they override the script's directives), e.g. for `sbatch ARGS script.sh`. */
  sbatchArgs: string[];
}

function invalid(message: string): never {
  throw new ApiError('INVALID_INPUT', message);
}

function checkInt(field: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) invalid(`${field} must be a whole number from ${min} to ${max} (got ${v}).`);
  return v;
}

function checkPattern(field: string, v: string, re: RegExp, what: string): string {
  if (!re.test(v)) invalid(`${field} ${JSON.stringify(v)} is not valid: ${what}.`);
  return v;
}

function checkOneLine(field: string, v: string): string {
  if (/[\r\n\0]/.test(v)) invalid(`${field} must be a single line without NUL characters: ${JSON.stringify(v)}.`);
  return v;
}

/** Exports a URL, or (when the setup lines provide it, e.g. with a password) stops the task early if they did not. */
function urlLine(name: string, url: string): string {
  if (url !== '') return `export ${name}=${quote(url)}`;
  return `: "\${${name}:?${name} is not set: export it in a setup line, e.g. source ~/.bigchem/urls.env}"`;
}

export function renderWorkerArray(opts: WorkerArrayOptions): WorkerArray {
  const name = checkPattern('The job name', opts.name, /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "." and "-"');
  const workers = checkInt('The number of workers', opts.workers, 1, 100_000);
  const concurrency = checkInt('The worker concurrency', opts.concurrency, 0, 1024);
  const cpus = checkInt('CPUs per task', opts.cpusPerTask, 1, 4096);
  const mem = checkPattern('The memory', opts.mem, /^[0-9]+[KMGT]?$/, 'a number with an optional K, M, G or T suffix, e.g. 16G');
  // sbatch splits directive values on whitespace and has its own quoting, so the log path stays plain.
  const logDir = checkPattern('The log directory', opts.logDir, /^[A-Za-z0-9_.~/@+,:=-]+$/, 'a path without spaces, quotes or shell characters');
  const time = opts.time === undefined ? undefined : checkPattern('The time limit', opts.time, /^[0-9][0-9:-]*$/, 'SLURM time such as 48:00:00 or 2-00:00:00');
  const partition =
    opts.partition === undefined ? undefined : checkPattern('The partition', opts.partition, /^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/, 'partition names separated by commas');
  const gpus = opts.gpusPerTask === undefined || opts.gpusPerTask === 0 ? undefined : checkInt('GPUs per task', opts.gpusPerTask, 1, 64);
  if (opts.command.length === 0) invalid('The worker command is required (e.g. celery -A bigchem.tasks worker).');
  opts.command.forEach((a, i) => checkOneLine(`Worker command argument ${i + 1}`, a));
  opts.setup.forEach((line, i) => checkOneLine(`Setup line ${i + 1}`, line));
  for (const q of opts.queues) {
    if (q === '' || q.includes(',')) invalid(`A queue name cannot be empty or contain ",": ${JSON.stringify(q)}.`);
    checkOneLine('A queue name', q);
  }
  checkOneLine('The broker URL', opts.brokerUrl);
  checkOneLine('The backend URL', opts.backendUrl);

  const sbatchArgs = [
    `--job-name=${name}`,
    '--ntasks=1',
    `--cpus-per-task=${cpus}`,
    `--mem=${mem}`,
    `--array=1-${workers}`,
    `--output=${logDir.replace(/\/+$/, '') || '/'}/%x_%A_%a.out`,
    ...(gpus === undefined ? [] : [`--gres=gpu:${gpus}`]),
    ...(time === undefined ? [] : [`--time=${time}`]),
    ...(partition === undefined ? [] : [`--partition=${partition}`]),
  ];

  const worker = [
    commandLine(opts.command),
    `--concurrency=${concurrency}`,
    ...(opts.queues.length > 0 ? ['-Q', quote(opts.queues.join(','))] : []),
    // Unique Celery node names (own .pidbox queue) even with several array tasks on one host; %h is Celery's.
    `${quote(`--hostname=${name}-%h-`)}"\${SLURM_ARRAY_TASK_ID:?not running as a SLURM array task}"`,
  ].join(' ');

  const lines = [
    '#!/bin/bash',
    ...sbatchArgs.map((a) => `#SBATCH ${a}`),
    '',
    '# Setup (verbatim)',
    ...opts.setup,
    '',
    urlLine('BIGCHEM_BROKER_URL', opts.brokerUrl),
    urlLine('BIGCHEM_BACKEND_URL', opts.backendUrl),
    `exec ${worker}`,
    '',
  ];
  return { script: lines.join('\n'), sbatchArgs };
}
