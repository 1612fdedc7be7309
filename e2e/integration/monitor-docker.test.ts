// The Docker GPU sampler against the test bed's REAL dockerd. No GPU exists here: the containers carry a STUB
// nvidia-smi (e2e/stubs/nvidia-smi-stub.sh, two A100 rows whose utilization is read from the file "util" next to
// the stub), so what is tested is SimDeck's side: Engine exec, stream demultiplexing, exit codes, parsing,
// attribution and problems — not NVIDIA's tool.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDockerGpus } from '../../electron/metrics/samplers/docker-gpu.js';
import { ok, openTempCore } from '../../electron/testing/temp-core.js';
import { openWorkspaceDb } from '../../electron/workspace/db.js';
import type { Project, Target } from '../../shared/domain.js';
import type { TargetSummary } from '../../shared/monitor.js';
import { loadTestbed, need } from './testbed.js';

const P = process.pid;
const STUB = join(dirname(fileURLToPath(import.meta.url)), '..', 'stubs', 'nvidia-smi-stub.sh');
/** The test image: busybox plus the STUB nvidia-smi as /usr/bin/nvidia-smi. */
const STUB_REPO = 'local/simdeck-nvidia-smi-stub';
const STUB_TAG = `it${P}`;
const STUB_IMAGE = `${STUB_REPO}:${STUB_TAG}`;

let docker: Docker;
let base: string;
const created: string[] = [];
let work: string;

/** A tar (for putArchive) of `files` (path inside the container → content, mode). */
function tarOf(files: Record<string, { text?: string; from?: string; mode: number }>): Buffer {
  const dir = mkdtempSync(join(work, 'tar-'));
  for (const [path, f] of Object.entries(files)) {
    const to = join(dir, path);
    mkdirSync(join(to, '..'), { recursive: true });
    if (f.from) copyFileSync(f.from, to);
    else writeFileSync(to, f.text ?? '');
    chmodSync(to, f.mode);
  }
  return execFileSync('tar', ['-C', dir, '--owner=0', '--group=0', '-cf', '-', ...Object.keys(files)], { maxBuffer: 16 << 20 });
}

async function buildStubImage(): Promise<void> {
  const c = await docker.createContainer({ Image: base, Cmd: ['true'] });
  try {
    await c.putArchive(tarOf({ 'usr/bin/nvidia-smi': { from: STUB, mode: 0o755 }, 'usr/bin/util': { text: '0\n', mode: 0o644 } }), { path: '/' });
    await c.commit({ repo: STUB_REPO, tag: STUB_TAG, changes: 'CMD ["sleep","3600"]' });
  } finally {
    await c.remove({ force: true });
  }
}

/** A container named `name` (made unique with the pid); `util` is written next to the stub before it starts. */
async function container(name: string, image: string, opts: { util?: number; start?: boolean } = {}): Promise<{ id: string; name: string }> {
  const full = `simdeck-it-smi-${name}-${P}`;
  const c = await docker.createContainer({ Image: image, name: full, Cmd: ['sleep', '3600'] });
  created.push(c.id);
  if (opts.util !== undefined) await c.putArchive(tarOf({ 'usr/bin/util': { text: `${opts.util}\n`, mode: 0o644 } }), { path: '/' });
  if (opts.start !== false) await c.start();
  return { id: c.id, name: full };
}

beforeAll(async () => {
  const tb = loadTestbed();
  docker = new Docker({ socketPath: need(tb, 'SIMDECK_TB_DOCKER_SOCKET') });
  base = need(tb, 'SIMDECK_TB_DOCKER_IMAGE');
  work = mkdtempSync(join(tmpdir(), 'simdeck-it-smi-'));
  await buildStubImage();
});

afterAll(async () => {
  for (const id of created) {
    await docker
      ?.getContainer(id)
      .remove({ force: true })
      .catch(() => undefined);
  }
  await docker
    ?.getImage(STUB_IMAGE)
    .remove({ force: true })
    .catch(() => undefined);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('sampleDockerGpus against the real dockerd (STUB nvidia-smi)', () => {
  it('reads the stub GPUs of each container with its own utilization, and names the container without nvidia-smi', async () => {
    const busy = await container('busy', STUB_IMAGE, { util: 88 });
    const idle = await container('idle', STUB_IMAGE, { util: 12 });
    const plain = await container('plain', base);
    const stopped = await container('stopped', STUB_IMAGE, { util: 50, start: false });

    const r = await sampleDockerGpus(
      docker,
      [
        { ...busy, owner: { worker: busy.name, window: `w-${P}` } },
        { ...idle, owner: { job: `job-${P}` } },
        plain,
        stopped,
      ],
      { timeoutMs: 20_000 },
    );

    expect(r.readings.map((x) => x.container)).toEqual([busy.name, idle.name]);
    const [b, i] = r.readings;
    expect(b?.owner).toEqual({ worker: busy.name, window: `w-${P}` });
    expect(i?.owner).toEqual({ job: `job-${P}` });
    expect(b?.gpus.map((g) => [g.index, g.uuid, g.name, g.utilGpu])).toEqual([
      [0, 'GPU-5e4e2d3a-9c1b-4f7e-8d2a-3b6c1f0e9a47', 'NVIDIA A100-SXM4-40GB', 88],
      [1, 'GPU-7a1c0b2e-1d4f-4c3a-9e8b-2f6d5c4b3a21', 'NVIDIA A100-SXM4-40GB', 88],
    ]);
    expect(i?.gpus.map((g) => g.utilGpu)).toEqual([12, 12]);
    expect(b?.gpus[0]).toMatchObject({ utilMemory: 7, memUsedMiB: 2210, memTotalMiB: 40960, powerDrawW: 88.1, powerLimitW: 400, temperatureC: 44 });

    expect(r.problems, JSON.stringify(r.problems)).toHaveLength(2);
    expect(r.problems[0]).toMatch(new RegExp(`^${plain.name}: nvidia-smi is not in the image / no GPU runtime \\(`));
    expect(r.problems[1]).toMatch(new RegExp(`^${stopped.name}: the container is not running`));
  });

  it('reports a failing nvidia-smi (non-zero exit, no output) as a problem of that container', async () => {
    const c = await container('failing', STUB_IMAGE, { util: 1 });
    // The configured nvidia-smi path (target settings) points at busybox's false: exit 1, nothing printed.
    const r = await sampleDockerGpus(docker, [c], { timeoutMs: 20_000, nvidiaSmi: '/bin/false' });
    expect(r.readings).toEqual([]);
    expect(r.problems).toEqual([`${c.name}: /bin/false failed (exit 1)`]);
  });
});

describe('the Monitor through the core', () => {
  it('samples the workers of a GPU fleet: GPUs owned by the worker, and container CPU and memory', async () => {
    const t = openTempCore(undefined, { monitor: { intervalMs: 3_600_000 } });
    try {
      const project = await ok<Project>(t.core, 'projects.create', { name: 'GPU fleet' });
      const target = await ok<Target>(t.core, 'targets.create', { name: 'docker', kind: 'local-docker', settings: { socketPath: need(loadTestbed(), 'SIMDECK_TB_DOCKER_SOCKET') } });
      // A fleet that asked for GPUs (its worker stands in for one started by the fleet service: this engine has no
      // NVIDIA runtime to honour a device request), labelled as the fleet service labels its workers.
      const fleet = `gpufleet${P}`;
      const db = openWorkspaceDb(t.dir);
      db.prepare("INSERT INTO fleets (id, project_id, target_id, name, target_kind, source, state, spec, created_at, updated_at) VALUES ('f-gpu', ?, ?, ?, 'local-docker', 'wizard', 'running', ?, 'x', 'x')").run(
        project.id,
        target.id,
        fleet,
        JSON.stringify({ workers: { gpu: 'all' } }),
      );
      db.close();
      const c = await docker.createContainer({ Image: STUB_IMAGE, name: `${fleet}-worker-1`, Cmd: ['sleep', '3600'], Labels: { 'io.simdeck.fleet': fleet, 'com.docker.compose.service': 'worker' } });
      created.push(c.id);
      await c.putArchive(tarOf({ 'usr/bin/util': { text: '15\n', mode: 0o644 } }), { path: '/' });
      await c.start();

      const r = await ok<{ jobs: number; samples: number; problems: string[] }>(t.core, 'monitor.sample', { targetId: target.id });
      expect(r.problems).toEqual([]);
      const board = await ok<TargetSummary[]>(t.core, 'monitor.dashboard', {});
      const gpus = board.find((b) => b.targetId === target.id)!.gpus;
      expect(gpus.map((g) => [g.gpu, g.util, g.owner?.kind, g.owner?.link])).toEqual([
        [0, 15, 'worker', { area: 'fleets', id: 'f-gpu', sub: `${fleet}/${fleet}-worker-1` }],
        [1, 15, 'worker', { area: 'fleets', id: 'f-gpu', sub: `${fleet}/${fleet}-worker-1` }],
      ]);
      expect(gpus.every((g) => g.underused)).toBe(true);
      const mem = await ok<{ points: { v: number }[] }>(t.core, 'monitor.query', { series: `container.mem/${target.id}/${fleet}-worker-1`, from: Date.now() - 60_000, to: Date.now() + 1000 });
      expect(mem.points).toHaveLength(1);
      expect(mem.points[0]!.v).toBeGreaterThan(0);
    } finally {
      await t.dispose();
    }
  });
});
