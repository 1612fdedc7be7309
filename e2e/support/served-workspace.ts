// A fresh workspace per browser test with `simdeck serve` on it and a token-bearing API context, cleaned up after
// each test: what every browser spec used to set up by hand.
import fs from 'node:fs';
import type { APIRequestContext, PlaywrightWorkerArgs, TestType } from '@playwright/test';
import { apiContext, callOk } from './api.js';
import { serve, tempWorkspace, type Served } from './serve.js';

export interface ServedWorkspace {
  readonly workspace: string;
  /** The running `simdeck serve` (after start). */
  readonly served: Served;
  readonly api: APIRequestContext;
  start(playwright: PlaywrightWorkerArgs['playwright'], env?: Record<string, string>): Promise<Served>;
  call<T>(method: string, params?: object): Promise<T>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any test object of Playwright's, whatever its fixtures
export function servedWorkspace(t: TestType<any, any>): ServedWorkspace {
  let workspace = '';
  let served: Served | undefined;
  let api: APIRequestContext | undefined;
  t.beforeEach(() => {
    workspace = tempWorkspace();
  });
  t.afterEach(async () => {
    await api?.dispose();
    api = undefined;
    await served?.stop();
    served = undefined;
    fs.rmSync(workspace, { recursive: true, force: true });
  });
  const need = <V>(v: V | undefined, what: string): V => {
    if (v === undefined) throw new Error(`${what} is not there yet: call start(playwright) first`);
    return v;
  };
  return {
    get workspace() {
      return workspace;
    },
    get served() {
      return need(served, 'simdeck serve');
    },
    get api() {
      return need(api, 'the API context');
    },
    async start(playwright, env = {}) {
      served = await serve(workspace, [], env);
      api = await apiContext(playwright, served);
      return served;
    },
    call: <T>(method: string, params: object = {}) => callOk<T>(need(api, 'the API context'), method, params),
  };
}
