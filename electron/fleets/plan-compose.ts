// Plans an imported compose file (parseCompose) for deployment, the way `docker compose -p <project> up -d` lays it
// out on one engine or `docker stack deploy -c <file> <project>` on a Swarm. The resource bodies have the same shapes
// planLocalDocker / planSwarm produce, so deployLocalDocker and deploySwarm deploy them unchanged. Pure: Engine API
// bodies plus the CLI line of each. Whatever parseCompose imported but a target cannot express is listed in the
// plan's warnings; keys parseCompose did not import are listed there too and by composeRefusal.
// Notes: shared/notes/nrp-and-bigchem.md B2-B6, B10, B11.
import { posix } from 'node:path';
import { ApiError } from '../../shared/errors.js';
import type { FleetPlan, PlannedResource } from '../../shared/fleet.js';
import { commandLine } from '../core/shell-quote.js';
import type { ComposeDevice, ComposeImport, ComposeMount, ComposeService } from './compose-import.js';
import {
  COMPOSE_PROJECT,
  FLEET_LABEL,
  STACK_NAMESPACE,
  composeContainerLabels,
  composeContainerName,
  composeNetworkLabels,
  composeNetworkName,
  composeVolumeLabels,
  composeVolumeName,
  labelArgs,
  stackLabels,
  stackNetworkName,
  stackServiceLabels,
  stackServiceName,
  stackVolumeName,
  type Labels,
} from './labels.js';
import { envArgs } from './plan-docker.js';

export interface ComposePlanOptions {
  /** Compose project / stack namespace: prefixes every name (`<project>-<service>-<n>`, `<project>_<service>`). */
  project: string;
  target: 'local-docker' | 'swarm';
  /** Value of the io.simdeck.fleet label on everything created; default: the project. */
  fleetId?: string;
  /** Variables for environment entries written without a value (`- KEY`), which compose takes from its environment. */
  env?: Record<string, string>;
  /** Directory relative bind mounts (./src) resolve against, as on the engine's host (compose: the file's directory). */
  projectDir?: string;
  /**
   * Swarm: secret name → id, from GET /secrets (the engine refuses a reference without the id: "malformed secret
   * reference"; `docker stack deploy` looks the ids up the same way). Given: a missing secret is INVALID_INPUT.
   * Absent (preview): references carry an empty id and a warning.
   */
  secretIds?: Record<string, string>;
}

const PROJECT_RE = /^[a-z0-9][a-z0-9_-]*$/;
const SERVICE_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Every key parseCompose did not import, as one message (path and why), or null when there are none. */
export function composeRefusal(imp: ComposeImport): string | null {
  if (imp.unsupported.length === 0) return null;
  const n = imp.unsupported.length;
  const lines = imp.unsupported.map((u) => `- ${u.path}: ${u.why}`);
  return (
    `The compose file has ${n} key${n === 1 ? '' : 's'} SimDeck does not deploy:\n${lines.join('\n')}\n` +
    'Remove or change them in the file, or deploy anyway without them (ignore unsupported keys).'
  );
}

/**
 * Services in start order: every service after the ones it depends on (file order otherwise), like compose.
 * An unknown dependency or a cycle is INVALID_INPUT.
 */
export function startOrder(services: readonly ComposeService[]): ComposeService[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  for (const s of services) {
    for (const d of s.dependsOn) {
      if (!byName.has(d)) {
        throw new ApiError('INVALID_INPUT', `Service ${s.name} depends on ${d}, which is not a service in this file.`, { field: `services.${s.name}.depends_on` });
      }
    }
  }
  const out: ComposeService[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: ComposeService, chain: string[]): void => {
    const st = state.get(s.name);
    if (st === 'done') return;
    if (st === 'visiting') {
      const cycle = [...chain.slice(chain.indexOf(s.name)), s.name];
      throw new ApiError('INVALID_INPUT', `depends_on has a cycle: ${cycle.join(' → ')}; no service of it could start first.`, {
        field: `services.${s.name}.depends_on`,
      });
    }
    state.set(s.name, 'visiting');
    for (const d of s.dependsOn) visit(byName.get(d) as ComposeService, [...chain, s.name]);
    state.set(s.name, 'done');
    out.push(s);
  };
  for (const s of services) visit(s, []);
  return out;
}

const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A compose / Go duration ("5s", "1m30s", "100ms") in nanoseconds; undefined when it is not one. */
export function durationNs(s: string): number | undefined {
  const t = s.trim();
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(t)) return undefined;
  let ns = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ns += Number(m[1]) * (UNITS[m[2] as string] as number);
  return Math.round(ns);
}

/** `a=b,c=d`: argument of --mount / --publish / --secret. */
const csv = (parts: Record<string, string | number | boolean | undefined>) =>
  Object.entries(parts)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => (v === true ? k : `${k}=${v}`))
    .join(',');

const hasTemplate = (s: string) => /\{\{.*\}\}/.test(s);

interface Ctx {
  project: string;
  fleet: string;
  opts: ComposePlanOptions;
  warnings: string[];
  /** Named volumes used by services (unprefixed), in first-use order, plus the declared ones. */
  volumes: string[];
  /** Networks (unprefixed) in first-use order. */
  networks: string[];
  /** Paths parseCompose already reported as unsupported (not repeated as warnings). */
  reported: Set<string>;
}

/** The environment as KEY=VALUE entries; entries without a value come from opts.env or are reported. */
function envList(ctx: Ctx, s: ComposeService): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(s.environment)) {
    if (v !== null) out.push(`${k}=${v}`);
    else if (ctx.opts.env && Object.hasOwn(ctx.opts.env, k)) out.push(`${k}=${ctx.opts.env[k]}`);
    else {
      ctx.warnings.push(
        `services.${s.name}.environment.${k}: no value in the file and none given; compose would take it from the shell environment. It is not set.`,
      );
    }
  }
  return out;
}

/** The mounts SimDeck can express; bind mounts with a relative path need projectDir (reported otherwise). */
function mountsOf(ctx: Ctx, s: ComposeService): ComposeMount[] {
  const out: ComposeMount[] = [];
  s.volumes.forEach((m, i) => {
    const path = `services.${s.name}.volumes[${i}]`;
    if (m.type === 'bind') {
      const src = m.source ?? '';
      if (src.startsWith('~')) {
        ctx.warnings.push(`${path}: bind mount of ${src} is NOT mounted: a path under ~ depends on the engine host's user; write an absolute path.`);
        return;
      }
      if (!src.startsWith('/')) {
        if (ctx.opts.projectDir === undefined || !ctx.opts.projectDir.startsWith('/')) {
          ctx.warnings.push(
            `${path}: bind mount of ${src} is NOT mounted: a relative path needs the project directory on the engine host (compose uses the file's directory); write an absolute path.`,
          );
          return;
        }
        out.push({ ...m, source: posix.resolve(ctx.opts.projectDir, src) });
        return;
      }
      if (ctx.opts.target === 'swarm') ctx.warnings.push(`${path}: bind mount of ${src}: the path must exist on every node that runs a ${s.name} task.`);
    }
    if (m.type === 'volume' && m.source !== undefined && !ctx.volumes.includes(m.source)) {
      ctx.volumes.push(m.source);
      ctx.warnings.push(`${path}: volume ${m.source} is not declared under the top-level volumes (compose would refuse); it is created like a declared one.`);
    }
    out.push(m);
  });
  return out;
}

function networksOf(ctx: Ctx, s: ComposeService, declared: readonly string[]): string[] {
  const nets = s.networks.length > 0 ? s.networks : ['default'];
  for (const n of nets) {
    if (n !== 'default' && !declared.includes(n)) {
      ctx.warnings.push(`services.${s.name}.networks: network ${n} is not declared under the top-level networks (compose would refuse); it is created like a declared one.`);
    }
    if (!ctx.networks.includes(n)) ctx.networks.push(n);
  }
  return nets;
}

// ---- local Docker ----------------------------------------------------------------------------------------------

function restartPolicyLocal(ctx: Ctx, s: ComposeService): { Name: string; MaximumRetryCount?: number } {
  const p = `services.${s.name}`;
  const rp = s.deploy.restartPolicy;
  if (s.restart !== undefined) {
    const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(s.restart);
    if (!m || (m[2] !== undefined && m[1] !== 'on-failure')) {
      throw new ApiError('INVALID_INPUT', `${p}.restart: "${s.restart}" is not a restart policy (no, always, on-failure[:N], unless-stopped).`, { field: `${p}.restart` });
    }
    if (rp) ctx.warnings.push(`${p}.deploy.restart_policy: restart is set too and wins on a single engine, as in compose.`);
    return m[2] === undefined ? { Name: m[1] as string } : { Name: 'on-failure', MaximumRetryCount: Number(m[2]) };
  }
  if (!rp) return { Name: 'no' };
  if (rp.delay !== undefined || rp.window !== undefined) {
    ctx.warnings.push(`${p}.deploy.restart_policy: delay and window apply to Swarm only; a single engine restarts at once.`);
  }
  const cond = rp.condition ?? 'any';
  if (cond === 'none') return { Name: 'no' };
  if (cond === 'on-failure') return rp.maxAttempts === undefined ? { Name: 'on-failure' } : { Name: 'on-failure', MaximumRetryCount: rp.maxAttempts };
  if (rp.maxAttempts !== undefined) ctx.warnings.push(`${p}.deploy.restart_policy.max_attempts: a single engine limits retries only with condition on-failure.`);
  return { Name: 'always' };
}

function deviceRequest(d: ComposeDevice): Record<string, unknown> {
  const req: Record<string, unknown> = { Driver: d.driver ?? '' };
  if (d.deviceIds !== undefined) req.DeviceIDs = d.deviceIds;
  else req.Count = d.count === undefined || d.count === 'all' ? -1 : d.count;
  req.Capabilities = [d.capabilities];
  if (d.options) req.Options = d.options;
  return req;
}

/** `docker run --gpus` value for a device request (csv fields, as the CLI parses them). */
function gpusArg(d: ComposeDevice): string {
  const parts: string[] = [];
  if (d.driver) parts.push(`driver=${d.driver}`);
  if (d.deviceIds !== undefined) parts.push(`"device=${d.deviceIds.join(',')}"`);
  else parts.push(`count=${d.count === undefined ? 'all' : d.count}`);
  if (d.capabilities.length > 0) parts.push(`"capabilities=${d.capabilities.join(',')}"`);
  if (d.options) for (const [k, v] of Object.entries(d.options)) parts.push(`${k}=${v}`);
  return parts.join(',');
}

function localService(ctx: Ctx, s: ComposeService, image: string, declaredNets: readonly string[]): PlannedResource[] {
  const { project, fleet } = ctx;
  const p = `services.${s.name}`;
  const global = s.deploy.mode === 'global';
  const count = global ? 1 : (s.deploy.replicas ?? 1);
  if (global) ctx.warnings.push(`${p}.deploy.mode: global means one container per node; on a single Docker engine that is one container.`);
  if (s.containerName !== undefined && count > 1) {
    throw new ApiError('INVALID_INPUT', `${p}: container_name ${s.containerName} cannot be used with ${count} replicas (container names are unique), as in compose.`, {
      field: `${p}.container_name`,
    });
  }
  if (s.deploy.constraints.length > 0) ctx.warnings.push(`${p}.deploy.placement.constraints: placement applies to Swarm only and is ignored on a single Docker engine.`);
  if (s.deploy.genericResources.length > 0) {
    ctx.warnings.push(`${p}.deploy.resources.reservations.generic_resources: Swarm generic resources (${s.deploy.genericResources.map((g) => `${g.kind}=${g.value}`).join(', ')}) cannot be reserved on a single Docker engine; not applied.`);
  }
  if (s.secrets.length > 0) {
    ctx.warnings.push(`${p}.secrets: ${s.secrets.map((x) => x.source).join(', ')} NOT mounted: secrets need a Swarm (deploy as a stack) or a bind mount of the file.`);
  }
  const env = envList(ctx, s);
  const mounts = mountsOf(ctx, s);
  const nets = networksOf(ctx, s, declaredNets);
  if (nets.length > 1) {
    ctx.warnings.push(
      `${p}.networks: the containers are attached to ${nets[0]} only; a container is created on one network, connect the others afterwards (docker network connect ${nets
        .slice(1)
        .map((n) => composeNetworkName(project, n))
        .join(', ')}).`,
    );
  }
  const network = composeNetworkName(project, nets[0]);
  const restart = restartPolicyLocal(ctx, s);
  if (count > 1) {
    const fixed = s.ports.filter((x) => x.published !== undefined).map((x) => x.published);
    if (fixed.length > 0) ctx.warnings.push(`${p}.ports: ${count} replicas publish host port ${fixed.join(', ')}: only one container can bind it, the others fail to start.`);
  }
  for (const [k, v] of [['hostname', s.hostname ?? ''], ...env.map((e) => ['environment', e])] as [string, string][]) {
    if (hasTemplate(v)) ctx.warnings.push(`${p}.${k}: "${v}" is a Swarm template; a single Docker engine does not expand it.`);
  }

  const out: PlannedResource[] = [];
  for (let n = 1; n <= count; n++) {
    const name = s.containerName ?? composeContainerName(project, s.name, n);
    const labels: Labels = { ...composeContainerLabels(project, s.name, n), [FLEET_LABEL]: fleet };
    const hostConfig: Record<string, unknown> = {
      Mounts: mounts.map((m) => {
        const mount: Record<string, unknown> = { Type: m.type, Target: m.target };
        if (m.type !== 'tmpfs' && m.source !== undefined) mount.Source = m.type === 'volume' ? composeVolumeName(project, m.source) : m.source;
        if (m.readOnly) mount.ReadOnly = true;
        // Anonymous volumes carry the project labels, so tearing the fleet down by label removes them too.
        if (m.type === 'volume' && m.source === undefined) mount.VolumeOptions = { Labels: { [COMPOSE_PROJECT]: project, [FLEET_LABEL]: fleet } };
        return mount;
      }),
      RestartPolicy: restart,
    };
    if (s.ports.length > 0) {
      const bindings: Record<string, { HostIp?: string; HostPort: string }[]> = {};
      for (const x of s.ports) {
        const b: { HostIp?: string; HostPort: string } = { HostPort: x.published === undefined ? '' : String(x.published) };
        if (x.hostIp !== undefined) b.HostIp = x.hostIp;
        (bindings[`${x.target}/${x.protocol}`] ??= []).push(b);
      }
      hostConfig.PortBindings = bindings;
    }
    if (s.deploy.devices.length > 0) hostConfig.DeviceRequests = s.deploy.devices.map(deviceRequest);
    const body: Record<string, unknown> = { Image: image };
    if (s.hostname !== undefined) body.Hostname = s.hostname;
    if (s.entrypoint !== undefined) body.Entrypoint = s.entrypoint;
    if (s.command !== undefined) body.Cmd = s.command;
    body.Env = env;
    body.Labels = labels;
    if (s.ports.length > 0) body.ExposedPorts = Object.fromEntries(s.ports.map((x) => [`${x.target}/${x.protocol}`, {}]));
    body.HostConfig = hostConfig;
    body.NetworkingConfig = { EndpointsConfig: { [network]: { Aliases: [s.name] } } };

    const args = ['docker', 'run', '-d', '--name', name, '--network', network, '--network-alias', s.name];
    if (s.hostname !== undefined) args.push('--hostname', s.hostname);
    args.push('--restart', restart.MaximumRetryCount === undefined ? restart.Name : `${restart.Name}:${restart.MaximumRetryCount}`);
    args.push(...labelArgs(labels), ...envArgs(env));
    for (const x of s.ports) {
      const host = x.published === undefined ? '' : `${x.hostIp === undefined ? '' : `${x.hostIp.includes(':') ? `[${x.hostIp}]` : x.hostIp}:`}${x.published}:`;
      args.push('-p', `${host}${x.target}/${x.protocol}`);
    }
    for (const m of mounts) {
      const src = m.source === undefined ? undefined : m.type === 'volume' ? composeVolumeName(project, m.source) : m.source;
      const vl = m.type === 'volume' && m.source === undefined ? `,volume-label=${COMPOSE_PROJECT}=${project},volume-label=${FLEET_LABEL}=${fleet}` : '';
      args.push('--mount', `${csv({ type: m.type, source: m.type === 'tmpfs' ? undefined : src, target: m.target, readonly: m.readOnly })}${vl}`);
    }
    for (const d of s.deploy.devices) args.push('--gpus', gpusArg(d));
    const ep = s.entrypoint ?? [];
    if (s.entrypoint !== undefined) args.push('--entrypoint', ep[0] ?? '');
    args.push(image, ...ep.slice(1), ...(s.command ?? []));
    out.push({ kind: 'container', name, body, command: commandLine(args) });
  }
  return out;
}

// ---- Swarm ----------------------------------------------------------------------------------------------------

function restartPolicySwarm(ctx: Ctx, s: ComposeService): Record<string, unknown> {
  const p = `services.${s.name}.deploy.restart_policy`;
  const rp = s.deploy.restartPolicy;
  if (s.restart !== undefined && !ctx.reported.has(`services.${s.name}.restart`)) ctx.warnings.push(`services.${s.name}.restart: ignored by docker stack deploy (use deploy.restart_policy); Swarm restarts on any exit.`);
  const out: Record<string, unknown> = { Condition: rp?.condition ?? 'any' };
  for (const [key, field] of [['delay', 'Delay'], ['window', 'Window']] as const) {
    const v = rp?.[key];
    if (v === undefined) continue;
    const ns = durationNs(v);
    if (ns === undefined) throw new ApiError('INVALID_INPUT', `${p}.${key}: "${v}" is not a duration such as 5s or 1m30s.`, { field: `${p}.${key}` });
    out[field] = ns;
  }
  if (rp?.maxAttempts !== undefined) out.MaxAttempts = rp.maxAttempts;
  return out;
}

function swarmService(ctx: Ctx, s: ComposeService, image: string, declaredNets: readonly string[]): PlannedResource {
  const { project: stack, fleet } = ctx;
  const p = `services.${s.name}`;
  const name = stackServiceName(stack, s.name);
  const labels: Labels = { ...stackServiceLabels(stack, image), [FLEET_LABEL]: fleet };
  const volLabels: Labels = { ...stackLabels(stack), [FLEET_LABEL]: fleet };
  if (s.containerName !== undefined) ctx.warnings.push(`${p}.container_name: ignored by docker stack deploy; tasks are named ${name}.<slot>.`);
  if (s.dependsOn.length > 0) {
    ctx.warnings.push(`${p}.depends_on: Swarm starts services independently; ${s.name} is created after ${s.dependsOn.join(', ')} but does not wait for them.`);
  }
  if (s.deploy.devices.length > 0) {
    ctx.warnings.push(`${p}.deploy.resources.reservations.devices: Swarm cannot reserve devices; NOT applied (use generic_resources or "default-runtime": "nvidia" on the nodes).`);
  }
  if (s.deploy.mode === 'global' && s.deploy.replicas !== undefined) {
    throw new ApiError('INVALID_INPUT', `${p}.deploy: replicas can only be used with mode replicated, not global.`, { field: `${p}.deploy.replicas` });
  }
  const env = envList(ctx, s);
  const mounts = mountsOf(ctx, s);
  const nets = networksOf(ctx, s, declaredNets);

  const containerSpec: Record<string, unknown> = { Image: image, Labels: { [STACK_NAMESPACE]: stack } };
  if (s.hostname !== undefined) containerSpec.Hostname = s.hostname;
  if (s.entrypoint !== undefined) containerSpec.Command = s.entrypoint;
  if (s.command !== undefined) containerSpec.Args = s.command;
  containerSpec.Env = env;
  containerSpec.Mounts = mounts.map((m) => {
    const mount: Record<string, unknown> = { Type: m.type, Target: m.target };
    if (m.type !== 'tmpfs' && m.source !== undefined) mount.Source = m.type === 'volume' ? stackVolumeName(stack, m.source) : m.source;
    if (m.readOnly) mount.ReadOnly = true;
    if (m.type === 'volume') mount.VolumeOptions = { Labels: volLabels };
    return mount;
  });
  const secretRefs: Record<string, unknown>[] = [];
  for (const sec of s.secrets) {
    let id = ctx.opts.secretIds?.[sec.source];
    if (ctx.opts.secretIds !== undefined && id === undefined) {
      throw new ApiError(
        'INVALID_INPUT',
        `${p}.secrets: secret ${sec.source} does not exist on this Swarm. Create it first (docker secret create ${sec.source} <file>).`,
        { field: `${p}.secrets` },
      );
    }
    if (id === undefined) {
      id = '';
      ctx.warnings.push(
        `${p}.secrets: secret ${sec.source} has no id in this plan; the engine refuses a secret given by name only, so the deploy must plan again with the Swarm's secret ids (it must exist: docker secret create ${sec.source} <file>).`,
      );
    }
    secretRefs.push({ SecretID: id, SecretName: sec.source, File: { Name: sec.target ?? sec.source, UID: '0', GID: '0', Mode: 0o444 } });
  }
  if (secretRefs.length > 0) containerSpec.Secrets = secretRefs;

  const taskTemplate: Record<string, unknown> = {
    ContainerSpec: containerSpec,
    Placement: { Constraints: [...s.deploy.constraints] },
    RestartPolicy: restartPolicySwarm(ctx, s),
    Networks: nets.map((n) => ({ Target: stackNetworkName(stack, n), Aliases: [s.name] })),
  };
  if (s.deploy.genericResources.length > 0) {
    taskTemplate.Resources = {
      Reservations: { GenericResources: s.deploy.genericResources.map((g) => ({ DiscreteResourceSpec: { Kind: g.kind, Value: g.value } })) },
    };
  }
  const endpointSpec: Record<string, unknown> = { Mode: 'dnsrr' };
  if (s.ports.length > 0) {
    endpointSpec.Ports = s.ports.map((x) => {
      const port: Record<string, unknown> = { Protocol: x.protocol, TargetPort: x.target };
      if (x.published !== undefined) port.PublishedPort = x.published;
      port.PublishMode = 'host';
      return port;
    });
    const ingress = s.ports.filter((x) => x.mode !== 'host').map((x) => x.published ?? x.target);
    if (ingress.length > 0) {
      ctx.warnings.push(`${p}.ports: ${ingress.join(', ')} published in host mode (on the node running each task), not through the ingress routing mesh, which dnsrr services cannot use.`);
    }
    const ips = s.ports.filter((x) => x.hostIp !== undefined);
    if (ips.length > 0) ctx.warnings.push(`${p}.ports: host IPs (${ips.map((x) => x.hostIp).join(', ')}) cannot be set for Swarm ports; the ports are published on all addresses.`);
  }
  const mode = s.deploy.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: s.deploy.replicas ?? 1 } };
  const body = { Name: name, Labels: labels, TaskTemplate: taskTemplate, Mode: mode, EndpointSpec: endpointSpec };

  const args = ['docker', 'service', 'create', '--name', name, ...labelArgs(labels), ...labelArgs({ [STACK_NAMESPACE]: stack }, '--container-label')];
  if (s.deploy.mode === 'global') args.push('--mode', 'global');
  else args.push('--replicas', String(s.deploy.replicas ?? 1));
  for (const c of s.deploy.constraints) args.push('--constraint', c);
  if (s.hostname !== undefined) args.push('--hostname', s.hostname);
  args.push(...envArgs(env, '--env'));
  for (const m of mounts) {
    const src = m.source === undefined ? undefined : m.type === 'volume' ? stackVolumeName(stack, m.source) : m.source;
    const vl = m.type === 'volume' ? Object.entries(volLabels).map(([k, v]) => `,volume-label=${k}=${v}`).join('') : '';
    args.push('--mount', `${csv({ type: m.type, source: m.type === 'tmpfs' ? undefined : src, target: m.target, readonly: m.readOnly })}${vl}`);
  }
  for (const n of nets) args.push('--network', `name=${stackNetworkName(stack, n)},alias=${s.name}`);
  for (const sec of s.secrets) args.push('--secret', csv({ source: sec.source, target: sec.target }));
  for (const g of s.deploy.genericResources) args.push('--generic-resource', `${g.kind}=${g.value}`);
  args.push('--endpoint-mode', 'dnsrr');
  const rp = taskTemplate.RestartPolicy as { Condition: string };
  args.push('--restart-condition', rp.Condition);
  if (s.deploy.restartPolicy?.delay !== undefined) args.push('--restart-delay', s.deploy.restartPolicy.delay);
  if (s.deploy.restartPolicy?.maxAttempts !== undefined) args.push('--restart-max-attempts', String(s.deploy.restartPolicy.maxAttempts));
  if (s.deploy.restartPolicy?.window !== undefined) args.push('--restart-window', s.deploy.restartPolicy.window);
  for (const x of s.ports) args.push('--publish', csv({ published: x.published, target: x.target, protocol: x.protocol, mode: 'host' }));
  if (s.entrypoint !== undefined) args.push('--entrypoint', commandLine(s.entrypoint));
  args.push(image, ...(s.command ?? []));
  return { kind: 'service', name, body, command: commandLine(args) };
}

// ---- the plan -------------------------------------------------------------------------------------------------

/**
 * Plans an imported compose file on local Docker (`docker compose -p <project> up -d`) or as a Swarm stack
 * (`docker stack deploy`). Resources in creation order: networks, volumes, then services in depends_on order.
 * INVALID_INPUT for what compose itself would refuse (no image, a depends_on cycle, container_name with replicas).
 */
export function planFromCompose(imp: ComposeImport, opts: ComposePlanOptions): FleetPlan {
  const project = opts.project.trim();
  if (!PROJECT_RE.test(project) || project.length > 40) {
    throw new ApiError('INVALID_INPUT', `"${opts.project}" cannot name a compose project or stack: use lowercase letters, digits, "-" and "_" (at most 40).`, {
      field: 'project',
    });
  }
  if (imp.services.length === 0) throw new ApiError('INVALID_INPUT', 'The compose file has no services to deploy.', { field: 'services' });
  const fleet = opts.fleetId ?? project;
  const swarm = opts.target === 'swarm';
  const ctx: Ctx = { project, fleet, opts, warnings: [], volumes: [...imp.volumes], networks: [], reported: new Set(imp.unsupported.map((u) => u.path)) };

  for (const u of imp.unsupported) ctx.warnings.push(`Not deployed: ${u.path}: ${u.why}.`);
  for (const w of imp.warnings) ctx.warnings.push(`${w.path}: ${w.why}.`);
  for (const s of imp.services) {
    if (!SERVICE_RE.test(s.name)) {
      throw new ApiError('INVALID_INPUT', `Service name "${s.name}" cannot be part of a container or service name (letters, digits, "_", "." and "-").`, {
        field: `services.${s.name}`,
      });
    }
    if (s.image === undefined || s.image.trim() === '') {
      throw new ApiError('INVALID_INPUT', `Service ${s.name} has no image; SimDeck does not build images: build and push (or load) it, then set image.`, {
        field: `services.${s.name}.image`,
      });
    }
  }
  const ordered = startOrder(imp.services);
  const services: PlannedResource[] = [];
  for (const s of ordered) {
    const image = (s.image as string).trim();
    if (swarm) services.push(swarmService(ctx, s, image, imp.networks));
    else services.push(...localService(ctx, s, image, imp.networks));
  }

  const resources: PlannedResource[] = [];
  for (const n of ctx.networks) {
    if (swarm) {
      const name = stackNetworkName(project, n);
      const labels: Labels = { ...stackLabels(project), [FLEET_LABEL]: fleet };
      resources.push({
        kind: 'network',
        name,
        body: { Name: name, Driver: 'overlay', Attachable: true, Labels: labels },
        command: commandLine(['docker', 'network', 'create', '--driver', 'overlay', '--attachable', ...labelArgs(labels), name]),
      });
    } else {
      const name = composeNetworkName(project, n);
      const labels: Labels = { ...composeNetworkLabels(project, n), [FLEET_LABEL]: fleet };
      resources.push({
        kind: 'network',
        name,
        body: { Name: name, Driver: 'bridge', Labels: labels },
        command: commandLine(['docker', 'network', 'create', '--driver', 'bridge', ...labelArgs(labels), name]),
      });
    }
  }
  const unusedNets = imp.networks.filter((n) => !ctx.networks.includes(n));
  if (unusedNets.length > 0) ctx.warnings.push(`Network ${unusedNets.join(', ')} is declared but no service uses it; not created (as compose does).`);
  for (const v of ctx.volumes) {
    const name = swarm ? stackVolumeName(project, v) : composeVolumeName(project, v);
    const labels: Labels = swarm ? { ...stackLabels(project), [FLEET_LABEL]: fleet } : { ...composeVolumeLabels(project, v), [FLEET_LABEL]: fleet };
    resources.push({ kind: 'volume', name, body: { Name: name, Labels: labels }, command: commandLine(['docker', 'volume', 'create', ...labelArgs(labels), name]) });
  }
  if (swarm && ctx.volumes.length > 0) {
    ctx.warnings.push('Swarm volumes are local to each node: a task creates its volume on the node it runs on (with the stack labels).');
  }
  if (swarm && services.length > 0) {
    ctx.warnings.push('Services use endpoint mode dnsrr (the service name resolves to the task IPs), not a virtual IP, so they work without IPVS.');
  }
  resources.push(...services);
  const labels: Labels = swarm ? { [STACK_NAMESPACE]: project, [FLEET_LABEL]: fleet } : { [COMPOSE_PROJECT]: project, [FLEET_LABEL]: fleet };
  return { target: opts.target, resources, labels, warnings: [...new Set(ctx.warnings)] };
}
