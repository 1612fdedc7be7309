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
