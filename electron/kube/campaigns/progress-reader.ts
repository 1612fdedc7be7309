// Reads running windows' progress from inside their pods (the only live source: S3 lags until the pod ends), on a
// budget: at most `ratePerSecond` exec calls across ALL windows, each window at most every `minIntervalMs`, the
// longest-unread window first. 1,000 windows at 0.5 exec/s means each is read about every 33 minutes; a 500 ns
// window runs for days, so that is plenty, and the API server is never flooded (the seed's habit was one
// `kubectl exec … cat production.out` per window, by hand).
export interface ReadTarget {
  key: string;
  /** Past its expected end: read at the shorter urgent interval. */
  urgent?: boolean;
}

export interface ProgressReaderOptions<T extends ReadTarget> {
  /** Windows that can be read now (a running pod). */
  candidates(): T[];
  read(t: T): Promise<void>;
  ratePerSecond?: number;
  minIntervalMs?: number;
  /** Interval for urgent windows (default 15 s). */
  urgentIntervalMs?: number;
  /** Reads in flight at once. */
  concurrency?: number;
}

export class ProgressReader<T extends ReadTarget> {
  private readonly lastRead = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  reads = 0;

  constructor(private readonly o: ProgressReaderOptions<T>) {}

  start(): void {
    if (this.timer) return;
    const every = Math.max(10, Math.round(1000 / (this.o.ratePerSecond ?? 0.5)));
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Read this window at the next tick (a pod just started, the researcher opened it). */
  soon(key: string): void {
    this.lastRead.delete(key);
  }

  /** One scheduling step: starts the most overdue read, if any is due and a slot is free. */
  tick(now = Date.now()): T | null {
    if (this.inFlight.size >= (this.o.concurrency ?? 4)) return null;
    const min = this.o.minIntervalMs ?? 60_000;
    const urgentMin = Math.min(min, this.o.urgentIntervalMs ?? 15_000);
    let best: T | null = null;
    let bestAt = Infinity;
    for (const c of this.o.candidates()) {
      if (this.inFlight.has(c.key)) continue;
      const at = this.lastRead.get(c.key) ?? 0;
      if (now - at < (c.urgent ? urgentMin : min)) continue;
      if (at < bestAt) {
        best = c;
        bestAt = at;
      }
    }
    if (!best) return null;
    const t = best;
    this.inFlight.add(t.key);
    this.lastRead.set(t.key, now);
    this.reads++;
    void this.o
      .read(t)
      .catch(() => undefined)
      .finally(() => this.inFlight.delete(t.key));
    return t;
  }
}
