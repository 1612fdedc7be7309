// Watches one deployed fleet: looks at its members every few seconds, works out its state, spots crash loops,
// and every sample interval records workers online, queue depth, consumers, CPU and memory for the charts.
// When the engine or cluster stops answering (dockerd restarted, VPN down) the fleet shows "unreachable" with the
// reason and the next try, backing off to a minute; it recovers by itself on the first answer.
import type { FleetMember, FleetSample, FleetState } from '../../shared/fleet.js';
import type { Logger } from '../core/adapter.js';
import type { FleetDriver } from './drivers/driver.js';
import { isWorkerOnline } from './drivers/driver.js';
import { CrashLoopDetector } from './monitor/crash-loop.js';
import type { BrokerSnapshot } from './monitor/snapshot.js';
import type { FleetRepo, FleetRow } from './repo.js';

export interface ObserverDeps {
  repo: FleetRepo;
  driver: FleetDriver;
  /** The broker's reading, or null when the fleet has no monitor. Throws with a readable reason. */
  readBroker(f: FleetRow): Promise<BrokerSnapshot | null>;
  changed(fleetId: string): void;
  crashLooping(f: FleetRow, members: FleetMember[]): void;
  log: Logger;
}

export interface ObserverOptions {
  intervalMs: number;
  sampleMs: number;
  maxBackoffMs: number;
}

/** States of a member that mean it is not doing its work and will not by itself (Docker, Swarm and SLURM words). */
const BROKEN = new Set(['exited', 'dead', 'failed', 'rejected', 'out-of-memory', 'node-fail', 'timeout', 'cancelled', 'orphaned']);

/** Fleet state and a one-line summary from its members. */
export function summarize(f: FleetRow, members: readonly FleetMember[]): { state: FleetState; message: string; running: number; desired: number } {
  const workers = members.filter((m) => m.role === 'worker' || (f.source === 'cli-stack' && m.role === 'service'));
  const running = workers.filter((m) => m.state === 'running').length;
  const spec = f.spec;
  const sized = spec && !spec.workers.global && spec.workers.gpu !== 'per-gpu';
  const desired = sized ? spec.workers.replicas : workers.length;
  const down = members.filter((m) => (m.role === 'broker' || m.role === 'backend') && m.state !== 'running').map((m) => `${m.role} ${m.state}`);
  const broken = workers.filter((m) => BROKEN.has(m.state)).length;
  const pending = workers.filter((m) => m.state !== 'running' && !BROKEN.has(m.state)).length;
  const parts = [`${running} of ${desired} workers running`];
  if (pending > 0) parts.push(`${pending} starting or pending`);
  if (broken > 0) parts.push(`${broken} stopped or failed`);
  parts.push(...down);
  const degraded = down.length > 0 || broken > 0 || (running < desired && pending === 0);
  return { state: degraded ? 'degraded' : 'running', message: parts.join(', '), running, desired };
}

export class FleetObserver {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private failures = 0;
  private lastSample = 0;
  private readonly crash = new CrashLoopDetector();
  /** The last members seen, for fleets.get while the next look is under way. */
  members: FleetMember[] = [];
  seenAt = 0;

  constructor(
    readonly fleetId: string,
    private readonly deps: ObserverDeps,
    private readonly opts: ObserverOptions,
  ) {}

  start(delayMs = 0): void {
    this.stopped = false;
    this.schedule(delayMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Look again now (after a deploy, scale or action) instead of at the next tick. */
  poke(): void {
    if (!this.stopped) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref?.();
  }

  /** The fleet as it is now, or null when a deploy or teardown owns it (the observer must not write then). */
  private current() {
    const f = this.deps.repo.find(this.fleetId);
    if (!f || f.state === 'removed' || f.state === 'failed') {
      this.stop();
      return null;
    }
    return f.state === 'removing' || f.state === 'deploying' ? null : f;
  }

  async tick(): Promise<void> {
    this.timer = null;
    const f = this.current();
    if (!f) return this.stopped ? undefined : this.schedule(this.opts.intervalMs);
    let next = this.opts.intervalMs;
    try {
      const members = await this.deps.driver.members(f);
      // A look takes seconds: a teardown (or stop) that started meanwhile owns the state from here on.
      if (this.stopped || !this.current()) return;
      this.members = members;
      this.seenAt = Date.now();
      this.failures = 0;
      this.look(f, members);
      if (Date.now() - this.lastSample >= this.opts.sampleMs) await this.sample(f, members);
    } catch (err) {
      this.failures += 1;
      next = Math.min(this.opts.maxBackoffMs, this.opts.intervalMs * 2 ** Math.min(this.failures - 1, 6));
      const why = err instanceof Error ? err.message : String(err);
      if (this.stopped || !this.current()) return;
      if (this.deps.repo.update(f.id, { state: 'unreachable', message: `${why} SimDeck tries again in ${Math.round(next / 1000)} s.` })) this.deps.changed(f.id);
    }
    if (!this.stopped) this.schedule(next);
  }

  private look(f: FleetRow, members: FleetMember[]): void {
    const fresh: FleetMember[] = [];
    for (const m of members) if (this.crash.observe(m.name, m.restarts) === 'new') fresh.push(m);
    const names = new Set(members.map((m) => m.name));
    const looping = this.crash.looping().filter((n) => names.has(n));
    const s = summarize(f, members);
    const changed = this.deps.repo.update(f.id, { state: s.state, message: s.message, running: s.running, desired: s.desired, crashLooping: looping });
    if (fresh.length > 0) this.deps.crashLooping(this.deps.repo.get(f.id), fresh);
    if (changed) this.deps.changed(f.id);
  }

  private async sample(f: FleetRow, members: FleetMember[]): Promise<void> {
    this.lastSample = Date.now();
    let broker: BrokerSnapshot | null = null;
    let monitorState = '';
    try {
      broker = await this.deps.readBroker(f);
      if (broker) monitorState = `ok: ${broker.queueDepth} queued in ${broker.queues.length} queue(s)${broker.consumers === null ? '' : `, ${broker.consumers} consumer(s)`}`;
    } catch (err) {
      monitorState = err instanceof Error ? err.message : String(err);
    }
    const cpu = members.map((m) => m.cpuPercent).filter((v): v is number => v !== null);
    const mem = members.map((m) => m.memBytes).filter((v): v is number => v !== null);
    const sample: FleetSample = {
      at: new Date().toISOString(),
      workersOnline: members.filter(isWorkerOnline).length,
      queueDepth: broker ? broker.queueDepth : null,
      consumers: broker ? broker.consumers : null,
      cpuPercent: cpu.length > 0 ? Math.round(cpu.reduce((a, b) => a + b, 0) * 10) / 10 : null,
      memBytes: mem.length > 0 ? mem.reduce((a, b) => a + b, 0) : null,
    };
    if (this.stopped || !this.current()) return;
    this.deps.repo.addSample(f.id, sample);
    if (f.spec?.monitor && this.deps.repo.update(f.id, { monitorState })) this.deps.changed(f.id);
  }
}
