// SshPool against in-process ssh2 servers: one connection reused, channels bounded, reconnect after drops,
// status transitions, pause on host key / login problems, keyboard-interactive (2FA) prompts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import type { ClusterStatus, SshPrompt } from '../../shared/slurm.js';
import type { ConnectSettings } from './connect.js';
import { HostKeyVerifier } from './host-key-verifier.js';
import { SshPool } from './pool.js';
import type { SshPoolDeps } from './pool.js';
import { startTestSshServer } from './test-server.js';
import type { TestServerOptions, TestSshServer } from './test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'simdeck-pool-'));
const servers: TestSshServer[] = [];
const pools: SshPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

const hangOnce = new Set<string>();
async function server(options: TestServerOptions = {}): Promise<TestSshServer> {
  const srv = await startTestSshServer(
    (command, stream) => {
      const sleep = /^sleep (\d+)$/.exec(command);
      if (command.startsWith('hang-once') && !hangOnce.has(command)) {
        hangOnce.add(command); // never answers: the test drops the connection under it
        return;
      }
      setTimeout(
        () => {
          stream.write(`ran: ${command}\n`);
          stream.exit(0);
          stream.end();
        },
        sleep ? Number(sleep[1]) : 0,
      );
    },
    'alice',
    's3cret',
    options,
  );
  servers.push(srv);
  return srv;
}

function target(id: string): Target {
  const now = new Date().toISOString();
  return { id, name: `cluster ${id}`, kind: 'slurm', settings: {}, secretRefs: {}, createdAt: now, updatedAt: now } as Target;
}

function poolFor(srv: TestSshServer, over: Partial<SshPoolDeps> = {}, settings: Partial<ConnectSettings> = {}): { pool: SshPool; statuses: ClusterStatus[] } {
  const kh = join(dir, `kh-${srv.port}`);
  writeFileSync(kh, `[127.0.0.1]:${srv.port} ${srv.hostPublicKey}\n`);
  const statuses: ClusterStatus[] = [];
  const pool = new SshPool({
    resolve: async () => ({ host: '127.0.0.1', port: srv.port, username: 'alice', privateKey: srv.userPrivateKey, jumps: [], readyTimeoutMs: 5000, ...settings }),
    hostKeys: new HostKeyVerifier({ knownHostsFiles: [kh] }),
    prompt: () => Promise.reject(new Error('no prompt expected')),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    backoff: { initialMs: 50, maxMs: 400, jitter: 0 },
    ...over,
  });
  pool.onStatus((s) => statuses.push(s));
  pools.push(pool);
  return { pool, statuses };
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected a rejection');
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('SshPool', () => {
  let srv: TestSshServer;
  beforeAll(async () => {
    srv = await server();
  });

  it('reuses one connection for many execs and bounds parallel channels', async () => {
    const { pool, statuses } = poolFor(srv, { maxChannels: 3 });
    const t = target('a');
    expect(pool.status('a').state).toBe('idle');
    const before = srv.logins;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.exec(t, `sleep ${30 + i}`)));
    expect(results.map((r) => r.code)).toEqual(Array(12).fill(0));
    expect(results[5]?.stdout).toBe('ran: sleep 35\n');
    expect(srv.logins - before).toBe(1);
    expect(srv.maxParallelExecs).toBeLessThanOrEqual(3);
    expect(srv.maxParallelExecs).toBe(3);
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'connected', ...Array(12).fill('connected')]);
    expect(pool.status('a').lastPollAt).not.toBeNull();
    await pool.close('a');
    expect(pool.status('a').state).toBe('idle');
  });

  it('reconnects by itself after the server drops the connection', async () => {
    const { pool, statuses } = poolFor(srv);
    const t = target('b');
    await pool.exec(t, 'echo 1');
    const before = srv.logins;
    srv.dropClients();
    await until(() => pool.status('b').state === 'unreachable');
    const down = pool.status('b');
    expect(down.nextRetryAt).not.toBeNull();
    expect(down.detail).toMatch(/Unreachable since/);
    await until(() => pool.status('b').state === 'connected'); // the background retry, no caller needed
    expect(srv.logins).toBe(before + 1);
    expect((await pool.exec(t, 'echo 2')).stdout).toBe('ran: echo 2\n');
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'connected', 'connected', 'unreachable', 'connected', 'connected']);
  });

  it('re-runs a command whose connection dropped under it, unless told not to', async () => {
    const { pool } = poolFor(srv);
    const t = target('c');
    const running = pool.exec(t, 'hang-once 1');
    await until(() => srv.execs.includes('hang-once 1'));
    srv.dropClients();
    expect((await running).stdout).toBe('ran: hang-once 1\n');

    const once = pool.exec(t, 'hang-once 2', { retryOnDrop: false });
    await until(() => srv.execs.includes('hang-once 2'));
    srv.dropClients();
    const err = await rejection(once);
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/^cluster c is unreachable since .*SimDeck keeps trying every \d+ s\.$/);
  });

  it('throws UNAVAILABLE when the cluster is gone, and keeps retrying in the background', async () => {
    const gone = await server();
    const { pool } = poolFor(gone, { callRetries: 1 });
    const t = target('d');
    await pool.exec(t, 'echo hi');
    await gone.close();
    const err = await rejection(pool.exec(t, 'echo again'));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/is unreachable since/);
    expect(pool.status('d').state).toBe('unreachable');
    // A cluster known to be down fails fast instead of waiting for the network.
    const t0 = Date.now();
    expect((await rejection(pool.exec(t, 'echo fast'))).code).toBe('UNAVAILABLE');
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('pauses on an unknown host key instead of retrying', async () => {
    const { pool, statuses } = poolFor(srv, { hostKeys: new HostKeyVerifier({ knownHostsFiles: [] }) });
    const t = target('e');
    const err = await rejection(pool.exec(t, 'echo'));
    expect(err.code).toBe('CONFIRMATION_REQUIRED');
    expect(err.details?.fingerprint).toBe(srv.hostFingerprint);
    expect(pool.status('e').state).toBe('paused');
    expect(pool.status('e').detail).toMatch(/trust its host key/);
    expect((await rejection(pool.exec(t, 'echo'))).code).toBe('CONFIRMATION_REQUIRED');
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'paused']);
  });

  it('pauses when the login is refused', async () => {
    const { pool } = poolFor(srv, {}, { username: 'mallory' });
    expect((await rejection(pool.exec(target('f'), 'echo'))).code).toBe('UNAUTHORIZED');
    expect(pool.status('f').state).toBe('paused');
  });
});

describe('keyboard-interactive (2FA)', () => {
  const questions = [
    { prompt: 'Password: ', echo: false },
    { prompt: 'Verification code: ', echo: true },
  ];

  it('shows the questions and sends the answers', async () => {
    const srv = await server({ keyboard: { questions, answers: ['pw', '123456'] } });
    const prompts: SshPrompt[] = [];
    const { pool } = poolFor(
      srv,
      {
        prompt: async (p) => {
          prompts.push(p);
          return ['pw', '123456'];
        },
      },
      { privateKey: undefined },
    );
    expect((await pool.exec(target('g'), 'echo ok')).stdout).toBe('ran: echo ok\n');
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toMatchObject({ targetId: 'g', host: `127.0.0.1:${srv.port}`, prompts: questions });
    expect(prompts[0]?.promptId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a lone password prompt with the stored password', async () => {
    const srv = await server({ keyboard: { questions: [{ prompt: 'Password:', echo: false }], answers: ['s3cret'] } });
    const { pool } = poolFor(srv, {}, { privateKey: undefined, password: 's3cret' });
    expect((await pool.exec(target('h'), 'echo ok')).code).toBe(0);
  });

  it('gives up when nobody answers in time', async () => {
    const srv = await server({ keyboard: { questions, answers: ['pw', '1'] } });
    const { pool } = poolFor(srv, { prompt: () => new Promise<string[]>(() => undefined), promptTimeoutMs: 100 }, { privateKey: undefined });
    const err = await rejection(pool.exec(target('i'), 'echo'));
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.message).toMatch(/not answered/);
    expect(pool.status('i').state).toBe('paused');
  });
});
