// The renderer's typed client, generated from the contract: `api.projects.create({...})` is checked against the
// call's zod types at compile time. The transport is the only thing that differs between the Electron shell
// (preload functions) and the browser shell (HTTP + WebSocket).
import type { EventName, EventPayload, Method, Params, Result } from './contract.js';
import { METHODS } from './methods.js';
import { ApiError, isApiErrorShape } from './errors.js';

export interface Transport {
  call(method: Method, params: unknown): Promise<unknown>;
  subscribe(listener: (event: EventName, payload: unknown) => void): () => void;
}

type GroupOf<M> = M extends `${infer G}.${string}` ? G : never;
type GroupMethods<G extends string> = {
  // Calls whose parameters are all optional may be called with no argument.
  [M in Method as M extends `${G}.${infer Name}` ? Name : never]: Record<never, never> extends Params<M>
    ? (params?: Params<M>) => Promise<Result<M>>
    : (params: Params<M>) => Promise<Result<M>>;
};
export type ApiClient = { [G in GroupOf<Method>]: GroupMethods<G> } & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export function createClient(transport: Transport): ApiClient {
  const client: Record<string, Record<string, unknown>> = {};
  for (const method of METHODS) {
    const [group, name] = method.split('.') as [string, string];
    client[group] ??= {};
    client[group][name] = async (params: unknown = {}) => {
      try {
        return await transport.call(method, params);
      } catch (err) {
        throw toApiError(err);
      }
    };
  }
  const on = (event: EventName, listener: (payload: unknown) => void) =>
    transport.subscribe((name, payload) => {
      if (name === event) listener(payload);
    });
  return Object.assign(client, { on }) as unknown as ApiClient;
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isApiErrorShape(err)) return new ApiError(err.code, err.message, err.details);
  // Electron wraps errors thrown in ipcMain handlers: "Error invoking remote method 'x': Error: {json}"
  const text = err instanceof Error ? err.message : String(err);
  const json = text.match(/\{"code":.*\}$/);
  if (json) {
    try {
      const parsed: unknown = JSON.parse(json[0]);
      if (isApiErrorShape(parsed)) return new ApiError(parsed.code, parsed.message, parsed.details);
    } catch {
      /* fall through */
    }
  }
  return new ApiError('INTERNAL', text);
}
