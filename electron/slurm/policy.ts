// The multi-cluster policy of a job group (copies of one model on several clusters), as pure decisions: the
// service carries them out and writes each one, with its reason, to the activity log (action `slurm.policy`).
import type { Job, JobState } from '../../shared/domain.js';
import type { SubmitPolicy } from '../../shared/slurm.js';

export type PolicyDecision =
  | { kind: 'cancel'; jobId: string; reason: string }
  | { kind: 'schedule-retry'; jobId: string; at: string; reason: string }
  | { kind: 'resubmit'; jobId: string; reason: string }
  | { kind: 'give-up'; jobId: string; reason: string };

export const RETRYABLE: readonly JobState[] = ['failed', 'timeout', 'out-of-memory', 'node-fail'];
const WINNING: readonly JobState[] = ['running', 'completing', 'completed'];

const where = (j: Job, names: Record<string, string>) => names[j.targetId ?? ''] ?? j.targetId ?? '?';

/**
 * Decides for one group. `names` maps target ids to cluster names (for reasons). Copies replaced by a
 * resubmission (details.retriedBy) no longer count.
 */
export function decide(policy: SubmitPolicy, jobs: Job[], now: Date, names: Record<string, string> = {}): PolicyDecision[] {
  const out: PolicyDecision[] = [];
  const active = jobs.filter((j) => !j.details.retriedBy && !j.details.parentJobId);
  const winner = active.find((j) => WINNING.includes(j.state));
  if (winner) {
    if (policy.cancelPendingDuplicates) {
      for (const j of active) {
        if (j.id === winner.id || j.state !== 'pending' || !j.remoteId || j.details.policyCancelled) continue;
        out.push({
          kind: 'cancel',
          jobId: j.id,
          reason: `copy ${winner.remoteId ?? winner.id} is ${winner.state} on ${where(winner, names)}; cancelling the pending duplicate ${j.remoteId} on ${where(j, names)}`,
        });
      }
    }
    return out;
  }
  for (const j of active) {
    if (!RETRYABLE.includes(j.state)) continue;
    const tries = Math.max(1, j.attempts);
    if (tries >= policy.maxTries) {
      if (!j.details.policyGaveUp && policy.maxTries > 1) {
        out.push({ kind: 'give-up', jobId: j.id, reason: `${j.state} on ${where(j, names)} after ${tries} of ${policy.maxTries} tries; not resubmitting` });
      }
      continue;
    }
    let at = typeof j.details.retryAt === 'string' ? j.details.retryAt : null;
    if (!at) {
      const failedAt = Date.parse(j.finishedAt ?? j.stateSince ?? now.toISOString());
      const delayMin = policy.backoffMinutes * 2 ** (tries - 1);
      at = new Date(failedAt + delayMin * 60_000).toISOString();
      out.push({
        kind: 'schedule-retry',
        jobId: j.id,
        at,
        reason: `${j.state} on ${where(j, names)} (try ${tries} of ${policy.maxTries}); resubmitting after ${delayMin} min backoff, at ${at}`,
      });
    }
    if (Date.parse(at) <= now.getTime()) {
      out.push({ kind: 'resubmit', jobId: j.id, reason: `${j.state} on ${where(j, names)}; try ${tries + 1} of ${policy.maxTries}` });
    }
  }
  return out;
}
