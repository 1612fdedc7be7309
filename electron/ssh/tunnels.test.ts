import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Target } from '../../shared/domain.js';
import { ApiError } from '../../shared/errors.js';
import { TunnelManager, type TunnelStatus } from './tunnels.js';

const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
const now = new Date().toISOString();
const target: Target = { id: 't1', name: 'hpc', kind: 'slurm', settings: {}, secretRefs: {}, createdAt: now, updatedAt: now };
const spec = { id: 'id1', name: 'redis', target, localPort: 0, remoteHost: 'localhost', remotePort: 6379 };

const managers: TunnelManager[] = [];
afterEach(async () => {
  for (const m of managers.splice(0)) await m.close();
});

function make(forwardOut: () => Promise<Duplex>, probeTimeoutMs?: number) {
  const changes: TunnelStatus[] = [];
  let calls = 0;
  const m = new TunnelManager(
    {
      forwardOut: () => {
        calls++;
        return forwardOut();
      },
    },
    log,
    { onChange: (s) => changes.push(s), probeTimeoutMs },
  );
  managers.push(m);
  return { m, changes, calls: () => calls };
}

describe('TunnelManager', () => {
  it('listens on 127.0.0.1 only and keys tunnels by id', async () => {
    const { m } = make(async () => new PassThrough());
    const st = await m.open(spec);
    expect(st).toMatchObject({ id: 'id1', state: 'listening', detail: `127.0.0.1:${st.localPort} → localhost:6379 via hpc`, checkedAt: null });
    await expect(m.open({ ...spec, name: 'other' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(m.get('id1')?.name).toBe('redis');
  });

  it('probe: opens and closes a channel, sets checkedAt; failures set failing; change callbacks only on change', async () => {
    let refuse = false;
    const opened: PassThrough[] = [];
    const { m, changes } = make(async () => {
      if (refuse) throw new ApiError('REMOTE_FAILED', 'Connection refused.');
      const ch = new PassThrough();
      opened.push(ch);
      return ch;
    });
    await m.open(spec);
    const ok = await m.probe('id1');
    expect(ok).toMatchObject({ state: 'listening' });
    expect(ok?.checkedAt).not.toBeNull();
    expect(opened[0]!.destroyed).toBe(true);
    expect(changes).toEqual([]); // listening before and after
    refuse = true;
    await m.probe('id1');
    await m.probe('id1');
    expect(changes.map((c) => [c.state, c.detail])).toEqual([['failing', 'Connection refused.']]);
    refuse = false;
    await m.probe('id1');
    expect(changes.map((c) => c.state)).toEqual(['failing', 'listening']);
    expect(await m.probe('nope')).toBeUndefined();
  });

  it('joins concurrent probes and times out a far end that does not answer', async () => {
    const { m, calls } = make(() => new Promise<Duplex>(() => undefined), 50);
    await m.open(spec);
    const [a, b] = await Promise.all([m.probe('id1'), m.probe('id1')]);
    expect(calls()).toBe(1);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ state: 'failing', detail: 'localhost:6379 did not answer within 50 ms.' });
  });

  it('a user connection that cannot be forwarded marks the tunnel failing and is closed', async () => {
    const { m, changes } = make(async () => {
      throw new ApiError('UNAVAILABLE', 'hpc is unreachable.');
    });
    const st = await m.open(spec);
    await new Promise<void>((resolve) => {
      const s = connect(st.localPort, '127.0.0.1');
      s.on('close', () => resolve());
      s.on('error', () => undefined);
    });
    expect(m.get('id1')).toMatchObject({ state: 'failing', detail: 'hpc is unreachable.', activeConnections: 0 });
    expect(changes.some((c) => c.activeConnections === 1)).toBe(true);
  });
});
