// The core's HTTP API from a Playwright test, as the page itself reaches it: a request context carrying the bearer
// token of a `simdeck serve`, and a call that fails the test with the core's error when the envelope is not ok.
import { expect, type APIRequestContext, type PlaywrightWorkerArgs } from '@playwright/test';
import type { Served } from './serve.js';

export function apiContext(playwright: PlaywrightWorkerArgs['playwright'], served: Served): Promise<APIRequestContext> {
  return playwright.request.newContext({ baseURL: served.origin, extraHTTPHeaders: { authorization: `Bearer ${served.token}` } });
}

export async function callOk<T>(ctx: APIRequestContext, method: string, params: object = {}): Promise<T> {
  const res = await ctx.post(`/api/${method}`, { data: params });
  const body = (await res.json()) as { ok: boolean; result: T };
  expect(body.ok, `${method}: ${JSON.stringify(body)}`).toBe(true);
  return body.result;
}
