// The one router between the shells and the core. Every call is checked against the contract in shared/:
// unknown methods and invalid parameters are refused with a typed error that names the field, handler errors
// become typed envelopes, and results are validated too, so a handler cannot drift from what the UI expects.
import type { z } from 'zod';
import { calls, isMethod, type Method, type ParsedParams, type Result } from '../../shared/contract.js';
import { ApiError } from '../../shared/errors.js';
import type { Envelope } from '../../shared/transport.js';
import type { Logger } from './adapter.js';

export type Handlers = { [M in Method]: (params: ParsedParams<M>) => Promise<Result<M>> | Result<M> };
export type Router = (method: string, params: unknown) => Promise<Envelope>;

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : 'parameters'}: ${i.message}`)
    .join('; ');
}

export function createRouter(handlers: Handlers, log: Logger): Router {
  return async (method, params) => {
    if (!isMethod(method)) {
      return fail(new ApiError('UNKNOWN_METHOD', `SimDeck has no call named "${method}". The UI and core may be from different versions; restart SimDeck.`));
    }
    const spec = calls[method];
    const parsed = spec.params.safeParse(params ?? {});
    if (!parsed.success) {
      return fail(new ApiError('INVALID_INPUT', `${method}: ${formatIssues(parsed.error)}`));
    }
    try {
      const handler = handlers[method] as (p: unknown) => Promise<unknown> | unknown;
      const result = await handler(parsed.data);
      const checked = spec.result.safeParse(result);
      if (!checked.success) {
        log.error('handler result broke the contract', { method, issues: formatIssues(checked.error) });
        return fail(new ApiError('INTERNAL', `SimDeck produced an invalid answer for ${method}. This is a bug; the details are in the log.`));
      }
      return { ok: true, result: checked.data };
    } catch (err) {
      if (err instanceof ApiError) return fail(err);
      const message = err instanceof Error ? err.message : String(err);
      log.error('handler failed', { method, error: message, stack: err instanceof Error ? err.stack : undefined });
      return fail(new ApiError('INTERNAL', `Something went wrong in SimDeck while running ${method}: ${message}`));
    }
  };
}

const fail = (e: ApiError): Envelope => ({ ok: false, error: e.toJSON() });
