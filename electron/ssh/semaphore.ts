// A counting semaphore: at most `limit` holders at once, the rest wait in FIFO order. The pool uses one per SSH
// connection so a burst of commands never opens more channels than sshd allows (MaxSessions, 10 by default).
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.active;
  }

  /** Resolves with a release function once a slot is free; call it exactly once. */
  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // hand the slot straight over: `active` stays the same
      else this.active--;
    };
  }
}
