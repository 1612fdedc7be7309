import { afterEach, describe, expect, it } from 'vitest';
import type { Server } from 'node:net';
import type { TunnelInfo } from '../../shared/files.js';
import type { Target } from '../../shared/domain.js';
import { createTunnelsBackend } from './backend.js';
import { FakePool, canConnect, harness, occupyPort, removeDir, roundTrip, waitFor, type Harness } from './test-fakes.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(opts: { dir?: string; probeIntervalMs?: number } = {}) {
  const h = harness(opts.dir);
  const pool = new FakePool();
  const target =
    h.targets.list().find((t) => t.name === 'hpc') ??
    h.targets.create({ name: 'hpc', kind: 'slurm', settings: { host: 'hpc.example.org', port: 22, username: 'ana' } });
  const backend = createTunnelsBackend(h.services, pool, { probeIntervalMs: opts.probeIntervalMs ?? 60_000, firstProbeWaitMs: 1000 });
  cleanups.push(() => {
    h.close();
    if (!opts.dir) removeDir(h.dir);
  });
  cleanups.push(() => backend.close());
  return { h, pool, target, backend };
}

const redis = (target: Target, extra: Partial<{ name: string; localPort: number; autoStart: boolean }> = {}) => ({
  name: extra.name ?? 'redis',
  targetId: target.id,
  localPort: extra.localPort ?? 0,
  remoteHost: 'localhost',
  remotePort: 6379,
  autoStart: extra.autoStart ?? true,
});

const changes = (h: Harness, id: string) =>
  h.events.filter((e) => e.event === 'tunnels.changed' && (e.payload as TunnelInfo).id === id).map((e) => e.payload as TunnelInfo);

describe('tunnels backend', () => {
  it('creates a tunnel on a free port, saves that port, forwards bytes and logs the ssh -L equivalent', async () => {
    const { h, pool, target, backend } = setup();
    const t = await backend.create(redis(target));
    expect(t).toMatchObject({ name: 'redis', state: 'listening', remoteHost: 'localhost', remotePort: 6379, autoStart: true, activeConnections: 0 });
    expect(t.localPort).toBeGreaterThan(0);
    expect(t.detail).toBe(`127.0.0.1:${t.localPort} → localhost:6379 via hpc`);
    expect(t.checkedAt).not.toBeNull(); // probed right after start
    expect(pool.forwards[0]).toEqual({ targetId: target.id, host: 'localhost', port: 6379 });
    const saved = h.db.prepare('SELECT local_port FROM tunnels WHERE id = ?').get(t.id) as { local_port: number };
    expect(saved.local_port).toBe(t.localPort);
    expect(await roundTrip(t.localPort, 'PING\r\n')).toBe('PING\r\n');
    expect(h.activity).toEqual([
      { action: 'tunnel.create', command: `ssh -N -L ${t.localPort}:localhost:6379 -p 22 ana@hpc.example.org`, outcome: 'ok', detail: '' },
    ]);
    expect(changes(h, t.id).at(-1)).toMatchObject({ state: 'listening' });
    expect(backend.list()).toEqual([expect.objectContaining({ id: t.id, state: 'listening', detail: t.detail })]);
  });

  it('refuses a duplicate name (any case), a taken port, a missing target and a non-SSH target', async () => {
    const { h, target, backend } = setup();
    const first = await backend.create(redis(target));
    await expect(backend.create(redis(target, { name: 'REDIS' }))).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/"REDIS" already exists/) });
    const busy = await occupyPort();
    cleanups.push(() => new Promise<void>((r) => busy.server.close(() => r())));
    await expect(backend.create(redis(target, { name: 'other', localPort: busy.port }))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `Local port ${busy.port} is already in use; choose another.`,
    });
    await expect(backend.create(redis(target, { name: 'other', localPort: first.localPort }))).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(backend.create({ ...redis(target, { name: 'x' }), targetId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const docker = h.targets.create({ name: 'laptop', kind: 'local-docker', settings: {} });
    await expect(backend.create({ ...redis(target, { name: 'x' }), targetId: docker.id })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(backend.list().map((t) => t.name)).toEqual(['redis']);
  });

  it('stops (port closed, tunnel kept), starts again on the same port, and deletes', async () => {
    const { h, target, backend } = setup();
    const t = await backend.create(redis(target));
    const stopped = await backend.stop(t.id);
    expect(stopped).toMatchObject({ state: 'stopped', localPort: t.localPort, activeConnections: 0 });
    expect(await canConnect(t.localPort)).toBe(false);
    expect(backend.list()[0]).toMatchObject({ state: 'stopped' });
    const again = await backend.start(t.id);
    expect(again).toMatchObject({ state: 'listening', localPort: t.localPort });
    expect(await roundTrip(t.localPort, 'hello')).toBe('hello');
    await backend.remove(t.id);
    expect(backend.list()).toEqual([]);
    expect(await canConnect(t.localPort)).toBe(false);
    expect(h.events.at(-1)).toEqual({ event: 'tunnels.removed', payload: { id: t.id } });
    expect(h.activity.map((a) => a.action)).toEqual(['tunnel.create', 'tunnel.stop', 'tunnel.start', 'tunnel.delete']);
    await expect(backend.start(t.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('counts active connections', async () => {
    const { h, target, backend } = setup();
    const t = await backend.create(redis(target));
    const { connect } = await import('node:net');
    const sock = connect(t.localPort, '127.0.0.1');
    await waitFor(() => backend.list()[0]?.activeConnections === 1, 3000, 'one connection');
    expect(changes(h, t.id).at(-1)).toMatchObject({ activeConnections: 1 });
    sock.destroy();
    await waitFor(() => backend.list()[0]?.activeConnections === 0, 3000, 'no connection');
  });

  it('probes by itself: far end refusing → failing with the reason, cluster down → the pool reason, back → listening; emits only on change', async () => {
    const { h, pool, target, backend } = setup({ probeIntervalMs: 20 });
    const t = await backend.create(redis(target));
    const probesBefore = pool.forwards.length;
    pool.mode = 'refuse';
    await waitFor(() => backend.list()[0]?.state === 'failing', 3000, 'failing');
    expect(backend.list()[0]!.detail).toBe('hpc could not open a connection to localhost:6379: Connection refused. SimDeck checks again every 20 ms.');
    const failingEvents = changes(h, t.id).length;
    await waitFor(() => pool.forwards.length > probesBefore + 5, 3000, 'more probes');
    expect(changes(h, t.id).length).toBe(failingEvents); // probes with the same outcome are not announced again

    // The cluster connection is lost: the pool's status says so at once, with its next try.
    pool.mode = 'down';
    pool.setStatus(target.id, 'unreachable', 'Unreachable since 2025-01-01T00:00:00Z: connection reset Next try at 2025-01-01T00:00:04Z.');
    expect(backend.list()[0]).toMatchObject({
      state: 'failing',
      detail: 'No connection to hpc. Unreachable since 2025-01-01T00:00:00Z: connection reset Next try at 2025-01-01T00:00:04Z.',
    });
    expect(await canConnect(t.localPort)).toBe(true); // the listener stays bound

    // The pool reconnects by itself: the tunnel flips back without anyone connecting.
    pool.mode = 'ok';
    pool.setStatus(target.id, 'connected', 'Connected to hpc.');
    await waitFor(() => backend.list()[0]?.state === 'listening', 3000, 'listening again');
    expect(backend.list()[0]!.detail).toBe(`127.0.0.1:${t.localPort} → localhost:6379 via hpc`);
    expect(await roundTrip(t.localPort, 'back')).toBe('back');
  });

  it('starts auto tunnels at start-up; one whose port is taken stays stopped with the reason, the others start', async () => {
    const dir = (await import('../testing/temp-core.js')).tempWorkspace();
    cleanups.push(() => removeDir(dir));
    const first = setup({ dir });
    const a = await first.backend.create(redis(first.target, { name: 'a' }));
    const b = await first.backend.create(redis(first.target, { name: 'b' }));
    const manual = await first.backend.create(redis(first.target, { name: 'manual', autoStart: false }));
    await first.backend.close();
    expect(await canConnect(a.localPort)).toBe(false);

    // Someone else took b's port meanwhile.
    const { createServer } = await import('node:net');
    const squatter: Server = createServer((s) => s.destroy());
    await new Promise<void>((r) => squatter.listen(b.localPort, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => squatter.close(() => r())));

    const second = setup({ dir });
    await second.backend.startAuto();
    const byName = Object.fromEntries(second.backend.list().map((t) => [t.name, t]));
    expect(byName.a).toMatchObject({ state: 'listening', localPort: a.localPort });
    expect(byName.b).toMatchObject({ state: 'stopped', localPort: b.localPort, detail: `Not started: Local port ${b.localPort} is already in use; choose another.` });
    expect(byName.manual).toMatchObject({ state: 'stopped', localPort: manual.localPort });
    expect(await roundTrip(a.localPort, 'saved port')).toBe('saved port');
  });

  it('lets a tunnel go with its cluster (ON DELETE CASCADE) without crashing', async () => {
    const { h, pool, target, backend } = setup({ probeIntervalMs: 20 });
    const t = await backend.create(redis(target));
    h.targets.delete(target.id, 'hpc');
    pool.setStatus(target.id, 'idle', 'Not connected yet.'); // what pool.close(targetId) reports
    await waitFor(() => h.events.some((e) => e.event === 'tunnels.removed'), 3000, 'removed event');
    expect(backend.list()).toEqual([]);
    await waitFor(() => true, 50);
    expect(await canConnect(t.localPort)).toBe(false);
  });

  it('close() stops listeners, probes and the status subscription', async () => {
    const { pool, target, backend } = setup({ probeIntervalMs: 10 });
    const t = await backend.create(redis(target));
    expect(pool.listenerCount).toBe(1);
    await backend.close();
    expect(pool.listenerCount).toBe(0);
    const probes = pool.forwards.length;
    await new Promise((r) => setTimeout(r, 80));
    expect(pool.forwards.length).toBe(probes);
    expect(await canConnect(t.localPort)).toBe(false);
    await expect(backend.create(redis(target, { name: 'late' }))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
