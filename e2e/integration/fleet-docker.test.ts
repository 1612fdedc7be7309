// Local-Docker fleet deploy against the test bed's real dockerd: deploy, aliases, status, worker actions,
// teardown by label, image preflight and rollback of a half-done deploy.
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetSpec } from '../../shared/fleet.js';
import type { FleetPlan } from '../../shared/fleet.js';
import { deployLocalDocker, fleetStatus, scaleLocal, teardownFleet, workerAction } from '../../electron/fleets/deploy-docker.js';
import { FLEET_LABEL, COMPOSE_PROJECT } from '../../electron/fleets/labels.js';
import { planLocalDocker } from '../../electron/fleets/plan-docker.js';
import { loadTestbed, need } from './testbed.js';

let docker: Docker;
let image: string;
const fleet = `it-fleet-${process.pid}`;
const rbFleet = `it-fleet-${process.pid}-rb`;
const pfFleet = `it-fleet-${process.pid}-pf`;
const clashName = `${rbFleet}-worker-2`;
const SLEEP = ['sh', '-c', 'sleep 300'];

function fleetSpec(name: string, overrides: { workerImage?: string } = {}): FleetSpec {
  return FleetSpec.parse({
    projectId: 'p1',
    targetId: 't1',
    name,
    broker: { kind: 'redis', image: image },
    backend: { image },
    workers: { image: overrides.workerImage ?? image, command: SLEEP, replicas: 3 },
  });
}

function plan(name: string, overrides: { workerImage?: string } = {}): FleetPlan {
  const p = planLocalDocker(fleetSpec(name, overrides));
  // busybox's default command (sh) exits at once: give the backend something to run, and no restart loop.
  for (const r of p.resources) {
    if (r.kind !== 'container') continue;
    const body = r.body as { Cmd?: string[]; HostConfig: Record<string, unknown> };
    body.Cmd = SLEEP;
    body.HostConfig.RestartPolicy = { Name: 'no' };
  }
  return p;
}

async function labelled(name: string): Promise<string[]> {
  const filters = { label: [`${FLEET_LABEL}=${name}`] };
  const cs = await docker.listContainers({ all: true, filters });
  const vs = (await docker.listVolumes({ filters })).Volumes ?? [];
  const ns = await docker.listNetworks({ filters });
  return [...cs.map((c) => `container ${c.Names[0]}`), ...vs.map((v) => `volume ${v.Name}`), ...ns.map((n) => `network ${n.Name}`)];
}

async function exec(container: string, cmd: string[]): Promise<{ code: number; out: string }> {
  const ex = await docker.getContainer(container).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await ex.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (b: Buffer) => chunks.push(b));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const info = await ex.inspect();
  return { code: info.ExitCode ?? -1, out: Buffer.concat(chunks).toString('utf8') };
}

beforeAll(() => {
  const tb = loadTestbed();
  docker = new Docker({ socketPath: need(tb, 'SIMDECK_TB_DOCKER_SOCKET') });
  image = need(tb, 'SIMDECK_TB_DOCKER_IMAGE');
});

afterAll(async () => {
  for (const f of [fleet, rbFleet, pfFleet]) await teardownFleet(docker, f).catch(() => undefined);
  await docker
    ?.getContainer(clashName)
    .remove({ force: true })
    .catch(() => undefined);
});

describe('local Docker fleet', () => {
  it('deploys network, volumes, backend and 3 workers with compose labels, all running', async () => {
    const steps: string[] = [];
    const p = plan(fleet);
    const { created } = await deployLocalDocker(docker, p, { onStep: (m) => steps.push(m) });
    expect(created.map((o) => `${o.kind} ${o.name}`)).toEqual(p.resources.map((r) => `${r.kind} ${r.name}`));
    expect(steps.indexOf(`Starting container ${fleet}-backend-1`)).toBeLessThan(steps.indexOf(`Creating container ${fleet}-worker-1`));

    const status = await fleetStatus(docker, fleet);
    expect(status.map((s) => `${s.service}/${s.number}/${s.state}`)).toEqual([
      'backend/1/running',
      'worker/1/running',
      'worker/2/running',
      'worker/3/running',
    ]);
    expect(status.every((s) => s.restartCount === 0 && /^Up /.test(s.status))).toBe(true);
    const info = await docker.getContainer(`${fleet}-worker-2`).inspect();
    expect(info.Config.Labels?.[COMPOSE_PROJECT]).toBe(fleet);
    expect(info.Config.Labels?.['com.docker.compose.service']).toBe('worker');
    expect(info.Config.Env).toContain('bigchem_broker_url=redis://backend/0');
  });

  it('workers reach the backend by its network aliases', async () => {
    for (const alias of ['backend', 'broker']) {
      const r = await exec(`${fleet}-worker-1`, ['ping', '-c1', '-W2', alias]);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/1 packets received/);
    }
  });

  it('scales workers up and down by container number', async () => {
    const up = await scaleLocal(docker, fleetSpec(fleet), 5);
    expect(up.created.map((o) => o.name)).toEqual([`${fleet}-worker-4`, `${fleet}-worker-5`]);
    expect(up.removed).toEqual([]);
    const down = await scaleLocal(docker, fleetSpec(fleet), 3);
    expect(down.created).toEqual([]);
    expect(down.removed).toEqual([`${fleet}-worker-5`, `${fleet}-worker-4`]);
    expect((await fleetStatus(docker, fleet)).filter((s) => s.service === 'worker').map((s) => `${s.number}/${s.state}`)).toEqual([
      '1/running',
      '2/running',
      '3/running',
    ]);
    await expect(scaleLocal(docker, fleetSpec(`${fleet}-absent`), 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('worker actions stop, restart and remove one worker; unknown names are NOT_FOUND', async () => {
    await workerAction(docker, `${fleet}-worker-3`, 'stop');
    expect((await docker.getContainer(`${fleet}-worker-3`).inspect()).State.Running).toBe(false);
    await workerAction(docker, `${fleet}-worker-3`, 'stop'); // already stopped: fine
    await workerAction(docker, `${fleet}-worker-3`, 'restart');
    expect((await docker.getContainer(`${fleet}-worker-3`).inspect()).State.Running).toBe(true);
    await workerAction(docker, `${fleet}-worker-3`, 'remove');
    expect((await fleetStatus(docker, fleet)).map((s) => s.name)).not.toContain(`${fleet}-worker-3`);
    await expect(workerAction(docker, `${fleet}-nope-1`, 'stop')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('teardown removes exactly the fleet-labelled objects and leaves a look-alike alone', async () => {
    const bystander = `${fleet}_bystander`;
    await docker.createVolume({ Name: bystander, Labels: { [FLEET_LABEL]: `${fleet}-other` } });
    try {
      const before = await labelled(fleet);
      expect(before).toHaveLength(3 + 2 + 1); // backend, worker-1, worker-2; backend and scratch volumes; network
      const { removed } = await teardownFleet(docker, fleet);
      expect(removed.map((o) => o.kind)).toEqual(['container', 'container', 'container', 'volume', 'volume', 'network']);
      expect(await labelled(fleet)).toEqual([]);
      expect((await docker.getVolume(bystander).inspect()).Name).toBe(bystander);
    } finally {
      await docker
        .getVolume(bystander)
        .remove()
        .catch(() => undefined);
    }
  });

  it('preflight: a missing image fails before anything is created, without pulling', async () => {
    const p = plan(pfFleet, { workerImage: 'not/here:1' });
    const err = await deployLocalDocker(docker, p).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    expect((err as Error).message).toBe(
      'Image not/here:1 is not on this machine and no registry can be reached from here: load it (docker load) or build it first.',
    );
    expect(await labelled(pfFleet)).toEqual([]);
  });

  it('rollback: a name clash on the 3rd container removes everything the deploy created, not the clashing container', async () => {
    const clash = await docker.createContainer({ name: clashName, Image: image, Cmd: SLEEP, Labels: { 'simdeck.test': 'clash' } });
    const p = plan(rbFleet);
    const steps: string[] = [];
    const err = await deployLocalDocker(docker, p, { onStep: (m) => steps.push(m) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REMOTE_FAILED' });
    const msg = (err as Error).message;
    expect(msg).toContain(`while creating container ${clashName}`);
    expect(msg).toMatch(/already in use/);
    expect(msg).toContain('nothing was left behind');
    // Containers force-removed first, then volumes, then the network.
    expect(steps.filter((s) => s.startsWith('Removing '))).toEqual([
      `Removing container ${rbFleet}-worker-1`,
      `Removing container ${rbFleet}-backend-1`,
      `Removing volume ${rbFleet}_scratch`,
      `Removing volume ${rbFleet}_backend`,
      `Removing network ${rbFleet}_default`,
    ]);
    expect(await labelled(rbFleet)).toEqual([]);
    const still = await clash.inspect();
    expect(still.Name).toBe(`/${clashName}`);
    expect(still.Config.Labels?.['simdeck.test']).toBe('clash');
    await expect(workerAction(docker, clashName, 'remove')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await clash.inspect()).Id).toBe(still.Id);
  });
});
