// A named local port forward through the real test bed sshd, pinned by the old hostKeySha256 setting: a local
// HTTP server is reached through 127.0.0.1:<tunnel port>, and still after the pooled connection was dropped.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HostKeyVerifier } from '../../electron/ssh/host-key-verifier.js';
import { SshPool } from '../../electron/ssh/pool.js';
import { resolveSshConnection } from '../../electron/ssh/target.js';
import { TunnelManager } from '../../electron/ssh/tunnels.js';
import { loadTestbed, makeContext, makeTarget, need } from './testbed.js';

const tb = loadTestbed();
const { ctx } = makeContext();
const target = makeTarget('slurm', {
  host: need(tb, 'SIMDECK_TB_SSH_HOST'),
  port: Number(need(tb, 'SIMDECK_TB_SSH_PORT')),
  username: need(tb, 'SIMDECK_TB_SSH_USER'),
  privateKeyPath: need(tb, 'SIMDECK_TB_SSH_KEY'),
  hostKeySha256: need(tb, 'SIMDECK_TB_SSH_HOSTKEY_SHA256'),
  useAgent: 'false',
});
const pool = new SshPool({
  resolve: (t) => resolveSshConnection(t, ctx),
  hostKeys: new HostKeyVerifier({ knownHostsFiles: [] }),
  prompt: () => Promise.reject(new Error('no prompts')),
  log: ctx.log,
});
const tunnels = new TunnelManager(pool, ctx.log);
const web = createServer((req, res) => res.end(`hello from ${req.url ?? ''}`));
let webPort = 0;

beforeAll(async () => {
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as AddressInfo).port;
});
afterAll(async () => {
  await tunnels.close();
  await pool.close();
  await new Promise<void>((r) => web.close(() => r()));
});

it('forwards a local port through the cluster connection and survives a reconnect', async () => {
  const st = await tunnels.open({ name: 'web', target, localPort: 0, remoteHost: '127.0.0.1', remotePort: webPort });
  expect(st.state).toBe('listening');
  expect(st.localPort).toBeGreaterThan(0);
  const get = async (path: string) => (await fetch(`http://127.0.0.1:${st.localPort}${path}`, { headers: { connection: 'close' } })).text();
  expect(await get('/one')).toBe('hello from /one');
  expect(pool.status(target.id).state).toBe('connected');
  await pool.close(target.id); // the pooled connection goes away (settings change, drop)
  expect(await get('/two')).toBe('hello from /two');
  expect(tunnels.list()).toMatchObject([{ name: 'web', state: 'listening' }]);
  await expect(tunnels.open({ name: 'web', target, localPort: 0, remoteHost: '127.0.0.1', remotePort: webPort })).rejects.toThrow(/already open/);
});
