// Kubernetes failures as errors a researcher can act on. API errors carry the server's own Status message;
// auth-plugin (exec/OIDC) failures are shown verbatim, because only their text says what to do (log in again,
// install kubelogin, …).
import { ApiError, type ErrorCode } from '../../shared/errors.js';

interface StatusBody {
  message?: string;
  reason?: string;
  code?: number;
}

function statusOf(err: unknown): { code: number | null; body: StatusBody | null } {
  const e = err as { code?: unknown; statusCode?: unknown; body?: unknown; response?: { statusCode?: number } };
  const code = typeof e.code === 'number' ? e.code : typeof e.statusCode === 'number' ? e.statusCode : (e.response?.statusCode ?? null);
  let body: StatusBody | null = null;
  if (typeof e.body === 'string') {
    try {
      body = JSON.parse(e.body) as StatusBody;
    } catch {
      body = { message: e.body };
    }
  } else if (e.body && typeof e.body === 'object') body = e.body as StatusBody;
  return { code, body };
}

const CODES: Record<number, ErrorCode> = { 400: 'INVALID_INPUT', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT', 410: 'CONFLICT', 422: 'INVALID_INPUT' };

/** `where` names the cluster/namespace, `what` the operation ("list Jobs"). */
export function mapKubeError(err: unknown, where: string, what: string): ApiError {
  if (err instanceof ApiError) return err;
  const { code, body } = statusOf(err);
  const raw = err instanceof Error ? err.message : String(err);
  if (code !== null && code >= 400) {
    const msg = body?.message ?? raw;
    const hint =
      code === 401
        ? ' Your login has expired or was refused: log in again (e.g. run kubectl once so its auth plugin refreshes the token).'
        : code === 403
          ? ' Your account may not do this in that namespace; check the namespace of the target.'
          : '';
    return new ApiError(CODES[code] ?? (code >= 500 ? 'REMOTE_FAILED' : 'REMOTE_FAILED'), `Kubernetes (${where}) refused to ${what}: ${msg}.${hint}`, {
      status: String(code),
      ...(body?.reason ? { reason: body.reason } : {}),
    });
  }
  if (/exec|plugin|oidc|kubelogin|credential/i.test(raw) && !/ECONNREFUSED|ENOTFOUND/.test(raw)) {
    return new ApiError('UNAUTHORIZED', `The kubeconfig's auth plugin failed for ${where}: ${raw}`);
  }
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ECONNRESET|socket hang up|network/i.test(raw)) {
    return new ApiError('UNAVAILABLE', `Cannot reach the Kubernetes API of ${where}: ${raw}. Check the network (VPN?) and the server address in the kubeconfig.`);
  }
  return new ApiError('REMOTE_FAILED', `Kubernetes (${where}) could not ${what}: ${raw}`);
}
