// The "Add SLURM cluster" wizard's form ↔ target settings, and ~/.ssh/config hosts → form.
import type { TargetSettings } from '../../shared/domain.js';
import type { SshConfigHost } from '../../shared/slurm.js';
import { formatProxyJump, parseProxyJump, validateHops, type JumpHop } from './proxyJump.js';

export type AuthMethod = 'agent' | 'key' | 'password' | 'keyboard-interactive';

export const AUTH_METHODS: { value: AuthMethod; label: string; hint: string }[] = [
  { value: 'agent', label: 'ssh-agent', hint: 'Keys loaded in your running ssh-agent (ssh-add); nothing is stored by SimDeck.' },
  { value: 'key', label: 'Key file', hint: 'A private key file on this machine; its passphrase, if any, goes to the vault.' },
  { value: 'password', label: 'Password', hint: 'Stored encrypted in the vault, never shown again.' },
  { value: 'keyboard-interactive', label: 'Keyboard-interactive (2FA)', hint: 'The cluster asks questions (password, one-time code) each time SimDeck connects.' },
];

export interface ClusterForm {
  name: string;
  host: string;
  port: string;
  user: string;
  auth: AuthMethod;
  keyPath: string;
  hops: JumpHop[];
  workDir: string;
}

export const emptyClusterForm = (): ClusterForm => ({ name: '', host: '', port: '', user: '', auth: 'agent', keyPath: '', hops: [], workDir: '' });

export function formFromSettings(name: string, s: TargetSettings): ClusterForm {
  const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const auth = (['agent', 'key', 'password', 'keyboard-interactive'] as const).find((a) => a === s.authMethod) ?? (s.privateKeyPath ? 'key' : 'agent');
  return { name, host: str(s.host), port: str(s.port), user: str(s.username), auth, keyPath: str(s.privateKeyPath), hops: parseProxyJump(str(s.proxyJump)), workDir: str(s.workDir) };
}

export function formFromSshConfig(h: SshConfigHost, current: ClusterForm): ClusterForm {
  return {
    ...current,
    name: current.name || h.alias,
    host: h.hostName,
    port: h.port && h.port !== 22 ? String(h.port) : '',
    user: h.user ?? current.user,
    auth: h.identityFile ? 'key' : current.auth,
    keyPath: h.identityFile ?? current.keyPath,
    hops: parseProxyJump(h.proxyJump),
  };
}

export interface BuiltCluster {
  settings: TargetSettings;
  errors: Record<string, string>;
  hopErrors: Record<number, string>;
}

export function buildClusterSettings(f: ClusterForm): BuiltCluster {
  const errors: Record<string, string> = {};
  const settings: TargetSettings = {};
  if (!f.name.trim()) errors.name = 'Give the cluster a name';
  const host = f.host.trim();
  if (!host) errors.host = 'The login node’s host name is required';
  else if (/[\s@,]/.test(host)) errors.host = 'A host name has no spaces, @ or commas (put the user in “User”)';
  else settings.host = host;
  if (f.port.trim()) {
    const n = Number(f.port.trim());
    if (!Number.isInteger(n) || n < 1 || n > 65535) errors.port = 'A port is a number from 1 to 65535';
    else settings.port = n;
  }
  if (f.user.trim()) settings.username = f.user.trim();
  settings.authMethod = f.auth;
  settings.useAgent = f.auth === 'agent';
  if (f.auth === 'key') {
    if (!f.keyPath.trim()) errors.privateKeyPath = 'The path of the private key file on this machine';
    else settings.privateKeyPath = f.keyPath.trim();
  }
  const hopErrors = validateHops(f.hops);
  if (Object.keys(hopErrors).length) errors.proxyJump = 'Fix the jump hosts';
  const jump = formatProxyJump(f.hops);
  settings.proxyJump = jump || null;
  settings.workDir = f.workDir.trim() || null;
  return { settings, errors, hopErrors };
}
