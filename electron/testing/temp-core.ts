// Test helper: a real core (real SQLite, real file vault) in a temporary workspace, in-process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core, type CoreOptions } from '../core/core.js';
import { FileVault, loadOrCreateKey } from '../secrets/file-vault.js';
import type { EventName } from '../../shared/contract.js';

export interface TempCore {
  core: Core;
  dir: string;
  events: { event: EventName; payload: unknown }[];
  reopen(): Promise<TempCore>;
  dispose(): Promise<void>;
}

export function tempWorkspace(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-test-'));
}

export function openTempCore(dir = tempWorkspace(), extra: Pick<CoreOptions, 'umbrella' | 'fleets' | 'fah' | 'monitor'> = {}): TempCore {
  const events: TempCore['events'] = [];
  const core = createCore({
    shell: 'browser',
    version: 'test',
    workspaceDir: dir,
    vault: new FileVault(loadOrCreateKey(dir)),
    emit: (event, payload) => events.push({ event, payload }),
    ...extra,
  });
  return {
    core,
    dir,
    events,
    async reopen() {
      await core.close();
      return openTempCore(dir, extra);
    },
    async dispose() {
      await core.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Calls the core and returns the result, or throws the typed error as a plain object for expect(). */
export async function ok<T = unknown>(core: Core, method: string, params: unknown = {}): Promise<T> {
  const env = await core.call(method, params);
  if (!env.ok) throw new Error(`${method} failed: ${env.error.code} ${env.error.message}`);
  return env.result as T;
}

export async function fails(core: Core, method: string, params: unknown = {}) {
  const env = await core.call(method, params);
  if (env.ok) throw new Error(`${method} unexpectedly succeeded`);
  return env.error;
}
