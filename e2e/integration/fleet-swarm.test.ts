// deploySwarm and the stack helpers against the test bed's real single-node Swarm, cross-checked with the real
// docker CLI (`docker stack services/ls/deploy`), so SimDeck's stacks and the CLI's are interchangeable.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.js';
import { FleetSpec } from '../../shared/fleet.js';
import type { FleetPlan } from '../../shared/fleet.js';
import {
  deploySwarm,
  detectRoutingMesh,
  listStacks,
  removeStack,
  scaleService,
  serviceLogs,
  serviceTasks,
  stackServices,
  tasksByNode,
} from '../../electron/fleets/deploy-swarm.js';
import { planSwarm } from '../../electron/fleets/plan-swarm.js';
import { loadTestbed, need } from './testbed.js';

const NS = `itswarm${process.pid}`;
const GPU_NS = `itswarmgpu${process.pid}`;
const CLI_NS = `itswarmcli${process.pid}`;
const RB_NS = `itswarmrb${process.pid}`;
const ALL = [NS, GPU_NS, CLI_NS, RB_NS];

let socketPath: string;
let host: string;
let image: string;
let docker: Docker;
let tmp: string;

const cli = (...args: string[]): string => execFileSync('/usr/bin/docker', ['-H', host, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function waitFor<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 1000));
    last = await probe();
  }
  return last;
}

function spec(name: string, workers: Record<string, unknown>): FleetSpec {
  return FleetSpec.parse({
    projectId: 'p-it',
    targetId: 't-it',
    name,
    broker: { kind: 'redis', image },
    backend: { image },
    workers: { image, command: ['sh', '-c', 'sleep 300'], replicas: 2, ...workers },
  });
}

type Body = { Name: string; TaskTemplate: { ContainerSpec: { Image: string; Args?: string[]; Env: string[] } } };
const bodyOf = (plan: FleetPlan, name: string) => plan.resources.find((r) => r.kind === 'service' && r.name === name)!.body as Body;

/** The busybox "backend" would exit at once (its image default is sh): keep it running instead. */
function plan(s: FleetSpec): FleetPlan {
  const p = planSwarm(s);
  bodyOf(p, `${s.name}_backend`).TaskTemplate.ContainerSpec.Args = ['sleep', '300'];
  return p;
}

const running = async (ns: string, service: string) => (await stackServices(docker, ns)).find((s) => s.name === `${ns}_${service}`);

beforeAll(() => {
  const tb = loadTestbed();
  socketPath = need(tb, 'SIMDECK_TB_DOCKER_SOCKET');
  image = need(tb, 'SIMDECK_TB_DOCKER_IMAGE');
  host = `unix://${socketPath}`;
  docker = new Docker({ socketPath });
  tmp = mkdtempSync(join(tmpdir(), 'simdeck-swarm-'));
});

afterAll(async () => {
  for (const ns of ALL) {
    if (!docker) break;
    await removeStack(docker, ns, { wait: true }).catch(() => undefined);
    const vols = (await docker.listVolumes({ filters: { label: [`com.docker.stack.namespace=${ns}`] } }).catch(() => ({ Volumes: [] }))).Volumes ?? [];
    for (const v of vols) await docker.getVolume(v.Name).remove().catch(() => undefined);
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, 120_000);

describe('Swarm fleets (real single-node Swarm)', () => {
  it('reports IPVS availability and what SimDeck does instead of the routing mesh', async () => {
    const r = await detectRoutingMesh(docker);
    expect(r.ipvs).toBe(existsSync('/proc/net/ip_vs'));
    expect(r).toMatchObject({ endpointMode: 'dnsrr', publishMode: 'host' });
    expect(r.note).toContain('dnsrr');
  });

  it('deploys a fleet that `docker stack services` lists, and its tasks reach running', async () => {
    const lines: string[] = [];
    const res = await deploySwarm(docker, plan(spec(NS, {})), { log: (l) => lines.push(l) });
    expect(res.created.map((c) => `${c.kind}:${c.name}`)).toEqual([
      `network:${NS}_default`,
      `volume:${NS}_backend`,
      `volume:${NS}_scratch`,
      `service:${NS}_backend`,
      `service:${NS}_worker`,
    ]);
    expect(lines[0]).toMatch(/^docker network create --driver overlay --attachable /);
    // The image is local to the only node: no warning about other nodes or pulls.
    expect(res.warnings).toEqual([]);

    const names = cli('stack', 'services', NS, '--format', '{{.Name}} {{.Mode}}').trim().split('\n').sort();
    expect(names).toEqual([`${NS}_backend replicated`, `${NS}_worker replicated`]);
    expect(cli('stack', 'ls', '--format', '{{.Name}} {{.Services}}')).toContain(`${NS} 2`);

    const worker = await waitFor('2 running workers', () => running(NS, 'worker'), (s) => s?.running === 2);
    expect(worker).toMatchObject({ mode: 'replicated', desired: 2, running: 2, image });
    await waitFor('the backend running', () => running(NS, 'backend'), (s) => s?.running === 1);

    const tasks = (await serviceTasks(docker, `${NS}_worker`)).filter((t) => t.desiredState === 'running');
    expect(tasks.map((t) => t.slot).sort()).toEqual([1, 2]);
    expect(tasks.every((t) => t.state === 'running' && t.error === '' && t.node !== '')).toBe(true);
    const byNode = tasksByNode(tasks);
    expect(Object.keys(byNode)).toHaveLength(1);

    await expect(deploySwarm(docker, plan(spec(NS, {})))).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('scales the workers to 3 running tasks', async () => {
    await scaleService(docker, `${NS}_worker`, 3);
    const worker = await waitFor('3 running workers', () => running(NS, 'worker'), (s) => s?.running === 3);
    expect(worker?.desired).toBe(3);
    expect(cli('service', 'ls', '--filter', `name=${NS}_worker`, '--format', '{{.Replicas}}').trim()).toBe('3/3');
  });

  it('lists a stack deployed by the docker CLI', async () => {
    const file = join(tmp, 'stack.yaml');
    writeFileSync(
      file,
      ['version: "3.8"', 'services:', '  sleeper:', `    image: ${image}`, '    command: sleep 300', '    deploy:', '      endpoint_mode: dnsrr', ''].join('\n'),
    );
    cli('stack', 'deploy', '-c', file, CLI_NS);
    const stacks = await listStacks(docker);
    expect(stacks).toContainEqual({ name: CLI_NS, services: 1 });
    expect(stacks).toContainEqual({ name: NS, services: 2 });
    const rows = await waitFor('the CLI stack running', () => stackServices(docker, CLI_NS), (r) => r[0]?.running === 1);
    expect(rows).toEqual([expect.objectContaining({ name: `${CLI_NS}_sleeper`, mode: 'replicated', desired: 1, running: 1, image })]);
  });

  it('per-GPU workers get TASK_SLOT and derive CUDA_VISIBLE_DEVICES in busybox sh', async () => {
    const p = plan(spec(GPU_NS, { gpu: 'per-gpu', command: ['sh', '-c', 'echo gpu=$CUDA_VISIBLE_DEVICES; sleep 300'] }));
    await deploySwarm(docker, p);
    const svc = await docker.getService(`${GPU_NS}_worker`).inspect();
    const env = (svc.Spec.TaskTemplate as { ContainerSpec: { Env: string[] } }).ContainerSpec.Env;
    expect(env).toContain('TASK_SLOT={{.Task.Slot}}');
    await waitFor('2 running per-GPU workers', () => running(GPU_NS, 'worker'), (s) => s?.running === 2);
    const logs = await waitFor(
      'both GPU lines in the logs',
      () => serviceLogs(docker, `${GPU_NS}_worker`, 50),
      (l) => l.includes('gpu=0') && l.includes('gpu=1'),
      30_000,
    );
    expect(logs.split('\n').filter((l) => /^gpu=\d$/.test(l)).sort()).toEqual(['gpu=0', 'gpu=1']);
  });

  it('removeStack removes services and network like `docker stack rm` and keeps the volumes', async () => {
    const removed = await removeStack(docker, NS, { wait: true });
    expect(removed.services.sort()).toEqual([`${NS}_backend`, `${NS}_worker`]);
    expect(removed.networks).toEqual([`${NS}_default`]);
    expect(removed.volumesKept).toEqual([`${NS}_backend`, `${NS}_scratch`]);
    expect(cli('stack', 'ls', '--format', '{{.Name}}').split('\n')).not.toContain(NS);
    expect((await listStacks(docker)).map((s) => s.name)).not.toContain(NS);
    await waitFor(
      'the network gone',
      () => docker.listNetworks({ filters: { label: [`com.docker.stack.namespace=${NS}`] } }),
      (n) => n.length === 0,
      20_000,
    );
    await expect(removeStack(docker, NS)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('rolls back everything it created when a later service is rejected', async () => {
    const p = plan(spec(RB_NS, {}));
    bodyOf(p, `${RB_NS}_worker`).TaskTemplate.ContainerSpec.Image = '';
    const err = await deploySwarm(docker, p).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('REMOTE_FAILED');
    expect((err as ApiError).message).toContain(`failed at service ${RB_NS}_worker`);
    expect((err as ApiError).message).toContain('Rolled back');
    const label = { label: [`com.docker.stack.namespace=${RB_NS}`] };
    expect(await docker.listServices({ filters: label })).toEqual([]);
    expect(await docker.listNetworks({ filters: label })).toEqual([]);
    expect((await docker.listVolumes({ filters: label })).Volumes ?? []).toEqual([]);
    expect((await listStacks(docker)).map((s) => s.name)).not.toContain(RB_NS);
  });
});
