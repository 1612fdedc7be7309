// Where a window is, from its Job, its newest pod and what SimDeck last read of its progress file. Kubernetes says
// "Complete" when the pod's last shell line (the rclone upload) exits 0, even if the simulation crashed before:
// a window is only "done" when its last step reached n_steps, and SimDeck says so when the two disagree.
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import type { WindowPhase } from '../../../shared/kube.js';

export interface KnownProgress {
  lastStep: number | null;
  nSteps: number | null;
  /** production.out has data rows (else the window is still equilibrating). */
  inProduction: boolean;
}

export interface PhaseView {
  phase: WindowPhase;
  /** "Complete" without proof that the last step was reached: look for a crash in the pod log. */
  needsConfirmation?: boolean;
  message: string;
  pod: string | null;
  node: string | null;
  restarts: number;
}

const fmt = (n: number) => n.toLocaleString('en-US');

const condition = (job: V1Job, type: string) => (job.status?.conditions ?? []).find((c) => c.type === type && c.status === 'True');

/**
 * The pod the window lives in now: a live pod beats a finished or evicted one (the Job controller replaces an
 * evicted pod, and timestamps have one-second resolution), then the newest.
 */
export function newestPod(pods: V1Pod[]): V1Pod | null {
  const live = (p: V1Pod) => (p.status?.phase === 'Failed' || p.metadata?.deletionTimestamp ? 0 : 1);
  const created = (p: V1Pod) => Date.parse(String(p.metadata?.creationTimestamp ?? '')) || 0;
  let best: V1Pod | null = null;
  for (const p of pods) {
    if (!best) best = p;
    else if (live(p) !== live(best)) best = live(p) > live(best) ? p : best;
    else if (created(p) !== created(best)) best = created(p) > created(best) ? p : best;
  }
  return best;
}

function restartsOf(pod: V1Pod | null): number {
  return [...(pod?.status?.initContainerStatuses ?? []), ...(pod?.status?.containerStatuses ?? [])].reduce((s, c) => s + (c.restartCount ?? 0), 0);
}

/** OOMKilled / crash-looping notes from the main container's last termination. */
function containerNote(pod: V1Pod | null): string {
  const main = (pod?.status?.containerStatuses ?? []).find((c) => c.name === 'main') ?? pod?.status?.containerStatuses?.[0];
  const last = main?.lastState?.terminated;
  if (last?.reason === 'OOMKilled') return `The main container was OOMKilled (restart ${main?.restartCount ?? 0}); it resumes from its last checkpoint. Consider more memory.`;
  const waiting = main?.state?.waiting;
  if (waiting?.reason === 'CrashLoopBackOff') return `The main container keeps crashing (${main?.restartCount ?? 0} restarts): ${waiting.message ?? ''}`.trim();
  return '';
}

/** Init containers in order: the first not finished successfully is where the pod is. */
function initPhase(pod: V1Pod): WindowPhase | null {
  for (const c of pod.status?.initContainerStatuses ?? []) {
    if (c.state?.terminated?.exitCode === 0) continue;
    if (c.name === 'init-git' || c.name === 'init-rclone') return c.name;
    return 'queued';
  }
  return null;
}

export function derivePhase(job: V1Job | null, pods: V1Pod[], progress: KnownProgress, pendingMessage = ''): PhaseView {
  const pod = newestPod(pods);
  const base = { pod: pod?.metadata?.name ?? null, node: pod?.spec?.nodeName ?? null, restarts: restartsOf(pod) };
  const done = progress.lastStep !== null && progress.nSteps !== null && progress.lastStep >= progress.nSteps;
  if (!job) return { ...base, phase: done ? 'done' : 'unknown', message: done ? '' : 'The Job is not in the namespace (deleted outside SimDeck?).' };

  const failed = condition(job, 'Failed');
  if (failed) return { ...base, phase: 'failed', message: `Job failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim() };
  if (condition(job, 'Complete')) {
    if (done) return { ...base, phase: 'done', message: '' };
    // The shell's last line (the upload) decides the exit code, so "Complete" proves nothing about the simulation.
    // The caller checks the pod log for a crash; until then the window is not called done.
    const at = progress.lastStep !== null && progress.nSteps !== null ? `SimDeck last read step ${fmt(progress.lastStep)} of ${fmt(progress.nSteps)}` : 'SimDeck never read its progress';
    return {
      ...base,
      phase: 'unknown',
      needsConfirmation: true,
      message: `Job complete, but ${at} and the finished pod cannot be read any more. Check ${'production.out'} in the results bucket before using this window.`,
    };
  }

  if (!pod) return { ...base, phase: 'queued', message: pendingMessage || 'Waiting for the Job controller to create a pod.' };
  if (pod.status?.phase === 'Failed' && pod.status.reason === 'Evicted') {
    return { ...base, phase: 'evicted', message: `Evicted: ${pod.status.message ?? ''} The Job controller starts a new pod; it resumes from the last upload.`.trim() };
  }
  if (pod.status?.phase === 'Pending') {
    const init = initPhase(pod);
    if (init && init !== 'queued') return { ...base, phase: init, message: containerNote(pod) };
    const unscheduled = (pod.status.conditions ?? []).find((c) => c.type === 'PodScheduled' && c.status === 'False');
    return { ...base, phase: 'queued', message: unscheduled?.message ?? pendingMessage };
  }
  if (pod.status?.phase === 'Running') {
    return { ...base, phase: progress.inProduction ? 'production' : 'equilibration', message: containerNote(pod) };
  }
  if (pod.status?.phase === 'Succeeded') return { ...base, phase: done ? 'done' : 'production', message: '' };
  if (pod.status?.phase === 'Failed') return { ...base, phase: 'failed', message: `Pod failed: ${pod.status.reason ?? ''} ${pod.status.message ?? ''}`.trim() };
  return { ...base, phase: 'unknown', message: '' };
}

/** A Python traceback (or a fatal shell error) in the main container's log: the window script died. */
export function crashInLog(log: string): string | null {
  const lines = log.split(/\r?\n/);
  const tb = lines.findIndex((l) => l.includes('Traceback (most recent call last)'));
  if (tb >= 0) {
    const last = lines.slice(tb + 1).find((l) => /^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b/.test(l.trim()));
    return (last ?? lines[tb]!).trim();
  }
  const fatal = lines.find((l) => /\b(Segmentation fault|Killed|CUDA_ERROR_\w+|illegal memory access)\b/.test(l));
  return fatal ? fatal.trim() : null;
}

/** The message of a window whose Job completed although its script crashed (the seed's trap, notes A6). */
export function crashedMessage(progress: KnownProgress, crash: string): string {
  const where = progress.lastStep !== null && progress.nSteps !== null ? `stopped at step ${fmt(progress.lastStep)} of ${fmt(progress.nSteps)}` : 'did not finish';
  return `Job complete, but the window ${where}: the script crashed (${crash}) and the upload ran anyway.`;
}
