// A BigChem-shaped compose file (broker + backend + 2 workers, named volumes, depends_on, one unsupported key)
// imported with parseCompose, planned with planFromCompose and deployed unchanged by deployLocalDocker (like
// `docker compose up -d`) and by deploySwarm (like `docker stack deploy`) on the test bed's real dockerd and Swarm,
// cross-checked with the real docker CLI.
import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCompose } from '../../electron/fleets/compose-import.js';
import { deployLocalDocker, fleetStatus, teardownFleet } from '../../electron/fleets/deploy-docker.js';
import { deploySwarm, removeStack, stackServices } from '../../electron/fleets/deploy-swarm.js';
import { COMPOSE_PROJECT, FLEET_LABEL } from '../../electron/fleets/labels.js';
import { composeRefusal, planFromCompose } from '../../electron/fleets/plan-compose.js';
import { loadTestbed, need } from './testbed.js';

const PROJECT = `itcompose${process.pid}`;
const FLEET_ID = `fleet-compose-${process.pid}`;
const NS = `itcstack${process.pid}`;
const SECRET = `itcompose-license-${process.pid}`;

let docker: Docker;
let host: string;
let image: string;
let secretId = '';

const cli = (...args: string[]): string => execFileSync('/usr/bin/docker', ['-H', host, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** BigChem's docker-compose.yaml (notes B2/B4) on the test bed's busybox image, with `build:` as the one unsupported key. */
const composeText = (img: string) => `
services:
  broker:
    image: ${img}
    hostname: rmq-host1
    command: sh -c 'sleep 300'
    volumes: ["broker:/var/lib/rabbitmq"]
    deploy: { placement: { constraints: ["node.role==manager"] } }
  backend:
    image: ${img}
    command: ["sleep", "300"]
    ports: ["6379"]
    volumes: ["backend:/data"]
    deploy: { placement: { constraints: ["node.role==manager"] } }
  worker:
    build: { context: ., dockerfile: docker/worker.dockerfile }
    image: ${img}
    depends_on: [broker, backend]
    command: sh -c 'sleep 300'
    environment:
      - bigchem_broker_url=amqp://broker
      - bigchem_backend_url=redis://backend/0
      - bigchem_worker_concurrency=\${CONCURRENCY:-1}
    volumes: ["worker:/tmp"]
    secrets: [{ source: ${SECRET}, target: license.key }]
    deploy: { replicas: 2 }
secrets: { ${SECRET}: { external: true } }
volumes: { broker: {}, backend: {}, worker: {} }
`;

async function waitFor<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 1000));
    last = await probe();
  }
  return last;
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
  return { code: (await ex.inspect()).ExitCode ?? -1, out: Buffer.concat(chunks).toString('utf8') };
}

async function labelled(fleet: string): Promise<string[]> {
  const filters = { label: [`${FLEET_LABEL}=${fleet}`] };
  const cs = await docker.listContainers({ all: true, filters });
  const vs = (await docker.listVolumes({ filters })).Volumes ?? [];
  const ns = await docker.listNetworks({ filters });
  return [...cs.map((c) => `container ${c.Names[0]?.replace(/^\//, '')}`), ...vs.map((v) => `volume ${v.Name}`), ...ns.map((n) => `network ${n.Name}`)].sort();
}

beforeAll(async () => {
  const tb = loadTestbed();
  const socketPath = need(tb, 'SIMDECK_TB_DOCKER_SOCKET');
  image = need(tb, 'SIMDECK_TB_DOCKER_IMAGE');
  host = `unix://${socketPath}`;
  docker = new Docker({ socketPath });
  const sec = await docker.createSecret({ Name: SECRET, Data: Buffer.from('license-for-test\n').toString('base64') });
  secretId = (sec as unknown as { id: string }).id;
});

afterAll(async () => {
  if (!docker) return;
  await teardownFleet(docker, FLEET_ID).catch(() => undefined);
  await removeStack(docker, NS, { wait: true }).catch(() => undefined);
  const vols = (await docker.listVolumes({ filters: { label: [`com.docker.stack.namespace=${NS}`] } }).catch(() => ({ Volumes: [] }))).Volumes ?? [];
  for (const v of vols) await docker.getVolume(v.Name).remove().catch(() => undefined);
  if (secretId) await docker.getSecret(secretId).remove().catch(() => undefined);
}, 120_000);

describe('compose import deployed (real dockerd and Swarm)', () => {
  it('reports the unsupported key in parseCompose and composeRefusal', () => {
    const imp = parseCompose(composeText(image), { mode: 'compose', env: { CONCURRENCY: '2' } });
    expect(imp.unsupported).toEqual([{ path: 'services.worker.build', why: expect.stringMatching(/building images is not supported/) }]);
    const msg = composeRefusal(imp);
    expect(msg).toContain('1 key SimDeck does not deploy');
    expect(msg).toContain('- services.worker.build: building images is not supported');
    const stack = composeRefusal(parseCompose(composeText(image), { mode: 'stack' }));
    expect(stack).toContain('- services.worker.build: ignored by docker stack deploy');
    expect(stack).toContain('- services.worker.depends_on: ignored by docker stack deploy');
  });

  it('local Docker: deploys like `docker compose up -d`, the CLI lists the containers, teardown removes exactly them', async () => {
    const imp = parseCompose(composeText(image), { mode: 'compose', env: { CONCURRENCY: '2' } });
    const plan = planFromCompose(imp, { project: PROJECT, target: 'local-docker', fleetId: FLEET_ID });
    expect(plan.warnings).toContain('Not deployed: services.worker.build: building images is not supported: build and push the image, then use image.');
    expect(plan.warnings.some((w) => w.startsWith(`services.worker.secrets: ${SECRET} NOT mounted`))).toBe(true);

    const steps: string[] = [];
    const { created } = await deployLocalDocker(docker, plan, { onStep: (m) => steps.push(m) });
    expect(created.map((o) => `${o.kind} ${o.name}`)).toEqual([
      `network ${PROJECT}_default`,
      `volume ${PROJECT}_broker`,
      `volume ${PROJECT}_backend`,
      `volume ${PROJECT}_worker`,
      `container ${PROJECT}-broker-1`,
      `container ${PROJECT}-backend-1`,
      `container ${PROJECT}-worker-1`,
      `container ${PROJECT}-worker-2`,
    ]);
    // depends_on: broker and backend run before the first worker is created.
    for (const dep of ['broker', 'backend']) {
      expect(steps.indexOf(`Starting container ${PROJECT}-${dep}-1`)).toBeLessThan(steps.indexOf(`Creating container ${PROJECT}-worker-1`));
    }

    const status = await fleetStatus(docker, FLEET_ID);
    expect(status.map((s) => `${s.name} ${s.service}/${s.number} ${s.state}`).sort()).toEqual([
      `${PROJECT}-backend-1 backend/1 running`,
      `${PROJECT}-broker-1 broker/1 running`,
      `${PROJECT}-worker-1 worker/1 running`,
      `${PROJECT}-worker-2 worker/2 running`,
    ]);
    const w2 = await docker.getContainer(`${PROJECT}-worker-2`).inspect();
    expect(w2.Config.Labels).toMatchObject({
      'com.docker.compose.project': PROJECT,
      'com.docker.compose.service': 'worker',
      'com.docker.compose.container-number': '2',
      'com.docker.compose.oneoff': 'False',
      [FLEET_LABEL]: FLEET_ID,
    });
    expect(w2.Config.Env).toEqual(expect.arrayContaining(['bigchem_broker_url=amqp://broker', 'bigchem_worker_concurrency=2']));
    expect(w2.Mounts.find((m) => m.Destination === '/tmp')?.Name).toBe(`${PROJECT}_worker`);
    const broker = await docker.getContainer(`${PROJECT}-broker-1`).inspect();
    expect(broker.Config.Hostname).toBe('rmq-host1');
    const backend = await docker.getContainer(`${PROJECT}-backend-1`).inspect();
    expect(Number(backend.NetworkSettings.Ports['6379/tcp']?.[0]?.HostPort)).toBeGreaterThan(0);
    // The workers reach broker and backend by their service names, as in compose's default network.
    for (const alias of ['broker', 'backend']) {
      const r = await exec(`${PROJECT}-worker-1`, ['ping', '-c1', '-W2', alias]);
      expect(r.code, r.out).toBe(0);
    }

    // The real CLI sees them as the compose project's containers. The test bed's docker CLI has no compose plugin
    // (`docker compose version` fails), so `docker ps` with the project label stands in for `docker compose ps`.
    let listed: string[];
    let composePlugin = true;
    try {
      cli('compose', 'version');
    } catch {
      composePlugin = false;
    }
    if (composePlugin) listed = cli('compose', '-p', PROJECT, 'ps', '--format', '{{.Name}}').trim().split('\n');
    else listed = cli('ps', '--filter', `label=${COMPOSE_PROJECT}=${PROJECT}`, '--format', '{{.Names}}').trim().split('\n');
    expect(listed.sort()).toEqual([`${PROJECT}-backend-1`, `${PROJECT}-broker-1`, `${PROJECT}-worker-1`, `${PROJECT}-worker-2`]);

    const before = await labelled(FLEET_ID);
    expect(before).toEqual(created.map((o) => `${o.kind} ${o.name}`).sort());
    const { removed } = await teardownFleet(docker, FLEET_ID);
    expect(removed.map((o) => `${o.kind} ${o.name}`).sort()).toEqual(before);
    expect(await labelled(FLEET_ID)).toEqual([]);
    expect(cli('ps', '-a', '--filter', `label=${COMPOSE_PROJECT}=${PROJECT}`, '--format', '{{.Names}}').trim()).toBe('');
  });

  it('Swarm: deploys like `docker stack deploy`; `docker stack services` lists the right replicas; secrets reach the workers', async () => {
    const imp = parseCompose(composeText(image), { mode: 'stack' });
    const plan = planFromCompose(imp, { project: NS, target: 'swarm', secretIds: { [SECRET]: secretId } });
    const res = await deploySwarm(docker, plan);
    expect(res.created.map((c) => `${c.kind}:${c.name}`)).toEqual([
      `network:${NS}_default`,
      `volume:${NS}_broker`,
      `volume:${NS}_backend`,
      `volume:${NS}_worker`,
      `service:${NS}_broker`,
      `service:${NS}_backend`,
      `service:${NS}_worker`,
    ]);
    expect(res.warnings).toEqual([]);

    const rows = () => cli('stack', 'services', NS, '--format', '{{.Name}} {{.Mode}} {{.Replicas}}').trim().split('\n').sort();
    await waitFor('all tasks running', async () => rows(), (r) => r.every((l) => /(\d+)\/\1$/.test(l) && !l.endsWith(' 0/0')));
    expect(rows()).toEqual([`${NS}_backend replicated 1/1`, `${NS}_broker replicated 1/1`, `${NS}_worker replicated 2/2`]);
    expect((await stackServices(docker, NS)).map((s) => `${s.name} ${s.desired}/${s.running}`)).toEqual([
      `${NS}_backend 1/1`,
      `${NS}_broker 1/1`,
      `${NS}_worker 2/2`,
    ]);

    const tasks = await docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${NS}_worker`] } });
    expect(tasks).toHaveLength(2);
    const first = tasks[0]!.Id;
    expect((await exec(first, ['cat', '/run/secrets/license.key'])).out).toContain('license-for-test'); // multiplexed stream: frame headers around the text
    const ping = await exec(first, ['ping', '-c1', '-W2', 'broker']);
    expect(ping.code, ping.out).toBe(0);
    const info = await docker.getContainer(first).inspect();
    expect(info.Config.Labels?.['com.docker.stack.namespace']).toBe(NS);

    const gone = await removeStack(docker, NS, { wait: true });
    expect(gone.services.sort()).toEqual([`${NS}_backend`, `${NS}_broker`, `${NS}_worker`]);
    expect(gone.networks).toEqual([`${NS}_default`]);
    expect(gone.volumesKept).toEqual([`${NS}_backend`, `${NS}_broker`, `${NS}_worker`]);
    expect(cli('stack', 'ls', '--format', '{{.Name}}')).not.toContain(NS);
  });
});
