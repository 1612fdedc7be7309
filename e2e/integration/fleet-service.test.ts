// Fleets through SimDeck's core (router, contract, workspace, observers) against the test bed's real dockerd and
// Swarm: deploy from the wizard's spec, watch, scale, act, logs, crash-loop notice, teardown; image preflight and
// rollback; Swarm stacks seen by the docker CLI and CLI stacks adopted by SimDeck.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project, Target } from '../../shared/domain.js';
import type { Fleet, FleetMember, FleetSample } from '../../shared/fleet.js';
import { fails, ok, openTempCore, type TempCore } from '../../electron/testing/temp-core.js';
import { IDLE_IMAGE as IDLE, ensureIdleImage } from '../support/idle-image.js';
import { loadTestbed, need } from './testbed.js';

const P = process.pid;
let t: TempCore;
let project: Project;
let docker: Docker;
let host: string;
let localTarget: Target;
let swarmTarget: Target;

const cli = (...args: string[]) => execFileSync('/usr/bin/docker', ['-H', host, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function until<T>(what: string, probe: () => Promise<T>, good: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last = await probe();
  while (!good(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 500));
    last = await probe();
  }
  return last;
}

const get = (fleetId: string) => ok<{ fleet: Fleet; members: FleetMember[] }>(t.core, 'fleets.get', { fleetId });

function spec(targetId: string, name: string, workers: Record<string, unknown> = {}) {
  return {
    projectId: project.id,
    targetId,
    name,
    broker: { kind: 'redis', image: IDLE },
    backend: { image: IDLE },
    workers: { image: IDLE, command: ['sh', '-c', 'echo worker up; sleep 300'], replicas: 3, ...workers },
  };
}

beforeAll(async () => {
  const tb = loadTestbed();
  host = need(tb, 'SIMDECK_TB_DOCKER_HOST');
  docker = new Docker({ socketPath: need(tb, 'SIMDECK_TB_DOCKER_SOCKET') });
  await ensureIdleImage(docker, need(tb, 'SIMDECK_TB_DOCKER_IMAGE'));
  t = openTempCore(undefined, { fleets: { intervalMs: 500, sampleMs: 1000, maxBackoffMs: 2000 } });
  project = await ok<Project>(t.core, 'projects.create', { name: 'Fleets IT' });
  localTarget = await ok<Target>(t.core, 'targets.create', { name: 'test-bed docker', kind: 'local-docker', settings: { socketPath: need(tb, 'SIMDECK_TB_DOCKER_SOCKET') } });
  swarmTarget = await ok<Target>(t.core, 'targets.create', { name: 'test-bed swarm', kind: 'swarm', settings: { socketPath: need(tb, 'SIMDECK_TB_DOCKER_SOCKET') } });
});

afterAll(async () => {
  for (const f of (await ok<Fleet[]>(t.core, 'fleets.list', {})) ?? []) {
    if (f.state !== 'removed' && f.state !== 'failed') await t.core.call('fleets.teardown', { fleetId: f.id, confirm: true });
  }
  try {
    cli('stack', 'rm', `itcli${P}`);
  } catch {
    // not there
  }
  await t.dispose();
});

describe('a local Docker fleet through the core', () => {
  it('deploys, is watched to 3 of 3 workers, scales, restarts a worker, shows logs and usage, and tears down exactly its containers', async () => {
    const name = `itsvc${P}`;
    const fleet = await ok<Fleet>(t.core, 'fleets.deploy', { spec: spec(localTarget.id, name), confirm: true });
    expect(fleet.state).toBe('running');
    const seen = await until('3 workers running', () => get(fleet.id), (v) => v.fleet.workers.running === 3 && v.members.length === 4);
    expect(seen.members.map((m) => `${m.role}:${m.name}`)).toEqual([`backend:${name}-backend-1`, `worker:${name}-worker-1`, `worker:${name}-worker-2`, `worker:${name}-worker-3`]);
    expect(seen.fleet.message).toBe('3 of 3 workers running');
    // docker stats numbers for running containers
    expect(seen.members.find((m) => m.name === `${name}-worker-1`)!.memBytes).toBeGreaterThan(0);

    await ok(t.core, 'fleets.scale', { fleetId: fleet.id, workers: 1 });
    const small = await until('1 worker', () => get(fleet.id), (v) => v.fleet.workers.running === 1 && v.members.filter((m) => m.role === 'worker').length === 1);
    expect(small.fleet.workers.desired).toBe(1);
    expect(cli('ps', '-a', '--filter', `label=com.docker.compose.project=${name}`, '--format', '{{.Names}}').trim().split('\n').sort()).toEqual([`${name}-backend-1`, `${name}-worker-1`]);

    const [r] = await ok<{ ok: boolean; command: string }[]>(t.core, 'fleets.act', { fleetId: fleet.id, members: [`${name}-worker-1`], action: 'restart' });
    expect(r).toMatchObject({ ok: true });
    expect(r!.command).toContain(`restart ${name}-worker-1`);
    const refused = await ok<{ ok: boolean; message: string }[]>(t.core, 'fleets.act', { fleetId: fleet.id, members: ['some-other-container'], action: 'remove' });
    expect(refused[0]).toMatchObject({ ok: false });

    const logs = await ok<{ text: string }>(t.core, 'fleets.logs', { fleetId: fleet.id, member: `${name}-worker-1`, tail: 50 });
    expect(logs.text).toContain('worker up');

    const samples = await until('samples', () => ok<FleetSample[]>(t.core, 'fleets.history', { fleetId: fleet.id }), (v) => v.length >= 2);
    expect(samples.at(-1)!.workersOnline).toBe(1);

    const gone = await ok<Fleet>(t.core, 'fleets.teardown', { fleetId: fleet.id, confirm: true });
    expect(gone.state).toBe('removed');
    expect(cli('ps', '-a', '--filter', `label=io.simdeck.fleet=${name}`, '--format', '{{.Names}}').trim()).toBe('');
    expect(cli('network', 'ls', '--filter', `label=io.simdeck.fleet=${name}`, '--format', '{{.Name}}').trim()).toBe('');
    expect(t.events.some((e) => e.event === 'fleets.changed' && (e.payload as Fleet).id === fleet.id && (e.payload as Fleet).state === 'removed')).toBe(true);
  });

  it('notices a worker that keeps crashing and says so once, with the worker named', async () => {
    const name = `itcrash${P}`;
    const fleet = await ok<Fleet>(t.core, 'fleets.deploy', { spec: spec(localTarget.id, name, { command: ['sh', '-c', 'echo boom >&2; exit 3'], replicas: 1 }), confirm: true });
    const v = await until('crash loop', () => get(fleet.id), (x) => x.fleet.crashLooping.length > 0, 60_000);
    expect(v.fleet.crashLooping).toEqual([`${name}-worker-1`]);
    const notices = t.events.filter((e) => e.event === 'notice' && String((e.payload as { message: string }).message).includes(name));
    expect(notices).toHaveLength(1);
    expect((notices[0]!.payload as { level: string }).level).toBe('warning');
    const logs = await ok<{ text: string }>(t.core, 'fleets.logs', { fleetId: fleet.id, member: `${name}-worker-1`, tail: 20 });
    expect(logs.text).toContain('boom');
    await ok(t.core, 'fleets.teardown', { fleetId: fleet.id, confirm: true });
  });

  it('refuses an image that is not on the machine before creating anything, and frees the name again', async () => {
    const name = `itnoimg${P}`;
    const err = await fails(t.core, 'fleets.deploy', { spec: { ...spec(localTarget.id, name), broker: { kind: 'rabbitmq', image: 'rabbitmq:3.11-management-alpine' } }, confirm: true });
    expect(err.message).toMatch(/Image rabbitmq:3\.11-management-alpine is not on this machine and no registry can be reached/);
    expect(cli('ps', '-a', '--filter', `label=io.simdeck.fleet=${name}`, '--format', '{{.Names}}').trim()).toBe('');
    expect(cli('volume', 'ls', '--filter', `label=io.simdeck.fleet=${name}`, '--format', '{{.Name}}').trim()).toBe('');
    const list = await ok<Fleet[]>(t.core, 'fleets.list', { projectId: project.id });
    expect(list.find((f) => f.name === name)?.state).toBe('failed');
    // The same name deploys once the cause is fixed.
    const again = await ok<Fleet>(t.core, 'fleets.deploy', { spec: spec(localTarget.id, name, { replicas: 1 }), confirm: true });
    expect(again.state).toBe('running');
    await ok(t.core, 'fleets.teardown', { fleetId: again.id, confirm: true });
  });

  it('rolls back a deploy that fails halfway (a worker name is taken) and leaves the other container alone', async () => {
    const name = `itrb${P}`;
    const squatter = await docker.createContainer({ Image: IDLE, name: `${name}-worker-2` });
    try {
      const err = await fails(t.core, 'fleets.deploy', { spec: spec(localTarget.id, name), confirm: true });
      expect(err.message).toMatch(/worker-2/);
      const left = cli('ps', '-a', '--filter', `name=${name}`, '--format', '{{.Names}}').trim().split('\n');
      expect(left).toEqual([`${name}-worker-2`]);
      expect(cli('network', 'ls', '--filter', `label=io.simdeck.fleet=${name}`, '--format', '{{.Name}}').trim()).toBe('');
    } finally {
      await squatter.remove({ force: true });
    }
  });
});

describe('a compose file through the core', () => {
  const compose = (name: string) => `services:
  backend:
    image: ${IDLE}
  worker:
    image: ${IDLE}
    build: ./worker
    command: ["sh", "-c", "echo ${name} worker; sleep 300"]
    depends_on: [backend]
    deploy:
      replicas: 2
`;

  it('refuses while a key is unsupported, deploys like docker compose up once the researcher accepts, and tears down', async () => {
    const name = `itcomp${P}`;
    const base = { projectId: project.id, targetId: localTarget.id, name, text: compose(name), confirm: true };
    const refused = await fails(t.core, 'fleets.deployCompose', base);
    expect(refused.message).toMatch(/services\.worker\.build/);
    expect(cli('ps', '-a', '--filter', `label=com.docker.compose.project=${name}`, '--format', '{{.Names}}').trim()).toBe('');
    const fleet = await ok<Fleet>(t.core, 'fleets.deployCompose', { ...base, ignoreUnsupported: true });
    expect(fleet.source).toBe('compose');
    const v = await until('2 compose workers', () => get(fleet.id), (x) => x.fleet.workers.running === 2);
    expect(v.members.map((m) => m.name)).toEqual([`${name}-backend-1`, `${name}-worker-1`, `${name}-worker-2`]);
    await ok(t.core, 'fleets.teardown', { fleetId: fleet.id, confirm: true });
    expect(cli('ps', '-a', '--filter', `label=com.docker.compose.project=${name}`, '--format', '{{.Names}}').trim()).toBe('');
  });
});

describe('a Swarm fleet through the core', () => {
  it('deploys a stack the docker CLI lists, scales it, lists nodes and stacks, and removes it', async () => {
    const name = `itsw${P}`;
    const fleet = await ok<Fleet>(t.core, 'fleets.deploy', { spec: spec(swarmTarget.id, name, { replicas: 2 }), confirm: true });
    await until('2 worker tasks', () => get(fleet.id), (v) => v.fleet.workers.running === 2);
    const services = cli('stack', 'services', name, '--format', '{{.Name}} {{.Replicas}}').trim().split('\n').sort();
    expect(services).toEqual([`${name}_backend 1/1`, `${name}_worker 2/2`]);

    await ok(t.core, 'fleets.scale', { fleetId: fleet.id, workers: 3 });
    const v = await until('3 worker tasks', () => get(fleet.id), (x) => x.fleet.workers.running === 3);
    expect(v.members.filter((m) => m.role === 'worker').map((m) => m.name)).toEqual([`${name}_worker.1`, `${name}_worker.2`, `${name}_worker.3`]);
    const full = await ok<{ nodes: { role: string; state: string }[] }>(t.core, 'fleets.get', { fleetId: fleet.id });
    expect(full.nodes[0]).toMatchObject({ role: 'manager', state: 'ready' });

    const stacks = await ok<{ stacks: { namespace: string; fleetId: string | null }[]; routingMesh: { detail: string } }>(t.core, 'fleets.stacks', { targetId: swarmTarget.id });
    expect(stacks.stacks.find((s) => s.namespace === name)?.fleetId).toBe(fleet.id);
    expect(stacks.routingMesh.detail).toMatch(/dnsrr/);

    await ok(t.core, 'fleets.teardown', { fleetId: fleet.id, confirm: true });
    expect(cli('stack', 'ls', '--format', '{{.Name}}').split('\n')).not.toContain(name);
  });

  it('adopts a stack deployed with docker stack deploy, watches it, and removes it like docker stack rm', async () => {
    const ns = `itcli${P}`;
    const dir = mkdtempSync(join(tmpdir(), 'simdeck-stack-'));
    try {
      const file = join(dir, 'stack.yml');
      writeFileSync(
        file,
        `version: "3.8"\nservices:\n  worker:\n    image: ${IDLE}\n    command: ["sh", "-c", "sleep 300"]\n    deploy:\n      replicas: 2\n      endpoint_mode: dnsrr\n`,
      );
      cli('stack', 'deploy', '-c', file, ns);
      const listed = await until(
        'the CLI stack in fleets.stacks',
        () => ok<{ stacks: { namespace: string; fleetId: string | null }[] }>(t.core, 'fleets.stacks', { targetId: swarmTarget.id }),
        (v) => v.stacks.some((s) => s.namespace === ns),
      );
      expect(listed.stacks.find((s) => s.namespace === ns)?.fleetId).toBeNull();
      const fleet = await ok<Fleet>(t.core, 'fleets.adoptStack', { projectId: project.id, targetId: swarmTarget.id, namespace: ns });
      expect(fleet.source).toBe('cli-stack');
      await until('2 tasks of the CLI stack', () => get(fleet.id), (v) => v.members.filter((m) => m.state === 'running').length === 2);
      await ok(t.core, 'fleets.scale', { fleetId: fleet.id, workers: 1 });
      await until('1 task', () => get(fleet.id), (v) => v.members.length === 1);
      await ok(t.core, 'fleets.teardown', { fleetId: fleet.id, confirm: true });
      expect(cli('stack', 'ls', '--format', '{{.Name}}').split('\n')).not.toContain(ns);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
