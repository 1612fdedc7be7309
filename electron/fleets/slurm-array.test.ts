import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderWorkerArray, type WorkerArrayOptions } from './slurm-array.js';

const CELERY = ['celery', '-A', 'bigchem.tasks', 'worker', '--without-heartbeat', '--without-mingle', '--without-gossip', '--loglevel=INFO'];

const bigchem: WorkerArrayOptions = {
  name: 'bigchem-worker',
  workers: 10,
  concurrency: 1,
  queues: ['celery', 'colton'],
  brokerUrl: 'redis://head-node/0',
  backendUrl: 'redis://head-node/0',
  command: CELERY,
  setup: ['export SETUP_RAN=yes'],
  logDir: 'bigchem-worker-logs',
  cpusPerTask: 4,
  mem: '16G',
};

const work = mkdtempSync(join(tmpdir(), 'simdeck-slurm-array-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// STUB: a fake `celery` on PATH that records its argv (NUL-separated) and the exported environment, so the test
// sees exactly what the real worker would receive. Nothing here talks to SLURM or Celery.
const stubDir = join(work, 'bin');
mkdirSync(stubDir);
writeFileSync(
  join(stubDir, 'celery'),
  '#!/bin/sh\n# STUB celery for slurm-array.test.ts\nprintf \'%s\\0\' "$@" > "$STUB_OUT"\nprintf \'%s\\0\' "$BIGCHEM_BROKER_URL" "$BIGCHEM_BACKEND_URL" "${SETUP_RAN:-}" > "$STUB_OUT.env"\n',
);
chmodSync(join(stubDir, 'celery'), 0o755);

function runScript(script: string, tag: string): { argv: string[]; env: string[] } {
  const file = join(work, `${tag}.sh`);
  writeFileSync(file, script);
  execFileSync('bash', ['-n', file]); // syntax check first
  const out = join(work, `${tag}.out`);
  execFileSync('bash', [file], {
    env: { PATH: `${stubDir}:${process.env.PATH ?? '/usr/bin:/bin'}`, STUB_OUT: out, SLURM_ARRAY_TASK_ID: '7' },
  });
  const split = (s: string) => s.split('\0').slice(0, -1);
  return { argv: split(readFileSync(out, 'utf8')), env: split(readFileSync(`${out}.env`, 'utf8')) };
}

describe('renderWorkerArray', () => {
  it('renders a BigChem-like worker array with Redis as broker and backend', () => {
    const { script, sbatchArgs } = renderWorkerArray({ ...bigchem, time: '48:00:00', partition: 'gpu', gpusPerTask: 1 });
    expect(sbatchArgs).toEqual([
      '--job-name=bigchem-worker',
      '--ntasks=1',
      '--cpus-per-task=4',
      '--mem=16G',
      '--array=1-10',
      '--output=bigchem-worker-logs/%x_%A_%a.out',
      '--gres=gpu:1',
      '--time=48:00:00',
      '--partition=gpu',
    ]);
    expect(script.startsWith('#!/bin/bash\n#SBATCH --job-name=bigchem-worker\n')).toBe(true);
    expect(script).toContain('#SBATCH --array=1-10\n');
    expect(script).toContain('#SBATCH --gres=gpu:1\n');
    expect(script).toContain('export BIGCHEM_BROKER_URL=redis://head-node/0\n');
    const { argv, env } = runScript(script, 'bigchem');
    expect(argv).toEqual([...CELERY.slice(1), '--concurrency=1', '-Q', 'celery,colton', '--hostname=bigchem-worker-%h-7']);
    expect(env).toEqual(['redis://head-node/0', 'redis://head-node/0', 'yes']);
  });

  it('omits optional directives and -Q when not given', () => {
    const { script, sbatchArgs } = renderWorkerArray({ ...bigchem, queues: [] });
    expect(sbatchArgs.some((a) => /^--(gres|time|partition)/.test(a))).toBe(false);
    expect(runScript(script, 'plain').argv).toEqual([...CELERY.slice(1), '--concurrency=1', '--hostname=bigchem-worker-%h-7']);
  });

  it('quotes hostile queue and URL values so they cannot break out of their argument', () => {
    const pwned = join(work, 'pwned');
    const hostileQueue = `q'; touch ${pwned}; echo '$(touch ${pwned})\`touch ${pwned}\``;
    const hostileUrl = `redis://h/0"; touch ${pwned}; "$HOME' $(id) *`;
    const { script } = renderWorkerArray({ ...bigchem, queues: [hostileQueue], brokerUrl: hostileUrl, backendUrl: `x' y` });
    const { argv, env } = runScript(script, 'hostile');
    expect(argv).toEqual([...CELERY.slice(1), '--concurrency=1', '-Q', hostileQueue, '--hostname=bigchem-worker-%h-7']);
    expect(env).toEqual([hostileUrl, `x' y`, 'yes']);
    expect(() => readFileSync(pwned)).toThrow();
  });

  it('rejects multi-line or NUL setup lines and values that would break directives', () => {
    expect(() => renderWorkerArray({ ...bigchem, setup: ['module load cuda/12.4\nrm -rf ~'] })).toThrow(/Setup line 1 must be a single line/);
    expect(() => renderWorkerArray({ ...bigchem, setup: ['ok', 'bad\0'] })).toThrow(/Setup line 2/);
    expect(() => renderWorkerArray({ ...bigchem, brokerUrl: 'redis://h/0\nrm -rf ~' })).toThrow(/broker URL/);
    expect(() => renderWorkerArray({ ...bigchem, logDir: 'logs dir' })).toThrow(/log directory/);
    expect(() => renderWorkerArray({ ...bigchem, mem: '16G --wrap=x' })).toThrow(/memory/);
    expect(() => renderWorkerArray({ ...bigchem, name: 'x\n#SBATCH --uid=0' })).toThrow(/job name/);
    expect(() => renderWorkerArray({ ...bigchem, queues: ['a,b'] })).toThrow(/queue name/);
    expect(() => renderWorkerArray({ ...bigchem, workers: 0 })).toThrow(/number of workers/);
    expect(() => renderWorkerArray({ ...bigchem, command: [] })).toThrow(/worker command/);
  });

  it('inserts setup lines verbatim', () => {
    const { script } = renderWorkerArray({ ...bigchem, setup: ['module load cuda/12.4', 'source ~/venvs/bigchem/bin/activate'] });
    expect(script).toContain('\nmodule load cuda/12.4\nsource ~/venvs/bigchem/bin/activate\n');
  });
});
