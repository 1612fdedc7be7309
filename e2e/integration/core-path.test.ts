// The whole path a button takes, against the real test bed: router → workspace → vault → backend adapter →
// real sshd/SLURM and dockerd → activity log in SQLite. Secrets go in through the vault and never come out.
import Docker from 'dockerode';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEntry, Target, TargetCheck } from '../../shared/domain.js';
import { fails, ok, openTempCore, type TempCore } from '../../electron/testing/temp-core.js';
import { loadTestbed, need, type Testbed } from './testbed.js';

let tb: Testbed;
let t: TempCore;

beforeAll(() => {
  tb = loadTestbed();
  t = openTempCore();
});
afterAll(async () => t && (await t.dispose()));

function workspaceHolds(needle: string): boolean {
  const walk = (d: string): string[] =>
    fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  return walk(t.dir).some((f) => fs.readFileSync(f).includes(Buffer.from(needle)));
}

describe('core → real SLURM over SSH', () => {
  it('checks a SLURM target whose private key lives in the vault, and logs the sinfo it ran', async () => {
    const privateKey = fs.readFileSync(need(tb, 'SIMDECK_TB_SSH_KEY'), 'utf8');
    const secret = await ok<{ id: string }>(t.core, 'secrets.store', { label: 'test bed key', value: privateKey });
    const target = await ok<Target>(t.core, 'targets.create', {
      name: 'test bed SLURM',
      kind: 'slurm',
      settings: {
        host: need(tb, 'SIMDECK_TB_SSH_HOST'),
        port: Number(need(tb, 'SIMDECK_TB_SSH_PORT')),
        username: need(tb, 'SIMDECK_TB_SSH_USER'),
        hostKeySha256: need(tb, 'SIMDECK_TB_SSH_HOSTKEY_SHA256'),
      },
    });
    await ok(t.core, 'targets.attachSecret', { id: target.id, role: 'privateKey', secretId: secret.id });

    const check = await ok<TargetCheck>(t.core, 'targets.check', { id: target.id });
    expect(check.ok).toBe(true);
    expect(check.summary).toMatch(/^SLURM 22\.05/);

    const activity = await ok<ActivityEntry[]>(t.core, 'activity.list', {});
    const sinfo = activity.filter((a) => a.targetId === target.id && a.action === 'slurm.sinfo');
    expect(sinfo.length).toBeGreaterThanOrEqual(1);
    expect(sinfo.every((a) => a.outcome === 'ok' && a.command.includes('sinfo'))).toBe(true);

    const keyBody = privateKey.split('\n')[1]!; // a line of the key's base64 body
    expect(JSON.stringify(activity)).not.toContain(keyBody);
    expect(workspaceHolds(keyBody)).toBe(false);
  });

  it('refuses a changed host key and records the refusal', async () => {
    const target = await ok<Target>(t.core, 'targets.create', {
      name: 'impostor',
      kind: 'slurm',
      settings: {
        host: need(tb, 'SIMDECK_TB_SSH_HOST'),
        port: Number(need(tb, 'SIMDECK_TB_SSH_PORT')),
        username: need(tb, 'SIMDECK_TB_SSH_USER'),
        privateKeyPath: need(tb, 'SIMDECK_TB_SSH_KEY'),
        hostKeySha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      },
    });
    const err = await fails(t.core, 'targets.check', { id: target.id });
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toMatch(/host key/i);
  });
});

describe('core → real dockerd', () => {
  it('lists the containers of the local engine', async () => {
    const socketPath = need(tb, 'SIMDECK_TB_DOCKER_SOCKET');
    const docker = new Docker({ socketPath });
    const name = `simdeck-core-path-${process.pid}`;
    const c = await docker.createContainer({ Image: 'local/busybox:latest', Cmd: ['sleep', '60'], name });
    try {
      await c.start();
      const target = await ok<Target>(t.core, 'targets.create', { name: 'laptop docker', kind: 'local-docker', settings: { socketPath } });
      const check = await ok<TargetCheck>(t.core, 'targets.check', { id: target.id });
      expect(check.ok).toBe(true);
      expect(JSON.stringify(check.details)).toContain(name);
    } finally {
      await c.remove({ force: true });
    }
  });
});
