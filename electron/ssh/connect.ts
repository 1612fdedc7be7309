// Opens one logged-in ssh2 Client to a cluster, through a ProxyJump chain of any length: hop 1 is a TCP
// connection, every further hop (and the target) is tunnelled with forwardOut of the previous hop. Each hop's host
// key goes through the HostKeyChecker with its own host:port before any credential is sent. Auth methods, in order:
// public key (file or vault), ssh-agent, password, keyboard-interactive (2FA prompts answered by the user).
import { randomUUID } from 'node:crypto';
import { Client, utils } from 'ssh2';
import type { AuthenticationType, ConnectConfig } from 'ssh2';
import type { Duplex } from 'node:stream';
import type { SshPrompt } from '../../shared/slurm.js';
import { ApiError } from '../../shared/errors.js';
import { mapKeyError, mapSshError } from './errors.js';
import type { HostKeyChecker } from './host-key-verifier.js';

/** One machine to log in to: the target or a jump host. Secrets are plain here, only for connecting. */
export interface SshEndpoint {
  host: string;
  port: number;
  username: string;
  privateKey?: string | Buffer;
  passphrase?: string;
  password?: string;
  /** ssh-agent socket (SSH_AUTH_SOCK) */
  agent?: string;
}

export interface ConnectSettings extends SshEndpoint {
  /** Jump hosts in order, first one reached directly. */
  jumps: SshEndpoint[];
  /** The old per-target pin "SHA256:..." (checked for the target only, in addition to known keys). */
  hostKeySha256?: string | null;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

export interface ConnectDeps {
  hostKeys: HostKeyChecker;
  /** Shows keyboard-interactive questions to the user; resolves with the answers. */
  prompt?: (p: SshPrompt) => Promise<string[]>;
  targetId?: string | null;
  /** How long a 2FA prompt may wait for the user. Default 5 minutes. */
  promptTimeoutMs?: number;
}

export interface SshConnection {
  /** The logged-in client of the final target. */
  client: Client;
  /** All clients, jump hosts first; ending the first ends the chain. */
  chain: Client[];
  where: string;
  end(): void;
}

const PROMPT_TIMEOUT_MS = 5 * 60_000;

function authMethods(e: SshEndpoint): AuthenticationType[] {
  const m: AuthenticationType[] = [];
  if (e.privateKey !== undefined) m.push('publickey');
  if (e.agent) m.push('agent');
  if (e.password !== undefined) m.push('password');
  m.push('keyboard-interactive');
  return m;
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(onTimeout()), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Logs in to one endpoint, over `sock` (a forwarded channel) or directly. */
function loginOne(e: SshEndpoint, s: ConnectSettings, deps: ConnectDeps, isTarget: boolean, sock?: Duplex): Promise<Client> {
  const where = `${e.host}:${e.port}`;
  const readyTimeout = s.readyTimeoutMs ?? 20_000;
  return new Promise<Client>((resolve, reject) => {
    const client = new Client();
    let refusal: ApiError | null = null; // set by the host verifier or the prompt; ssh2's own errors say less
    let settled = false;
    let passwordUsedInteractively = false;
    const fail = (err: ApiError): void => {
      if (settled) return;
      settled = true;
      client.end();
      reject(err);
    };
    client.on('error', (err) => fail(refusal ?? mapSshError(err, where, e.username, readyTimeout)));
    client.on('close', () => fail(refusal ?? new ApiError('UNAVAILABLE', `${where} closed the SSH connection before the login completed.`)));
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      resolve(client);
    });
    client.on('keyboard-interactive', (name, instructions, _lang, prompts, finish) => {
      if (prompts.length === 0) return finish([]);
      // A lone hidden "Password:" prompt is the password method in disguise: answer it once with the stored password.
      const first = prompts[0];
      if (e.password !== undefined && !passwordUsedInteractively && prompts.length === 1 && first && !first.echo && /password/i.test(first.prompt)) {
        passwordUsedInteractively = true;
        return finish([e.password]);
      }
      if (!deps.prompt) {
        refusal = new ApiError('UNAUTHORIZED', `${where} asks questions at login (2FA) and nothing can show them to you.`);
        return finish([]);
      }
      const p: SshPrompt = {
        promptId: randomUUID(),
        targetId: deps.targetId ?? null,
        host: where,
        name,
        instructions,
        prompts: prompts.map((q) => ({ prompt: q.prompt, echo: q.echo === true })),
      };
      const ms = deps.promptTimeoutMs ?? PROMPT_TIMEOUT_MS;
      // Answers go straight to ssh2: never stored, never logged.
      withTimeout(deps.prompt(p), ms, () => new Error('timeout')).then(
        (answers) => finish(answers),
        (err: unknown) => {
          refusal = new ApiError(
            'UNAUTHORIZED',
            err instanceof Error && err.message === 'timeout'
              ? `The login questions of ${where} were not answered within ${Math.round(ms / 60_000)} minutes.`
              : `The login questions of ${where} were not answered.`,
          );
          fail(refusal);
        },
      );
    });

    let privateKey = e.privateKey;
    if (privateKey !== undefined) {
      const parsed = utils.parseKey(privateKey, e.passphrase);
      if (parsed instanceof Error) return fail(mapKeyError(parsed));
      privateKey = Buffer.isBuffer(privateKey) ? privateKey : Buffer.from(privateKey);
    }
    const config: ConnectConfig = {
      username: e.username,
      privateKey,
      passphrase: e.passphrase,
      password: e.password,
      agent: e.agent,
      tryKeyboard: true,
      authHandler: authMethods(e),
      readyTimeout,
      keepaliveInterval: s.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: s.keepaliveCountMax ?? 3,
      hostVerifier: (key: Buffer): boolean => {
        refusal = deps.hostKeys.check({ host: e.host, port: e.port, key, pin: isTarget ? s.hostKeySha256 : null });
        return refusal === null;
      },
      ...(sock ? { sock } : { host: e.host, port: e.port }),
    };
    try {
      client.connect(config);
    } catch (err) {
      fail(err instanceof Error ? mapKeyError(err) : mapSshError(err, where, e.username, readyTimeout));
    }
  });
}

function forward(via: Client, viaWhere: string, to: SshEndpoint): Promise<Duplex> {
  return new Promise<Duplex>((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, to.host, to.port, (err, stream) => {
      if (err) {
        reject(
          new ApiError('UNAVAILABLE', `The jump host ${viaWhere} could not reach ${to.host}:${to.port}: ${err.message}.`, {
            host: `${to.host}:${to.port}`,
            cause: err.message,
          }),
        );
      } else resolve(stream);
    });
  });
}

/** Connects through the jump chain to the target. Rejects with an ApiError; on failure every hop is closed. */
export async function connectSsh(s: ConnectSettings, deps: ConnectDeps): Promise<SshConnection> {
  const hops = [...s.jumps, s];
  const chain: Client[] = [];
  const endAll = (): void => {
    for (const c of [...chain].reverse()) c.end();
  };
  try {
    for (const [i, hop] of hops.entries()) {
      const prev = chain[i - 1];
      const prevHop = hops[i - 1];
      const sock = prev && prevHop ? await forward(prev, `${prevHop.host}:${prevHop.port}`, hop) : undefined;
      chain.push(await loginOne(hop, s, deps, i === hops.length - 1, sock));
    }
  } catch (err) {
    endAll();
    throw err;
  }
  const client = chain[chain.length - 1] as Client;
  // A jump host going away takes the tunnel with it: close the whole chain together.
  for (const c of chain) c.on('close', endAll);
  return { client, chain, where: `${s.host}:${s.port}`, end: endAll };
}
