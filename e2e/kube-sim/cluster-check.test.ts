// A Kubernetes target through SimDeck's core: the connection check and GPU inventory (CUDA runtime labels, GPUs),
// an exec auth plugin's failure shown verbatim, and a failed apply recorded as failed with its manifest kept aside
// so the window can be launched again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project, Target, TargetCheck } from '../../shared/domain.js';
import type { Campaign, WindowStatus } from '../../shared/kube.js';
import { seedSpec } from '../../electron/kube/umbrella/seed.js';
import { fails, ok, openTempCore, type TempCore } from '../../electron/testing/temp-core.js';
import { startKubeSim, type KubeSim } from './server.js';

let sim: KubeSim;
let t: TempCore;
let home: string;
let kubeconfig: string;
const oldHome = process.env.HOME;

beforeAll(async () => {
  sim = await startKubeSim({ autoRun: false });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-home-'));
  process.env.HOME = home;
  kubeconfig = path.join(home, 'kubeconfig');
  sim.writeKubeconfig(kubeconfig, { namespace: 'openforcefield', context: 'nautilus' });
  t = openTempCore();
});

afterAll(async () => {
  await t?.dispose();
  await sim?.close();
  process.env.HOME = oldHome;
});

describe('a Kubernetes target', () => {
  it('checks the connection and reports the GPU nodes with their CUDA runtimes', async () => {
    const target = await ok<Target>(t.core, 'targets.create', { name: 'Nautilus', kind: 'kubernetes', settings: { kubeconfigPath: kubeconfig, context: 'nautilus' } });
    const check = await ok<TargetCheck>(t.core, 'targets.check', { id: target.id });
    expect(check.ok).toBe(true);
    expect(check.summary).toMatch(/^Kubernetes v\d+\.\d+.*namespace openforcefield, \d+ GPU nodes$/);
    expect(check.details.cuda).toContain('12.4');
    const nodes = await ok<{ nodes: { gpuProduct: string | null; allocatableGpus: number }[]; cuda: { major: string; minor: string }[] }>(t.core, 'kube.nodes', { targetId: target.id });
    expect(nodes.nodes.length).toBeGreaterThan(0);
    expect(nodes.nodes.every((n) => n.gpuProduct && n.allocatableGpus > 0)).toBe(true);
    expect(nodes.cuda.map((c) => `${c.major}.${c.minor}`)).toEqual(expect.arrayContaining(['12.4', '11.8']));
  });

  it('shows an exec auth plugin’s own error text (e.g. an expired OIDC login)', async () => {
    const plugin = path.join(home, 'kubelogin-stub');
    // STUB standing in for NRP's kubelogin (an exec credential plugin): it fails the way an expired login does.
    fs.writeFileSync(plugin, '#!/bin/sh\necho "error: oidc: refresh token is expired; run kubectl oidc-login to log in again" >&2\nexit 1\n', { mode: 0o755 });
    const cfg = fs.readFileSync(kubeconfig, 'utf8').replace(
      /users:\n- name: (\S+)\n  user:\n(    .*\n)+/,
      (_m, name: string) =>
        `users:\n- name: ${name}\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: ${plugin}\n      interactiveMode: Never\n`,
    );
    expect(cfg).toContain(plugin);
    const file = path.join(home, 'kubeconfig-oidc');
    fs.writeFileSync(file, cfg);
    const target = await ok<Target>(t.core, 'targets.create', { name: 'Nautilus OIDC', kind: 'kubernetes', settings: { kubeconfigPath: file, context: 'nautilus' } });
    const err = await fails(t.core, 'targets.check', { id: target.id });
    expect(err.message).toContain('refresh token is expired; run kubectl oidc-login to log in again');
  });
});

describe('a failed apply', () => {
  it('is recorded as failed, its manifest kept aside, and the window can be launched again', async () => {
    const project = await ok<Project>(t.core, 'projects.create', { name: 'Apply failures' });
    const target = await ok<Target>(t.core, 'targets.create', { name: 'Nautilus 2', kind: 'kubernetes', settings: { kubeconfigPath: kubeconfig, context: 'nautilus' } });
    // Someone already created a Job with window 00's name by hand: Kubernetes answers 409 AlreadyExists.
    const spec = { ...seedSpec({}), projectId: project.id, targetId: target.id, replicas: 1, windows: [{ index: 0, centre: 1 }, { index: 1, centre: 0.98 }] };
    sim.store.create('jobs', {
      metadata: { name: 'pb-jm-gb3-null-003-pair-opc3-1-00', namespace: 'openforcefield' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } } },
    });
    const campaign = await ok<Campaign>(t.core, 'umbrella.launch', { spec, confirm: true });
    const { windows } = await ok<{ windows: WindowStatus[] }>(t.core, 'umbrella.get', { campaignId: campaign.id });
    expect(windows[0]).toMatchObject({ window: 0, phase: 'failed', message: expect.stringMatching(/already exists.*kept as gb3-null-0\.0\.3-pair-opc3-1-00\.failed-.*\.yaml; launching this window again is allowed/) });
    expect(windows[1]!.phase).toBe('queued');
    const dir = path.join(campaign.resultsDir, 'gb3-null-0.0.3-pair-opc3', 'replica-1');
    const files = fs.readdirSync(dir).sort();
    expect(files.some((f) => /^gb3-null-0\.0\.3-pair-opc3-1-00\.failed-.*\.yaml$/.test(f))).toBe(true);
    expect(files).not.toContain('gb3-null-0.0.3-pair-opc3-1-00.yaml'); // the path is free for a retry
    const kept = await ok<{ outcome: string }[]>(t.core, 'umbrella.manifests', { campaignId: campaign.id, replica: 1, window: 0 });
    expect(kept.map((m) => m.outcome)).toEqual(['failed']);

    // The researcher removes the stray Job and restarts the window: it is applied this time.
    sim.store.delete('jobs', 'openforcefield', 'pb-jm-gb3-null-003-pair-opc3-1-00');
    const retry = await ok<{ ok: boolean; message: string }[]>(t.core, 'umbrella.act', { campaignId: campaign.id, action: 'restart', windows: [{ replica: 1, window: 0 }] });
    expect(retry[0]).toMatchObject({ ok: true });
    const after = await ok<{ outcome: string }[]>(t.core, 'umbrella.manifests', { campaignId: campaign.id, replica: 1, window: 0 });
    expect(after.map((m) => m.outcome)).toEqual(['failed', 'applied']);
  });
});
