// Named tunnels through the real test-bed sshd: a small TCP echo server in this process stands in for "Redis on the
// head node"; bytes sent to 127.0.0.1:<tunnel port> come back through the cluster connection. For auto-reconnect the
// test starts its own second sshd (same host key and authorized key as the test bed, its own port, pid file and log
// under a temp folder), kills it and starts it again: the tunnel turns failing and back to listening by itself,
// found by the probes without any client connecting. Only that second sshd is ever stopped, by its own pid.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TunnelInfo } from '../../shared/files.js';
import { HostKeyVerifier } from '../../electron/ssh/host-key-verifier.js';
import { SshPool } from '../../electron/ssh/pool.js';
import { resolveSshConnection } from '../../electron/ssh/target.js';
import { createTunnelsBackend, type TunnelsBackend } from '../../electron/tunnels/backend.js';
import { harness, roundTrip, waitFor, type Harness } from '../../electron/tunnels/test-fakes.js';
import { loadTestbed, need } from './testbed.js';

const tb = loadTestbed();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-tunnels-it-'));
const h: Harness = harness(path.join(tmp, 'workspace'));
const pool = new SshPool({
  resolve: (t) => resolveSshConnection(t, h.services.adapterContext),
  hostKeys: new HostKeyVerifier({ knownHostsFiles: [] }),
  prompt: () => Promise.reject(new Error('no prompts')),
  log: h.services.log,
  backoff: { initialMs: 200, maxMs: 1000, jitter: 0 },
  callRetries: 1,
});
const opts = { probeIntervalMs: 300, probeTimeoutMs: 5000 };
let backend: TunnelsBackend = createTunnelsBackend(h.services, pool, opts);

const sshSettings = (port: number) => ({
  host: need(tb, 'SIMDECK_TB_SSH_HOST'),
  port,
  username: need(tb, 'SIMDECK_TB_SSH_USER'),
  privateKeyPath: need(tb, 'SIMDECK_TB_SSH_KEY'),
  hostKeySha256: need(tb, 'SIMDECK_TB_SSH_HOSTKEY_SHA256'),
  useAgent: 'false',
});

// "Redis on the head node": echoes what it gets.
const echo: Server = createServer((s) => {
  s.on('error', () => s.destroy());
  s.pipe(s);
});
let echoPort = 0;

// ---- our own second sshd ----
const sshdDir = path.join(tmp, 'sshd');
let sshdPort = 0;
let sshd: ChildProcess | null = null;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function writeSshdConfig(): string {
  // The test bed's sshd_config (same host key, user and authorized_keys), on our port with our own pid file.
  const base = fs.readFileSync(path.join(need(tb, 'SIMDECK_TB_DIR'), 'ssh', 'sshd_config'), 'utf8');
  const cfg = base
    .replace(/^Port .*$/m, `Port ${sshdPort}`)
    .replace(/^PidFile .*$/m, `PidFile ${path.join(sshdDir, 'sshd.pid')}`);
  const file = path.join(sshdDir, 'sshd_config');
  fs.writeFileSync(file, cfg);
  return file;
}

async function startSshd(): Promise<void> {
  const cfg = path.join(sshdDir, 'sshd_config');
  // -D: stays in the foreground as our child, so we stop exactly this process (and its connection children).
  sshd = spawn('/usr/sbin/sshd', ['-D', '-f', cfg, '-E', path.join(sshdDir, 'sshd.log')], { stdio: 'ignore' });
  const until = Date.now() + 10_000;
  for (;;) {
    const s = createServer();
    const free = await new Promise<boolean>((resolve) => {
      s.once('error', () => resolve(false));
      s.listen(sshdPort, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (!free) return; // sshd holds the port
    if (sshd.exitCode !== null || Date.now() > until) {
      throw new Error(`our sshd did not start on ${sshdPort}: ${fs.readFileSync(path.join(sshdDir, 'sshd.log'), 'utf8').slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pids descending from `root` (sshd forks one monitor per connection, which forks the session process). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch {
      // the process ended meanwhile
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [pid, pp] of parent) {
      if (pp !== p) continue;
      out.push(pid);
      queue.push(pid);
    }
  }
  return out;
}

const ended = (pid: number): boolean => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
};

/** Stops our sshd and the connections it serves: the cluster goes away as a crash or reboot would. */
async function killSshd(): Promise<void> {
  const child = sshd;
  if (!child?.pid || child.exitCode !== null) return;
  // The listener first (so the pool cannot reconnect in between), then its connections, deepest first.
  const kids = descendants(child.pid);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await exited;
  sshd = null;
  for (const pid of kids.reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      continue; // already gone
    }
    const until = Date.now() + 2000;
    while (!ended(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  }
}

const byName = (name: string): TunnelInfo => {
  const t = backend.list().find((x) => x.name === name);
  if (!t) throw new Error(`no tunnel ${name}`);
  return t;
};

beforeAll(async () => {
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as AddressInfo).port;
  fs.mkdirSync(sshdDir, { recursive: true });
  sshdPort = await freePort();
  writeSshdConfig();
  await startSshd();
});

afterAll(async () => {
  await backend.close();
  await pool.close();
  await killSshd();
  await new Promise<void>((r) => echo.close(() => r()));
  h.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

it('forwards bytes to a service on the head node through the real sshd', async () => {
  const bed = h.targets.create({ name: 'testbed', kind: 'slurm', settings: sshSettings(Number(need(tb, 'SIMDECK_TB_SSH_PORT'))) });
  const t = await backend.create({ name: 'redis', targetId: bed.id, localPort: 0, remoteHost: '127.0.0.1', remotePort: echoPort, autoStart: true });
  expect(t).toMatchObject({ state: 'listening', detail: `127.0.0.1:${t.localPort} → 127.0.0.1:${echoPort} via testbed` });
  expect(t.checkedAt).not.toBeNull();
  expect(await roundTrip(t.localPort, 'PING\r\n')).toBe('PING\r\n');
  expect(h.activity.at(-1)).toMatchObject({
    action: 'tunnel.create',
    outcome: 'ok',
    command: `ssh -N -L ${t.localPort}:127.0.0.1:${echoPort} -p ${need(tb, 'SIMDECK_TB_SSH_PORT')} -i ${need(tb, 'SIMDECK_TB_SSH_KEY')} slurmuser@127.0.0.1`,
  });

  // A port nobody listens on at the far end: failing with sshd's reason, found by the first probe.
  const closedPort = await freePort();
  const dead = await backend.create({ name: 'nothing there', targetId: bed.id, localPort: 0, remoteHost: '127.0.0.1', remotePort: closedPort, autoStart: false });
  expect(dead.state).toBe('failing');
  expect(dead.detail).toMatch(new RegExp(`could not open a connection to 127\\.0\\.0\\.1:${closedPort}: .+ SimDeck checks again every 300 ms\\.$`));
  await backend.remove(dead.id);
});

it('turns failing when the cluster goes away and back to listening by itself when it returns', async () => {
  const bed2 = h.targets.create({ name: 'second sshd', kind: 'slurm', settings: sshSettings(sshdPort) });
  const t = await backend.create({ name: 'broker', targetId: bed2.id, localPort: 0, remoteHost: '127.0.0.1', remotePort: echoPort, autoStart: true });
  expect(t.state).toBe('listening');
  expect(await roundTrip(t.localPort, 'before')).toBe('before');

  await killSshd();
  // No client connects: the probes and the pool's status find out.
  await waitFor(() => byName('broker').state === 'failing', 15_000, 'broker failing');
  expect(byName('broker').detail).toMatch(/^No connection to second sshd\. Unreachable since .*Next try at /);
  const changedBefore = h.events.filter((e) => e.event === 'tunnels.changed').length;

  await startSshd(); // same port
  await waitFor(() => byName('broker').state === 'listening', 20_000, 'broker listening again');
  expect(byName('broker').localPort).toBe(t.localPort);
  expect(h.events.filter((e) => e.event === 'tunnels.changed').length).toBeGreaterThan(changedBefore);
  expect(await roundTrip(t.localPort, 'after')).toBe('after');
  expect(byName('redis').state).toBe('listening'); // the other cluster's tunnel was never affected
});

it('starts saved tunnels on their saved ports in a new backend over the same workspace', async () => {
  const before = backend.list();
  await backend.close();
  backend = createTunnelsBackend(h.services, pool, opts);
  expect(backend.list().every((t) => t.state === 'stopped')).toBe(true);
  await backend.startAuto();
  for (const t of before) {
    const now = byName(t.name);
    expect(now).toMatchObject({ state: 'listening', localPort: t.localPort });
    expect(await roundTrip(now.localPort, `again ${t.name}`)).toBe(`again ${t.name}`);
  }
});
