// SLURM job states (squeue %T, sacct State) mapped onto SimDeck's one state model. A state SimDeck does not
// know becomes `unknown` with the raw state as the reason, never a guess.
import type { JobState } from '../../shared/domain.js';

export interface MappedState {
  state: JobState;
  reason: string | null;
}

const DIRECT: Record<string, JobState> = {
  PENDING: 'pending',
  REQUEUED: 'pending',
  REQUEUE_FED: 'pending',
  REQUEUE_HOLD: 'pending',
  RESV_DEL_HOLD: 'pending',
  CONFIGURING: 'pending',
  RUNNING: 'running',
  SIGNALING: 'running',
  STAGE_OUT: 'running',
  RESIZING: 'running',
  COMPLETING: 'completing',
  SUSPENDED: 'suspended',
  STOPPED: 'suspended',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TIMEOUT: 'timeout',
  OUT_OF_MEMORY: 'out-of-memory',
  NODE_FAIL: 'node-fail',
  PREEMPTED: 'preempted',
};

/** Ends a job without a dedicated SimDeck state: shown as failed, the SLURM state kept as the reason. */
const FAILED_WITH_REASON = new Set(['BOOT_FAIL', 'DEADLINE', 'SPECIAL_EXIT', 'REVOKED']);

/** Short squeue codes (%t), accepted too so a `%t` column does not turn into unknown. */
const SHORT: Record<string, string> = {
  PD: 'PENDING',
  R: 'RUNNING',
  CG: 'COMPLETING',
  S: 'SUSPENDED',
  CD: 'COMPLETED',
  F: 'FAILED',
  CA: 'CANCELLED',
  TO: 'TIMEOUT',
  OOM: 'OUT_OF_MEMORY',
  NF: 'NODE_FAIL',
  PR: 'PREEMPTED',
  BF: 'BOOT_FAIL',
  DL: 'DEADLINE',
  RQ: 'REQUEUED',
  CF: 'CONFIGURING',
  SE: 'SPECIAL_EXIT',
  ST: 'STOPPED',
  RV: 'REVOKED',
  SO: 'STAGE_OUT',
  SI: 'SIGNALING',
  RS: 'RESIZING',
  RH: 'REQUEUE_HOLD',
  RF: 'REQUEUE_FED',
  RD: 'RESV_DEL_HOLD',
};

const meaningful = (r: string | null | undefined): string | null => {
  const t = (r ?? '').trim();
  return t === '' || t === 'None' || t === '(null)' || t === 'N/A' ? null : t;
};

/**
 * Maps a raw SLURM state. `raw` may carry a suffix ("CANCELLED by 1001", "CANCELLED+"); `reason` is squeue's
 * %r or sacct's Reason; `exitCode` the parsed exit status (used for a failed job's reason).
 */
export function mapSlurmState(raw: string, reason?: string | null, exitCode?: number | null): MappedState {
  const trimmed = raw.trim();
  const word = (trimmed.split(/[\s+]/)[0] ?? '').toUpperCase();
  const name = SHORT[word] ?? word;
  const why = meaningful(reason);
  if (name === 'CANCELLED') {
    const by = /^CANCELLED\s+(by\s+\S+)/i.exec(trimmed)?.[1];
    return { state: 'cancelled', reason: by ? `cancelled ${by}` : why };
  }
  if (name === 'FAILED') {
    const code = exitCode !== null && exitCode !== undefined ? `exit code ${exitCode}` : null;
    return { state: 'failed', reason: [why, code].filter(Boolean).join(', ') || null };
  }
  // A finished job's sacct Reason is stale (e.g. JobArrayTaskLimit from when it waited).
  if (name === 'COMPLETED') return { state: 'completed', reason: null };
  if (name === 'REQUEUED') return { state: 'pending', reason: why ? `requeued: ${why}` : 'requeued' };
  const direct = DIRECT[name];
  if (direct) return { state: direct, reason: why };
  if (FAILED_WITH_REASON.has(name)) return { state: 'failed', reason: why ? `${name}: ${why}` : name };
  return { state: 'unknown', reason: `SLURM state ${trimmed || '(empty)'}${why ? ` (${why})` : ''}` };
}

/** sacct's ExitCode "3:0" (status:signal) → 3; a signal alone (0:9) → 128+9 like a shell; unreadable → null. */
export function parseExitCode(text: string | null | undefined): number | null {
  const m = /^(\d+):(\d+)$/.exec((text ?? '').trim());
  if (!m) return null;
  const status = Number(m[1]);
  const signal = Number(m[2]);
  if (status === 0 && signal !== 0) return 128 + signal;
  return status;
}
