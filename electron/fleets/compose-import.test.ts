import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { interpolate, parseCompose, shellWords, type ComposeIssue } from './compose-import.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const paths = (issues: ComposeIssue[]) => issues.map((i) => i.path);

describe('parseCompose: BigChem docker-compose.yaml (B2)', () => {
  const text = fixture('bigchem-docker-compose.yaml');

  it('imports three services and the named volumes', () => {
    const r = parseCompose(text, { mode: 'compose' });
    expect(r.services.map((s) => s.name)).toEqual(['broker', 'backend', 'worker']);
    expect(r.volumes).toEqual(['broker', 'backend', 'worker']);
    const [broker, backend, worker] = r.services;
    expect(broker?.hostname).toBe('rmq-host1');
    expect(broker?.ports).toEqual([
      { target: 5672, published: 5672, protocol: 'tcp' },
      { target: 15672, published: 15672, protocol: 'tcp' },
    ]);
    expect(broker?.deploy.constraints).toEqual(['node.role==manager']);
    expect(backend?.volumes).toEqual([{ type: 'volume', source: 'backend', target: '/data', readOnly: false }]);
    expect(worker?.image).toBe('mtzgroup/bigchem-worker');
    expect(worker?.environment).toEqual({ bigchem_broker_url: 'amqp://broker', bigchem_backend_url: 'redis://backend/0' });
    expect(worker?.deploy.mode).toBe('global');
    expect(worker?.volumes).toEqual([
      { type: 'bind', source: './src/bigchem', target: '/opt/src/bigchem', readOnly: false },
      { type: 'volume', source: 'worker', target: '/tmp', readOnly: false },
    ]);
  });

  it('compose mode keeps depends_on and container_name; build is reported', () => {
    const r = parseCompose(text, { mode: 'compose' });
    expect(r.services[2]?.dependsOn).toEqual(['broker', 'backend']);
    expect(r.services[0]?.containerName).toBe('bigchem-broker');
    expect(r.unsupported).toEqual([{ path: 'services.worker.build', why: expect.stringMatching(/building images is not supported/) }]);
    expect(r.warnings).toEqual([]);
  });

  it('stack mode reports build, container_name and depends_on as ignored by docker stack deploy, and warns on bind mounts', () => {
    const r = parseCompose(text, { mode: 'stack' });
    const ignored = 'ignored by docker stack deploy, as the CLI does';
    expect(r.unsupported).toEqual([
      { path: 'services.broker.container_name', why: ignored },
      { path: 'services.backend.container_name', why: ignored },
      { path: 'services.worker.build', why: ignored },
      { path: 'services.worker.container_name', why: ignored },
      { path: 'services.worker.depends_on', why: ignored },
    ]);
    expect(r.services[2]?.dependsOn).toEqual([]);
    expect(r.services[2]?.containerName).toBeUndefined();
    expect(paths(r.warnings)).toEqual(['services.worker.volumes[0]']);
  });
});

describe('parseCompose: BigChem fire.yaml (B6)', () => {
  const text = fixture('bigchem-fire.yaml');
  const r = parseCompose(text, { mode: 'stack', envFiles: { 'worker.prod.env': 'BIGCHEM_BROKER_URL=amqps://broker:5671\n# comment\n' } });

  it('resolves anchors and merge keys', () => {
    expect(r.services.map((s) => s.name)).toEqual(['fire-13-00', 'fire-11-01', 'fire-09-02', 'fire-21-00', 'fire-21-01', 'fire-21-02']);
    const s = r.services[0];
    expect(s?.image).toBe('mtzgroup/bigchem-worker:0.10.4-terachem');
    expect(s?.hostname).toBe('fire-13-00');
    expect(s?.deploy).toEqual({ replicas: 10, constraints: ['node.hostname==fire-13-00'], devices: [], genericResources: [] });
    expect(s?.secrets).toEqual([{ source: 'terachem_license', target: '/opt/terachem/license.key' }]);
    expect(r.services[1]?.hostname).toBeUndefined();
    expect(r.secrets).toEqual(['terachem_license']);
    expect(r.volumes).toEqual(['bigchem', 'bigchem-dev']);
  });

  it('turns $$ into $ and keeps swarm templates literally', () => {
    const s = r.services[0];
    expect(s?.command).toEqual([
      'sh',
      '-c',
      'gpu_id=$((TASK_SLOT - 1)); export CUDA_VISIBLE_DEVICES=$gpu_id; celery -A bigchem.tasks worker -Q celery,colton,gq,jan,ethan --hostname="$NODE_HOSTNAME-gpu-$gpu_id" --without-heartbeat --without-mingle --without-gossip --loglevel=INFO',
    ]);
    expect(s?.environment).toEqual({ BIGCHEM_BROKER_URL: 'amqps://broker:5671', TASK_SLOT: '{{.Task.Slot}}', NODE_HOSTNAME: '{{.Node.Hostname}}' });
    expect(s?.envFiles).toEqual(['worker.prod.env']);
    expect(r.services[5]?.command).toEqual(['celery', '-A', 'bigchem.tasks', 'worker', '-Q', 'colton', '--without-heartbeat', '--without-mingle', '--without-gossip', '--loglevel=INFO']);
  });

  it('reports the unknown key and nothing else', () => {
    expect(r.unsupported).toEqual([{ path: 'services.fire-21-02.stop_grace_period', why: 'not supported by the SimDeck import' }]);
  });

  it('reports an env_file that was not provided', () => {
    const bare = parseCompose(text, { mode: 'stack' });
    expect(bare.unsupported.filter((i) => i.path.endsWith('.env_file'))).toHaveLength(6);
    expect(bare.unsupported[0]?.why).toMatch(/env_file worker.prod.env was not provided/);
  });
});

describe('parseCompose: top-level volumes, networks and secrets', () => {
  it('lists external and renamed volumes and networks (SimDeck would create its own), but takes external secrets', () => {
    const r = parseCompose(
      [
        'services:',
        '  worker: { image: w, volumes: [data:/data, cache:/c], secrets: [token] }',
        'volumes: { data: { external: true }, cache: { name: shared-cache }, plain: {} }',
        'networks: { fabric: { external: true }, other: { external: false } }',
        'secrets: { token: { external: true } }',
      ].join('\n'),
      { mode: 'stack' },
    );
    expect(r.unsupported.map((u) => u.path).sort()).toEqual(['networks.fabric.external', 'volumes.cache.name', 'volumes.data.external']);
    expect(r.unsupported.find((u) => u.path === 'volumes.data.external')?.why).toMatch(/creates volumes as <project>_data/);
    expect(r.volumes).toEqual(['data', 'cache', 'plain']);
    expect(r.secrets).toEqual(['token']);
  });
});

describe('parseCompose: other keys', () => {
  it('reports unknown and unsupported keys with dotted paths, and reads long syntax', () => {
    const r = parseCompose(
      [
        'version: "3.8"',
        'x-anything: { a: 1 }',
        'configs: { c: { file: ./c } }',
        'services:',
        '  gpu:',
        '    image: ${IMAGE:-mtzgroup/bigchem-worker}:${TAG}',
        '    healthcheck: { test: [CMD, "true"] }',
        '    logging: { driver: json-file }',
        '    frobnicate: true',
        '    entrypoint: ["/bin/sh", "-c"]',
        '    command: ["echo", "$$HOME ${WHO-nobody}"]',
        '    environment: { A: 1, B: null, C: "${MISSING}" }',
        '    ports: [{ target: 80, published: 8080, protocol: udp, mode: host }, "127.0.0.1:9000:9000/tcp", "5000-5010:5000-5010"]',
        '    restart: unless-stopped',
        '    networks: [backend]',
        '    deploy:',
        '      replicas: 3',
        '      update_config: { parallelism: 2 }',
        '      restart_policy: { condition: on-failure, max_attempts: 3 }',
        '      resources:',
        '        limits: { cpus: "2" }',
        '        reservations:',
        '          devices: [{ driver: nvidia, count: 1, capabilities: [gpu] }]',
        '          generic_resources: [{ discrete_resource_spec: { kind: NVIDIA-GPU, value: 2 } }]',
        'networks: { backend: { driver: overlay } }',
      ].join('\n'),
      { mode: 'compose', env: { TAG: '0.10.4' } },
    );
    const s = r.services[0];
    expect(s?.image).toBe('mtzgroup/bigchem-worker:0.10.4');
    expect(s?.entrypoint).toEqual(['/bin/sh', '-c']);
    expect(s?.command).toEqual(['echo', '$HOME nobody']);
    expect(s?.environment).toEqual({ A: '1', B: null, C: '' });
    expect(s?.ports).toEqual([
      { target: 80, published: 8080, protocol: 'udp', mode: 'host' },
      { target: 9000, published: 9000, protocol: 'tcp', hostIp: '127.0.0.1' },
    ]);
    expect(s?.restart).toBe('unless-stopped');
    expect(s?.networks).toEqual(['backend']);
    expect(s?.deploy).toEqual({
      replicas: 3,
      constraints: [],
      restartPolicy: { condition: 'on-failure', maxAttempts: 3 },
      devices: [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }],
      genericResources: [{ kind: 'NVIDIA-GPU', value: 2 }],
    });
    expect(paths(r.unsupported).sort()).toEqual(
      [
        'services.gpu.environment.C', // ${MISSING} unset
        'version',
        'configs',
        'networks.backend.driver',
        'services.gpu.healthcheck',
        'services.gpu.logging',
        'services.gpu.frobnicate',
        'services.gpu.ports[2]',
        'services.gpu.deploy.update_config',
        'services.gpu.deploy.resources.limits',
      ].sort(),
    );
    expect(r.unsupported.find((i) => i.path === 'services.gpu.environment.C')?.why).toMatch(/MISSING is not set/);
    // stack mode: devices and restart are not honoured by swarm
    const stack = parseCompose('services:\n  w:\n    image: x\n    restart: always\n    deploy: { resources: { reservations: { devices: [{ capabilities: [gpu] }] } } }\n', { mode: 'stack' });
    expect(paths(stack.unsupported)).toEqual(['services.w.restart', 'services.w.deploy.resources.reservations.devices']);
  });

  it('rejects text that is not a compose file', () => {
    expect(() => parseCompose('- a\n- b\n')).toThrow(/YAML map/);
    expect(() => parseCompose('volumes: {}\n')).toThrow(/no "services"/);
  });
});

describe('interpolate and shellWords', () => {
  it('interpolates like compose', () => {
    const issues: ComposeIssue[] = [];
    const env = { A: 'a', E: '' };
    expect(interpolate('$$A $A ${A} ${E:-d} ${E-d} ${U-d} ${A:+set} ${U:+set}', env, 'p', issues)).toBe('$A a a d  d set ');
    expect(issues).toEqual([]);
    expect(interpolate('x $( y', env, 'q', issues)).toBe('x $( y');
    expect(interpolate('${U:?need U}', env, 'r', issues)).toBe('');
    expect(paths(issues)).toEqual(['q', 'r']);
  });

  it('splits words with POSIX quoting and no expansion', () => {
    expect(shellWords(`a  'b c' "d \\"e\\" $f" g\\ h ''`)).toEqual(['a', 'b c', 'd "e" $f', 'g h', '']);
    expect(() => shellWords('"open')).toThrow(/unterminated/);
  });
});
