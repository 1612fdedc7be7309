// A minimal SshRunner for integration tests (the pooled runner lives in electron/ssh): one ssh2 session per
// target, opened on first use; file operations are quoted shell commands instead of SFTP.
import type { Target } from '../../../shared/domain.js';
import { ApiError } from '../../../shared/errors.js';
import type { ClusterStatus } from '../../../shared/slurm.js';
import type { AdapterContext } from '../../core/adapter.js';
import { commandLine, quote } from '../../core/shell-quote.js';
import type { RemoteExecOptions, RemoteResult, SshRunner } from '../../ssh/runner.js';
import { openSsh } from '../../ssh/session.js';
import type { SshSession } from '../../ssh/session.js';
import { resolveSshTarget } from '../../ssh/target.js';

export class SimpleRunner implements SshRunner {
  private sessions = new Map<string, Promise<SshSession>>();
  private prefixes = new Map<string, string>();
  execCount = 0;

  constructor(private readonly ctx: AdapterContext) {}

  private async session(target: Target): Promise<SshSession> {
    let s = this.sessions.get(target.id);
    if (!s) {
      s = resolveSshTarget(target, this.ctx).then((r) => {
        const args = ['ssh', '-p', String(r.display.port)];
        if (r.display.privateKeyPath) args.push('-i', r.display.privateKeyPath);
        args.push(`${r.display.username}@${r.display.host}`);
        this.prefixes.set(target.id, commandLine(args));
        return openSsh(r.settings);
      });
      this.sessions.set(target.id, s);
      s.catch(() => this.sessions.delete(target.id));
    }
    return s;
  }

  async exec(target: Target, command: string, opts: RemoteExecOptions = {}): Promise<RemoteResult> {
    this.execCount++;
    const s = await this.session(target);
    return s.exec(command, { timeoutMs: opts.timeoutMs, stdin: opts.stdin });
  }

  private async must(target: Target, command: string, stdin?: string | Buffer): Promise<RemoteResult> {
    const r = await this.exec(target, command, { stdin, timeoutMs: 30_000 });
    if (r.code !== 0) throw new ApiError('REMOTE_FAILED', `${command} failed: ${r.stderr.trim()}`);
    return r;
  }

  async mkdirp(target: Target, remotePath: string): Promise<void> {
    await this.must(target, commandLine(['mkdir', '-p', '--', remotePath]));
  }

  async writeFile(target: Target, remotePath: string, data: string | Buffer, mode = 0o644): Promise<void> {
    const tmp = `${remotePath}.simdeck-tmp`;
    await this.must(
      target,
      `cat > ${quote(tmp)} && ${commandLine(['chmod', mode.toString(8), '--', tmp])} && ${commandLine(['mv', '-f', '--', tmp, remotePath])}`,
      data,
    );
  }

  async readFile(target: Target, remotePath: string, opts: { maxBytes?: number } = {}): Promise<Buffer> {
    const r = await this.must(target, `${commandLine(['head', '-c', String(opts.maxBytes ?? 1_000_000), '--', remotePath])}`);
    return Buffer.from(r.stdout);
  }

  async home(target: Target): Promise<string> {
    return (await this.must(target, 'printf %s "$HOME"')).stdout;
  }

  status(targetId: string): ClusterStatus {
    return { targetId, state: this.sessions.has(targetId) ? 'connected' : 'idle', since: new Date().toISOString(), detail: '', nextRetryAt: null, lastPollAt: null };
  }

  onStatus(): () => void {
    return () => {};
  }

  displayPrefix(target: Target): string {
    return this.prefixes.get(target.id) ?? `ssh ${quote(String(target.settings.host ?? target.name))}`;
  }

  async close(targetId?: string): Promise<void> {
    for (const [id, s] of this.sessions) {
      if (targetId && id !== targetId) continue;
      (await s.catch(() => null))?.close();
      this.sessions.delete(id);
    }
  }
}
