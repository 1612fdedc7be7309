// The `ssh ...` line a researcher could paste into a terminal to do what SimDeck did over ssh2. It goes into the
// activity log, so it must never contain a secret: only host, port, user and the key's file path.
import { commandLine } from '../core/shell-quote.js';

export interface SshCommandTarget {
  host: string;
  port: number;
  username: string;
  /** Shown as `-i PATH` when the key comes from a file; keys from the vault are not named. */
  privateKeyPath?: string | null;
}

/** `ssh -p PORT [-i KEY] user@host 'remote command'`; `remote` is already a shell command line. */
export function sshCommandLine(t: SshCommandTarget, remote: string): string {
  const args = ['ssh', '-p', String(t.port)];
  if (t.privateKeyPath) args.push('-i', t.privateKeyPath);
  args.push(`${t.username}@${t.host}`, remote);
  return commandLine(args);
}
