import { describe, expect, it } from 'vitest';
import { FleetPlan, FleetSpec } from '../../shared/fleet.js';
import { perGpuShellScript, planSwarm } from './plan-swarm.js';

const CELERY = ['celery', '-A', 'bigchem.tasks', 'worker', '--without-heartbeat', '--without-mingle', '--without-gossip', '--loglevel=INFO'];
const HOSTILE = '$(touch /tmp/pwned)';

function fleet(over: Record<string, unknown> = {}, workers: Record<string, unknown> = {}): FleetSpec {
  return FleetSpec.parse({
    projectId: 'p1',
    targetId: 't1',
    name: 'bigchem',
    broker: { ports: [5672, 15672] },
    backend: {},
    workers: { image: 'mtzgroup/bigchem-worker:0.10.4-terachem', command: CELERY, env: { EXTRA: HOSTILE }, ...workers },
    ...over,
  });
}

type Service = {
  Name: string;
  Labels: Record<string, string>;
  TaskTemplate: {
    ContainerSpec: { Image: string; Hostname?: string; Args?: string[]; Env: string[]; Mounts: { VolumeOptions: { Labels: Record<string, string> } }[] };
    Placement: { Constraints: string[] };
    RestartPolicy: unknown;
    Networks: { Target: string; Aliases: string[] }[];
  };
  Mode: unknown;
  EndpointSpec: { Mode: string; Ports?: unknown[] };
};

const NS = { 'com.docker.stack.namespace': 'bigchem', 'io.simdeck.fleet': 'bigchem' };

describe('planSwarm', () => {
  it('plans a global BigChem stack', () => {
    const plan = planSwarm(fleet({}, { global: true }));
    expect(FleetPlan.parse(plan)).toEqual(plan);
    expect(plan.target).toBe('swarm');
    expect(plan.labels).toEqual(NS);
    expect(plan.resources.map((r) => `${r.kind}:${r.name}`)).toEqual([
      'network:bigchem_default',
      'volume:bigchem_broker',
      'volume:bigchem_backend',
      'volume:bigchem_scratch',
      'service:bigchem_broker',
      'service:bigchem_backend',
      'service:bigchem_worker',
    ]);
    expect(plan.resources[0]!.body).toEqual({ Name: 'bigchem_default', Driver: 'overlay', Attachable: true, Labels: NS });
    expect(plan.resources[0]!.command).toBe(
      'docker network create --driver overlay --attachable --label com.docker.stack.namespace=bigchem --label io.simdeck.fleet=bigchem bigchem_default',
    );
    expect(plan.resources[1]!.body).toEqual({ Name: 'bigchem_broker', Labels: NS });

    const broker = plan.resources[4]!.body as Service;
    expect(broker.Labels).toEqual({ ...NS, 'com.docker.stack.image': 'rabbitmq:3.11-management-alpine' });
    expect(broker.TaskTemplate.ContainerSpec.Hostname).toBe('rmq-host1');
    expect(broker.TaskTemplate.Placement.Constraints).toEqual(['node.role==manager']);
    expect(broker.TaskTemplate.Networks).toEqual([{ Target: 'bigchem_default', Aliases: ['broker'] }]);
    expect(broker.TaskTemplate.ContainerSpec.Mounts[0]!.VolumeOptions.Labels).toEqual(NS);
    expect(broker.Mode).toEqual({ Replicated: { Replicas: 1 } });
    expect(broker.EndpointSpec).toEqual({
      Mode: 'dnsrr',
      Ports: [
        { Protocol: 'tcp', TargetPort: 5672, PublishedPort: 5672, PublishMode: 'host' },
        { Protocol: 'tcp', TargetPort: 15672, PublishedPort: 15672, PublishMode: 'host' },
      ],
    });
    expect(plan.warnings.join(' ')).toMatch(/routing mesh/);
    expect(plan.resources[4]!.command).toContain('--replicas 1 --constraint node.role==manager --hostname rmq-host1');
    expect(plan.resources[4]!.command).toContain('--endpoint-mode dnsrr --restart-condition any --publish published=5672,target=5672,protocol=tcp,mode=host');

    const backend = plan.resources[5]!.body as Service;
    expect(backend.TaskTemplate.Placement.Constraints).toEqual(['node.role==manager']);
    expect(backend.EndpointSpec).toEqual({ Mode: 'dnsrr' });

    const worker = plan.resources[6]!;
    const body = worker.body as Service;
    expect(body.Mode).toEqual({ Global: {} });
    expect(body.TaskTemplate.ContainerSpec.Args).toEqual([...CELERY, '--concurrency=1']);
    expect(body.TaskTemplate.ContainerSpec.Env).toEqual(['bigchem_broker_url=amqp://broker', 'bigchem_backend_url=redis://backend/0', `EXTRA=${HOSTILE}`]);
    expect(worker.command).toContain("--mode global --env bigchem_broker_url=amqp://broker --env bigchem_backend_url=redis://backend/0 --env 'EXTRA=$(touch /tmp/pwned)'");
    expect(worker.command).toContain('--network name=bigchem_default,alias=worker --endpoint-mode dnsrr');
  });

  it('does not pin services when asked not to', () => {
    const plan = planSwarm(fleet({ pinServicesToManager: false }));
    expect((plan.resources[4]!.body as Service).TaskTemplate.Placement.Constraints).toEqual([]);
  });

  it('plans per-GPU workers with the task-slot shell snippet', () => {
    const plan = planSwarm(fleet({}, { gpu: 'per-gpu', replicas: 10, queues: ['celery', 'colton'], constraints: ['node.hostname==fire-13-00'] }));
    const worker = plan.resources.at(-1)!;
    const body = worker.body as Service;
    expect(body.Name).toBe('bigchem_worker');
    expect(body.Mode).toEqual({ Replicated: { Replicas: 10 } });
    expect(body.TaskTemplate.Placement.Constraints).toEqual(['node.hostname==fire-13-00']);
    expect(body.TaskTemplate.ContainerSpec.Env).toEqual([
      'bigchem_broker_url=amqp://broker',
      'bigchem_backend_url=redis://backend/0',
      'TASK_SLOT={{.Task.Slot}}',
      'NODE_HOSTNAME={{.Node.Hostname}}',
      `EXTRA=${HOSTILE}`,
    ]);
    const script =
      'gpu_id=$((TASK_SLOT - 1)); export CUDA_VISIBLE_DEVICES=$gpu_id; exec celery -A bigchem.tasks worker --without-heartbeat --without-mingle --without-gossip --loglevel=INFO --concurrency=1 -Q celery,colton --hostname="$NODE_HOSTNAME-gpu-$gpu_id"';
    expect(body.TaskTemplate.ContainerSpec.Args).toEqual(['sh', '-c', script]);
    expect(body.Labels).toEqual({ ...NS, 'com.docker.stack.image': 'mtzgroup/bigchem-worker:0.10.4-terachem' });
    expect(body.EndpointSpec).toEqual({ Mode: 'dnsrr' });
    expect(worker.command).toContain('--replicas 10 --constraint node.hostname==fire-13-00');
    expect(worker.command).toContain("--env 'TASK_SLOT={{.Task.Slot}}' --env 'NODE_HOSTNAME={{.Node.Hostname}}'");
    expect(worker.command.endsWith(` mtzgroup/bigchem-worker:0.10.4-terachem sh -c '${script}'`)).toBe(true);
    expect(plan.warnings.join(' ')).toMatch(/default-runtime/);
    expect(plan.warnings.join(' ')).not.toMatch(/node\.hostname==<node>/);
  });

  it('quotes hostile worker arguments inside the per-GPU script', () => {
    expect(perGpuShellScript(['celery', 'worker', '-n', HOSTILE], true)).toBe(
      `gpu_id=$((TASK_SLOT - 1)); export CUDA_VISIBLE_DEVICES=$gpu_id; exec celery worker -n '$(touch /tmp/pwned)' --hostname="$NODE_HOSTNAME-gpu-$gpu_id"`,
    );
    const plan = planSwarm(fleet({}, { gpu: 'per-gpu', command: ['celery', 'worker', '-n', HOSTILE] }));
    // The outer quoting turns the inner quotes into '\'' so the whole script stays one literal argument.
    expect(plan.resources.at(-1)!.command).toContain(`-n '\\''$(touch /tmp/pwned)'\\'' --concurrency=1`);
    expect(plan.warnings.join(' ')).toMatch(/node\.hostname==<node>/);
  });

  it('uses the default BigChem command for per-GPU workers without one', () => {
    const plan = planSwarm(fleet({}, { gpu: 'per-gpu', command: [] }));
    const args = (plan.resources.at(-1)!.body as Service).TaskTemplate.ContainerSpec.Args!;
    expect(args[2]).toContain('exec celery -A bigchem.tasks worker --without-heartbeat');
    expect(plan.warnings.join(' ')).toMatch(/default/);
  });

  it('uses one Redis service as broker and backend', () => {
    const plan = planSwarm(fleet({ broker: { kind: 'redis' } }));
    expect(plan.resources.map((r) => r.name)).toEqual(['bigchem_default', 'bigchem_backend', 'bigchem_scratch', 'bigchem_backend', 'bigchem_worker']);
    const redis = plan.resources[3]!.body as Service;
    expect(redis.TaskTemplate.Networks).toEqual([{ Target: 'bigchem_default', Aliases: ['backend', 'broker'] }]);
    const worker = plan.resources[4]!.body as Service;
    expect(worker.TaskTemplate.ContainerSpec.Env.slice(0, 2)).toEqual(['bigchem_broker_url=redis://backend/0', 'bigchem_backend_url=redis://backend/0']);
    expect(worker.Mode).toEqual({ Replicated: { Replicas: 1 } });
  });
});
