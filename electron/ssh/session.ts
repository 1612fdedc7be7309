// One SSH connection to a cluster login node, built on ssh2. Opening it verifies the pinned host key before any
// credential is sent; exec runs one command through the user's login shell and collects its output.
import { Client, utils } from 'ssh2';
import type { ClientChannel, ConnectConfig } from 'ssh2';
import { ApiError } from '../../shared/errors.js';
import { mapKeyError, mapSshError } from './errors.js';
import { verifyHostKey } from './host-key.js';

export interface SshSettings {
  host: string;
  port: number;
  username: string;
  privateKey?: string | Buffer;
  passphrase?: string;
  password?: string;
  /** Pinned host key fingerprint, "SHA256:..." as `ssh-keygen -lf` prints it. */
  hostKeySha256?: string | null;
  readyTimeoutMs?: number;
}

export interface ExecResult {
  /** Exit status, or null when the command died from a signal (or the server sent none). */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  timeoutMs?: number;
  /** Written to the command's stdin; stdin is closed either way, so nothing waits for input forever. */
  stdin?: string | Buffer;
  signal?: AbortSignal;
  /** stdout + stderr limit; a runaway command must not fill the app's memory. Default 16 MiB. */
  maxOutputBytes?: number;
}

const DEFAULT_READY_TIMEOUT_MS = 20_000;
const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;

export class SshSession {
  private ended = false;
  /** The first error after login (connection reset, keepalive timeout), reported by later execs. */
  private lostWith: ApiError | null = null;

  private constructor(
    private readonly client: Client,
    /** "host:port", for messages */
    readonly where: string,
  ) {
    client.on('error', (err) => {
      this.lostWith ??= new ApiError('UNAVAILABLE', `The SSH connection to ${this.where} was lost: ${err.message}`);
    });
    client.on('close', () => {
      this.ended = true;
    });
  }

  /** Connects and logs in. Rejects with an ApiError (CONFIRMATION_REQUIRED, FORBIDDEN, UNAUTHORIZED, UNAVAILABLE). */
  static open(settings: SshSettings): Promise<SshSession> {
    const where = `${settings.host}:${settings.port}`;
    const readyTimeout = settings.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    return new Promise<SshSession>((resolve, reject) => {
      const client = new Client();
      // Set by the host verifier: ssh2 itself only reports "Host denied (verification failed)".
      let refusal: ApiError | null = null;
      let settled = false;
      const fail = (err: ApiError): void => {
        if (settled) return;
        settled = true;
        client.end();
        reject(err);
      };
      const onError = (err: Error): void => fail(refusal ?? mapSshError(err, where, settings.username, readyTimeout));
      const onClose = (): void =>
        fail(refusal ?? new ApiError('UNAVAILABLE', `${where} closed the SSH connection before the login completed.`));
      client.on('error', onError);
      client.on('close', onClose);
      client.once('ready', () => {
        if (settled) return;
        settled = true;
        client.removeListener('error', onError);
        client.removeListener('close', onClose);
        resolve(new SshSession(client, where));
      });
      if (settings.password !== undefined) {
        // Many clusters offer passwords only as keyboard-interactive: answer every prompt with the password.
        const password = settings.password;
        client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
          finish(prompts.map(() => password));
        });
      }

      let privateKey: Buffer | string | undefined = settings.privateKey;
      if (privateKey !== undefined) {
        // Parse up front: ssh2 would throw from connect() with a less useful message.
        const parsed = utils.parseKey(privateKey, settings.passphrase);
        if (parsed instanceof Error) return fail(mapKeyError(parsed));
        privateKey = Buffer.isBuffer(privateKey) ? privateKey : Buffer.from(privateKey);
      }
      const config: ConnectConfig = {
        host: settings.host,
        port: settings.port,
        username: settings.username,
        privateKey,
        passphrase: settings.passphrase,
        password: settings.password,
        tryKeyboard: settings.password !== undefined,
        readyTimeout,
        keepaliveInterval: 15_000,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer): boolean => {
          refusal = verifyHostKey(key, { host: settings.host, port: settings.port, hostKeySha256: settings.hostKeySha256 });
          return refusal === null;
        },
      };
      try {
        client.connect(config);
      } catch (err) {
        fail(err instanceof Error ? mapKeyError(err) : mapSshError(err, where, settings.username, readyTimeout));
      }
    });
  }

  /** Wraps an already logged-in client (from connectSsh) so exec can be shared with the pool. */
  static attach(client: Client, where: string): SshSession {
    return new SshSession(client, where);
  }

  /** The error that ended the connection, if it was lost (not closed by us). */
  get lostError(): ApiError | null {
    return this.lostWith;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Runs `command` through the remote login shell. Build it with commandLine() from core/shell-quote. */
  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    return new Promise<ExecResult>((resolve, reject) => {
      if (this.ended || this.lostWith) {
        reject(this.lostWith ?? new ApiError('UNAVAILABLE', `The SSH connection to ${this.where} is closed.`));
        return;
      }
      if (options.signal?.aborted) {
        reject(options.signal.reason);
        return;
      }
      try {
        this.client.exec(command, (err, stream) => {
          if (err) {
            reject(new ApiError('UNAVAILABLE', `${this.where} refused to run a command: ${err.message}`));
            return;
          }
          this.collect(stream, options, max, resolve, reject);
        });
      } catch (err) {
        // ssh2 throws "Not connected" when the socket is gone before its 'close' event reached us.
        this.lostWith ??= new ApiError('UNAVAILABLE', `The SSH connection to ${this.where} was lost: ${(err as Error).message}`);
        reject(this.lostWith);
      }
    });
  }

  private collect(
    stream: ClientChannel,
    options: ExecOptions,
    max: number,
    resolve: (r: ExecResult) => void,
    reject: (e: unknown) => void,
  ): void {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let code: number | null = null;
    let signal: string | null = null;
    let sawExit = false;
    let done = false;
    let timer: NodeJS.Timeout | undefined;

    const finish = (error?: unknown): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) {
        // Stop the remote command too; a closed channel alone may leave it running until it writes.
        try {
          stream.signal('KILL');
        } catch {
          /* the channel may already be gone */
        }
        stream.close();
        reject(error);
        return;
      }
      if (!sawExit && (this.ended || this.lostWith)) {
        reject(this.lostWith ?? new ApiError('UNAVAILABLE', `The SSH connection to ${this.where} closed while a command ran.`));
        return;
      }
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    };
    const onAbort = (): void => finish(options.signal?.reason);
    const take = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        finish(new ApiError('REMOTE_FAILED', `A command on ${this.where} printed more than ${max} bytes; SimDeck stopped it.`));
        return;
      }
      into.push(chunk);
    };

    stream.on('data', take(out));
    stream.stderr.on('data', take(err));
    stream.on('exit', (c: number | null, sig?: string) => {
      sawExit = true;
      code = typeof c === 'number' ? c : null;
      signal = sig ?? null;
    });
    stream.on('close', () => finish());
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      const ms = options.timeoutMs;
      timer = setTimeout(
        () =>
          finish(
            new ApiError('UNAVAILABLE', `A command on ${this.where} did not finish within ${Math.round(ms / 100) / 10} s.`, {
              timeoutMs: String(ms),
            }),
          ),
        ms,
      );
    }
    stream.end(options.stdin);
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.client.end();
  }
}

/** Opens an SSH session; see SshSession.open. */
export function openSsh(settings: SshSettings): Promise<SshSession> {
  return SshSession.open(settings);
}
