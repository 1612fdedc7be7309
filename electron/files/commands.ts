// The commands a researcher could type to do what a transfer does (shown in the activity log), quoted.
import type { Target } from '../../shared/domain.js';
import { commandLine } from '../core/shell-quote.js';

const setting = (t: Target, key: string): string | undefined => {
  const v = t.settings[key];
  return v === undefined || v === null || v === '' ? undefined : String(v);
};

const userHost = (t: Target) => {
  const user = setting(t, 'username');
  const host = setting(t, 'host') ?? t.name;
  return user ? `${user}@${host}` : host;
};

function sshOptions(t: Target): string[] {
  const out: string[] = [];
  const jump = setting(t, 'proxyJump');
  if (jump) out.push('-J', jump);
  const key = setting(t, 'privateKeyPath');
  if (key && !t.secretRefs.privateKey) out.push('-i', key);
  return out;
}

/** `scp -P 2222 [-r] user@host:/path /local/dest` */
export function scpDownloadCommand(t: Target, remotePath: string, localDest: string, recursive: boolean): string {
  const args = ['scp', '-P', setting(t, 'port') ?? '22', ...sshOptions(t)];
  if (recursive) args.push('-r');
  args.push(`${userHost(t)}:${remotePath}`, localDest);
  return commandLine(args);
}

/** scp URI form, which carries a port per side: scp://user@host:2222//abs/path */
const scpUri = (t: Target, absPath: string) => `scp://${userHost(t)}:${setting(t, 'port') ?? '22'}/${absPath}`;

/** `scp -3 [-r] scp://a…//src scp://b…//dest` (copied through this machine, like SimDeck does). */
export function scpCopyCommand(from: Target, fromPath: string, to: Target, toPath: string, recursive: boolean): string {
  const args = ['scp', '-3', ...sshOptions(from)];
  if (recursive) args.push('-r');
  args.push(scpUri(from, fromPath), scpUri(to, toPath));
  return commandLine(args);
}
