// Starts `simdeck serve` as a real process on a temporary workspace and waits for the address it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Envelope } from '../../shared/transport.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Served {
  url: string;
  origin: string;
  token: string;
  proc: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export const tempWorkspace = () => fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-e2e-'));

/** `env` adds variables for the core, e.g. PATH with the stub environment managers first. */
export function serve(workspace: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<Served> {
  const proc = spawn(process.execPath, [path.join(repoRoot, 'bin', 'simdeck.cjs'), 'serve', '--port', '0', '--workspace', workspace, ...extraArgs], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simdeck serve did not start in 20 s:\n${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(/SimDeck at (http:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)/);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: `${m[1]}/?token=${m[2]}`,
        origin: m[1]!,
        token: m[2]!,
        proc,
        output: () => out,
        stop: () => stopProcess(proc),
      });
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simdeck serve exited with ${code}:\n${out}`));
    });
  });
}

export function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

/** One API call to a served SimDeck, as the browser makes it: the HTTP status and the envelope. */
export async function postServed(s: Served, method: string, params: unknown = {}): Promise<{ status: number; env: Envelope }> {
  const res = await fetch(`${s.origin}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: res.status, env: (await res.json()) as Envelope };
}

/** The call's result; a refused call throws with its code and message. */
export async function callServed<T>(s: Served, method: string, params: unknown = {}): Promise<T> {
  const { env } = await postServed(s, method, params);
  if (!env.ok) throw new Error(`${method}: ${env.error.code} ${env.error.message}`);
  return env.result as T;
}

/** Polls `fn` every `everyMs` until it gives something other than undefined; throws after `ms`. */
export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms: number, everyMs: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
