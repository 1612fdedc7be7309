// A worker fleet as a SLURM job array on the real test bed, through SimDeck's core: real Celery workers (Debian's
// python3-celery) run as array tasks under SLURM and consume from the test bed's real RabbitMQ on the head node;
// SimDeck reads the broker's management API through a tunnel via the login node (sshd), shows the tasks as fleet
// members, scales the array down with scancel, and tears the fleet down (array cancelled, tunnel closed).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Project, Target } from '../../shared/domain.js';
import type { Fleet, FleetMember, FleetSample } from '../../shared/fleet.js';
import type { TunnelInfo } from '../../shared/files.js';
import { fails, ok, openTempCore, type TempCore } from '../../electron/testing/temp-core.js';
import { loadBrokers, rabbitApi, sendCeleryTasks, type Brokers } from '../support/brokers.js';
import { loadTestbed, need, slurmTargetSettings } from './testbed.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const P = process.pid;
const QUEUE = `simdeck-fleet-${P}`;
const FIXTURE = `/tmp/simdeck-fleet-fixture-${P}`;
const WORKDIR = `/tmp/simdeck-fleet-${P}`;
let t: TempCore;
let project: Project;
let target: Target;
let amqpUrl: string;
let rabbitPassword: string;
let fleet: Fleet | null = null;
let brokers: Brokers;

const get = (fleetId: string) => ok<{ fleet: Fleet; members: FleetMember[] }>(t.core, 'fleets.get', { fleetId });

async function until<T>(what: string, probe: () => Promise<T>, good: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last = await probe();
  while (!good(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 1000));
    last = await probe();
  }
  return last;
}

beforeAll(async () => {
  const tb = loadTestbed();
  brokers = loadBrokers();
  amqpUrl = need(tb, 'SIMDECK_TB_RABBITMQ_AMQP_URL');
  rabbitPassword = fs.readFileSync(need(tb, 'SIMDECK_TB_RABBITMQ_PASSWORD_FILE'), 'utf8').trim();
  // What a researcher keeps on the cluster: the Celery app, and the broker URL (with its password) in a file
  // only they can read, sourced by a setup line, so the password is in neither the workspace nor the job script.
  fs.mkdirSync(FIXTURE, { recursive: true });
  fs.copyFileSync(path.join(here, '..', 'fixtures', 'celery_app.py'), path.join(FIXTURE, 'celery_app.py'));
  fs.writeFileSync(
    path.join(FIXTURE, 'urls.env'),
    `export SIMDECK_CELERY_BROKER_URL='${amqpUrl}'\nexport BIGCHEM_BROKER_URL="$SIMDECK_CELERY_BROKER_URL"\nexport BIGCHEM_BACKEND_URL='rpc://'\n`,
    { mode: 0o600 },
  );
  execFileSync('chown', ['-R', 'slurmuser:slurmuser', FIXTURE]);

  t = openTempCore(undefined, { fleets: { intervalMs: 1000, sampleMs: 2000, maxBackoffMs: 4000 } });
  project = await ok<Project>(t.core, 'projects.create', { name: 'Fleet on SLURM' });
  target = await ok<Target>(t.core, 'targets.create', {
    name: 'test bed',
    kind: 'slurm',
    settings: slurmTargetSettings(tb, { workDir: WORKDIR, partition: need(tb, 'SIMDECK_TB_SLURM_PARTITION') }),
  });
});

afterAll(async () => {
  if (process.env.SIMDECK_KEEP_FLEET_FILES) return;
  if (fleet) await t.core.call('fleets.teardown', { fleetId: fleet.id, confirm: true });
  await t.dispose();
  fs.rmSync(FIXTURE, { recursive: true, force: true });
  fs.rmSync(WORKDIR, { recursive: true, force: true });
});

function spec(extra: Record<string, unknown> = {}) {
  return {
    projectId: project.id,
    targetId: target.id,
    name: `itslurm${P}`,
    broker: {},
    backend: {},
    workers: {
      command: ['/usr/bin/python3', '-m', 'celery', '-A', 'celery_app', 'worker', '--pool=solo', '--without-gossip', '--without-mingle'],
      queues: [QUEUE],
      concurrency: 1,
      replicas: 2,
    },
    slurm: { setup: [`source ${FIXTURE}/urls.env`, `cd ${FIXTURE}`], cpusPerTask: 1, mem: '300M', time: '00:15:00' },
    monitor: { kind: 'rabbitmq', url: 'http://127.0.0.1:15673', username: 'simdeck', viaTunnel: true },
    ...extra,
  };
}

it('refuses a broker URL that carries a password (it would be saved in the workspace and the script)', async () => {
  const err = await fails(t.core, 'fleets.previewDeploy', { spec: spec({ slurm: { brokerUrl: amqpUrl } }) });
  expect(err.message).toMatch(/contains a password/);
  expect(err.message).not.toContain(rabbitPassword);
});

it('runs real Celery workers as array tasks, reads the broker through a tunnel, scales down and tears down', async () => {
  const plan = await ok<{ resources: { kind: string; body: string }[] }>(t.core, 'fleets.previewDeploy', { spec: spec() });
  expect(plan.resources[0]).toMatchObject({ kind: 'slurm-array' });
  expect(plan.resources[0]!.body).toContain('#SBATCH --array=1-2');

  fleet = await ok<Fleet>(t.core, 'fleets.deploy', { spec: spec(), monitorPassword: rabbitPassword, confirm: true });
  expect(fleet.jobId).not.toBeNull();
  expect(fleet.tunnelId).not.toBeNull();
  const tunnel = (await ok<TunnelInfo[]>(t.core, 'tunnels.list')).find((x) => x.id === fleet!.tunnelId)!;
  expect(tunnel).toMatchObject({ remoteHost: '127.0.0.1', remotePort: 15673, state: 'listening' });

  // Both array tasks run, and both Celery workers consume from the fleet's queue on the real broker.
  const running = await until('2 array tasks running', () => get(fleet!.id), (v) => v.members.filter((m) => m.state === 'running').length === 2);
  expect(running.members.map((m) => m.slot)).toEqual([1, 2]);
  const consuming = await until('2 consumers', () => get(fleet!.id), (v) => /2 consumer\(s\)/.test(v.fleet.monitor?.state ?? ''));
  expect(consuming.fleet.monitor).toMatchObject({ kind: 'rabbitmq' });

  // Work sent to the queue is done by the fleet: RabbitMQ counts 20 acknowledgements on the fleet's queue, and the
  // samples SimDeck takes after the work was sent show 2 workers online, 2 consumers and the queue empty again.
  const sentAt = new Date().toISOString();
  await sendCeleryTasks(brokers, QUEUE, 20);
  await until('20 tasks acknowledged by the workers', () => rabbitApi(brokers, 'GET', `/api/queues/%2F/${QUEUE}`) as Promise<{ message_stats?: { ack?: number } }>, (q) => (q.message_stats?.ack ?? 0) >= 20, 90_000);
  const samples = await until(
    'a sample after the work drained',
    () => ok<FleetSample[]>(t.core, 'fleets.history', { fleetId: fleet!.id }),
    (v) => v.some((x) => x.at > sentAt && x.queueDepth === 0 && x.consumers === 2 && x.workersOnline === 2),
  );
  expect(samples.filter((x) => x.at > sentAt).length).toBeGreaterThan(0);

  // The worker's own output, from the array task's --output file on the cluster.
  const member = running.members[0]!.name;
  const logs = await until('the worker log', () => ok<{ text: string }>(t.core, 'fleets.logs', { fleetId: fleet!.id, member, tail: 200 }), (v) => /\[queues\]/.test(v.text));
  // Celery's banner: the unique node name (fleet, host, task index) and the fleet's queue.
  expect(logs.text).toMatch(/celery@itslurm\d+-.+-1 v5/);
  expect(logs.text).toContain(`.> ${QUEUE} exchange=${QUEUE}`);

  await ok(t.core, 'fleets.scale', { fleetId: fleet.id, workers: 1 });
  await until('1 consumer after scancel of task 2', () => get(fleet!.id), (v) => /1 consumer\(s\)/.test(v.fleet.monitor?.state ?? '') && v.fleet.workers.running === 1);

  const gone = await ok<Fleet>(t.core, 'fleets.teardown', { fleetId: fleet.id, confirm: true });
  expect(gone.state).toBe('removed');
  expect((await ok<TunnelInfo[]>(t.core, 'tunnels.list')).some((x) => x.id === fleet!.tunnelId)).toBe(false);
  const squeue = execFileSync('squeue', ['-h', '-n', `itslurm${P}`, '-t', 'PD,R', '-o', '%i'], { encoding: 'utf8' }).trim();
  expect(squeue).toBe('');
  fleet = null;
}, 300_000);
