// dockerd restarted while SimDeck watches a fleet: the fleet shows "unreachable" with the engine's reason and
// the next try, then comes back to "running" by itself once dockerd (and the restart policy's containers) are
// back. Disruptive for anything else using the test bed, so it runs alone after the main suite
// (vitest.disruptive.config.ts, from e2e/testbed/run-integration.sh).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Project, Target } from '../../shared/domain.js';
import type { Fleet, FleetMember } from '../../shared/fleet.js';
import { ok, openTempCore, type TempCore } from '../../electron/testing/temp-core.js';
import Docker from 'dockerode';
import { ensureIdleImage } from '../support/idle-image.js';
import { loadTestbed, need } from './testbed.js';

const HERE = new URL('.', import.meta.url).pathname;
let t: TempCore;
let fleet: Fleet;

const get = (fleetId: string) => ok<{ fleet: Fleet; members: FleetMember[] }>(t.core, 'fleets.get', { fleetId });

async function until<T>(what: string, probe: () => Promise<T>, good: (v: T) => boolean, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  let last = await probe();
  while (!good(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last).slice(0, 1500)}`);
    await new Promise((r) => setTimeout(r, 500));
    last = await probe();
  }
  return last;
}

beforeAll(async () => {
  const tb = loadTestbed();
  t = openTempCore(undefined, { fleets: { intervalMs: 500, sampleMs: 2000, maxBackoffMs: 2000 } });
  const project = await ok<Project>(t.core, 'projects.create', { name: 'Restart IT' });
  const target = await ok<Target>(t.core, 'targets.create', { name: 'docker', kind: 'local-docker', settings: { socketPath: need(tb, 'SIMDECK_TB_DOCKER_SOCKET') } });
  const image = await ensureIdleImage(new Docker({ socketPath: need(tb, 'SIMDECK_TB_DOCKER_SOCKET') }), need(tb, 'SIMDECK_TB_DOCKER_IMAGE'));
  fleet = await ok<Fleet>(t.core, 'fleets.deploy', {
    spec: {
      projectId: project.id,
      targetId: target.id,
      name: `itrestart${process.pid}`,
      broker: { kind: 'redis', image },
      backend: { image },
      workers: { image, command: ['sh', '-c', 'sleep 600'], replicas: 2 },
    },
    confirm: true,
  });
});

afterAll(async () => {
  await t.core.call('fleets.teardown', { fleetId: fleet.id, confirm: true });
  await t.dispose();
});

it('shows the fleet unreachable while dockerd is down and running again once it is back, without being asked', async () => {
  await until('2 workers running', () => get(fleet.id), (v) => v.fleet.workers.running === 2);
  const dir = process.env.SIMDECK_TESTBED_DIR || '/tmp/simdeck-testbed';
  const pid = Number(readFileSync(join(dir, 'docker', 'dockerd.pid'), 'utf8').trim());
  process.kill(pid, 'SIGTERM');
  const down = await until('unreachable', () => get(fleet.id), (v) => v.fleet.state === 'unreachable');
  expect(down.fleet.message).toMatch(/Docker engine|dockerd|socket/i);
  expect(down.fleet.message).toMatch(/tries again in \d+ s/);
  // The last members seen stay visible while the engine is away.
  expect(down.members.filter((m) => m.role === 'worker')).toHaveLength(2);

  execFileSync('bash', [join(HERE, '..', 'testbed', 'up.sh'), 'docker'], { stdio: 'ignore', timeout: 120_000 });
  const back = await until('running again', () => get(fleet.id), (v) => v.fleet.state === 'running' && v.fleet.workers.running === 2, 120_000);
  expect(back.fleet.message).toBe('2 of 2 workers running');
});
