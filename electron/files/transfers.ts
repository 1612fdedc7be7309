// Runs downloads and cluster-to-cluster copies in the background: scan the source, create folders, then move
// file by file into "<name>.simdeck-part" and rename when complete (size verified). Progress goes to the transfers
// table and out as transfers.changed (at most every 250 ms per transfer, plus every state change). A dropped
// cluster pauses the transfer (resumed by itself once the cluster is back); cancel keeps what was written; resume
// continues each file from its partial size and skips files already complete.
import path, { posix } from 'node:path';
import type { Target } from '../../shared/domain.js';
import type { Transfer, TransferState } from '../../shared/files.js';
import { ApiError } from '../../shared/errors.js';
import type { ClusterStatus } from '../../shared/slurm.js';
import type { ActivityRecorder, Logger } from '../core/adapter.js';
import { scpCopyCommand, scpDownloadCommand } from './commands.js';
import type { Sink, SftpRunner } from './endpoints.js';
import { localSink, openSource, remoteSink } from './endpoints.js';
import { PART_SUFFIX } from './paths.js';
import { TransferCancelled, pump } from './pump.js';
import { fileStep, formatBytes } from './resume.js';
import { scanSource } from './scan.js';
import type { TransferPatch, TransferRepo } from './transfer-repo.js';

export const EVENT_INTERVAL_MS = 250;

export interface TransferDeps {
  repo: TransferRepo;
  sftp: SftpRunner;
  getTarget(id: string): Target;
  activity: ActivityRecorder;
  log: Logger;
  emit(t: Transfer): void;
  onStatus?(listener: (s: ClusterStatus) => void): () => void;
  /** The pool's view of a cluster: a failure while it is not 'connected' was the link, not the files. */
  status?(targetId: string): ClusterStatus;
  eventIntervalMs?: number;
}

/** Errors that mean the SSH link went away under an SFTP call rather than a problem with the files. */
const LINK_LOST = /No response from server|Not connected|channel (?:is )?(?:closed|not open)|ECONNRESET|EPIPE|socket|connection (?:lost|closed)/i;

interface Running {
  ac: AbortController;
  done: Promise<void>;
}

/** What one run of a transfer did (for logs and tests: a resumed run moves fewer bytes than the total). */
export interface RunStats {
  transferId: string;
  bytesMoved: number;
  resumedFrom: number;
  filesSkipped: number;
}

export class TransferManager {
  private readonly running = new Map<string, Running>();
  private readonly autoResume = new Set<string>();
  private readonly lastEmit = new Map<string, number>();
  private readonly pending = new Map<string, TransferPatch>();
  private readonly unsubscribe: () => void;
  private closing = false;
  /** The last run of each transfer in this session. */
  readonly lastRun = new Map<string, RunStats>();

  constructor(private readonly deps: TransferDeps) {
    for (const t of deps.repo.pauseInterrupted()) deps.log.info('transfer paused at start-up', { transferId: t.id, bytesDone: t.bytesDone });
    this.unsubscribe = deps.onStatus?.((s) => this.onClusterStatus(s)) ?? (() => undefined);
  }

  list(): Transfer[] {
    return this.deps.repo.list();
  }

  /** Records a new transfer and starts it in the background; returns it as it is now (running). */
  start(input: { kind: Transfer['kind']; from: Transfer['from']; to: Transfer['to'] }): Transfer {
    const t = this.deps.repo.create({ ...input, message: 'Measuring what to transfer…' });
    this.deps.emit(t);
    this.launch(t.id, false);
    return this.deps.repo.get(t.id);
  }

  async cancel(id: string): Promise<Transfer> {
    const t = this.deps.repo.get(id);
    this.autoResume.delete(id);
    const r = this.running.get(id);
    if (r) {
      r.ac.abort();
      await r.done;
      return this.deps.repo.get(id);
    }
    if (t.state === 'done') throw new ApiError('CONFLICT', 'This transfer is already complete; there is nothing to cancel.');
    if (t.state === 'cancelled') return t;
    return this.setState(id, 'cancelled', `Cancelled at ${formatBytes(t.bytesDone)}. What was copied is kept; resume to continue from there.`);
  }

  async resume(id: string): Promise<Transfer> {
    const t = this.deps.repo.get(id);
    if (this.running.has(id)) return t;
    if (t.state === 'done') throw new ApiError('CONFLICT', 'This transfer is already complete; start a new download or copy to transfer it again.');
    // Both ends must still exist as profiles (a removed profile removes its transfers too).
    this.deps.getTarget(t.from.targetId);
    if (t.to.targetId) this.deps.getTarget(t.to.targetId);
    this.autoResume.delete(id);
    this.setState(id, 'running', `Resuming from ${formatBytes(t.bytesDone)}…`);
    this.launch(id, true);
    return this.deps.repo.get(id);
  }

  /** Stops everything on shutdown; running transfers are left 'paused', resumable. */
  async close(): Promise<void> {
    this.closing = true;
    this.unsubscribe();
    const all = [...this.running.values()];
    for (const r of all) r.ac.abort();
    await Promise.all(all.map((r) => r.done));
  }

  private onClusterStatus(s: ClusterStatus): void {
    if (s.state !== 'connected' || this.closing) return;
    for (const id of [...this.autoResume]) {
      const t = this.deps.repo.find(id);
      if (!t || t.state !== 'paused') {
        this.autoResume.delete(id);
        continue;
      }
      if (t.from.targetId !== s.targetId && t.to.targetId !== s.targetId) continue;
      this.deps.log.info('transfer resumes: cluster reachable again', { transferId: id, targetId: s.targetId });
      void this.resume(id).catch((err: unknown) => this.deps.log.warn('transfer auto-resume failed', { transferId: id, error: String(err) }));
    }
  }

  private launch(id: string, resumed: boolean): void {
    const ac = new AbortController();
    const r: Running = { ac, done: Promise.resolve() };
    this.running.set(id, r);
    r.done = this.execute(id, ac.signal, resumed)
      .catch((err: unknown) => this.deps.log.error('transfer crashed', { transferId: id, error: String(err) }))
      .finally(() => {
        if (this.running.get(id) === r) this.running.delete(id);
      });
  }

  private progress(id: string, patch: TransferPatch, force = false): void {
    this.pending.set(id, { ...this.pending.get(id), ...patch });
    const interval = this.deps.eventIntervalMs ?? EVENT_INTERVAL_MS;
    if (!force && Date.now() - (this.lastEmit.get(id) ?? 0) < interval) return;
    this.flush(id);
  }

  private flush(id: string): Transfer {
    const patch = this.pending.get(id) ?? {};
    this.pending.delete(id);
    const t = this.deps.repo.update(id, patch);
    this.lastEmit.set(id, Date.now());
    this.deps.emit(t);
    return t;
  }

  private setState(id: string, state: TransferState, message: string, patch: TransferPatch = {}): Transfer {
    this.pending.set(id, { ...this.pending.get(id), ...patch, state, message });
    return this.flush(id);
  }

  private async execute(id: string, signal: AbortSignal, resumed: boolean): Promise<void> {
    const t0 = this.deps.repo.get(id);
    const from = this.deps.getTarget(t0.from.targetId);
    const to = t0.to.targetId ? this.deps.getTarget(t0.to.targetId) : null;
    const sink: Sink = to ? remoteSink(this.deps.sftp, to) : localSink;
    const join = to ? posix.join : path.join;
    const stats: RunStats = { transferId: id, bytesMoved: 0, resumedFrom: 0, filesSkipped: 0 };
    this.lastRun.set(id, stats);
    let bytesTotal = t0.bytesTotal ?? 0;
    let bytesDone = 0;
    try {
      let plan: Awaited<ReturnType<typeof scanSource>> | undefined;
      let scanError: unknown = null;
      try {
        plan = await this.deps.sftp(from, (s) => scanSource(s, t0.from.path, from.name));
      } catch (err) {
        scanError = err;
      }
      const recursive = plan?.isDir ?? false;
      const command = to
        ? scpCopyCommand(from, t0.from.path, to, posix.dirname(t0.to.path), recursive)
        : scpDownloadCommand(from, t0.from.path, t0.to.path, recursive);
      await this.deps.activity.run(
        { action: `files.${t0.kind}${resumed ? '.resume' : ''}`, command, targetId: from.id },
        async () => {
          if (!plan) throw scanError instanceof Error ? scanError : new Error(String(scanError));
          if (signal.aborted) throw new TransferCancelled();
          bytesTotal = plan.totalBytes;
          const root = t0.to.path;
          const skipped = plan.skippedLinks.length ? ` (${plan.skippedLinks.length} links to folders skipped)` : '';
          this.progress(id, { bytesTotal, filesTotal: plan.files.length, filesDone: 0, bytesDone: 0, message: `Transferring ${plan.files.length} file(s), ${formatBytes(bytesTotal)}${skipped}…` }, true);
          await sink.run(async (ops) => {
            if (plan.isDir) {
              await ops.mkdirp(root);
              for (const d of plan.dirs) await ops.mkdirp(join(root, d));
            } else await ops.mkdirp(to ? posix.dirname(root) : path.dirname(root));
          });
          let filesDone = 0;
          for (const item of plan.files) {
            if (signal.aborted) throw new TransferCancelled();
            const src = item.rel ? posix.join(t0.from.path, item.rel) : t0.from.path;
            const dest = item.rel ? join(root, item.rel) : root;
            const base = bytesDone;
            const size = await this.deps.sftp(from, (ss) =>
              sink.run(async (ops) => {
                const reader = await openSource(ss, src);
                try {
                  const finalSize = (await ops.exists(dest)) ? await ops.size(dest) : null;
                  const step = fileStep(reader.size, finalSize, await ops.size(dest + PART_SUFFIX));
                  if (step.action === 'skip') {
                    stats.filesSkipped++;
                    stats.resumedFrom += step.bytes;
                    return step.bytes;
                  }
                  stats.resumedFrom += step.from;
                  this.progress(id, { bytesDone: base + step.from });
                  const writer = await ops.open(dest + PART_SUFFIX, step.from);
                  let end: number;
                  try {
                    end = await pump(
                      {
                        read: reader.read,
                        write: writer.write,
                        signal,
                        progress: (pos, n) => {
                          stats.bytesMoved += n;
                          this.progress(id, { bytesDone: base + pos });
                        },
                      },
                      step.from,
                      reader.size,
                    );
                  } finally {
                    await writer.close();
                  }
                  if (end !== reader.size) throw new ApiError('REMOTE_FAILED', `${src} on ${from.name} got shorter while it was copied; resume once it is finished being written.`);
                  const written = await ops.size(dest + PART_SUFFIX);
                  if (written !== reader.size) {
                    throw new ApiError('REMOTE_FAILED', `${dest}${PART_SUFFIX} has ${written ?? 0} bytes, expected ${reader.size}; resume to try again.`);
                  }
                  await ops.rename(dest + PART_SUFFIX, dest);
                  return reader.size;
                } finally {
                  await reader.close();
                }
              }),
            );
            bytesTotal += size - item.size; // the file may have changed size since the scan
            bytesDone = base + size;
            filesDone++;
            this.progress(id, { bytesDone, bytesTotal, filesDone });
          }
          const note = stats.resumedFrom > 0 ? ` (continued from ${formatBytes(stats.resumedFrom)}; ${formatBytes(stats.bytesMoved)} moved this time)` : '';
          this.setState(id, 'done', `Done: ${filesDone} file(s), ${formatBytes(bytesDone)} at ${t0.to.path}${note}.`, { bytesDone, bytesTotal, filesDone });
        },
      );
      this.deps.log.info('transfer done', { ...stats, bytesTotal });
    } catch (err) {
      const linkLost = await this.linkLost(err, [from.id, ...(to ? [to.id] : [])]);
      this.finishWithError(id, linkLost ? new ApiError('UNAVAILABLE', `The connection was lost during the transfer (${(err instanceof Error ? err.message : String(err)).replace(/\.$/, '')})`) : err, signal);
      this.deps.log.info('transfer stopped', { ...stats, state: this.deps.repo.get(id).state });
    }
  }

  private async linkLost(err: unknown, targetIds: string[]): Promise<boolean> {
    if (err instanceof TransferCancelled || (err instanceof ApiError && err.code !== 'REMOTE_FAILED')) return false;
    if (err instanceof Error && LINK_LOST.test(err.message)) return true;
    if (!this.deps.status) return false;
    await new Promise((r) => setTimeout(r, 100)); // the pool hears of a close just after the calls fail
    return targetIds.some((t) => this.deps.status!(t).state !== 'connected');
  }

  private finishWithError(id: string, err: unknown, signal: AbortSignal): void {
    this.pending.delete(id);
    const t = this.deps.repo.get(id);
    const at = formatBytes(t.bytesDone);
    if (this.closing && signal.aborted) {
      this.setState(id, 'paused', `SimDeck stopped during this transfer; resume to continue from ${t.bytesDone} bytes.`);
    } else if (err instanceof TransferCancelled || signal.aborted) {
      this.setState(id, 'cancelled', `Cancelled at ${at}. What was copied is kept (".simdeck-part" files); resume to continue from there.`);
    } else if (err instanceof ApiError && err.code === 'UNAVAILABLE') {
      this.autoResume.add(id);
      this.setState(id, 'paused', `${err.message.replace(/\.?$/, '.')} Paused at ${at}; SimDeck resumes it when the cluster is reachable again, or press Resume.`);
    } else {
      const msg = err instanceof Error ? err.message : String(err);
      this.setState(id, 'failed', `${msg.replace(/\.?$/, '.')} What was copied is kept; fix this and resume to continue from ${at}.`);
    }
  }
}
