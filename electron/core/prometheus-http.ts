// The HTTP side of Prometheus's query API, shared by the umbrella windows' GPU reader (kube/campaigns) and the
// Monitor's sampler (metrics/samplers): the URL (a proxy path prefix kept), one GET with a timeout and an optional
// bearer token, and the reply parsed as far as it goes. Each caller words its own errors (one throws typed API
// errors, the other reports a sampling problem), so this returns what happened rather than a message.

export interface PromBody {
  status?: unknown;
  data?: unknown;
  errorType?: unknown;
  error?: unknown;
}

export type PromReply =
  | { kind: 'timeout' }
  | { kind: 'unreachable'; reason: string }
  /** `body` is the parsed JSON, undefined when the reply was not JSON. */
  | { kind: 'reply'; status: number; contentType: string; text: string; body: PromBody | undefined };

/** `<base>/api/v1/…?params`, or why the base is unusable (the caller says which setting to fix). */
export function promApiUrl(baseUrl: string, path: string, params: Record<string, string>): URL | 'not-a-url' | 'not-http' {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return 'not-a-url';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'not-http';
  // A path prefix (Prometheus behind a proxy at /prometheus) is kept.
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = new URLSearchParams(params).toString();
  url.hash = '';
  return url;
}

export async function promRequest(url: URL, opts: { fetch?: typeof fetch; timeoutMs: number; bearerToken?: string }): Promise<PromReply> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), opts.timeoutMs);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.bearerToken) headers.authorization = `Bearer ${opts.bearerToken}`;
  let status: number;
  let contentType: string;
  let text: string;
  try {
    const res = await doFetch(url, { method: 'GET', headers, signal: ac.signal });
    status = res.status;
    contentType = res.headers.get('content-type') ?? '';
    text = await res.text();
  } catch (err) {
    return ac.signal.aborted ? { kind: 'timeout' } : { kind: 'unreachable', reason: describeFetchError(err) };
  } finally {
    clearTimeout(timer);
  }
  let body: PromBody | undefined;
  try {
    body = JSON.parse(text) as PromBody;
  } catch {
    body = undefined;
  }
  return { kind: 'reply', status, contentType, text, body };
}

/** Prometheus's own `{"status":"error"}` answer (a bad query), with its type and text; null for anything else. */
export function promError(body: PromBody | undefined): { errorType: string; error: string } | null {
  if (!body || typeof body !== 'object' || body.status !== 'error') return null;
  return {
    errorType: typeof body.errorType === 'string' ? body.errorType : 'unknown',
    error: typeof body.error === 'string' ? body.error : 'no error text',
  };
}

/** The `data` of a `{"status":"success"}` answer; null when the reply is not one (not Prometheus, or a proxy page). */
export function promData(body: PromBody | undefined): { resultType?: unknown; result?: unknown } | null {
  if (!body || typeof body !== 'object' || body.status !== 'success' || !body.data || typeof body.data !== 'object') return null;
  return body.data as { resultType?: unknown; result?: unknown };
}

/** The seconds of a timeout, as the messages show them ("2.5 s"). */
export const secondsOf = (ms: number): number => Math.round(ms / 100) / 10;

function describeFetchError(err: unknown): string {
  // undici puts the useful part (ECONNREFUSED, ENOTFOUND, certificate errors) in `cause`.
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}
