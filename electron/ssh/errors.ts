// Turns ssh2's errors into ApiErrors a researcher can act on: which host, what failed, what to check.
import { ApiError } from '../../shared/errors.js';

interface Ssh2Error extends Error {
  level?: string;
  code?: string;
}

export function mapSshError(err: unknown, where: string, username: string, readyTimeoutMs: number): ApiError {
  if (err instanceof ApiError) return err;
  const e = (err instanceof Error ? err : new Error(String(err))) as Ssh2Error;
  const details = { host: where, cause: e.message };
  switch (e.level) {
    case 'client-authentication':
      return new ApiError(
        'UNAUTHORIZED',
        `${where} refused the login of user "${username}". Check the user name, that the public key is in ` +
          '~/.ssh/authorized_keys on the cluster (or the password is right), and that the key passphrase is correct.',
        details,
      );
    case 'client-timeout':
      return new ApiError(
        'UNAVAILABLE',
        `${where} did not complete the SSH login within ${Math.round(readyTimeoutMs / 1000)} s. ` +
          'Check that you are on the network or VPN that reaches it and that the port is right.',
        details,
      );
    case 'client-dns':
      return new ApiError('UNAVAILABLE', `The host name in ${where} cannot be resolved. Check its spelling and your VPN.`, details);
  }
  switch (e.code) {
    case 'ECONNREFUSED':
      return new ApiError(
        'UNAVAILABLE',
        `Nothing accepts SSH connections on ${where} (connection refused). Check the host and port, and that sshd runs there.`,
        details,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ApiError('UNAVAILABLE', `The host name in ${where} cannot be resolved. Check its spelling and your VPN.`, details);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ApiError(
        'UNAVAILABLE',
        `${where} cannot be reached (${e.code}). Check that you are on the network or VPN that reaches it.`,
        details,
      );
    case 'ECONNRESET':
      return new ApiError(
        'UNAVAILABLE',
        `${where} closed the connection (reset). A firewall or fail2ban may block you, or sshd is restarting.`,
        details,
      );
  }
  return new ApiError('UNAVAILABLE', `SSH to ${where} failed: ${e.message}. Check the host, port and network.`, details);
}

/** ssh2 rejects unreadable keys before connecting; tell apart a passphrase problem from a broken key file. */
export function mapKeyError(err: Error): ApiError {
  if (/passphrase|decrypt|encrypted/i.test(err.message)) {
    return new ApiError(
      'UNAUTHORIZED',
      'The private key is encrypted and its passphrase is missing or wrong. Store the key passphrase with the target.',
      { cause: err.message },
    );
  }
  return new ApiError(
    'INVALID_INPUT',
    `The private key cannot be read (${err.message}). SimDeck reads OpenSSH, PEM and PPK private keys.`,
    { cause: err.message },
  );
}
