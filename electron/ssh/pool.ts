// One SSH connection per cluster, shared by everything SimDeck does there (polls, submissions, file transfers).
// Connections open lazily on first use, carry keepalives, multiplex a bounded number of channels, keep one SFTP
// session, and come back by themselves after a drop (exponential backoff with jitter, 1 s doubling to 5 min).
// A failure that retrying cannot fix (login refused, host key unknown or changed) pauses the cluster until the user
// acts; the status says what to do. A lost cluster is "unreachable since …", and calls throw UNAVAILABLE so callers
// mark jobs unknown, never failed.
import type { Duplex } from 'node:stream';
import type { SFTPWrapper } from 'ssh2';
import type { Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { ClusterStatus, SshPrompt } from '../../shared/slurm.js';
import type { Logger } from '../core/adapter.js';
import { commandLine } from '../core/shell-quote.js';
import { connectSsh } from './connect.js';
import type { ConnectSettings, SshConnection } from './connect.js';
import type { HostKeyChecker } from './host-key-verifier.js';
import type { RemoteExecOptions, RemoteResult, SshRunner } from './runner.js';
import { Semaphore } from './semaphore.js';
import { SshSession } from './session.js';
import { sftpHome, sftpMkdirp, sftpReadFile, sftpWriteFile } from './sftp-ops.js';

export interface SshPoolDeps {
  /** Connection settings of a target, secrets included (see resolveSshConnection in target.ts). */
  resolve(target: Target): Promise<ConnectSettings>;
  hostKeys: HostKeyChecker;
  /** Shows keyboard-interactive (2FA) questions; the pool applies a 5-minute timeout. */
  prompt(p: SshPrompt): Promise<string[]>;
  log: Logger;
  /** Channels per connection; sshd's MaxSessions is 10 and SFTP takes one. Default 8. */
  maxChannels?: number;
  /** Reconnect backoff: first delay, cap, and ± jitter fraction. Defaults 1 s, 5 min, 0.2. */
  backoff?: { initialMs?: number; maxMs?: number; jitter?: number };
  /** Extra tries of a call whose connection dropped under it. Default 2. */
  callRetries?: number;
  promptTimeoutMs?: number;
}

export interface PoolExecOptions extends RemoteExecOptions {
  /**
   * Re-run the command if the connection dropped while it ran (default true). Pass false for commands that must
   * not run twice (sbatch): the caller then gets UNAVAILABLE and checks the cluster itself.
   */
  retryOnDrop?: boolean;
}

interface Live {
  ssh: SshConnection;
  session: SshSession;
  channels: Semaphore;
  sftp: Promise<SFTPWrapper> | null;
}

interface Entry {
  target: Target;
  live: Live | null;
  connecting: Promise<Live> | null;
  status: ClusterStatus;
  /** Consecutive failed connects; drives the backoff. */
  failures: number;
  downSince: string | null;
  retryTimer: NodeJS.Timeout | null;
  lastError: ApiError | null;
  /** Bumped by close(): late results of an older connect are discarded. */
  generation: number;
}

/** Errors that retrying cannot fix: the user must change settings, trust a key or log in differently. */
const NEEDS_USER = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'CONFIRMATION_REQUIRED', 'INVALID_INPUT', 'NOT_FOUND']);

const toApiError = (err: unknown): ApiError =>
  err instanceof ApiError ? err : new ApiError('UNAVAILABLE', err instanceof Error ? err.message : String(err));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class SshPool implements SshRunner {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(s: ClusterStatus) => void>();

  constructor(private readonly deps: SshPoolDeps) {}

  // ---- SshRunner ----

  async exec(target: Target, command: string, opts: PoolExecOptions = {}): Promise<RemoteResult> {
    const result = await this.withConnection(target, opts.retryOnDrop ?? true, async (live) => {
      const release = await live.channels.acquire();
      try {
        return await live.session.exec(command, { timeoutMs: opts.timeoutMs, stdin: opts.stdin });
      } finally {
        release();
      }
    });
    const e = this.entries.get(target.id);
    if (e) this.setStatus(e, { lastPollAt: new Date().toISOString() }, false);
    return result;
  }

  mkdirp(target: Target, remotePath: string): Promise<void> {
    return this.withSftp(target, (sftp) => sftpMkdirp(sftp, remotePath));
  }

  writeFile(target: Target, remotePath: string, data: string | Buffer, mode?: number): Promise<void> {
    return this.withSftp(target, (sftp) => sftpWriteFile(sftp, remotePath, data, mode));
  }

  readFile(target: Target, remotePath: string, opts?: { maxBytes?: number; offset?: number }): Promise<Buffer> {
    return this.withSftp(target, (sftp) => sftpReadFile(sftp, remotePath, opts));
  }

  home(target: Target): Promise<string> {
    return this.withSftp(target, (sftp) => sftpHome(sftp));
  }

  /**
   * Runs `fn` with the cluster's pooled SFTP session (opened on first use). A connection that drops under `fn` is
   * re-established with the pool's backoff and `fn` runs again (so `fn` must be safe to repeat: it should work out
   * where to continue from, not assume a fresh start); in the end a lost cluster throws UNAVAILABLE.
   */
  sftp<T>(target: Target, fn: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
    return this.withSftp(target, fn);
  }

  /**
   * Opens a direct-tcpip channel from the cluster's login node to remoteHost:remotePort (what `ssh -L` does per
   * connection). Not counted against the channel limit: sshd's MaxSessions limits sessions, not forwards.
   */
  forwardOut(target: Target, remoteHost: string, remotePort: number): Promise<Duplex> {
    return this.withConnection(
      target,
      true,
      (live) =>
        new Promise<Duplex>((resolve, reject) => {
          try {
            live.ssh.client.forwardOut('127.0.0.1', 0, remoteHost, remotePort, (err, stream) =>
              err
                ? reject(new ApiError('REMOTE_FAILED', `${live.ssh.where} could not open a connection to ${remoteHost}:${remotePort}: ${err.message}.`))
                : resolve(stream),
            );
          } catch (err) {
            reject(new ApiError('UNAVAILABLE', `The SSH connection to ${live.ssh.where} was lost: ${(err as Error).message}`));
          }
        }),
    );
  }

  status(targetId: string): ClusterStatus {
    return this.entries.get(targetId)?.status ?? idleStatus(targetId);
  }

  onStatus(listener: (s: ClusterStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  displayPrefix(target: Target): string {
    const s = target.settings;
    const args = ['ssh', '-p', String(s.port ?? 22)];
    if (s.proxyJump) args.push('-J', String(s.proxyJump));
    if (s.privateKeyPath && !target.secretRefs.privateKey) args.push('-i', String(s.privateKeyPath));
    args.push(s.username ? `${String(s.username)}@${String(s.host)}` : String(s.host));
    return commandLine(args);
  }

  /** Drops the pooled connection(s): on shutdown, or when a target's settings change. Status returns to idle. */
  async close(targetId?: string): Promise<void> {
    const ids = targetId === undefined ? [...this.entries.keys()] : [targetId];
    for (const id of ids) {
      const e = this.entries.get(id);
      if (!e) continue;
      e.generation++;
      if (e.retryTimer) clearTimeout(e.retryTimer);
      this.entries.delete(id);
      const live = e.live;
      e.live = null;
      live?.ssh.end();
      this.emit(idleStatus(id));
    }
    await Promise.resolve();
  }

  // ---- connection management ----

  private entry(target: Target): Entry {
    let e = this.entries.get(target.id);
    if (!e) {
      e = {
        target,
        live: null,
        connecting: null,
        status: idleStatus(target.id),
        failures: 0,
        downSince: null,
        retryTimer: null,
        lastError: null,
        generation: 0,
      };
      this.entries.set(target.id, e);
    }
    e.target = target;
    return e;
  }

  private withSftp<T>(target: Target, fn: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
    return this.withConnection(target, true, async (live) => {
      if (!live.sftp) {
        const opening: Promise<SFTPWrapper> = new Promise<SFTPWrapper>((resolve, reject) =>
          live.ssh.client.sftp((err, sftp) => {
            if (err) {
              live.sftp = null;
              reject(new ApiError('UNAVAILABLE', `${live.ssh.where} refused an SFTP session: ${err.message}.`));
            } else {
              // The SFTP channel can end while the connection lives on: open a new one next time.
              sftp.on('close', () => {
                if (live.sftp === opening) live.sftp = null;
              });
              resolve(sftp);
            }
          }),
        );
        live.sftp = opening;
      }
      return fn(await live.sftp);
    });
  }

  /**
   * Runs `fn` on the target's live connection, connecting first if needed. If the connection drops under it (or the
   * first connect fails transiently), it waits with backoff and tries again a bounded number of times; in the end it
   * throws UNAVAILABLE with the "unreachable since" message. A cluster already known to be down fails at once: the
   * background reconnect is what brings it back, not every caller hammering it.
   */
  private async withConnection<T>(target: Target, retryOnDrop: boolean, fn: (live: Live) => Promise<T>): Promise<T> {
    const e = this.entry(target);
    const retries = this.deps.callRetries ?? 2;
    const downBefore = e.status.state === 'unreachable';
    for (let attempt = 0; ; attempt++) {
      let live: Live;
      try {
        live = await this.ensure(e, attempt > 0);
      } catch (err) {
        const api = toApiError(err);
        if (NEEDS_USER.has(api.code)) throw api;
        if (!(attempt === 0 && downBefore) && attempt < retries) {
          await sleep(this.delay(attempt + 1));
          continue;
        }
        throw this.unavailable(e, api);
      }
      try {
        return await fn(live);
      } catch (err) {
        // ssh2 fails pending channel opens ("No response from server") just before it reports the close: give the
        // close a moment to arrive, so a dying connection counts as a drop rather than as a command error.
        if (err instanceof ApiError && err.code === 'UNAVAILABLE' && !live.session.closed) await sleep(50);
        const dropped = live.session.closed || live.session.lostError !== null;
        if (!dropped) throw err;
        this.onDrop(e, live);
        if (!retryOnDrop || attempt >= retries) throw this.unavailable(e, toApiError(err));
        await sleep(this.delay(attempt + 1));
      }
    }
  }

  private ensure(e: Entry, force: boolean): Promise<Live> {
    if (e.live && !e.live.session.closed && !e.live.session.lostError) return Promise.resolve(e.live);
    if (e.connecting) return e.connecting;
    if (e.status.state === 'paused') return Promise.reject(e.lastError ?? new ApiError('UNAVAILABLE', e.status.detail));
    if (e.status.state === 'unreachable' && !force) return Promise.reject(e.lastError ?? new ApiError('UNAVAILABLE', e.status.detail));
    return this.connect(e);
  }

  private connect(e: Entry): Promise<Live> {
    if (e.connecting) return e.connecting;
    if (e.retryTimer) clearTimeout(e.retryTimer);
    e.retryTimer = null;
    const gen = e.generation;
    const name = e.target.name;
    if (e.status.state !== 'unreachable') this.setStatus(e, { state: 'connecting', detail: `Connecting to ${name}…`, nextRetryAt: null });
    const attempt = (async (): Promise<Live> => {
      const settings = await this.deps.resolve(e.target);
      const ssh = await connectSsh(settings, {
        hostKeys: this.deps.hostKeys,
        prompt: (p) => this.deps.prompt(p),
        targetId: e.target.id,
        promptTimeoutMs: this.deps.promptTimeoutMs,
      });
      if (gen !== e.generation) {
        ssh.end();
        throw new ApiError('UNAVAILABLE', `The connection to ${name} was closed.`);
      }
      const live: Live = {
        ssh,
        session: SshSession.attach(ssh.client, ssh.where),
        channels: new Semaphore(this.deps.maxChannels ?? 8),
        sftp: null,
      };
      ssh.client.on('close', () => this.onDrop(e, live));
      e.live = live;
      e.failures = 0;
      e.downSince = null;
      e.lastError = null;
      this.deps.log.info('ssh connected', { targetId: e.target.id, where: ssh.where, hops: settings.jumps.length });
      this.setStatus(e, { state: 'connected', detail: `Connected to ${ssh.where}.`, nextRetryAt: null });
      return live;
    })();
    e.connecting = attempt
      .catch((err: unknown) => {
        const api = toApiError(err);
        if (gen === e.generation) this.onFailure(e, api);
        throw api;
      })
      .finally(() => {
        if (gen === e.generation) e.connecting = null;
      });
    // Background reconnects have no caller; keep their rejection from going unhandled.
    e.connecting.catch(() => undefined);
    return e.connecting;
  }

  /** A live connection went away (sshd stopped, network lost, keepalive timeout). */
  private onDrop(e: Entry, live: Live): void {
    if (e.live !== live) return;
    e.live = null;
    live.ssh.end();
    const why = live.session.lostError ?? new ApiError('UNAVAILABLE', `${live.ssh.where} closed the connection.`);
    this.deps.log.warn('ssh connection lost', { targetId: e.target.id, where: live.ssh.where, reason: why.message });
    this.onFailure(e, why);
  }

  private onFailure(e: Entry, err: ApiError): void {
    e.lastError = err;
    if (NEEDS_USER.has(err.code)) {
      if (e.retryTimer) clearTimeout(e.retryTimer);
      e.retryTimer = null;
      this.setStatus(e, { state: 'paused', detail: `${err.message} ${pausedHint(err)}`.trim(), nextRetryAt: null });
      return;
    }
    e.failures++;
    const now = new Date();
    e.downSince ??= now.toISOString();
    const wait = this.delay(e.failures);
    const next = new Date(now.getTime() + wait).toISOString();
    if (e.retryTimer) clearTimeout(e.retryTimer);
    const gen = e.generation;
    e.retryTimer = setTimeout(() => {
      e.retryTimer = null;
      if (gen === e.generation && !e.live) void this.connect(e).catch(() => undefined);
    }, wait);
    e.retryTimer.unref();
    this.setStatus(
      e,
      {
        state: 'unreachable',
        since: e.downSince,
        detail: `Unreachable since ${e.downSince}: ${err.message} Next try at ${next}.`,
        nextRetryAt: next,
      },
      e.status.state !== 'unreachable',
    );
  }

  /** Backoff for the n-th consecutive failure: initial·2^(n-1), capped, ± jitter. */
  private delay(n: number): number {
    const initial = this.deps.backoff?.initialMs ?? 1000;
    const max = this.deps.backoff?.maxMs ?? 5 * 60_000;
    const jitter = this.deps.backoff?.jitter ?? 0.2;
    const base = Math.min(max, initial * 2 ** Math.max(0, n - 1));
    return Math.max(0, Math.round(base * (1 + jitter * (Math.random() * 2 - 1))));
  }

  private unavailable(e: Entry, cause: ApiError | null): ApiError {
    const since = e.downSince ?? new Date().toISOString();
    const reason = (cause?.message ?? e.status.detail).replace(/\.$/, '');
    const every = Math.max(1, Math.round(this.delay(Math.max(1, e.failures)) / 1000));
    return new ApiError(
      'UNAVAILABLE',
      `${e.target.name} is unreachable since ${since}: ${reason}. SimDeck keeps trying every ${every} s.`,
      { targetId: e.target.id, since, ...(e.status.nextRetryAt ? { nextRetryAt: e.status.nextRetryAt } : {}) },
    );
  }

  private setStatus(e: Entry, patch: Partial<ClusterStatus>, newSince = true): void {
    const changedState = patch.state !== undefined && patch.state !== e.status.state;
    e.status = {
      ...e.status,
      ...patch,
      since: patch.since ?? (changedState && newSince ? new Date().toISOString() : e.status.since),
    };
    this.emit(e.status);
  }

  private emit(s: ClusterStatus): void {
    for (const l of this.listeners) {
      try {
        l(s);
      } catch (err) {
        this.deps.log.error('ssh status listener failed', { error: String(err) });
      }
    }
  }
}

function idleStatus(targetId: string): ClusterStatus {
  return { targetId, state: 'idle', since: new Date().toISOString(), detail: 'Not connected yet.', nextRetryAt: null, lastPollAt: null };
}

function pausedHint(err: ApiError): string {
  switch (err.code) {
    case 'CONFIRMATION_REQUIRED':
      return 'SimDeck paused this cluster until you trust its host key.';
    case 'FORBIDDEN':
      return 'SimDeck paused this cluster; it will not retry until the host key question is resolved.';
    case 'UNAUTHORIZED':
      return 'SimDeck paused this cluster; fix the login settings (user, key, passphrase, password) and reconnect.';
    default:
      return 'SimDeck paused this cluster; fix its settings and reconnect.';
  }
}
