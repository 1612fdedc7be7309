// Tells a crash-looping worker from one that restarted once. Each backend only offers a cumulative counter
// (Docker's RestartCount, Swarm's failed tasks per slot, SLURM's requeue count), so the detector remembers when
// each counter went up and flags a member once it went up `threshold` times within `windowMs`.
// Pure: no timers, the clock is injected, the caller polls.

export type CrashLoopState = 'new' | 'ongoing' | 'ok';

export interface CrashLoopOptions {
  /** Restarts within the window that make a crash loop (default 3). */
  threshold?: number;
  /** The window (default 5 minutes). */
  windowMs?: number;
  /** Clock in ms (default Date.now); tests pass a fake one. */
  now?: () => number;
}

interface Member {
  lastCount: number;
  /** Times of the counter increases still inside the window, oldest first (one entry per restart). */
  restarts: number[];
  looping: boolean;
}

export class CrashLoopDetector {
  private readonly threshold: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly members = new Map<string, Member>();

  constructor(opts: CrashLoopOptions = {}) {
    this.threshold = opts.threshold ?? 3;
    this.windowMs = opts.windowMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
    if (!Number.isInteger(this.threshold) || this.threshold < 1) throw new RangeError(`threshold must be a positive integer, not ${this.threshold}`);
    if (!(this.windowMs > 0)) throw new RangeError(`windowMs must be positive, not ${this.windowMs}`);
  }

  /**
   * Feeds the member's current cumulative restart count. 'new' exactly once when it starts looping (alert now),
   * 'ongoing' while it loops, 'ok' otherwise. It stops looping only after a whole window without restarts, so a
   * loop that slows down a little does not flap between 'ok' and 'new'.
   */
  observe(member: string, restartCount: number): CrashLoopState {
    if (!Number.isFinite(restartCount) || restartCount < 0) throw new RangeError(`restart count of ${member} must be >= 0, not ${restartCount}`);
    const now = this.now();
    const m = this.members.get(member);
    if (!m) {
      // First sight: restarts counted before we watched have no time, so they cannot start a loop.
      this.members.set(member, { lastCount: restartCount, restarts: [], looping: false });
      return 'ok';
    }
    // A lower count is a new object under the same name (container recreated, job resubmitted): new baseline.
    const added = Math.max(0, restartCount - m.lastCount);
    m.lastCount = restartCount;
    for (let i = 0; i < added; i++) m.restarts.push(now);
    m.restarts = m.restarts.filter((t) => now - t < this.windowMs);
    if (m.looping) {
      m.looping = m.restarts.length > 0;
      if (m.looping) return 'ongoing';
    }
    if (m.restarts.length >= this.threshold) {
      m.looping = true;
      return 'new';
    }
    return 'ok';
  }

  /** Drops a member (removed from the fleet); seen again, it starts from a fresh baseline. */
  forget(member: string): void {
    this.members.delete(member);
  }

  /** Members looping now: flagged, and restarted within the last window (as of the clock, not the last observe). */
  looping(): string[] {
    const now = this.now();
    const out: string[] = [];
    for (const [name, m] of this.members) {
      const last = m.restarts[m.restarts.length - 1];
      if (m.looping && last !== undefined && now - last < this.windowMs) out.push(name);
    }
    return out;
  }
}
