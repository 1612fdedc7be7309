// A real S3-compatible server for tests: moto_server on a free loopback port, as a child process.
// moto_server must be on PATH (or SIMDECK_MOTO_SERVER); if it cannot start, startMoto() rejects and says how to
// install it. Used by the bucket integration test and the Kubernetes simulator's S3 mode.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface MotoOptions {
  /** Extra environment for moto_server, e.g. `{ INITIAL_NO_AUTH_ACTION_COUNT: '5' }` to check signatures. */
  env?: Record<string, string>;
  /** Port to listen on (default: a free one). */
  port?: number;
  /** How long to wait for the server to accept connections (default 60 s). */
  timeoutMs?: number;
  /** The executable (default: SIMDECK_MOTO_SERVER or moto_server). */
  command?: string;
}

export interface Moto {
  /** `http://127.0.0.1:{port}`. */
  endpoint: string;
  port: number;
  /**
   * rclone.conf text with one S3 remote `[remoteName]` (provider Other, path style) pointing at this server.
   * moto accepts any keys unless started with signature checking; the defaults are test keys.
   */
  rcloneConf(remoteName: string, keys?: { accessKeyId: string; secretAccessKey: string }): string;
  /** The server's output so far (for failure messages). */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s. Safe to call twice. */
  stop(): Promise<void>;
}

export const MOTO_ACCESS_KEY_ID = 'AKIDMOTOTEST';
export const MOTO_SECRET_ACCESS_KEY = 'motosecret';

/** A free TCP port on loopback (closed again, so there is a small race; fine for tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Starts moto_server on loopback and waits until it accepts connections; a clear failure otherwise. */
export async function startMoto(opts: MotoOptions = {}): Promise<Moto> {
  const command = opts.command ?? (process.env.SIMDECK_MOTO_SERVER || 'moto_server');
  const port = opts.port ?? (await freePort());
  const child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  let log = '';
  let exited: string | null = null;
  child.on('error', (err) => { exited = `could not run "${command}": ${err.message}`; });
  child.on('exit', (code, sig) => { exited ??= `exited with ${code ?? sig}`; });
  child.stdout?.on('data', (d: Buffer) => { log += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { log += d.toString(); });
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let up = false;
  while (Date.now() < deadline && !exited) {
    // A TCP probe, not an HTTP request: with signature checking on, moto counts every request it serves.
    up = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => { sock.destroy(); resolve(true); });
      sock.once('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!up || exited) {
    await stopChild(child);
    throw new Error(
      `The S3 test server did not start: ${command} -H 127.0.0.1 -p ${port} ${exited ?? `did not answer within ${Math.round(timeoutMs / 1000)} s`}. ` +
        `Install it with "pip install 'moto[server]'" (or point SIMDECK_MOTO_SERVER at it). Output:\n${log.slice(-2000)}`,
    );
  }
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    rcloneConf(remoteName, keys = { accessKeyId: MOTO_ACCESS_KEY_ID, secretAccessKey: MOTO_SECRET_ACCESS_KEY }) {
      return [
        `[${remoteName}]`,
        'type = s3',
        'provider = Other',
        `access_key_id = ${keys.accessKeyId}`,
        `secret_access_key = ${keys.secretAccessKey}`,
        `endpoint = ${endpoint}`,
        'force_path_style = true',
        '',
      ].join('\n');
    },
    output: () => log,
    stop: () => stopChild(child),
  };
}
