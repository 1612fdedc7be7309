// The Docker adapter against the test bed's real dockerd (own socket, Swarm initialised, local/busybox image).
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAdapter, listContainers } from '../../electron/docker/adapter.js';
import { loadTestbed, makeContext, makeTarget, need } from './testbed.js';

let socketPath: string;
let image: string;
let docker: Docker;
const name = `simdeck-it-${process.pid}-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  const tb = loadTestbed();
  socketPath = need(tb, 'SIMDECK_TB_DOCKER_SOCKET');
  image = need(tb, 'SIMDECK_TB_DOCKER_IMAGE');
  docker = new Docker({ socketPath });
  const c = await docker.createContainer({ name, Image: image, Cmd: ['sleep', '300'], Labels: { 'simdeck.test': 'integration' } });
  await c.start();
});

afterAll(async () => {
  // Always clean up, even when an assertion failed; down.sh removes anything that still slips through.
  await docker
    ?.getContainer(name)
    .remove({ force: true })
    .catch(() => undefined);
});

describe('local Docker engine', () => {
  it('connect() lists the test container by name and records the docker commands', async () => {
    const { ctx, activity } = makeContext();
    const check = await dockerAdapter.connect(makeTarget('local-docker', { socketPath }), ctx);
    expect(check.ok).toBe(true);
    expect(check.details.endpoint).toBe(`unix://${socketPath}`);
    expect(check.details.apiVersion).toMatch(/^1\.\d+$/);
    expect(check.details.engineVersion).toMatch(/^\d+\.\d+/);
    expect((check.details.containerNames ?? '').split(',')).toContain(name);
    expect(Number(check.details.running)).toBeGreaterThanOrEqual(1);
    expect(check.summary).toMatch(/^Docker \S+ \(API 1\.\d+\), \d+ containers? \(\d+ running\)$/);
    expect(activity.map((a) => `${a.action} ${a.outcome}`)).toEqual(['docker.version ok', 'docker.info ok', 'docker.ps ok']);
    expect(activity[2]?.command).toBe(`docker -H unix://${socketPath} ps -a`);
  });

  it('listContainers() returns a simple row for the test container', async () => {
    const rows = await listContainers(makeTarget('local-docker', { socketPath }));
    const row = rows.find((r) => r.name === name);
    expect(row).toMatchObject({ name, image, state: 'running' });
    expect(row?.id).toMatch(/^[0-9a-f]{12}$/);
    expect(row?.status).toMatch(/^Up /);
  });

  it('finds the engine through DOCKER_HOST when the target names no socket', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${socketPath}`;
    try {
      const rows = await listContainers(makeTarget('local-docker', {}));
      expect(rows.map((r) => r.name)).toContain(name);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it('the container is gone from the list after removal', async () => {
    const tmp = `${name}-rm`;
    const c = await docker.createContainer({ name: tmp, Image: image, Cmd: ['true'] });
    try {
      expect((await listContainers(makeTarget('local-docker', { socketPath }))).map((r) => r.name)).toContain(tmp);
    } finally {
      await c.remove({ force: true });
    }
    expect((await listContainers(makeTarget('local-docker', { socketPath }))).map((r) => r.name)).not.toContain(tmp);
  });
});

describe('Docker Swarm', () => {
  it('a swarm target reports swarm active', async () => {
    const { ctx, activity } = makeContext();
    const check = await dockerAdapter.connect(makeTarget('swarm', { socketPath }), ctx);
    expect(check.ok).toBe(true);
    expect(check.details.swarm).toBe('active');
    expect(check.details.swarmManagers).toBe('1');
    expect(check.summary).toContain('swarm active');
    expect(activity.map((a) => a.action)).toContain('docker.service.ls');
  });
});
