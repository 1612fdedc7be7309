// The core is killed (SIGKILL, no chance to clean up) after SLURM accepted a job but before SimDeck recorded its
// job id. After a restart on the same workspace the job must be found by its SimDeck tag: one job on the cluster,
// its id recorded, nothing submitted twice.
//
// To hit that window every time, the cluster's `sbatch` is wrapped (for this test only, through the test bed's
// ~/.simdeck-testbed-path hook): the wrapper runs the REAL sbatch, writes a marker, then holds the job id back for
// 60 s when the job name contains "crash-window". The test kills the core as soon as the marker appears.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Project, Target } from '../../shared/domain.js';
import { callServed, serve, type Served, stopProcess, tempWorkspace, waitFor as waitUntil } from '../support/serve.js';
import { loadTestbed, need, type Testbed } from './testbed.js';

const waitFor = <T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> => waitUntil(what, fn, ms, 250);

const HOME = '/home/slurmuser';
const WRAP_DIR = `${HOME}/.simdeck-crash-bin`;
const MARKER = `${HOME}/.simdeck-crash-window`;
const PATH_HOOK = `${HOME}/.simdeck-testbed-path`;

let tb: Testbed;
let ws: string;
const running: Served[] = [];

/** What SLURM itself knows (as the test-bed user): job ids carrying this name, queued or in accounting. */
function slurmJobIds(name: string): string[] {
  const ssh = (cmd: string) => execFileSync('ssh', ['-F', need(tb, 'SIMDECK_TB_SSH_CONFIG'), 'testbed', cmd], { encoding: 'utf8' });
  const q = ssh(`squeue -h -u slurmuser -n '${name}' -o %i`);
  const a = ssh(`sacct -n -X -P -u slurmuser --name='${name}' -S now-1hour -o JobID`);
  return [...new Set(`${q}\n${a}`.split('\n').map((l) => l.trim()).filter(Boolean))].sort();
}

beforeAll(() => {
  tb = loadTestbed();
  ws = tempWorkspace();
  const wrapper = `#!/bin/sh
# Test-bed wrapper around the REAL sbatch (not a stub), installed by crash-reconcile.test.ts.
out=$(/usr/bin/sbatch "$@"); rc=$?
case "$*" in *crash-window*) echo "$out" > '${MARKER}'; sleep 60;; esac
echo "$out"
exit $rc
`;
  fs.mkdirSync(WRAP_DIR, { recursive: true });
  fs.writeFileSync(path.join(WRAP_DIR, 'sbatch'), wrapper, { mode: 0o755 });
  fs.writeFileSync(PATH_HOOK, WRAP_DIR);
  fs.rmSync(MARKER, { force: true });
  execFileSync('chown', ['-R', 'slurmuser:slurmuser', WRAP_DIR, PATH_HOOK]);
});

afterAll(async () => {
  for (const s of running) await s.stop();
  fs.rmSync(PATH_HOOK, { force: true });
  fs.rmSync(WRAP_DIR, { recursive: true, force: true });
  fs.rmSync(MARKER, { force: true });
});

describe('SIGKILL between the intent and the recorded SLURM job id', () => {
  it('after restart the job is found by its tag: one job on the cluster, id recorded, no duplicate', async () => {
    const first = await serve(ws);
    running.push(first);
    const project = await callServed<Project>(first, 'projects.create', { name: 'crash test' });
    const target = await callServed<Target>(first, 'targets.create', {
      name: 'test bed',
      kind: 'slurm',
      settings: {
        host: need(tb, 'SIMDECK_TB_SSH_HOST'),
        port: Number(need(tb, 'SIMDECK_TB_SSH_PORT')),
        username: need(tb, 'SIMDECK_TB_SSH_USER'),
        privateKeyPath: need(tb, 'SIMDECK_TB_SSH_KEY'),
        hostKeySha256: need(tb, 'SIMDECK_TB_SSH_HOSTKEY_SHA256'),
        workDir: `/tmp/simdeck-crash-${process.pid}`,
      },
    });
    const name = `crash-window-${process.pid}`;

    // The submission hangs in the wrapper after SLURM has the job; do not await it.
    const submitting = callServed<Job[]>(first, 'slurm.submit', {
      projectId: project.id,
      targetIds: [target.id],
      name,
      template: 'cpu',
      values: { command: 'sleep 3' },
    }).catch((err: unknown) => err);
    const marker = await waitFor('the wrapped sbatch to have submitted', () => (fs.existsSync(MARKER) ? fs.readFileSync(MARKER, 'utf8').trim() : undefined));
    const remoteId = marker.split(';')[0]!;
    expect(remoteId).toMatch(/^\d+$/);

    first.proc.kill('SIGKILL');
    await stopProcess(first.proc);
    expect(await submitting).toBeInstanceOf(Error); // the caller saw the core die, not a job id

    // The workspace still holds the intent, without a SLURM id.
    const second = await serve(ws);
    running.push(second);
    const settled = await waitFor('the restarted core to reconcile the intent', async () => {
      const jobs = await callServed<Job[]>(second, 'jobs.list', { projectId: project.id });
      const j = jobs.find((x) => x.name === name);
      return j && j.state !== 'submitting' ? { jobs, j } : undefined;
    });
    expect(settled.jobs.filter((x) => x.name === name)).toHaveLength(1);
    expect(settled.j.remoteId).toBe(remoteId);
    expect(settled.j.state).not.toBe('failed');

    // SLURM agrees: exactly the one job, never a second sbatch.
    expect(slurmJobIds(name)).toEqual([remoteId]);
    const detail = await callServed<{ activity: { action: string; detail: string }[] }>(second, 'slurm.job', { jobId: settled.j.id });
    expect(detail.activity.map((a) => a.action)).not.toContain('slurm.reconcile');

    // And it is watched to the end like any other job.
    const done = await waitFor(
      'the reconciled job to complete',
      async () => (await callServed<Job[]>(second, 'jobs.list', { projectId: project.id })).find((x) => x.name === name && x.state === 'completed'),
      90_000,
    );
    expect(done.exitCode).toBe(0);
  });
});
