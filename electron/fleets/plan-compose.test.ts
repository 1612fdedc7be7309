import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FleetPlan } from '../../shared/fleet.js';
import { parseCompose } from './compose-import.js';
import { composeRefusal, durationNs, planFromCompose, startOrder } from './plan-compose.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

type Container = {
  Image: string;
  Hostname?: string;
  Entrypoint?: string[];
  Cmd?: string[];
  Env: string[];
  Labels: Record<string, string>;
  ExposedPorts?: Record<string, object>;
  HostConfig: {
    Mounts: Record<string, unknown>[];
    RestartPolicy: { Name: string; MaximumRetryCount?: number };
    PortBindings?: Record<string, { HostIp?: string; HostPort: string }[]>;
    DeviceRequests?: unknown[];
  };
  NetworkingConfig: { EndpointsConfig: Record<string, { Aliases: string[] }> };
};
type Service = {
  Name: string;
  Labels: Record<string, string>;
  TaskTemplate: {
    ContainerSpec: { Image: string; Hostname?: string; Command?: string[]; Args?: string[]; Env: string[]; Mounts: Record<string, unknown>[]; Secrets?: unknown[]; Labels: Record<string, string> };
    Placement: { Constraints: string[] };
    RestartPolicy: Record<string, unknown>;
    Networks: { Target: string; Aliases: string[] }[];
    Resources?: unknown;
  };
  Mode: unknown;
  EndpointSpec: { Mode: string; Ports?: unknown[] };
};
const body = <T>(plan: FleetPlan, name: string): T => {
  // A stack's volume and service can share a name (bigchem_broker): prefer the container or service.
  const r = plan.resources.find((x) => x.name === name && (x.kind === 'container' || x.kind === 'service')) ?? plan.resources.find((x) => x.name === name);
  if (!r) throw new Error(`no ${name} in ${plan.resources.map((x) => x.name).join(', ')}`);
  return r.body as T;
};
const names = (plan: FleetPlan) => plan.resources.map((r) => `${r.kind} ${r.name}`);

const BIGCHEM = `
services:
  worker:
    image: mtzgroup/bigchem-worker:0.10.4
    depends_on: [broker, backend]
    command: sh -c 'celery -A bigchem.tasks worker --loglevel=INFO'
    environment:
      - bigchem_broker_url=amqp://broker
      - bigchem_backend_url=redis://backend/0
      - FROM_SHELL
    volumes: ["worker:/tmp", "./src/bigchem:/opt/src/bigchem", "/data/ro:/ro:ro"]
    deploy:
      replicas: 2
      restart_policy: { condition: on-failure, max_attempts: 3, delay: 5s }
    healthcheck: { test: ["CMD", "true"] }
  backend:
    image: redis:7-alpine
    ports: ["6379:6379"]
    volumes: ["backend:/data"]
    restart: unless-stopped
    deploy: { placement: { constraints: ["node.role==manager"] } }
  broker:
    image: rabbitmq:3.11-management-alpine
    hostname: rmq-host1
    ports: ["5672:5672", "127.0.0.1:15672:15672", "4369"]
    volumes: ["broker:/var/lib/rabbitmq"]
volumes: { broker: {}, backend: {}, worker: {} }
`;

describe('composeRefusal', () => {
  it('is null without unsupported keys and lists every key with its reason otherwise', () => {
    expect(composeRefusal(parseCompose('services: { a: { image: x } }'))).toBeNull();
    const msg = composeRefusal(parseCompose(BIGCHEM, { mode: 'stack' }));
    expect(msg).toContain('3 keys SimDeck does not deploy');
    expect(msg).toContain('- services.worker.depends_on: ignored by docker stack deploy');
    expect(msg).toContain('- services.worker.healthcheck: not supported by the SimDeck import');
    expect(msg).toContain('- services.backend.restart: ignored by docker stack deploy');
    expect(msg).toMatch(/deploy anyway without them/);
  });
});

describe('startOrder', () => {
  const svc = (name: string, dependsOn: string[] = []) => ({ ...parseCompose(`services: { ${name}: { image: x } }`).services[0]!, dependsOn });
  it('puts dependencies first and keeps file order otherwise', () => {
    expect(startOrder([svc('w', ['b', 'r']), svc('r'), svc('b', ['r']), svc('z')]).map((s) => s.name)).toEqual(['r', 'b', 'w', 'z']);
  });
  it('refuses a cycle and an unknown dependency with INVALID_INPUT', () => {
    expect(() => startOrder([svc('a', ['b']), svc('b', ['c']), svc('c', ['a'])])).toThrow(/cycle: a → b → c → a/);
    expect(() => startOrder([svc('a', ['b']), svc('b', ['a'])])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => startOrder([svc('a', ['nope'])])).toThrow(/depends on nope, which is not a service/);
  });
});

describe('durationNs', () => {
  it('reads Go durations and rejects the rest', () => {
    expect(durationNs('5s')).toBe(5e9);
    expect(durationNs('1m30s')).toBe(90e9);
    expect(durationNs('100ms')).toBe(1e8);
    expect(durationNs('1.5h')).toBe(5400e9);
    expect(durationNs('5')).toBeUndefined();
    expect(durationNs('soon')).toBeUndefined();
  });
});

describe('planFromCompose: local Docker (docker compose up)', () => {
  const imp = parseCompose(BIGCHEM, { mode: 'compose' });
  const plan = planFromCompose(imp, { project: 'bc', target: 'local-docker', fleetId: 'fl1', env: { FROM_SHELL: 'yes' } });

  it('creates the default network, the declared volumes, then broker and backend (depends_on order) before the workers', () => {
    expect(FleetPlan.parse(plan)).toEqual(plan);
    expect(plan.target).toBe('local-docker');
    expect(plan.labels).toEqual({ 'com.docker.compose.project': 'bc', 'io.simdeck.fleet': 'fl1' });
    expect(names(plan)).toEqual([
      'network bc_default',
      'volume bc_broker',
      'volume bc_backend',
      'volume bc_worker',
      'container bc-broker-1',
      'container bc-backend-1',
      'container bc-worker-1',
      'container bc-worker-2',
    ]);
    expect(body<Record<string, unknown>>(plan, 'bc_default')).toEqual({
      Name: 'bc_default',
      Driver: 'bridge',
      Labels: { 'com.docker.compose.project': 'bc', 'com.docker.compose.network': 'default', 'io.simdeck.fleet': 'fl1' },
    });
    expect(body<Record<string, unknown>>(plan, 'bc_worker')).toEqual({
      Name: 'bc_worker',
      Labels: { 'com.docker.compose.project': 'bc', 'com.docker.compose.volume': 'worker', 'io.simdeck.fleet': 'fl1' },
    });
  });

  it('labels containers as compose does and carries the fleet id', () => {
    const w2 = body<Container>(plan, 'bc-worker-2');
    expect(w2.Labels).toEqual({
      'com.docker.compose.project': 'bc',
      'com.docker.compose.service': 'worker',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.container-number': '2',
      'io.simdeck.fleet': 'fl1',
    });
    for (const r of plan.resources) expect((r.body as { Labels: Record<string, string> }).Labels['io.simdeck.fleet']).toBe('fl1');
  });

  it('maps image, command, environment, mounts, restart policy and aliases', () => {
    const w = body<Container>(plan, 'bc-worker-1');
    expect(w.Image).toBe('mtzgroup/bigchem-worker:0.10.4');
    expect(w.Cmd).toEqual(['sh', '-c', 'celery -A bigchem.tasks worker --loglevel=INFO']);
    expect(w.Env).toEqual(['bigchem_broker_url=amqp://broker', 'bigchem_backend_url=redis://backend/0', 'FROM_SHELL=yes']);
    expect(w.HostConfig.Mounts).toEqual([
      { Type: 'volume', Source: 'bc_worker', Target: '/tmp' },
      { Type: 'bind', Source: '/data/ro', Target: '/ro', ReadOnly: true },
    ]);
    expect(w.HostConfig.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    expect(w.NetworkingConfig).toEqual({ EndpointsConfig: { bc_default: { Aliases: ['worker'] } } });
    expect(body<Container>(plan, 'bc-backend-1').HostConfig.RestartPolicy).toEqual({ Name: 'unless-stopped' });
    expect(body<Container>(plan, 'bc-broker-1').HostConfig.RestartPolicy).toEqual({ Name: 'no' });
  });

  it('publishes host ports (fixed, with a host IP, or ephemeral)', () => {
    const b = body<Container>(plan, 'bc-broker-1');
    expect(b.Hostname).toBe('rmq-host1');
    expect(b.ExposedPorts).toEqual({ '5672/tcp': {}, '15672/tcp': {}, '4369/tcp': {} });
    expect(b.HostConfig.PortBindings).toEqual({
      '5672/tcp': [{ HostPort: '5672' }],
      '15672/tcp': [{ HostIp: '127.0.0.1', HostPort: '15672' }],
      '4369/tcp': [{ HostPort: '' }],
    });
    const cmd = plan.resources.find((r) => r.name === 'bc-broker-1')!.command;
    expect(cmd).toContain('-p 5672:5672/tcp -p 127.0.0.1:15672:15672/tcp -p 4369/tcp');
    expect(cmd).toMatch(/^docker run -d --name bc-broker-1 --network bc_default --network-alias broker --hostname rmq-host1 --restart no /);
    expect(cmd).toMatch(/rabbitmq:3.11-management-alpine$/);
  });

  it('gives every resource its CLI line', () => {
    expect(plan.resources.map((r) => r.command.split(' ').slice(0, 3).join(' '))).toEqual([
      'docker network create',
      'docker volume create',
      'docker volume create',
      'docker volume create',
      'docker run -d',
      'docker run -d',
      'docker run -d',
      'docker run -d',
    ]);
    expect(plan.resources.find((r) => r.name === 'bc-worker-1')!.command).toContain(
      "--mount type=volume,source=bc_worker,target=/tmp --mount type=bind,source=/data/ro,target=/ro,readonly mtzgroup/bigchem-worker:0.10.4 sh -c 'celery -A bigchem.tasks worker --loglevel=INFO'",
    );
  });

  it('lists what it could not deploy: unsupported keys, the relative bind mount, constraints', () => {
    expect(plan.warnings).toContain('Not deployed: services.worker.healthcheck: not supported by the SimDeck import.');
    expect(plan.warnings.some((w) => w.startsWith('services.worker.volumes[1]: bind mount of ./src/bigchem is NOT mounted'))).toBe(true);
    expect(plan.warnings).toContain('services.backend.deploy.placement.constraints: placement applies to Swarm only and is ignored on a single Docker engine.');
    expect(plan.warnings).toContain('services.worker.deploy.restart_policy: delay and window apply to Swarm only; a single engine restarts at once.');
  });

  it('resolves relative bind mounts against projectDir and reports valueless env it cannot fill', () => {
    const p = planFromCompose(imp, { project: 'bc', target: 'local-docker', projectDir: '/home/me/bigchem' });
    const w = body<Container>(p, 'bc-worker-1');
    expect(w.HostConfig.Mounts[1]).toEqual({ Type: 'bind', Source: '/home/me/bigchem/src/bigchem', Target: '/opt/src/bigchem' });
    expect(w.Env).not.toContain('FROM_SHELL');
    expect(p.warnings.some((x) => x.startsWith('services.worker.environment.FROM_SHELL: no value'))).toBe(true);
    expect(p.labels['io.simdeck.fleet']).toBe('bc');
  });

  it('maps GPU device requests, entrypoint, container_name, named networks, tmpfs and anonymous volumes', () => {
    const p = planFromCompose(
      parseCompose(`
services:
  w:
    image: img
    container_name: the-worker
    entrypoint: ["/bin/sh", "-c"]
    command: ["sleep 1"]
    networks: [back, front]
    volumes: ["/scratch", { type: tmpfs, target: /run/x }]
    deploy:
      resources:
        reservations:
          devices: [{ driver: nvidia, capabilities: [gpu] }, { driver: nvidia, device_ids: ["0", "3"], capabilities: [gpu, utility] }]
          generic_resources: [{ discrete_resource_spec: { kind: NVIDIA-GPU, value: 1 } }]
networks: { back: {}, front: {}, unused: {} }
`),
      { project: 'g', target: 'local-docker' },
    );
    expect(names(p)).toEqual(['network g_back', 'network g_front', 'container the-worker']);
    const c = body<Container>(p, 'the-worker');
    expect(c.Entrypoint).toEqual(['/bin/sh', '-c']);
    expect(c.Cmd).toEqual(['sleep 1']);
    expect(c.HostConfig.DeviceRequests).toEqual([
      { Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] },
      { Driver: 'nvidia', DeviceIDs: ['0', '3'], Capabilities: [['gpu', 'utility']] },
    ]);
    expect(c.HostConfig.Mounts).toEqual([
      { Type: 'volume', Target: '/scratch', VolumeOptions: { Labels: { 'com.docker.compose.project': 'g', 'io.simdeck.fleet': 'g' } } },
      { Type: 'tmpfs', Target: '/run/x' },
    ]);
    expect(c.NetworkingConfig.EndpointsConfig).toEqual({ g_back: { Aliases: ['w'] } });
    const cmd = p.resources.at(-1)!.command;
    expect(cmd).toContain(`--gpus 'driver=nvidia,count=all,"capabilities=gpu"' --gpus 'driver=nvidia,"device=0,3","capabilities=gpu,utility"'`);
    expect(cmd).toContain('--entrypoint /bin/sh img -c');
    expect(p.warnings.some((w) => w.startsWith('services.w.networks: the containers are attached to back only'))).toBe(true);
    expect(p.warnings.some((w) => w.startsWith('services.w.deploy.resources.reservations.generic_resources: Swarm generic resources (NVIDIA-GPU=1)'))).toBe(true);
    expect(p.warnings).toContain('Network unused is declared but no service uses it; not created (as compose does).');
  });

  it('refuses what compose refuses: no image, container_name with replicas, a depends_on cycle, a bad project', () => {
    const t = (text: string, project = 'p') => () => planFromCompose(parseCompose(text), { project, target: 'local-docker' });
    expect(t('services: { a: { build: . } }')).toThrow(/Service a has no image; SimDeck does not build images/);
    expect(t('services: { a: { image: x, container_name: c, deploy: { replicas: 2 } } }')).toThrow(/container_name c cannot be used with 2 replicas/);
    expect(t('services: { a: { image: x, depends_on: [b] }, b: { image: x, depends_on: [a] } }')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(t('services: { a: { image: x } }', 'Bad Name')).toThrow(/cannot name a compose project/);
  });

  it('plans global mode as one container and replicas 0 as none', () => {
    const p = planFromCompose(parseCompose('services: { a: { image: x, deploy: { mode: global } }, b: { image: x, deploy: { replicas: 0 } } }'), {
      project: 'p',
      target: 'local-docker',
    });
    expect(names(p)).toEqual(['network p_default', 'container p-a-1']);
  });
});

describe('planFromCompose: Swarm stack (docker stack deploy)', () => {
  it('plans BigChem bigchem-docker-compose.yaml as a stack like planSwarm does', () => {
    const imp = parseCompose(fixture('bigchem-docker-compose.yaml'), { mode: 'stack' });
    const plan = planFromCompose(imp, { project: 'bigchem', target: 'swarm' });
    expect(FleetPlan.parse(plan)).toEqual(plan);
    expect(plan.labels).toEqual({ 'com.docker.stack.namespace': 'bigchem', 'io.simdeck.fleet': 'bigchem' });
    expect(names(plan)).toEqual([
      'network bigchem_default',
      'volume bigchem_broker',
      'volume bigchem_backend',
      'volume bigchem_worker',
      'service bigchem_broker',
      'service bigchem_backend',
      'service bigchem_worker',
    ]);
    expect(body<Record<string, unknown>>(plan, 'bigchem_default')).toEqual({
      Name: 'bigchem_default',
      Driver: 'overlay',
      Attachable: true,
      Labels: { 'com.docker.stack.namespace': 'bigchem', 'io.simdeck.fleet': 'bigchem' },
    });
    const broker = body<Service>(plan, 'bigchem_broker');
    expect(broker.Labels).toEqual({
      'com.docker.stack.namespace': 'bigchem',
      'com.docker.stack.image': 'rabbitmq:3.11-management-alpine',
      'io.simdeck.fleet': 'bigchem',
    });
    expect(broker.TaskTemplate.ContainerSpec).toMatchObject({ Image: 'rabbitmq:3.11-management-alpine', Hostname: 'rmq-host1', Labels: { 'com.docker.stack.namespace': 'bigchem' } });
    expect(broker.TaskTemplate.Placement.Constraints).toEqual(['node.role==manager']);
    expect(broker.EndpointSpec).toEqual({
      Mode: 'dnsrr',
      Ports: [
        { Protocol: 'tcp', TargetPort: 5672, PublishedPort: 5672, PublishMode: 'host' },
        { Protocol: 'tcp', TargetPort: 15672, PublishedPort: 15672, PublishMode: 'host' },
      ],
    });
    expect(broker.Mode).toEqual({ Replicated: { Replicas: 1 } });
    const worker = body<Service>(plan, 'bigchem_worker');
    expect(worker.Mode).toEqual({ Global: {} });
    expect(worker.TaskTemplate.RestartPolicy).toEqual({ Condition: 'any' });
    expect(worker.TaskTemplate.Networks).toEqual([{ Target: 'bigchem_default', Aliases: ['worker'] }]);
    expect(worker.TaskTemplate.ContainerSpec.Mounts).toEqual([
      { Type: 'volume', Source: 'bigchem_worker', Target: '/tmp', VolumeOptions: { Labels: { 'com.docker.stack.namespace': 'bigchem', 'io.simdeck.fleet': 'bigchem' } } },
    ]);
    expect(plan.warnings).toContain('Not deployed: services.worker.build: ignored by docker stack deploy, as the CLI does.');
    expect(plan.warnings.some((w) => w.startsWith('services.worker.volumes[0]: bind mount of ./src/bigchem is NOT mounted'))).toBe(true);
    expect(plan.warnings.some((w) => w.startsWith('services.broker.ports: 5672, 15672 published in host mode'))).toBe(true);
    expect(plan.resources.find((r) => r.kind === 'service' && r.name === 'bigchem_worker')!.command).toMatch(
      /^docker service create --name bigchem_worker .* --mode global .*--endpoint-mode dnsrr --restart-condition any mtzgroup\/bigchem-worker$/,
    );
  });

  it('plans fire.yaml: replicas, hostname templates, secrets by id, constraints, Args from command', () => {
    const imp = parseCompose(fixture('bigchem-fire.yaml'), { mode: 'stack', envFiles: { 'worker.prod.env': 'BIGCHEM_BROKER_URL=amqps://broker:5671\n' } });
    const plan = planFromCompose(imp, { project: 'fire', target: 'swarm', fleetId: 'f-1', secretIds: { terachem_license: 'sec123' } });
    const s = body<Service>(plan, 'fire_fire-13-00');
    expect(s.Mode).toEqual({ Replicated: { Replicas: 10 } });
    expect(s.TaskTemplate.Placement.Constraints).toEqual(['node.hostname==fire-13-00']);
    expect(s.TaskTemplate.ContainerSpec.Hostname).toBe('fire-13-00');
    expect(s.TaskTemplate.ContainerSpec.Env).toEqual(['BIGCHEM_BROKER_URL=amqps://broker:5671', 'TASK_SLOT={{.Task.Slot}}', 'NODE_HOSTNAME={{.Node.Hostname}}']);
    expect(s.TaskTemplate.ContainerSpec.Args?.slice(0, 2)).toEqual(['sh', '-c']);
    expect(s.TaskTemplate.ContainerSpec.Args?.[2]).toMatch(/^gpu_id=\$\(\(TASK_SLOT - 1\)\);/);
    expect(s.TaskTemplate.ContainerSpec.Secrets).toEqual([
      { SecretID: 'sec123', SecretName: 'terachem_license', File: { Name: '/opt/terachem/license.key', UID: '0', GID: '0', Mode: 292 } },
    ]);
    expect(s.Labels['io.simdeck.fleet']).toBe('f-1');
    expect(plan.resources.filter((r) => r.kind === 'volume').map((r) => r.name)).toEqual(['fire_bigchem', 'fire_bigchem-dev']);
    expect(plan.resources.find((r) => r.name === 'fire_fire-13-00')!.command).toContain('--secret source=terachem_license,target=/opt/terachem/license.key');
    expect(() => planFromCompose(imp, { project: 'fire', target: 'swarm', secretIds: {} })).toThrow(/secret terachem_license does not exist on this Swarm/);
    const unresolved = planFromCompose(imp, { project: 'fire', target: 'swarm' });
    expect(unresolved.warnings.some((w) => w.includes('secret terachem_license has no id in this plan'))).toBe(true);
  });

  it('maps generic resources, restart policy durations, entrypoint/command, and warns on what Swarm cannot do', () => {
    const plan = planFromCompose(
      parseCompose(`
services:
  w:
    image: img
    container_name: x
    depends_on: [r]
    restart: always
    entrypoint: /bin/sh -c
    command: ["sleep 300"]
    ports: [{ target: 80, published: 8080, mode: host }]
    deploy:
      replicas: 3
      restart_policy: { condition: on-failure, delay: 5s, max_attempts: 2, window: 1m }
      resources:
        reservations:
          devices: [{ driver: nvidia, capabilities: [gpu] }]
          generic_resources: [{ discrete_resource_spec: { kind: NVIDIA-GPU, value: 2 } }]
  r: { image: redis }
`),
      { project: 's', target: 'swarm' },
    );
    expect(names(plan)).toEqual(['network s_default', 'service s_r', 'service s_w']);
    const w = body<Service>(plan, 's_w');
    expect(w.TaskTemplate.ContainerSpec.Command).toEqual(['/bin/sh', '-c']);
    expect(w.TaskTemplate.ContainerSpec.Args).toEqual(['sleep 300']);
    expect(w.TaskTemplate.RestartPolicy).toEqual({ Condition: 'on-failure', Delay: 5e9, Window: 60e9, MaxAttempts: 2 });
    expect(w.TaskTemplate.Resources).toEqual({ Reservations: { GenericResources: [{ DiscreteResourceSpec: { Kind: 'NVIDIA-GPU', Value: 2 } }] } });
    expect(w.EndpointSpec.Ports).toEqual([{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' }]);
    const cmd = plan.resources.at(-1)!.command;
    expect(cmd).toContain('--generic-resource NVIDIA-GPU=2');
    expect(cmd).toContain('--restart-condition on-failure --restart-delay 5s --restart-max-attempts 2 --restart-window 1m');
    expect(cmd).toContain("--publish published=8080,target=80,protocol=tcp,mode=host --entrypoint '/bin/sh -c' img 'sleep 300'");
    for (const start of ['services.w.container_name: ignored', 'services.w.depends_on: Swarm starts services independently', 'services.w.deploy.resources.reservations.devices: Swarm cannot reserve devices', 'services.w.restart: ignored by docker stack deploy']) {
      expect(plan.warnings.some((x) => x.startsWith(start)), start).toBe(true);
    }
    expect(plan.warnings.some((x) => x.includes('ingress routing mesh'))).toBe(false);
  });

  it('refuses a bad duration and replicas with global mode', () => {
    const t = (deploy: string) => () => planFromCompose(parseCompose(`services: { a: { image: x, deploy: ${deploy} } }`), { project: 'p', target: 'swarm' });
    expect(t('{ restart_policy: { delay: soon } }')).toThrow(/delay: "soon" is not a duration/);
    expect(t('{ mode: global, replicas: 2 }')).toThrow(/replicas can only be used with mode replicated/);
  });
});
