// Where a Docker target's engine listens, as dockerode options plus the `docker -H ...` form for the activity log.
import type Docker from 'dockerode';
import type { Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import { commandLine } from '../core/shell-quote.js';

export interface DockerEndpoint {
  options: Docker.DockerOptions;
  /** The -H value: unix:///var/run/docker.sock or tcp://host:2375 */
  url: string;
}

const REQUEST_TIMEOUT_MS = 15_000;

function setting(target: Target, key: string): string | undefined {
  const v = target.settings[key];
  return v === undefined || v === null || String(v).trim() === '' ? undefined : String(v).trim();
}

function unixEndpoint(socketPath: string): DockerEndpoint {
  // host/protocol set to undefined on purpose: docker-modem merges DOCKER_HOST from the environment underneath
  // our options, and a tcp DOCKER_HOST would otherwise win over the socket the user chose.
  return { options: { socketPath, host: undefined, protocol: undefined, timeout: REQUEST_TIMEOUT_MS }, url: `unix://${socketPath}` };
}

function tcpEndpoint(host: string, port: number): DockerEndpoint {
  // Plain HTTP only: TLS client certificates are a later issue.
  return { options: { host, port, protocol: 'http', socketPath: undefined, timeout: REQUEST_TIMEOUT_MS }, url: `tcp://${host}:${port}` };
}

/** settings.socketPath, else settings.host (+port, default 2375), else DOCKER_HOST, else /var/run/docker.sock. */
export function resolveDockerEndpoint(target: Target, env: NodeJS.ProcessEnv = process.env): DockerEndpoint {
  const socketPath = setting(target, 'socketPath');
  if (socketPath) return unixEndpoint(socketPath.replace(/^unix:\/\//, ''));
  const host = setting(target, 'host');
  if (host) {
    const port = Number(setting(target, 'port') ?? 2375);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new ApiError('INVALID_INPUT', `The port of target "${target.name}" must be a number from 1 to 65535.`, { field: 'port' });
    }
    return tcpEndpoint(host, port);
  }
  const fromEnv = env.DOCKER_HOST?.trim();
  if (fromEnv?.startsWith('unix://')) return unixEndpoint(fromEnv.slice('unix://'.length));
  const tcp = fromEnv ? /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(fromEnv) : null;
  if (tcp?.[1] && tcp[2]) return tcpEndpoint(tcp[1], Number(tcp[2]));
  return unixEndpoint('/var/run/docker.sock');
}

/** `docker -H URL args...`, quoted, for the activity log. */
export function dockerCommandLine(ep: DockerEndpoint, args: string[]): string {
  return commandLine(['docker', '-H', ep.url, ...args]);
}

/** dockerode/docker-modem errors -> ApiError naming the endpoint and what to check. */
export function mapDockerError(err: unknown, ep: DockerEndpoint): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { code?: string; statusCode?: number; message?: string; json?: { message?: string } };
  const details = { endpoint: ep.url, cause: String(e.message ?? err) };
  if (typeof e.statusCode === 'number') {
    const msg = e.json?.message ?? e.message ?? 'no message';
    return new ApiError('REMOTE_FAILED', `The Docker engine at ${ep.url} answered HTTP ${e.statusCode}: ${msg}`, details);
  }
  switch (e.code) {
    case 'ENOENT':
      return new ApiError(
        'UNAVAILABLE',
        `No Docker engine at ${ep.url}: the socket does not exist. Start Docker, or set the socket path of this target.`,
        details,
      );
    case 'EACCES':
    case 'EPERM':
      return new ApiError(
        'FORBIDDEN',
        `Permission denied on ${ep.url}. Add your user to the "docker" group (then log out and in again), or use rootless Docker's socket.`,
        details,
      );
    case 'ECONNREFUSED':
      return new ApiError('UNAVAILABLE', `The Docker engine at ${ep.url} refused the connection. Is dockerd running?`, details);
    case 'ECONNRESET':
    case 'ETIMEDOUT':
      return new ApiError('UNAVAILABLE', `The Docker engine at ${ep.url} did not answer in time or dropped the connection.`, details);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ApiError('UNAVAILABLE', `The host of ${ep.url} cannot be resolved. Check its spelling and your network.`, details);
  }
  return new ApiError('UNAVAILABLE', `Talking to the Docker engine at ${ep.url} failed: ${details.cause}`, details);
}
