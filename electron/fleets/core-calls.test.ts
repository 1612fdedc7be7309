// The fleet calls through the core's router (contract validation included): the wizard's preview per target kind
// and the compose import report.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Project, Target } from '../../shared/domain.js';
import type { FleetPlan } from '../../shared/fleet.js';
import { fails, ok, openTempCore, type TempCore } from '../testing/temp-core.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let t: TempCore;
let project: Project;

beforeEach(async () => {
  t = openTempCore();
  project = await ok<Project>(t.core, 'projects.create', { name: 'BigChem' });
});
afterEach(async () => t.dispose());

const spec = (targetId: string) => ({
  projectId: project.id,
  targetId,
  name: 'bigchem',
  broker: {},
  backend: {},
  workers: { image: 'mtzgroup/bigchem-worker:0.10.4', command: ['celery', '-A', 'bigchem.tasks', 'worker'], replicas: 2, queues: ['celery', 'colton'] },
});

describe('fleets through the core', () => {
  it('previews a local Docker fleet: network and volumes, broker and backend, then the workers, each with its docker command', async () => {
    const target = await ok<Target>(t.core, 'targets.create', { name: 'laptop', kind: 'local-docker', settings: {} });
    const plan = await ok<FleetPlan>(t.core, 'fleets.preview', { spec: spec(target.id) });
    expect(plan.target).toBe('local-docker');
    expect(plan.resources.map((r) => `${r.kind}:${r.name}`)).toEqual([
      'network:bigchem_default',
      'volume:bigchem_broker',
      'volume:bigchem_backend',
      'volume:bigchem_scratch',
      'container:bigchem-broker-1',
      'container:bigchem-backend-1',
      'container:bigchem-worker-1',
      'container:bigchem-worker-2',
    ]);
    expect(plan.resources.at(-1)!.command).toMatch(/^docker run -d --name bigchem-worker-2 .* mtzgroup\/bigchem-worker:0\.10\.4 celery -A bigchem\.tasks worker .*-Q celery,colton/);
  });

  it('previews the same fleet as a Swarm stack; fleets.preview is for Docker and Swarm only', async () => {
    const swarm = await ok<Target>(t.core, 'targets.create', { name: 'swarm', kind: 'swarm', settings: {} });
    const plan = await ok<FleetPlan>(t.core, 'fleets.preview', { spec: spec(swarm.id) });
    expect(plan.resources.filter((r) => r.kind === 'service').map((r) => r.name)).toEqual(['bigchem_broker', 'bigchem_backend', 'bigchem_worker']);
    expect(plan.labels['com.docker.stack.namespace']).toBe('bigchem');
    const slurm = await ok<Target>(t.core, 'targets.create', { name: 'expanse', kind: 'slurm', settings: { host: 'login.expanse' } });
    const err = await fails(t.core, 'fleets.preview', { spec: spec(slurm.id) });
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    const bad = await fails(t.core, 'fleets.preview', { spec: { ...spec(swarm.id), name: 'Big Chem!' } });
    expect(bad.message).toMatch(/lowercase letters, digits/);
  });

  it('imports BigChem’s compose file for a stack and lists what docker stack deploy ignores', async () => {
    const text = fs.readFileSync(path.join(here, 'fixtures', 'bigchem-docker-compose.yaml'), 'utf8');
    const r = await ok<{ services: { name: string; mode: string | null }[]; unsupported: { path: string; why: string }[] }>(t.core, 'fleets.importCompose', { text, mode: 'stack' });
    expect(r.services.map((s) => s.name)).toEqual(['broker', 'backend', 'worker']);
    expect(r.services.find((s) => s.name === 'worker')?.mode).toBe('global');
    expect(r.unsupported.map((u) => u.path)).toEqual(expect.arrayContaining(['services.worker.build', 'services.broker.container_name']));
  });

  it('previews a compose file for local Docker and for a stack, and says plainly when the text is not a compose file', async () => {
    const local = await ok<Target>(t.core, 'targets.create', { name: 'laptop', kind: 'local-docker', settings: {} });
    const swarm = await ok<Target>(t.core, 'targets.create', { name: 'swarm', kind: 'swarm', settings: {} });
    const text = 'services:\n  backend: { image: redis:7-alpine }\n  worker: { image: w:1, build: ., deploy: { replicas: 2 } }\n';
    const plan = await ok<FleetPlan>(t.core, 'fleets.previewCompose', { projectId: project.id, targetId: local.id, name: 'chem', text });
    expect(plan.resources.filter((r) => r.kind === 'container').map((r) => r.name)).toEqual(['chem-backend-1', 'chem-worker-1', 'chem-worker-2']);
    expect(plan.warnings.join('\n')).toMatch(/services\.worker\.build/);
    const stack = await ok<FleetPlan>(t.core, 'fleets.previewCompose', { projectId: project.id, targetId: swarm.id, name: 'chem', text });
    expect(stack.resources.filter((r) => r.kind === 'service').map((r) => r.command)).toEqual([expect.stringMatching(/^docker service create .*--name chem_backend/), expect.stringMatching(/--replicas 2/)]);
    const bad = await fails(t.core, 'fleets.importCompose', { text: '- just\n- a list\n' });
    expect(bad).toMatchObject({ code: 'INVALID_INPUT' });
    expect(bad.message).toMatch(/not a compose file SimDeck can read/);
  });

  it('plans a SLURM worker array only with its broker URLs, and never with a password in them', async () => {
    const slurm = await ok<Target>(t.core, 'targets.create', { name: 'expanse', kind: 'slurm', settings: { host: 'login.expanse', workDir: '/expanse/lustre/simdeck' } });
    const noArray = await fails(t.core, 'fleets.previewDeploy', { spec: spec(slurm.id) });
    expect(noArray.message).toMatch(/SLURM fleet needs its array options/);
    const secret = await fails(t.core, 'fleets.previewDeploy', { spec: { ...spec(slurm.id), slurm: { brokerUrl: 'redis://:hunter2@login1:6379/0' } } });
    expect(secret.message).toMatch(/contains a password/);
    expect(secret.message).not.toContain('hunter2');
    const plan = await ok<FleetPlan>(t.core, 'fleets.previewDeploy', { spec: { ...spec(slurm.id), slurm: { brokerUrl: 'redis://login1:6379/0', backendUrl: 'redis://login1:6379/1', setup: ['module load python/3.11'] } } });
    const script = plan.resources[0]!.body as string;
    expect(script).toContain('#SBATCH --array=1-2');
    expect(script).toContain('#SBATCH --output=/expanse/lustre/simdeck/BigChem/fleets/bigchem/%x_%A_%a.out');
    expect(script).toContain('export BIGCHEM_BROKER_URL=redis://login1:6379/0');
    expect(plan.resources[0]!.command).toMatch(/^cd \/expanse\/lustre\/simdeck\/BigChem\/fleets\/bigchem && sbatch /);
  });
});

