// Envelopes are how every call answers, in both shells: { ok: true, result } or { ok: false, error }.
import { toApiError } from '../../shared/client.js';
import { isApiErrorShape } from '../../shared/errors.js';
import type { Envelope } from '../../shared/transport.js';

export function isEnvelope(v: unknown): v is Envelope {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as { ok?: unknown; error?: unknown };
  if (e.ok === true) return true;
  if (e.ok === false) return isApiErrorShape(e.error);
  return false;
}

/** ok → the result; otherwise throws the typed ApiError. */
export function unwrap(env: Envelope): unknown {
  if (env.ok) return env.result;
  throw toApiError(env.error);
}
