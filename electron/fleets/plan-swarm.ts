// Plans a fleet as a Swarm stack the way `docker stack deploy -c bigchem.yaml <fleet>` would: an attachable
// overlay network, volumes, broker and backend services (pinned to managers) and a worker service, either global
// (one per node, all GPUs) or per-GPU in the fire.yaml style. Pure: Engine API bodies plus CLI lines.
// Notes: shared/notes/nrp-and-bigchem.md B2, B4, B6, B10, B11.
import type { FleetPlan, FleetSpec, PlannedResource } from '../../shared/fleet.js';
import { commandLine } from '../core/shell-quote.js';
import { labelArgs, stackLabels, stackNetworkName, stackServiceLabels, stackServiceName, stackVolumeName, STACK_NAMESPACE } from './labels.js';
import { BROKER_HOSTNAME, envArgs, fleetServices, mergeEnv, workerInvocation } from './plan-docker.js';

export const MANAGER_CONSTRAINT = 'node.role==manager';

/**
 * The per-GPU worker command (B6): Swarm expands templates in env but not in the command, so the task slot arrives
 * as TASK_SLOT and the shell derives the GPU. `workerArgv` is quoted for that inner shell.
 */
export function perGpuShellScript(workerArgv: readonly string[], celery: boolean): string {
  const hostname = celery ? ' --hostname="$NODE_HOSTNAME-gpu-$gpu_id"' : '';
  return `gpu_id=$((TASK_SLOT - 1)); export CUDA_VISIBLE_DEVICES=$gpu_id; exec ${commandLine(workerArgv)}${hostname}`;
}

interface ServicePlan {
  service: string;
  image: string;
  hostname?: string;
  args: string[];
  env: string[];
  mounts: { source: string; target: string }[];
  constraints: string[];
  aliases: string[];
  ports: number[];
  mode: { replicas: number } | 'global';
}

function serviceResource(stack: string, network: string, s: ServicePlan): PlannedResource {
  const name = stackServiceName(stack, s.service);
  const labels = stackServiceLabels(stack, s.image);
  const volLabels = stackLabels(stack);
  const containerSpec: Record<string, unknown> = { Image: s.image, Labels: { [STACK_NAMESPACE]: stack } };
  if (s.hostname !== undefined) containerSpec.Hostname = s.hostname;
  if (s.args.length > 0) containerSpec.Args = s.args;
  containerSpec.Env = s.env;
  containerSpec.Mounts = s.mounts.map((m) => ({ Type: 'volume', Source: m.source, Target: m.target, VolumeOptions: { Labels: volLabels } }));
  const endpointSpec: Record<string, unknown> = { Mode: 'dnsrr' };
  if (s.ports.length > 0) {
    endpointSpec.Ports = s.ports.map((p) => ({ Protocol: 'tcp', TargetPort: p, PublishedPort: p, PublishMode: 'host' }));
  }
  const body = {
    Name: name,
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: containerSpec,
      Placement: { Constraints: s.constraints },
      RestartPolicy: { Condition: 'any' },
      Networks: [{ Target: network, Aliases: s.aliases }],
    },
    Mode: s.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: s.mode.replicas } },
    EndpointSpec: endpointSpec,
  };

  const args = ['docker', 'service', 'create', '--name', name, ...labelArgs(labels), ...labelArgs({ [STACK_NAMESPACE]: stack }, '--container-label')];
  if (s.mode === 'global') args.push('--mode', 'global');
  else args.push('--replicas', String(s.mode.replicas));
  for (const c of s.constraints) args.push('--constraint', c);
  if (s.hostname !== undefined) args.push('--hostname', s.hostname);
  args.push(...envArgs(s.env, '--env'));
  for (const m of s.mounts) {
    const vl = Object.entries(volLabels).map(([k, v]) => `,volume-label=${k}=${v}`).join('');
    args.push('--mount', `type=volume,source=${m.source},target=${m.target}${vl}`);
  }
  args.push('--network', `name=${network},${s.aliases.map((a) => `alias=${a}`).join(',')}`);
  args.push('--endpoint-mode', 'dnsrr', '--restart-condition', 'any');
  for (const p of s.ports) args.push('--publish', `published=${p},target=${p},protocol=tcp,mode=host`);
  args.push(s.image, ...s.args);
  return { kind: 'service', name, body, command: commandLine(args) };
}

/** Plans the fleet as a Swarm stack named after the fleet. */
export function planSwarm(spec: FleetSpec): FleetPlan {
  const stack = spec.name;
  const warnings: string[] = [];
  const svc = fleetServices(spec);
  const network = stackNetworkName(stack);
  const vol = (name: string) => stackVolumeName(stack, name);
  const mountsOf = (of: 'broker' | 'backend' | 'worker') =>
    svc.volumes.filter((v) => v.of === of).map((v) => ({ source: vol(v.name), target: v.target }));
  const labels = stackLabels(stack);
  const pinned = spec.pinServicesToManager ? [MANAGER_CONSTRAINT] : [];

  const resources: PlannedResource[] = [
    {
      kind: 'network',
      name: network,
      body: { Name: network, Driver: 'overlay', Attachable: true, Labels: labels },
      command: commandLine(['docker', 'network', 'create', '--driver', 'overlay', '--attachable', ...labelArgs(labels), network]),
    },
  ];
  for (const v of svc.volumes) {
    resources.push({
      kind: 'volume',
      name: vol(v.name),
      body: { Name: vol(v.name), Labels: labels },
      command: commandLine(['docker', 'volume', 'create', ...labelArgs(labels), vol(v.name)]),
    });
  }
  warnings.push('Swarm volumes are local to each node: a task creates its volume on the node it runs on (with the stack labels).');

  if (svc.rabbit) {
    resources.push(
      serviceResource(stack, network, {
        service: 'broker',
        image: spec.broker.image,
        hostname: BROKER_HOSTNAME,
        args: [],
        env: [],
        mounts: mountsOf('broker'),
        constraints: pinned,
        aliases: ['broker'],
        ports: spec.broker.ports,
        mode: { replicas: 1 },
      }),
    );
  }
  resources.push(
    serviceResource(stack, network, {
      service: 'backend',
      image: spec.backend.image,
      args: [],
      env: [],
      mounts: mountsOf('backend'),
      constraints: pinned,
      aliases: svc.backendAliases,
      ports: svc.backendPorts,
      mode: { replicas: 1 },
    }),
  );
  if (!svc.rabbit && spec.broker.ports.length > 0) {
    warnings.push('Redis serves as both broker and backend, so the broker ports are published on the Redis service.');
  }
  if (spec.broker.ports.length > 0 || spec.backend.ports.length > 0) {
    warnings.push(
      'Ports are published in host mode (on the node running the task) because the ingress routing mesh may be unavailable; connect to the node that runs the service.',
    );
  }

  const w = spec.workers;
  const perGpu = w.gpu === 'per-gpu';
  const inv = workerInvocation(w, { requireArgv: perGpu });
  warnings.push(...inv.warnings);
  const planned: Record<string, string> = { bigchem_broker_url: svc.brokerUrl, bigchem_backend_url: svc.backendUrl, ...inv.env };
  let args = inv.argv;
  let mode: ServicePlan['mode'] = w.global ? 'global' : { replicas: w.replicas };
  if (perGpu) {
    planned.TASK_SLOT = '{{.Task.Slot}}';
    planned.NODE_HOSTNAME = '{{.Node.Hostname}}';
    args = ['sh', '-c', perGpuShellScript(inv.argv, inv.celery)];
    mode = { replicas: w.replicas };
    if (w.global) warnings.push('Per-GPU workers are a replicated service (replicas = GPUs per node); global mode is ignored.');
    if (!w.constraints.some((c) => /^node\.hostname\s*==/.test(c))) {
      warnings.push(
        'Per-GPU workers derive the GPU from the task slot, which counts across the whole service: constrain the service to one node (node.hostname==<node>) so slots map to that node\'s GPUs.',
      );
    }
  }
  if (w.gpu !== 'none') {
    warnings.push('Swarm cannot request GPUs per container: every worker node needs "default-runtime": "nvidia" in /etc/docker/daemon.json.');
  }
  resources.push(
    serviceResource(stack, network, {
      service: 'worker',
      image: w.image,
      args,
      env: mergeEnv(planned, w.env),
      mounts: mountsOf('worker'),
      constraints: [...w.constraints],
      aliases: ['worker'],
      ports: [],
      mode,
    }),
  );
  return { target: 'swarm', resources, labels, warnings };
}
