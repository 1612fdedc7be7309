// Fidelity check: real kubectl binaries against the simulator. Debian's kubectl 1.20 (apt-get download
// kubernetes-client; dpkg -x) at $SIMDECK_KUBECTL or /tmp/debian-kubectl/usr/bin/kubectl, and /usr/bin/kubectl
// (whatever version is installed) when present. `get jobs`, `get pods -w`, `describe`, `logs` must work.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { umbrellaJob, windowJobName } from './fixtures.js';
import type { KubeSim } from './server.js';
import { createJob, FAST_RUN, podsOf, runUntil, startFast } from './test-helpers.js';

const NS = 'openforcefield';
const debian = process.env.SIMDECK_KUBECTL ?? '/tmp/debian-kubectl/usr/bin/kubectl';
const candidates = [
  { label: 'Debian kubectl 1.20', bin: debian },
  { label: '/usr/bin/kubectl', bin: '/usr/bin/kubectl' },
].filter((c, i, all) => all.findIndex((o) => o.bin === c.bin) === i);

for (const { label, bin } of candidates) {
  const present = existsSync(bin);
  // Skipped with the reason in the title when the binary is missing.
  describe.skipIf(!present)(`${label} (${bin})${present ? '' : ' — not found: apt-get download kubernetes-client && dpkg -x … /tmp/debian-kubectl'}`, () => {
    let sim: KubeSim;
    let dir: string;
    let kubeconfig: string;
    const job = windowJobName(1, 0);

    // Asynchronous: the simulator runs in this process and must keep answering while kubectl waits.
    const kubectl = (...args: string[]) =>
      new Promise<{ out: string; err: string; code: number | null }>((resolve) => {
        execFile(bin, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], { encoding: 'utf8', timeout: 20_000 }, (e, out, err) =>
          resolve({ out, err, code: e ? (typeof e.code === 'number' ? e.code : 1) : 0 }),
        );
      });

    beforeAll(async () => {
      sim = await startFast({ logRequests: true, tls: true });
      dir = mkdtempSync(join(tmpdir(), 'kube-sim-kubectl-'));
      kubeconfig = sim.writeKubeconfig(join(dir, 'config'), { namespace: NS, context: 'nautilus' });
      await createJob(sim, NS, umbrellaJob(1, 0));
      await createJob(sim, NS, umbrellaJob(1, 1));
      sim.controller.tick(1);
    });
    afterAll(async () => sim?.close());

    it('get jobs / get pods / get nodes -L', async () => {
      const jobs = await kubectl('get', 'jobs');
      expect(jobs.code, jobs.err).toBe(0);
      expect(jobs.out).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE/);
      expect(jobs.out).toMatch(new RegExp(`${job}\\s+Running\\s+0/1`));
      const pods = await kubectl('get', 'pods', '-l', `job-name=${job}`, '-o', 'wide');
      expect(pods.code, pods.err).toBe(0);
      expect(pods.out).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
      expect(pods.out).toMatch(new RegExp(`${job}-\\w{5}\\s+0/1\\s+Init:0/2\\s+0`));
      const nodes = await kubectl('get', 'nodes', '-L', 'nvidia.com/gpu.product,nvidia.com/cuda.runtime.major,nvidia.com/cuda.runtime.minor', '-l', 'nvidia.com/gpu.product');
      expect(nodes.code, nodes.err).toBe(0);
      expect(nodes.out).toMatch(/rci-nrp-gpu-01\.sdsc\.optiputer\.net\s+Ready\s+<none>\s+\S+\s+v1\.30\.4\s+NVIDIA-A10\s+12\s+4/);
      expect(nodes.out).not.toContain('ry-cpu-01');
      const json = await kubectl('get', 'job', job, '-o', 'json');
      expect(JSON.parse(json.out)).toMatchObject({ kind: 'Job', metadata: { name: job } });
    });

    it('get pods -w prints updates as the pod moves through its init containers', async () => {
      const child = spawn(bin, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'get', 'pods', '-w', '-l', `job-name=${job}`]);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise((r) => setTimeout(r, 1500));
      sim.controller.tick(10); // init-git done → init-rclone
      await new Promise((r) => setTimeout(r, 300));
      sim.controller.tick(30); // init-rclone done → main image pull
      await new Promise((r) => setTimeout(r, 300));
      sim.controller.tick(100); // main running
      await new Promise((r) => setTimeout(r, 800));
      child.kill();
      const rows = out.trim().split('\n');
      expect(rows[0], out).toMatch(/^NAME\s+READY\s+STATUS/);
      expect(rows.length, out).toBeGreaterThanOrEqual(3);
      expect(out).toMatch(/Init:0\/2/);
      expect(out).toMatch(/Init:1\/2/);
      expect(out).toMatch(new RegExp(`${job}-\\w{5}\\s+1/1\\s+Running`));
    });

    it('describe job / describe pod', async () => {
      const dj = await kubectl('describe', 'job', job);
      expect(dj.code, dj.err).toBe(0);
      expect(dj.out).toMatch(new RegExp(`Name:\\s+${job}`));
      expect(dj.out).toMatch(/Namespace:\s+openforcefield/);
      expect(dj.out).toMatch(/Pods Statuses:\s+1 (Running|Active)/);
      expect(dj.out).toContain('SuccessfulCreate');
      const pod = podsOf(sim, NS, job)[0]?.metadata?.name ?? '';
      const dp = await kubectl('describe', 'pod', pod);
      expect(dp.code, dp.err).toBe(0);
      expect(dp.out).toMatch(/Status:\s+Running/);
      expect(dp.out).toMatch(/Init Containers:\s+init-git:/);
      expect(dp.out).toMatch(/Controlled By:\s+Job\/pb-jm-gb3/);
      expect(dp.out).toMatch(/Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned openforcefield\//);
      expect(dp.out).toContain('nvidia.com/gpu:');
    });

    it('logs -c main shows the Running simulation block', async () => {
      runUntil(sim, () => podsOf(sim, NS, job).some((p) => p.status?.phase === 'Succeeded'), 10_000, 30);
      const pod = podsOf(sim, NS, job)[0]?.metadata?.name ?? '';
      const logs = await kubectl('logs', pod, '-c', 'main');
      expect(logs.code, logs.err).toBe(0);
      expect(logs.out).toContain('Running simulation with');
      expect(logs.out).toContain(`    n_steps ${FAST_RUN.nSteps} steps`);
      expect(logs.out).toContain('    window_center 1.00');
      const init = await kubectl('logs', pod, '-c', 'init-rclone');
      expect(init.out).toContain('done chmoding');
      const jobs = await kubectl('get', 'jobs');
      expect(jobs.out).toMatch(new RegExp(`${job}\\s+Complete\\s+1/1`));
    });

    it('an unknown resource and a missing object fail like a real server', async () => {
      const missing = await kubectl('get', 'job', 'nope');
      expect(missing.code).not.toBe(0);
      expect(missing.err).toContain('jobs.batch "nope" not found');
    });
  });
}
