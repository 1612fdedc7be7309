// Imports a docker-compose / stack file (BigChem's docker-compose.yaml, bigchem.yaml, fire.yaml) into plain
// service shapes the fleet planners can use. Anchors and merge keys (<<) are resolved by js-yaml; `$$` becomes `$`
// and ${VAR} / ${VAR:-default} / ${VAR-default} / $VAR are interpolated from a given environment, as compose does.
// Nothing is dropped silently: every key not understood here (or ignored by `docker stack deploy`) is listed in
// `unsupported` with its dotted path and a reason. Notes: ../../shared/notes/nrp-and-bigchem.md B2-B6.
import { ApiError } from '../../shared/errors.js';
import yaml from 'js-yaml';

export type ComposeMode = 'compose' | 'stack';

export interface ComposePort {
  target: number;
  published?: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostIp?: string;
  /** Long syntax only: ingress (swarm routing mesh) or host. */
  mode?: 'ingress' | 'host';
}

export interface ComposeMount {
  type: 'volume' | 'bind' | 'tmpfs';
  /** Volume name or host path; absent for anonymous volumes and tmpfs. */
  source?: string;
  target: string;
  readOnly: boolean;
}

export interface ComposeDevice {
  driver?: string;
  count?: number | 'all';
  deviceIds?: string[];
  capabilities: string[];
  options?: Record<string, string>;
}

export interface ComposeDeploy {
  mode?: 'replicated' | 'global';
  replicas?: number;
  constraints: string[];
  devices: ComposeDevice[];
  /** Swarm generic resources, e.g. { kind: 'NVIDIA-GPU', value: 1 }. */
  genericResources: { kind: string; value: number }[];
  restartPolicy?: { condition?: string; delay?: string; maxAttempts?: number; window?: string };
}

export interface ComposeService {
  name: string;
  image?: string;
  /** argv; a string command is split into words as compose does (shell words, no expansion). */
  command?: string[];
  entrypoint?: string[];
  /** null: KEY without a value, passed through from the deploying host's environment. */
  environment: Record<string, string | null>;
  /** env_file paths as written (their contents are merged into environment when given in options.envFiles). */
  envFiles: string[];
  hostname?: string;
  /** compose mode only (stack deploy ignores it). */
  containerName?: string;
  ports: ComposePort[];
  volumes: ComposeMount[];
  /** compose mode only (stack deploy ignores it). */
  dependsOn: string[];
  deploy: ComposeDeploy;
  secrets: { source: string; target?: string }[];
  networks: string[];
  restart?: string;
}

export interface ComposeIssue {
  path: string;
  why: string;
}

export interface ComposeImport {
  services: ComposeService[];
  volumes: string[];
  networks: string[];
  secrets: string[];
  /** Keys and values not imported (or ignored by docker stack deploy), each with a dotted path and a reason. */
  unsupported: ComposeIssue[];
  /** Imported but worth a look (e.g. bind mounts in a swarm). */
  warnings: ComposeIssue[];
}

export interface ComposeImportOptions {
  /** compose: `docker compose up`; stack: `docker stack deploy` (ignores build, container_name, depends_on). */
  mode?: ComposeMode;
  /** Variables for ${VAR} interpolation (compose reads the shell environment and .env). */
  env?: Record<string, string>;
  /** env_file contents by path as written in the file; missing files are reported as unsupported. */
  envFiles?: Record<string, string>;
}

const STACK_IGNORED = 'ignored by docker stack deploy, as the CLI does';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---- interpolation ------------------------------------------------------------------------------------------

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const TOKEN = new RegExp(`\\$(?:(\\$)|\\{(${NAME})(?:(:?[-?+])([^}]*))?\\}|(${NAME})|(\\{[^}]*\\}?|[\\s\\S]|$))`, 'g');

/** Interpolates one string: $$ → $, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e}, ${VAR:+x}, $VAR. */
export function interpolate(s: string, env: Record<string, string>, path: string, issues: ComposeIssue[]): string {
  if (!s.includes('$')) return s;
  return s.replace(TOKEN, (whole, dollar?: string, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (dollar) return '$';
    const name = braced ?? bare;
    if (name === undefined) {
      issues.push({ path, why: `invalid interpolation ${JSON.stringify(whole)} (use $$ for a literal $); kept as written` });
      return whole;
    }
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    const empty = value === undefined || value === '';
    switch (op) {
      case ':-':
        return empty ? (arg ?? '') : (value ?? '');
      case '-':
        return value === undefined ? (arg ?? '') : value;
      case ':+':
        return empty ? '' : (arg ?? '');
      case '+':
        return value === undefined ? '' : (arg ?? '');
      case ':?':
      case '?':
        if (op === ':?' ? empty : value === undefined) {
          issues.push({ path, why: `required variable ${name} is not set${arg ? `: ${arg}` : ''}; left empty` });
          return '';
        }
        return value ?? '';
      default:
        if (value === undefined) {
          issues.push({ path, why: `variable ${name} is not set (no default); left empty, as compose does` });
          return '';
        }
        return value;
    }
  });
}

function interpolateTree(v: Json, env: Record<string, string>, path: string, issues: ComposeIssue[]): Json {
  if (typeof v === 'string') return interpolate(v, env, path, issues);
  if (Array.isArray(v)) return v.map((x, i) => interpolateTree(x, env, `${path}[${i}]`, issues));
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[k] = interpolateTree(x, env, path ? `${path}.${k}` : k, issues);
    return out;
  }
  return v;
}

// ---- shell words -----------------------------------------------------------------------------------------------

/** Splits a command string into words like compose (POSIX quotes and backslashes; no expansion). */
export function shellWords(s: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated single quote');
      cur += s.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= s.length) throw new Error('unterminated double quote');
        const d = s[i] as string;
        if (d === '"') break;
        if (d === '\\' && i + 1 < s.length && '"\\$`\n'.includes(s[i + 1] as string)) {
          if (s[i + 1] !== '\n') cur += s[i + 1];
          i += 2;
        } else {
          cur += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 >= s.length) throw new Error('trailing backslash');
      if (s[i + 1] !== '\n') cur += s[i + 1];
      inWord = true;
      i += 2;
    } else {
      cur += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

// ---- per-key parsers -------------------------------------------------------------------------------------------

class Ctx {
  readonly unsupported: ComposeIssue[] = [];
  readonly warnings: ComposeIssue[] = [];
  constructor(readonly mode: ComposeMode) {}
  skip(path: string, why: string): void {
    this.unsupported.push({ path, why });
  }
  warn(path: string, why: string): void {
    this.warnings.push({ path, why });
  }
}

function str(ctx: Ctx, path: string, v: Json): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  ctx.skip(path, `expected a string, got ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v}`);
  return undefined;
}

function strList(ctx: Ctx, path: string, v: Json): string[] {
  if (!Array.isArray(v)) {
    ctx.skip(path, 'expected a list of strings');
    return [];
  }
  return v.flatMap((x, i) => str(ctx, `${path}[${i}]`, x) ?? []);
}

function argv(ctx: Ctx, path: string, v: Json): string[] | undefined {
  if (v === null) return undefined;
  if (Array.isArray(v)) return strList(ctx, path, v);
  const s = str(ctx, path, v);
  if (s === undefined) return undefined;
  try {
    return shellWords(s);
  } catch (e) {
    ctx.skip(path, `cannot split the command into words: ${(e as Error).message}`);
    return undefined;
  }
}

function int(ctx: Ctx, path: string, v: Json, min = 0): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= min) return n;
  ctx.skip(path, `expected a whole number >= ${min}`);
  return undefined;
}

function unknownKeys(ctx: Ctx, path: string, o: Obj, known: readonly string[], why = 'not supported by the SimDeck import'): void {
  for (const k of Object.keys(o)) if (!known.includes(k)) ctx.skip(`${path}.${k}`, why);
}

function parseEnvLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2] ?? '';
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) value = value.slice(1, -1);
    out[m[1] as string] = value;
  }
  return out;
}

function environment(ctx: Ctx, path: string, v: Json): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      const s = str(ctx, `${path}[${i}]`, x);
      if (s === undefined) return;
      const eq = s.indexOf('=');
      if (eq === 0 || s === '') ctx.skip(`${path}[${i}]`, 'an environment entry needs a name');
      else if (eq < 0) out[s] = null;
      else out[s.slice(0, eq)] = s.slice(eq + 1);
    });
  } else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) out[k] = x === null ? null : (str(ctx, `${path}.${k}`, x) ?? null);
  } else if (v !== null) ctx.skip(path, 'expected a list of KEY=VALUE or a map');
  return out;
}

function parsePortNumber(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : undefined;
}

function ports(ctx: Ctx, path: string, v: Json): ComposePort[] {
  if (!Array.isArray(v)) {
    ctx.skip(path, 'expected a list of ports');
    return [];
  }
  const out: ComposePort[] = [];
  v.forEach((x, i) => {
    const p = `${path}[${i}]`;
    if (isObj(x)) {
      unknownKeys(ctx, p, x, ['target', 'published', 'protocol', 'mode', 'host_ip']);
      const target = parsePortNumber(String(x.target ?? ''));
      const published = x.published === undefined || x.published === null ? undefined : parsePortNumber(String(x.published));
      const protocol = x.protocol ?? 'tcp';
      if (target === undefined || (x.published != null && published === undefined)) return ctx.skip(p, 'ports must be single numbers from 1 to 65535 (ranges are not supported)');
      if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'sctp') return ctx.skip(`${p}.protocol`, 'protocol must be tcp, udp or sctp');
      const mode = x.mode ?? undefined;
      if (mode !== undefined && mode !== 'ingress' && mode !== 'host') return ctx.skip(`${p}.mode`, 'mode must be ingress or host');
      const port: ComposePort = { target, protocol };
      if (published !== undefined) port.published = published;
      if (mode !== undefined) port.mode = mode;
      if (typeof x.host_ip === 'string') port.hostIp = x.host_ip;
      out.push(port);
      return;
    }
    const s = str(ctx, p, x);
    if (s === undefined) return;
    const m = /^(?:(?:(\[[0-9a-fA-F:]+\]|[0-9.]+):)?(\d*):)?(\d+)(?:\/(tcp|udp|sctp))?$/.exec(s);
    const target = parsePortNumber(m?.[3]);
    const published = m?.[2] ? parsePortNumber(m[2]) : undefined;
    if (!m || target === undefined || (m[2] && published === undefined)) return ctx.skip(p, `cannot read port ${JSON.stringify(s)} (ranges are not supported)`);
    const port: ComposePort = { target, protocol: (m[4] ?? 'tcp') as ComposePort['protocol'] };
    if (published !== undefined) port.published = published;
    if (m[1]) port.hostIp = m[1].replace(/^\[|\]$/g, '');
    out.push(port);
  });
  return out;
}

const isHostPath = (s: string) => /^(\.|\/|~|[A-Za-z]:[\\/])/.test(s);

function volumes(ctx: Ctx, path: string, v: Json, declared: Set<string>): ComposeMount[] {
  if (!Array.isArray(v)) {
    ctx.skip(path, 'expected a list of volumes');
    return [];
  }
  const out: ComposeMount[] = [];
  v.forEach((x, i) => {
    const p = `${path}[${i}]`;
    let mount: ComposeMount;
    if (isObj(x)) {
      unknownKeys(ctx, p, x, ['type', 'source', 'target', 'read_only']);
      const type = x.type;
      if (type !== 'volume' && type !== 'bind' && type !== 'tmpfs') return ctx.skip(`${p}.type`, 'volume type must be volume, bind or tmpfs');
      if (typeof x.target !== 'string') return ctx.skip(`${p}.target`, 'a mount needs a target path');
      mount = { type, target: x.target, readOnly: x.read_only === true };
      if (typeof x.source === 'string') mount.source = x.source;
    } else {
      const s = str(ctx, p, x);
      if (s === undefined) return;
      const parts = s.split(':');
      if (parts.length === 1) mount = { type: 'volume', target: s, readOnly: false };
      else if (parts.length === 2 || parts.length === 3) {
        const [source, target, opts] = parts as [string, string, string | undefined];
        const flags = opts ? opts.split(',') : [];
        const extra = flags.filter((f) => f !== 'ro' && f !== 'rw');
        if (extra.length > 0) ctx.skip(p, `mount options ${extra.join(',')} are not supported`);
        mount = { type: isHostPath(source) ? 'bind' : 'volume', source, target, readOnly: flags.includes('ro') };
      } else return ctx.skip(p, `cannot read volume ${JSON.stringify(s)}`);
    }
    if (mount.type === 'bind' && ctx.mode === 'stack') {
      ctx.warn(p, `bind mount of ${mount.source ?? '?'}: the host path must exist on every swarm node that runs the task`);
    }
    if (mount.type === 'volume' && mount.source !== undefined && !declared.has(mount.source)) {
      ctx.warn(p, `volume ${mount.source} is not declared under the top-level volumes`);
    }
    out.push(mount);
  });
  return out;
}

function deploy(ctx: Ctx, path: string, v: Json): ComposeDeploy {
  const out: ComposeDeploy = { constraints: [], devices: [], genericResources: [] };
  if (v === null) return out;
  if (!isObj(v)) {
    ctx.skip(path, 'expected a map');
    return out;
  }
  unknownKeys(ctx, path, v, ['mode', 'replicas', 'placement', 'resources', 'restart_policy']);
  if (v.mode !== undefined) {
    if (v.mode === 'replicated' || v.mode === 'global') out.mode = v.mode;
    else ctx.skip(`${path}.mode`, 'deploy mode must be replicated or global');
  }
  if (v.replicas !== undefined) out.replicas = int(ctx, `${path}.replicas`, v.replicas);
  if (v.placement !== undefined) {
    const pl = v.placement;
    if (isObj(pl)) {
      unknownKeys(ctx, `${path}.placement`, pl, ['constraints']);
      if (pl.constraints !== undefined) out.constraints = strList(ctx, `${path}.placement.constraints`, pl.constraints);
    } else ctx.skip(`${path}.placement`, 'expected a map');
  }
  if (v.resources !== undefined) {
    const r = v.resources;
    const rp = `${path}.resources`;
    if (!isObj(r)) ctx.skip(rp, 'expected a map');
    else {
      unknownKeys(ctx, rp, r, ['reservations']);
      const res = r.reservations;
      if (res !== undefined && !isObj(res)) ctx.skip(`${rp}.reservations`, 'expected a map');
      else if (res !== undefined) {
        unknownKeys(ctx, `${rp}.reservations`, res, ['devices', 'generic_resources']);
        if (res.devices !== undefined) {
          if (ctx.mode === 'stack') ctx.skip(`${rp}.reservations.devices`, 'swarm does not support device reservations (use generic_resources or the nvidia default runtime)');
          else out.devices = devices(ctx, `${rp}.reservations.devices`, res.devices);
        }
        if (res.generic_resources !== undefined) out.genericResources = genericResources(ctx, `${rp}.reservations.generic_resources`, res.generic_resources);
      }
    }
  }
  if (v.restart_policy !== undefined) {
    const rp = v.restart_policy;
    const p = `${path}.restart_policy`;
    if (!isObj(rp)) ctx.skip(p, 'expected a map');
    else {
      unknownKeys(ctx, p, rp, ['condition', 'delay', 'max_attempts', 'window']);
      const policy: NonNullable<ComposeDeploy['restartPolicy']> = {};
      if (rp.condition !== undefined) {
        if (rp.condition === 'none' || rp.condition === 'on-failure' || rp.condition === 'any') policy.condition = rp.condition;
        else ctx.skip(`${p}.condition`, 'condition must be none, on-failure or any');
      }
      if (rp.delay !== undefined) policy.delay = str(ctx, `${p}.delay`, rp.delay);
      if (rp.window !== undefined) policy.window = str(ctx, `${p}.window`, rp.window);
      if (rp.max_attempts !== undefined) policy.maxAttempts = int(ctx, `${p}.max_attempts`, rp.max_attempts);
      out.restartPolicy = policy;
    }
  }
  return out;
}

function devices(ctx: Ctx, path: string, v: Json): ComposeDevice[] {
  if (!Array.isArray(v)) {
    ctx.skip(path, 'expected a list');
    return [];
  }
  const out: ComposeDevice[] = [];
  v.forEach((x, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(x)) return ctx.skip(p, 'expected a map');
    unknownKeys(ctx, p, x, ['driver', 'count', 'device_ids', 'capabilities', 'options']);
    const d: ComposeDevice = { capabilities: x.capabilities === undefined ? [] : strList(ctx, `${p}.capabilities`, x.capabilities) };
    if (x.driver !== undefined) d.driver = str(ctx, `${p}.driver`, x.driver);
    if (x.count === 'all') d.count = 'all';
    else if (x.count !== undefined) d.count = int(ctx, `${p}.count`, x.count);
    if (x.device_ids !== undefined) d.deviceIds = strList(ctx, `${p}.device_ids`, x.device_ids);
    if (isObj(x.options)) d.options = Object.fromEntries(Object.entries(x.options).map(([k, o]) => [k, String(o)]));
    out.push(d);
  });
  return out;
}

function genericResources(ctx: Ctx, path: string, v: Json): ComposeDeploy['genericResources'] {
  if (!Array.isArray(v)) {
    ctx.skip(path, 'expected a list');
    return [];
  }
  const out: ComposeDeploy['genericResources'] = [];
  v.forEach((x, i) => {
    const p = `${path}[${i}]`;
    const spec = isObj(x) ? x.discrete_resource_spec : undefined;
    if (!isObj(x) || !isObj(spec) || typeof spec.kind !== 'string') return ctx.skip(p, 'only discrete_resource_spec { kind, value } is supported');
    unknownKeys(ctx, p, x, ['discrete_resource_spec']);
    const value = int(ctx, `${p}.discrete_resource_spec.value`, spec.value ?? null);
    if (value !== undefined) out.push({ kind: spec.kind, value });
  });
  return out;
}

function nameList(ctx: Ctx, path: string, v: Json, what: string): string[] {
  if (Array.isArray(v)) return strList(ctx, path, v);
  if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x !== null && !(isObj(x) && Object.keys(x).length === 0)) {
        if (what === 'depends_on' && isObj(x)) {
          if (x.condition !== undefined && x.condition !== 'service_started') ctx.skip(`${path}.${k}.condition`, 'only start order is imported; the wait condition is not');
          unknownKeys(ctx, `${path}.${k}`, x, ['condition']);
        } else ctx.skip(`${path}.${k}`, `per-${what} options are not supported`);
      }
    }
    return Object.keys(v);
  }
  ctx.skip(path, 'expected a list or a map');
  return [];
}

function secretsOf(ctx: Ctx, path: string, v: Json): ComposeService['secrets'] {
  if (!Array.isArray(v)) {
    ctx.skip(path, 'expected a list');
    return [];
  }
  const out: ComposeService['secrets'] = [];
  v.forEach((x, i) => {
    const p = `${path}[${i}]`;
    if (typeof x === 'string') return void out.push({ source: x });
    if (!isObj(x) || typeof x.source !== 'string') return ctx.skip(p, 'a secret needs a source');
    unknownKeys(ctx, p, x, ['source', 'target']);
    out.push(typeof x.target === 'string' ? { source: x.source, target: x.target } : { source: x.source });
  });
  return out;
}

const SERVICE_KEYS = [
  'image', 'command', 'entrypoint', 'environment', 'env_file', 'hostname', 'ports', 'volumes', 'depends_on', 'deploy',
  'secrets', 'networks', 'restart', 'build', 'container_name',
];

function service(ctx: Ctx, name: string, v: Json, declared: Set<string>, opts: ComposeImportOptions): ComposeService {
  const path = `services.${name}`;
  const svc: ComposeService = {
    name, environment: {}, envFiles: [], ports: [], volumes: [], dependsOn: [], secrets: [], networks: [],
    deploy: { constraints: [], devices: [], genericResources: [] },
  };
  if (!isObj(v)) {
    ctx.skip(path, 'expected a map');
    return svc;
  }
  const stack = ctx.mode === 'stack';
  for (const k of Object.keys(v)) {
    if (!SERVICE_KEYS.includes(k)) ctx.skip(`${path}.${k}`, k.startsWith('x-') ? 'extension field: not used by SimDeck' : 'not supported by the SimDeck import');
  }
  if (v.build !== undefined) ctx.skip(`${path}.build`, stack ? STACK_IGNORED : 'building images is not supported: build and push the image, then use image');
  if (v.container_name !== undefined) {
    if (stack) ctx.skip(`${path}.container_name`, STACK_IGNORED);
    else svc.containerName = str(ctx, `${path}.container_name`, v.container_name);
  }
  if (v.depends_on !== undefined) {
    if (stack) ctx.skip(`${path}.depends_on`, STACK_IGNORED);
    else svc.dependsOn = nameList(ctx, `${path}.depends_on`, v.depends_on, 'depends_on');
  }
  if (v.image !== undefined) svc.image = str(ctx, `${path}.image`, v.image);
  if (v.command !== undefined) svc.command = argv(ctx, `${path}.command`, v.command);
  if (v.entrypoint !== undefined) svc.entrypoint = argv(ctx, `${path}.entrypoint`, v.entrypoint);
  if (v.hostname !== undefined) svc.hostname = str(ctx, `${path}.hostname`, v.hostname);
  if (v.restart !== undefined) {
    svc.restart = str(ctx, `${path}.restart`, v.restart);
    if (stack) ctx.skip(`${path}.restart`, `${STACK_IGNORED} (use deploy.restart_policy)`);
  }
  if (v.env_file !== undefined) {
    const files = typeof v.env_file === 'string' ? [v.env_file] : Array.isArray(v.env_file) ? v.env_file.flatMap((f) => (typeof f === 'string' ? [f] : isObj(f) && typeof f.path === 'string' ? [f.path] : [])) : [];
    svc.envFiles = files;
    files.forEach((f) => {
      const text = opts.envFiles?.[f];
      if (text === undefined) ctx.skip(`${path}.env_file`, `env_file ${f} was not provided; its variables are not imported`);
      else Object.assign(svc.environment, parseEnvLines(text));
    });
  }
  if (v.environment !== undefined) Object.assign(svc.environment, environment(ctx, `${path}.environment`, v.environment));
  if (v.ports !== undefined) svc.ports = ports(ctx, `${path}.ports`, v.ports);
  if (v.volumes !== undefined) svc.volumes = volumes(ctx, `${path}.volumes`, v.volumes, declared);
  if (v.deploy !== undefined) svc.deploy = deploy(ctx, `${path}.deploy`, v.deploy);
  if (v.secrets !== undefined) svc.secrets = secretsOf(ctx, `${path}.secrets`, v.secrets);
  if (v.networks !== undefined) svc.networks = nameList(ctx, `${path}.networks`, v.networks, 'network');
  return svc;
}

function topNames(ctx: Ctx, key: string, v: Json | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (!isObj(v)) {
    ctx.skip(key, 'expected a map');
    return [];
  }
  for (const [k, x] of Object.entries(v)) {
    if (!isObj(x)) continue;
    for (const [opt, val] of Object.entries(x)) {
      // A Swarm secret is always an existing one, looked up by its name: external is what SimDeck does anyway.
      if (key === 'secrets' && opt === 'external' && val === true) continue;
      if (opt === 'external' && val !== true) continue;
      const why =
        opt === 'external'
          ? `SimDeck creates ${key} as <project>_${k} and does not reuse an existing one`
          : opt === 'name'
            ? `SimDeck names ${key} <project>_${k}; a custom name is not supported`
            : `${key} options other than external are not supported`;
      ctx.skip(`${key}.${k}.${opt}`, why);
    }
  }
  return Object.keys(v);
}

/** Parses a compose / stack file. Throws only when the text is not YAML or not a map with services. */
export function parseCompose(text: string, options: ComposeImportOptions = {}): ComposeImport {
  const ctx = new Ctx(options.mode ?? 'compose');
  const loaded = yaml.load(text) as Json; // merge keys (<<) and anchors are resolved by the default schema
  if (!isObj(loaded)) throw new Error('A compose file is a YAML map with a "services" key.');
  const doc = interpolateTree(loaded, options.env ?? {}, '', ctx.unsupported) as Obj;
  if (!isObj(doc.services)) throw new Error('The compose file has no "services" map.');
  for (const k of Object.keys(doc)) {
    if (k.startsWith('x-') || ['services', 'volumes', 'networks', 'secrets'].includes(k)) continue;
    ctx.skip(k, k === 'version' ? 'obsolete: compose ignores version' : 'not supported by the SimDeck import');
  }
  const volumesTop = topNames(ctx, 'volumes', doc.volumes);
  const networks = topNames(ctx, 'networks', doc.networks);
  const secrets = topNames(ctx, 'secrets', doc.secrets);
  const declared = new Set(volumesTop);
  const services = Object.entries(doc.services).map(([n, s]) => service(ctx, n, s, declared, options));
  return { services, volumes: volumesTop, networks, secrets, unsupported: ctx.unsupported, warnings: ctx.warnings };
}

/** parseCompose for text from the UI: YAML that is not a compose file becomes bad input that says why. */
export function parseComposeOrThrow(text: string, mode: ComposeMode, env: Record<string, string>): ComposeImport {
  try {
    return parseCompose(text, { mode, env });
  } catch (err) {
    throw new ApiError('INVALID_INPUT', `This is not a compose file SimDeck can read: ${err instanceof Error ? err.message : String(err)}`, { field: 'text' });
  }
}
