// An in-process SSH server (ssh2's Server) on 127.0.0.1 for unit tests: real SSH protocol, canned command output.
// Used by the SSH session tests and by backends that run commands over SSH (SLURM). Test-only code.
import { testKeyPair } from './test-keys.js';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Server, utils } from 'ssh2';
import type { Connection, ParsedKey, ServerChannel } from 'ssh2';

export interface TestSshServer {
  port: number;
  /** OpenSSH fingerprint of the host key, computed independently of electron/ssh/host-key.ts */
  hostFingerprint: string;
  hostPublicKey: string;
  /** Private key (OpenSSH format) the server accepts for `username`. */
  userPrivateKey: string;
  username: string;
  password: string;
  /** Every command the server was asked to run, in order. */
  execs: string[];
  /** SSH connections that completed a login. */
  readonly logins: number;
  /** Most exec channels ever open at the same time on one connection. */
  readonly maxParallelExecs: number;
  /** Drops every client connection (a network cut or sshd restart, as the client sees it). */
  dropClients(): void;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Ask these keyboard-interactive questions and accept only these answers (2FA). */
  keyboard?: { questions: { prompt: string; echo: boolean }[]; answers: string[] };
  /** Use this host key (OpenSSH private key) instead of a fresh one. */
  hostKey?: string;
}

/** Answers one exec; write to stream, then call stream.exit(code) and stream.end(). */
export type ExecHandler = (command: string, stream: ServerChannel) => void;

export async function startTestSshServer(
  onExec: ExecHandler,
  username = 'alice',
  password = 's3cret',
  options: TestServerOptions = {},
): Promise<TestSshServer> {
  const generated = testKeyPair();
  const hostKey = options.hostKey
    ? { private: options.hostKey, public: `${(utils.parseKey(options.hostKey) as ParsedKey).type} ${(utils.parseKey(options.hostKey) as ParsedKey).getPublicSSH().toString('base64')}` }
    : generated;
  const userKey = testKeyPair();
  const allowed = utils.parseKey(userKey.public) as ParsedKey;
  const execs: string[] = [];
  const clients = new Set<Connection>();
  let logins = 0;
  let maxParallel = 0;

  const onClient = (client: Connection): void => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    let open = 0;
    client.on('authentication', (ctx) => {
      if (ctx.username !== username) return ctx.reject();
      if (options.keyboard) {
        const kb = options.keyboard;
        if (ctx.method !== 'keyboard-interactive') return ctx.reject(['keyboard-interactive']);
        return ctx.prompt(kb.questions, (answers) => (answers.join('\n') === kb.answers.join('\n') ? ctx.accept() : ctx.reject()));
      }
      if (ctx.method === 'password') return ctx.password === password ? ctx.accept() : ctx.reject();
      if (ctx.method === 'publickey') {
        const sameKey = ctx.key.algo === allowed.type && ctx.key.data.equals(allowed.getPublicSSH());
        if (!sameKey) return ctx.reject();
        if (ctx.signature && ctx.blob && !allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) return ctx.reject();
        return ctx.accept();
      }
      return ctx.reject(['publickey', 'password']);
    });
    client.on('ready', () => {
      logins++;
      client.on('session', (accept) => {
        accept().on('exec', (acceptExec, _reject, info) => {
          execs.push(info.command);
          const channel = acceptExec();
          open++;
          maxParallel = Math.max(maxParallel, open);
          channel.once('finish', () => open--); // the handler ended its output: the command is over
          onExec(info.command, channel);
        });
      });
    });
    client.on('error', () => {
      /* clients that refuse our host key drop the socket; expected in tests */
    });
  };

  const server = new Server({ hostKeys: [hostKey.private] }, onClient);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const blob = Buffer.from(hostKey.public.split(' ')[1] ?? '', 'base64');
  return {
    port: (server.address() as AddressInfo).port,
    hostFingerprint: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`,
    hostPublicKey: hostKey.public,
    userPrivateKey: userKey.private,
    username,
    password,
    execs,
    get logins() {
      return logins;
    },
    get maxParallelExecs() {
      return maxParallel;
    },
    dropClients() {
      for (const c of clients) c.end();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.end();
        server.close(() => resolve());
      }),
  };
}
