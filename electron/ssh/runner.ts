// What the SLURM backend (and later others reached over SSH) needs from the SSH layer. The pool implements it:
// one pooled connection per cluster, channels multiplexed and bounded, reconnect with backoff. Remote commands
// are always built from argument arrays with shell-quote; a runner never receives user text to interpolate.
import type { ClusterStatus } from '../../shared/slurm.js';
import type { Target } from '../../shared/domain.js';

export interface RemoteResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface RemoteExecOptions {
  timeoutMs?: number;
  /** Written to the command's stdin, then closed. */
  stdin?: string | Buffer;
}

export interface SshRunner {
  /** Runs one already-quoted command line on the cluster (one channel, one round trip). */
  exec(target: Target, command: string, opts?: RemoteExecOptions): Promise<RemoteResult>;
  /** Creates a folder and its parents (SFTP), like mkdir -p. */
  mkdirp(target: Target, remotePath: string): Promise<void>;
  /** Writes a file atomically enough for scripts: to a temporary name, then renamed (SFTP). */
  writeFile(target: Target, remotePath: string, data: string | Buffer, mode?: number): Promise<void>;
  readFile(target: Target, remotePath: string, opts?: { maxBytes?: number; offset?: number }): Promise<Buffer>;
  /** The user's home folder on the cluster (SFTP realpath of "."). */
  home(target: Target): Promise<string>;
  status(targetId: string): ClusterStatus;
  onStatus(listener: (s: ClusterStatus) => void): () => void;
  /** The `ssh …` prefix a researcher would type for this target (for activity-log commands). */
  displayPrefix(target: Target): string;
  close(targetId?: string): Promise<void>;
}
