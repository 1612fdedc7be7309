// Keeps the state of open tunnels truthful without waiting for a user connection: probes the far end periodically
// and whenever the cluster's connection changes state. A lost cluster marks its tunnels failing at once with the
// pool's reason and next retry; when the pool is back (its own backoff brings it back), the tunnels are probed and
// flip to listening by themselves. Probes never push a down cluster harder than the pool's backoff: while a cluster
// is unreachable the pool fails them at once without connecting.
import type { ClusterStatus } from '../../shared/slurm.js';
import type { Logger } from '../core/adapter.js';
import type { SshPool } from '../ssh/pool.js';

export interface OpenTunnel {
  id: string;
  targetId: string;
}

export interface TunnelHealthDeps {
  pool: Pick<SshPool, 'onStatus'>;
  /** Time between periodic probes. */
  intervalMs: number;
  /** The tunnels listening now. */
  open(): OpenTunnel[];
  /** Probe one tunnel (opens and closes a forward channel); must not throw. */
  probe(id: string): Promise<unknown>;
  /** The cluster of these tunnels is unreachable or paused: mark them failing from its status. */
  clusterDown(ids: string[], status: ClusterStatus): void;
  /** Runs on each tick and when a cluster connection is dropped: tunnels whose rows vanished are closed. */
  reconcile(): void;
  log: Logger;
}

/** The detail of a failing tunnel: the reason, and when SimDeck tries again. */
export function failureDetail(err: unknown, cluster: { name: string; status: ClusterStatus }, intervalMs: number): string {
  const st = cluster.status;
  if (st.state === 'unreachable' || st.state === 'paused') return clusterDownDetail(cluster.name, st);
  const reason = (err instanceof Error ? err.message : String(err)).trim();
  return `${/[.!?]$/.test(reason) ? reason : `${reason}.`} SimDeck checks again every ${everyText(intervalMs)}.`;
}

export function clusterDownDetail(clusterName: string, st: ClusterStatus): string {
  return `No connection to ${clusterName}. ${st.detail}`.trim();
}

const everyText = (ms: number): string => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

export class TunnelHealth {
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly lastState = new Map<string, ClusterStatus['state']>();
  private closed = false;

  constructor(private readonly deps: TunnelHealthDeps) {}

  start(): void {
    if (this.closed || this.timer) return;
    this.unsubscribe = this.deps.pool.onStatus((s) => this.onStatus(s));
    this.timer = setInterval(() => this.tick(), this.deps.intervalMs);
    this.timer.unref();
  }

  /** Probes now (after a start, say); resolves when the probe is done. */
  check(id: string): Promise<unknown> {
    return this.closed ? Promise.resolve(undefined) : this.deps.probe(id);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private tick(): void {
    if (this.closed) return;
    this.safely(() => this.deps.reconcile());
    for (const t of this.deps.open()) void this.deps.probe(t.id);
  }

  private onStatus(s: ClusterStatus): void {
    if (this.closed) return;
    const before = this.lastState.get(s.targetId);
    this.lastState.set(s.targetId, s.state);
    if (s.state === 'idle') {
      // pool.close(targetId): settings changed or the target was removed.
      this.safely(() => this.deps.reconcile());
      return;
    }
    const ids = this.deps.open().filter((t) => t.targetId === s.targetId).map((t) => t.id);
    if (ids.length === 0) return;
    if (s.state === 'unreachable' || s.state === 'paused') this.safely(() => this.deps.clusterDown(ids, s));
    else if (s.state === 'connected' && before !== 'connected') for (const id of ids) void this.deps.probe(id);
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.deps.log.error('tunnel health check failed', { error: String(err) });
    }
  }
}
