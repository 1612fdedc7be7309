// Reads the SSH connection settings of a target (SLURM today, any SSH-reached backend later). Plain settings
// hold host, port, user, key path and host key pin; secrets (private key, passphrase, password) come from the
// vault through ctx.secrets, only for the moment of connecting, and never end up in logs or activity.
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import type { Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { AdapterContext } from '../core/adapter.js';
import type { SshCommandTarget } from './command-line.js';
import type { SshSettings } from './session.js';
import type { ConnectSettings, SshEndpoint } from './connect.js';
import { parseProxyJump } from './ssh-config.js';
import type { SshConfigHost } from '../../shared/slurm.js';

export interface ResolvedSsh {
  settings: SshSettings;
  /** What the activity log may show: no secrets. */
  display: SshCommandTarget;
}

function str(target: Target, key: string): string | undefined {
  const v = target.settings[key];
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

function parsePort(target: Target): number {
  const raw = target.settings.port;
  if (raw === undefined || raw === null || raw === '') return 22;
  const port = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ApiError('INVALID_INPUT', `The port of target "${target.name}" must be a number from 1 to 65535, not "${raw}".`, {
      field: 'port',
    });
  }
  return port;
}

export async function resolveSshTarget(target: Target, ctx: AdapterContext): Promise<ResolvedSsh> {
  const host = str(target, 'host');
  if (!host) throw new ApiError('INVALID_INPUT', `Target "${target.name}" needs a host (the login node's name or address).`, { field: 'host' });
  // Like ssh: without a user name, log in as the local user.
  const username = str(target, 'username') ?? userInfo().username;
  const port = parsePort(target);

  let privateKeyPath = str(target, 'privateKeyPath');
  if (privateKeyPath?.startsWith('~/')) privateKeyPath = homedir() + privateKeyPath.slice(1);
  let privateKey: string | Buffer | undefined;
  if (target.secretRefs.privateKey) {
    privateKey = await ctx.secrets.reveal(target.secretRefs.privateKey);
    privateKeyPath = undefined; // the vault key wins; do not show a file path that was not used
  } else if (privateKeyPath) {
    try {
      privateKey = await readFile(privateKeyPath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ApiError(
        'INVALID_INPUT',
        code === 'ENOENT'
          ? `The private key file ${privateKeyPath} does not exist. Check the path in the settings of "${target.name}".`
          : `The private key file ${privateKeyPath} cannot be read (${code ?? String(err)}).`,
        { field: 'privateKeyPath' },
      );
    }
  }
  const passphrase = target.secretRefs.keyPassphrase ? await ctx.secrets.reveal(target.secretRefs.keyPassphrase) : undefined;
  const password = target.secretRefs.password ? await ctx.secrets.reveal(target.secretRefs.password) : undefined;
  if (privateKey === undefined && password === undefined) {
    throw new ApiError(
      'INVALID_INPUT',
      `Target "${target.name}" has no way to log in: set a private key file, or store a private key or password for it.`,
      { field: 'privateKeyPath' },
    );
  }
  return {
    settings: { host, port, username, privateKey, passphrase, password, hostKeySha256: str(target, 'hostKeySha256') },
    display: { host, port, username, privateKeyPath },
  };
}

export interface ResolveConnectionOptions {
  /** Hosts from ~/.ssh/config (parseSshConfig): a jump hop named by one of their aliases uses its settings. */
  sshConfigHosts?: SshConfigHost[];
  /** ssh-agent socket; defaults to $SSH_AUTH_SOCK. Set the target setting useAgent=false to not use the agent. */
  agentSocket?: string;
}

/**
 * Connection settings for the pool (connectSsh): like resolveSshTarget, plus ssh-agent, keyboard-interactive only
 * logins (no key or password needed: the cluster may ask 2FA questions) and the `proxyJump` chain. Jump hops log in
 * with the target's credentials, unless a hop is an alias from ~/.ssh/config, whose HostName, Port, User and
 * IdentityFile then apply.
 */
export async function resolveSshConnection(target: Target, ctx: AdapterContext, opts: ResolveConnectionOptions = {}): Promise<ConnectSettings> {
  const host = str(target, 'host');
  if (!host) throw new ApiError('INVALID_INPUT', `Target "${target.name}" needs a host (the login node's name or address).`, { field: 'host' });
  const username = str(target, 'username') ?? userInfo().username;
  const port = parsePort(target);
  const privateKeyPath = expandHome(str(target, 'privateKeyPath'));
  const privateKey = target.secretRefs.privateKey
    ? await ctx.secrets.reveal(target.secretRefs.privateKey)
    : privateKeyPath
      ? await readKeyFile(privateKeyPath, target.name)
      : undefined;
  const passphrase = target.secretRefs.keyPassphrase ? await ctx.secrets.reveal(target.secretRefs.keyPassphrase) : undefined;
  const password = target.secretRefs.password ? await ctx.secrets.reveal(target.secretRefs.password) : undefined;
  const useAgent = target.settings.useAgent !== false && str(target, 'useAgent') !== 'false';
  const agent = useAgent ? (opts.agentSocket ?? process.env.SSH_AUTH_SOCK) || undefined : undefined;
  const creds: SshEndpoint = { host, port, username, privateKey, passphrase, password, agent };

  const jumps: SshEndpoint[] = [];
  for (const hop of parseProxyJump(str(target, 'proxyJump') ?? '')) {
    const alias = opts.sshConfigHosts?.find((h) => h.alias === hop.host);
    if (!alias) {
      jumps.push({ ...creds, host: hop.host, port: hop.port, username: hop.user ?? username });
      continue;
    }
    const keyFile = expandHome(alias.identityFile ?? undefined);
    jumps.push({
      ...creds,
      host: alias.hostName,
      port: hop.port !== 22 ? hop.port : alias.port,
      username: hop.user ?? alias.user ?? username,
      ...(keyFile ? { privateKey: await readKeyFile(keyFile, target.name), passphrase: undefined } : {}),
    });
  }
  return { ...creds, jumps, hostKeySha256: str(target, 'hostKeySha256') ?? null };
}

function expandHome(path: string | undefined): string | undefined {
  return path?.startsWith('~/') ? homedir() + path.slice(1) : path;
}

async function readKeyFile(path: string, targetName: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ApiError(
      'INVALID_INPUT',
      code === 'ENOENT'
        ? `The private key file ${path} does not exist. Check the path in the settings of "${targetName}".`
        : `The private key file ${path} cannot be read (${code ?? String(err)}).`,
      { field: 'privateKeyPath' },
    );
  }
}
