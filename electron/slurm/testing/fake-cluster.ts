// Text in exactly the shape squeue / sacct print for the poll command (see parse.ts), for tests and the benchmark.
import { MARK_SACCT, MARK_SQUEUE, SEP } from '../parse.js';

export interface FakeJob {
  id: string; // "12", "8_3", "8_[1-4%2]"
  rawId?: string;
  arrayJobId?: string;
  arrayTaskId?: string;
  state: string;
  reason?: string;
  name?: string;
  comment?: string;
  partition?: string;
  exitCode?: string;
  workDir?: string;
}

export function squeueLine(j: FakeJob): string {
  return [
    j.id, j.rawId ?? j.id.replace(/_.*/, ''), j.arrayJobId ?? j.id.replace(/_.*/, ''), j.arrayTaskId ?? 'N/A', j.state, j.partition ?? 'debug',
    '2026-11-21T16:22:34', j.state === 'PENDING' ? 'N/A' : '2026-11-21T16:22:35', '1', '0:05', j.reason ?? 'None', j.workDir ?? '/home/u/simdeck',
    j.name ?? 'job', j.comment ?? '(null)',
  ].join(SEP);
}

export function sacctLine(j: FakeJob): string {
  return [
    j.id, j.rawId ?? j.id.replace(/_.*/, ''), j.state, j.exitCode ?? '0:0', j.partition ?? 'debug', '2026-11-21T16:22:34', '2026-11-21T16:22:35',
    '2026-11-21T16:23:35', j.reason ?? 'None', j.workDir ?? '/home/u/simdeck', j.name ?? 'job', '',
  ].join(SEP);
}

export function pollStdout(squeue: FakeJob[], sacct: FakeJob[]): string {
  const q = squeue.map(squeueLine).join('\n');
  const a = sacct.map(sacctLine).join('\n');
  return `${q}${q ? '\n' : ''}\n${MARK_SQUEUE} 0\n${a}${a ? '\n' : ''}\n${MARK_SACCT} 0\n`;
}
