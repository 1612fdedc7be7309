// A scripted SshRunner for unit tests: records every call and answers exec from a handler.
import type { ClusterStatus } from '../../../shared/slurm.js';
import type { Target } from '../../../shared/domain.js';
import type { RemoteExecOptions, RemoteResult, SshRunner } from '../../ssh/runner.js';

export type ExecHandler = (command: string, target: Target) => RemoteResult | Promise<RemoteResult>;

export class FakeRunner implements SshRunner {
  calls: { op: string; target: string; arg: string }[] = [];
  files = new Map<string, string>();
  dirs = new Set<string>();
  constructor(public handler: ExecHandler = () => ok('')) {}

  async exec(target: Target, command: string, _opts?: RemoteExecOptions): Promise<RemoteResult> {
    this.calls.push({ op: 'exec', target: target.id, arg: command });
    return this.handler(command, target);
  }
  async mkdirp(target: Target, remotePath: string): Promise<void> {
    this.calls.push({ op: 'mkdirp', target: target.id, arg: remotePath });
    this.dirs.add(remotePath);
  }
  async writeFile(target: Target, remotePath: string, data: string | Buffer): Promise<void> {
    this.calls.push({ op: 'writeFile', target: target.id, arg: remotePath });
    this.files.set(remotePath, data.toString());
  }
  async readFile(target: Target, remotePath: string): Promise<Buffer> {
    this.calls.push({ op: 'readFile', target: target.id, arg: remotePath });
    const f = this.files.get(remotePath);
    if (f === undefined) throw new Error(`no such file ${remotePath}`);
    return Buffer.from(f);
  }
  async home(): Promise<string> {
    return '/home/u';
  }
  status(targetId: string): ClusterStatus {
    return { targetId, state: 'connected', since: new Date(0).toISOString(), detail: '', nextRetryAt: null, lastPollAt: null };
  }
  onStatus(): () => void {
    return () => {};
  }
  displayPrefix(target: Target): string {
    return `ssh -p 22 u@${String(target.settings.host ?? 'cluster')}`;
  }
  async close(): Promise<void> {}
  execs(): string[] {
    return this.calls.filter((c) => c.op === 'exec').map((c) => c.arg);
  }
}

export const ok = (stdout: string, stderr = '', code = 0): RemoteResult => ({ code, signal: null, stdout, stderr });
