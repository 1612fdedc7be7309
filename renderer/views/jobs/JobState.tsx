// A job's state with what explains it: the pending reason, the exit code of a failure, how long it has been unknown.
import type { Job } from '../../../shared/domain.js';
import { StateBadge } from '../../components/StateBadge.js';
import { formatAgo, formatTime } from '../../lib/format.js';

export function stateNote(job: Pick<Job, 'state' | 'reason' | 'exitCode' | 'stateSince'>): string {
  if (job.state === 'pending') return job.reason ?? '';
  if (job.state === 'unknown') return job.stateSince ? `unknown since ${formatTime(job.stateSince)}` : (job.reason ?? '');
  if (job.exitCode !== null && job.exitCode !== 0 && ['failed', 'out-of-memory', 'timeout', 'node-fail'].includes(job.state)) return `exit ${job.exitCode}`;
  return '';
}

export function JobStateCell({ job }: { job: Job }) {
  const note = stateNote(job);
  return (
    <span className="state-cell">
      <StateBadge state={job.state} />
      {note ? (
        <span className="state-note" title={job.state === 'unknown' && job.stateSince ? `${note} (${formatAgo(job.stateSince)})` : (job.reason ?? note)}>
          {note}
        </span>
      ) : null}
    </span>
  );
}
