// Window phases from Job + newest pod + known progress, including the seed's trap: "Complete" is not "done".
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { crashedMessage, crashInLog, derivePhase, newestPod } from './phase.js';

const job = (conditions: { type: string; status?: string; reason?: string; message?: string }[] = []): V1Job => ({
  metadata: { name: 'pb-jm-gb3-ff-1-00' },
  status: { conditions: conditions.map((c) => ({ status: 'True', ...c, lastTransitionTime: new Date() })) },
});

const pod = (name: string, created: string, status: V1Pod['status'], node = 'gpu-1'): V1Pod => ({
  metadata: { name, creationTimestamp: new Date(created) },
  spec: { nodeName: node, containers: [] },
  status,
});

const init = (gitDone: boolean, rcloneRunning: boolean) => [
  { name: 'init-git', ready: gitDone, restartCount: 0, image: 'alpine/git', imageID: '', state: gitDone ? { terminated: { exitCode: 0 } } : { running: {} } },
  { name: 'init-rclone', ready: false, restartCount: 0, image: 'rclone/rclone', imageID: '', state: rcloneRunning ? { running: {} } : { waiting: { reason: 'PodInitializing' } } },
];

const noProgress = { lastStep: null, nSteps: null, inProduction: false };

describe('derivePhase', () => {
  it('follows the init containers, then equilibration and production', () => {
    expect(derivePhase(job(), [pod('p', '2026-01-01T00:00:00Z', { phase: 'Pending', initContainerStatuses: init(false, false) })], noProgress).phase).toBe('init-git');
    expect(derivePhase(job(), [pod('p', '2026-01-01T00:00:00Z', { phase: 'Pending', initContainerStatuses: init(true, true) })], noProgress).phase).toBe('init-rclone');
    const running = pod('p', '2026-01-01T00:00:00Z', { phase: 'Running', initContainerStatuses: init(true, true) });
    expect(derivePhase(job(), [running], noProgress).phase).toBe('equilibration');
    expect(derivePhase(job(), [running], { lastStep: 25_000, nSteps: 125_000_000, inProduction: true })).toMatchObject({ phase: 'production', pod: 'p', node: 'gpu-1' });
  });

  it('an unscheduled pod is queued with the scheduler’s reason', () => {
    const p = pod('p', '2026-01-01T00:00:00Z', {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: "0/5 nodes are available: 5 node(s) didn't match Pod's node affinity/selector." }],
    });
    expect(derivePhase(job(), [p], noProgress)).toMatchObject({ phase: 'queued', message: expect.stringContaining('node affinity') });
  });

  it('"Complete" is done only at n_steps; short of it the window is not called done, and a crash in the log fails it', () => {
    const complete = job([{ type: 'Complete' }]);
    expect(derivePhase(complete, [], { lastStep: 125_000_000, nSteps: 125_000_000, inProduction: true }).phase).toBe('done');
    const short = derivePhase(complete, [], { lastStep: 1_200_000, nSteps: 125_000_000, inProduction: true });
    expect(short).toMatchObject({ phase: 'unknown', needsConfirmation: true });
    expect(short.message).toMatch(/^Job complete, but SimDeck last read step 1,200,000 of 125,000,000/);
    const log = 'Running simulation with\nTraceback (most recent call last):\n  File "/opt/repo/x.py", line 3, in <module>\nopenmm.OpenMMException: Particle coordinate is NaN.\n';
    const crash = crashInLog(log)!;
    expect(crash).toBe('openmm.OpenMMException: Particle coordinate is NaN.');
    expect(crashedMessage({ lastStep: 1_200_000, nSteps: 125_000_000, inProduction: true }, crash)).toBe(
      'Job complete, but the window stopped at step 1,200,000 of 125,000,000: the script crashed (openmm.OpenMMException: Particle coordinate is NaN.) and the upload ran anyway.',
    );
    expect(crashInLog('Running simulation with\n    n_steps 125000000 steps\n')).toBeNull();
  });

  it('the newest pod decides: an evicted pod, then its replacement', () => {
    const evicted = pod('p-old', '2026-01-01T00:00:00Z', { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: ephemeral-storage.' });
    expect(derivePhase(job(), [evicted], noProgress)).toMatchObject({ phase: 'evicted', message: expect.stringContaining('ephemeral-storage') });
    const replacement = pod('p-new', '2026-01-01T01:00:00Z', { phase: 'Pending', initContainerStatuses: init(false, false) });
    expect(newestPod([replacement, evicted])?.metadata?.name).toBe('p-new');
    expect(derivePhase(job(), [evicted, replacement], noProgress)).toMatchObject({ phase: 'init-git', pod: 'p-new' });
  });

  it('counts restarts and explains an OOMKilled main container', () => {
    const p = pod('p', '2026-01-01T00:00:00Z', {
      phase: 'Running',
      containerStatuses: [{ name: 'main', ready: true, restartCount: 2, image: 'x', imageID: '', state: { running: {} }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }],
    });
    expect(derivePhase(job(), [p], { lastStep: 50_000, nSteps: 125_000_000, inProduction: true })).toMatchObject({
      phase: 'production',
      restarts: 2,
      message: expect.stringContaining('OOMKilled'),
    });
  });

  it('a failed Job is failed with its reason; a missing Job is unknown', () => {
    expect(derivePhase(job([{ type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }]), [], noProgress)).toMatchObject({
      phase: 'failed',
      message: 'Job failed: BackoffLimitExceeded Job has reached the specified backoff limit',
    });
    expect(derivePhase(null, [], noProgress).phase).toBe('unknown');
  });
});
