import { describe, expect, it } from 'vitest';
import { FleetPlan, FleetSpec } from '../../shared/fleet.js';
import { isCeleryWorker, planLocalDocker } from './plan-docker.js';

const CELERY = ['celery', '-A', 'bigchem.tasks', 'worker', '--without-heartbeat', '--without-mingle', '--without-gossip', '--loglevel=INFO'];
const HOSTILE = '$(touch /tmp/pwned)';

function bigchem(over: Record<string, unknown> = {}, workers: Record<string, unknown> = {}): FleetSpec {
  return FleetSpec.parse({
    projectId: 'p1',
    targetId: 't1',
    name: 'bigchem',
    broker: { ports: [5672, 15672] },
    backend: { ports: [6379] },
    workers: {
      image: 'mtzgroup/bigchem-worker:latest',
      command: CELERY,
      env: { EXTRA: HOSTILE },
      queues: ['celery', 'colton', 'gq'],
      replicas: 3,
      ...workers,
    },
    ...over,
  });
}

type Body = {
  Image: string;
  Hostname?: string;
  Cmd?: string[];
  Env: string[];
  Labels: Record<string, string>;
  HostConfig: { Mounts: unknown[]; RestartPolicy: unknown; DeviceRequests?: unknown[]; PortBindings?: unknown };
  NetworkingConfig: { EndpointsConfig: Record<string, { Aliases: string[] }> };
};

describe('planLocalDocker', () => {
  it('plans a BigChem fleet: names, order, labels, env and quoting', () => {
    const plan = planLocalDocker(bigchem());
    expect(FleetPlan.parse(plan)).toEqual(plan);
    expect(plan.target).toBe('local-docker');
    expect(plan.labels).toEqual({ 'com.docker.compose.project': 'bigchem', 'io.simdeck.fleet': 'bigchem' });
    expect(plan.resources.map((r) => `${r.kind}:${r.name}`)).toEqual([
      'network:bigchem_default',
      'volume:bigchem_broker',
      'volume:bigchem_backend',
      'volume:bigchem_scratch',
      'container:bigchem-broker-1',
      'container:bigchem-backend-1',
      'container:bigchem-worker-1',
      'container:bigchem-worker-2',
      'container:bigchem-worker-3',
    ]);
    expect(plan.resources[0]!.body).toEqual({
      Name: 'bigchem_default',
      Driver: 'bridge',
      Labels: { 'com.docker.compose.project': 'bigchem', 'com.docker.compose.network': 'default', 'io.simdeck.fleet': 'bigchem' },
    });
    expect(plan.resources[0]!.command).toBe(
      'docker network create --driver bridge --label com.docker.compose.project=bigchem --label com.docker.compose.network=default --label io.simdeck.fleet=bigchem bigchem_default',
    );

    const broker = plan.resources[4]!.body as Body;
    expect(broker.Image).toBe('rabbitmq:3.11-management-alpine');
    expect(broker.Hostname).toBe('rmq-host1');
    expect(broker.HostConfig.Mounts).toEqual([{ Type: 'volume', Source: 'bigchem_broker', Target: '/var/lib/rabbitmq' }]);
    expect(broker.HostConfig.PortBindings).toEqual({ '5672/tcp': [{ HostPort: '5672' }], '15672/tcp': [{ HostPort: '15672' }] });
    expect(broker.NetworkingConfig).toEqual({ EndpointsConfig: { bigchem_default: { Aliases: ['broker'] } } });
    expect(broker.HostConfig.RestartPolicy).toEqual({ Name: 'unless-stopped' });

    const backend = plan.resources[5]!.body as Body;
    expect(backend.Image).toBe('redis:7-alpine');
    expect(backend.HostConfig.Mounts).toEqual([{ Type: 'volume', Source: 'bigchem_backend', Target: '/data' }]);

    const w2 = plan.resources[7]!.body as Body;
    expect(w2.Labels).toEqual({
      'com.docker.compose.project': 'bigchem',
      'com.docker.compose.service': 'worker',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.container-number': '2',
      'io.simdeck.fleet': 'bigchem',
    });
    expect(w2.Env).toEqual(['bigchem_broker_url=amqp://broker', 'bigchem_backend_url=redis://backend/0', `EXTRA=${HOSTILE}`]);
    expect(w2.Cmd).toEqual([...CELERY, '--concurrency=1', '-Q', 'celery,colton,gq']);
    expect(w2.HostConfig.Mounts).toEqual([{ Type: 'volume', Source: 'bigchem_scratch', Target: '/tmp' }]);
    expect(w2.HostConfig.DeviceRequests).toBeUndefined();
    expect(w2.NetworkingConfig.EndpointsConfig.bigchem_default!.Aliases).toEqual(['worker']);

    const cmd = plan.resources[7]!.command;
    expect(cmd).toBe(
      "docker run -d --name bigchem-worker-2 --network bigchem_default --network-alias worker --restart unless-stopped --label com.docker.compose.project=bigchem --label com.docker.compose.service=worker --label com.docker.compose.oneoff=False --label com.docker.compose.container-number=2 --label io.simdeck.fleet=bigchem -e bigchem_broker_url=amqp://broker -e bigchem_backend_url=redis://backend/0 -e 'EXTRA=$(touch /tmp/pwned)' -v bigchem_scratch:/tmp mtzgroup/bigchem-worker:latest celery -A bigchem.tasks worker --without-heartbeat --without-mingle --without-gossip --loglevel=INFO --concurrency=1 -Q celery,colton,gq",
    );
    for (const r of plan.resources) {
      // Every occurrence of the hostile value sits inside single quotes.
      expect(r.command.replaceAll("'EXTRA=$(touch /tmp/pwned)'", '')).not.toContain('$(');
    }
    expect(plan.resources[4]!.command).toContain('--hostname rmq-host1');
    expect(plan.resources[4]!.command).toContain('-p 5672:5672 -p 15672:15672 -v bigchem_broker:/var/lib/rabbitmq');
    expect(plan.warnings).toEqual([]);
  });

  it('quotes a hostile queue-like value in a custom command', () => {
    const plan = planLocalDocker(bigchem({}, { command: ['celery', '-A', 'x', 'worker', '-n', HOSTILE] }));
    expect(plan.resources.at(-1)!.command).toContain("-n '$(touch /tmp/pwned)' --concurrency=1 -Q celery,colton,gq");
  });

  it('puts concurrency in env when the command is not a celery worker', () => {
    const plan = planLocalDocker(bigchem({}, { command: [], concurrency: 0 }));
    const w = plan.resources.at(-1)!.body as Body;
    expect(w.Cmd).toBeUndefined();
    expect(w.Env).toContain('bigchem_worker_concurrency=0');
    expect(plan.warnings.join(' ')).toMatch(/queues/);
  });

  it('lets the user override the URLs case-insensitively', () => {
    const plan = planLocalDocker(bigchem({}, { env: { BIGCHEM_BROKER_URL: 'amqps://remote:5671' } }));
    expect((plan.resources.at(-1)!.body as Body).Env).toEqual(['bigchem_backend_url=redis://backend/0', 'BIGCHEM_BROKER_URL=amqps://remote:5671']);
  });

  it('plans one worker per GPU with device requests', () => {
    const plan = planLocalDocker(bigchem({}, { gpu: 'per-gpu' }), { gpuCount: 2 });
    const workers = plan.resources.filter((r) => r.name.startsWith('bigchem-worker-'));
    expect(workers.map((r) => r.name)).toEqual(['bigchem-worker-1', 'bigchem-worker-2']);
    expect(workers.map((r) => (r.body as Body).HostConfig.DeviceRequests)).toEqual([
      [{ Driver: 'nvidia', DeviceIDs: ['0'], Capabilities: [['gpu']] }],
      [{ Driver: 'nvidia', DeviceIDs: ['1'], Capabilities: [['gpu']] }],
    ]);
    expect(workers[1]!.command).toContain('--gpus device=1 mtzgroup/bigchem-worker:latest');
  });

  it('gives every worker all GPUs with gpu "all"', () => {
    const plan = planLocalDocker(bigchem({}, { gpu: 'all', replicas: 1 }));
    const w = plan.resources.at(-1)!;
    expect((w.body as Body).HostConfig.DeviceRequests).toEqual([{ Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] }]);
    expect(w.command).toContain('--gpus all');
  });

  it('uses one Redis as broker and backend', () => {
    const plan = planLocalDocker(bigchem({ broker: { kind: 'redis' } }, { replicas: 1 }));
    expect(plan.resources.map((r) => r.name)).toEqual([
      'bigchem_default',
      'bigchem_backend',
      'bigchem_scratch',
      'bigchem-backend-1',
      'bigchem-worker-1',
    ]);
    const redis = plan.resources[3]!.body as Body;
    expect(redis.Image).toBe('redis:7-alpine');
    expect(redis.NetworkingConfig.EndpointsConfig.bigchem_default!.Aliases).toEqual(['backend', 'broker']);
    expect((plan.resources[4]!.body as Body).Env.slice(0, 2)).toEqual(['bigchem_broker_url=redis://backend/0', 'bigchem_backend_url=redis://backend/0']);
  });

  it('recognises celery worker commands', () => {
    expect(isCeleryWorker(CELERY)).toBe(true);
    expect(isCeleryWorker(['python', '-m', 'celery', '-A', 'x', 'worker'])).toBe(true);
    expect(isCeleryWorker(['/opt/conda/bin/celery', 'worker'])).toBe(true);
    expect(isCeleryWorker(['celery', 'flower'])).toBe(false);
    expect(isCeleryWorker([])).toBe(false);
  });
});
