import { expect, test, type APIRequestContext } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Job, Project, Target } from '../../shared/domain.js';
import { loadTestbed, slurmTargetSettings } from '../integration/testbed.js';
import { apiContext, callOk } from '../support/api.js';
import { repoRoot, serve, tempWorkspace, type Served } from '../support/serve.js';

// The Monitor on the real SLURM test bed: a job runs, SimDeck samples its GPUs inside the job's allocation
// (srun --overlap), and the dashboard lists the job among those under-using their GPUs; clicking it opens the job.
// There is no GPU here: the node runs a STUB nvidia-smi (e2e/stubs/nvidia-smi-stub.sh, 12 % utilization on two
// A100 rows), named by the target's `nvidiaSmi` setting.
const tb = loadTestbed();
const DIR = `/tmp/simdeck-monitor-ui-${process.pid}`;
const STUB = `${DIR}/nvidia-smi-stub`;

let workspace: string;
let home: string;
let served: Served | undefined;
let api: APIRequestContext | undefined;
let job: Job | undefined;

test.beforeAll(async ({ playwright }) => {
  fs.mkdirSync(DIR, { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'e2e', 'stubs', 'nvidia-smi-stub.sh'), STUB);
  fs.chmodSync(STUB, 0o755);
  fs.writeFileSync(`${DIR}/util`, '12\n');
  execFileSync('chown', ['-R', 'slurmuser:slurmuser', DIR]);
  workspace = tempWorkspace();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-home-'));
  served = await serve(workspace, [], { HOME: home });
  api = await apiContext(playwright, served);
  const project = await callOk<Project>(api, 'projects.create', { name: 'Monitor UI' });
  const target = await callOk<Target>(api, 'targets.create', {
    name: 'Test-bed cluster',
    kind: 'slurm',
    settings: slurmTargetSettings(tb, { workDir: `${DIR}/work`, nvidiaSmi: STUB }),
  });
  [job] = await callOk<Job[]>(api, 'slurm.submit', { projectId: project.id, targetIds: [target.id], name: `underused-${process.pid}`, template: 'cpu', values: { command: 'sleep 300' } });
  await expect
    .poll(async () => (await callOk<Job[]>(api!, 'jobs.list', {})).find((j) => j.id === job!.id)?.state, { timeout: 90_000 })
    .toBe('running');
});

test.afterAll(async () => {
  if (api && job) await api.post('/api/slurm.act', { data: { jobIds: [job.id], action: 'cancel' } });
  await api?.dispose();
  await served?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(DIR, { recursive: true, force: true });
});

test('the dashboard shows a job under-using its GPUs and opens the job', async ({ page }) => {
  await page.goto(served!.url);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('nav-monitor').click();
  // Sample now instead of waiting for the next minute.
  await page.getByTestId('monitor-sample-now').first().click();
  await expect(page.getByTestId('monitor-reachability').first()).toHaveAttribute('data-state', 'reachable');
  const rows = page.getByTestId('heat-row');
  await expect(rows).toHaveCount(2, { timeout: 60_000 });
  await expect(rows.first()).toHaveAttribute('data-job-id', job!.id);
  await expect(rows.first()).toHaveAttribute('data-underused', 'true');
  const under = page.getByTestId('underuse-row');
  await expect(under).toHaveCount(2);
  await expect(under.first()).toHaveAttribute('data-job-id', job!.id);

  await under.first().getByTestId('underuse-open-job').click();
  await expect(page.getByTestId('job-drawer')).toBeVisible();
  await expect(page.getByTestId('job-drawer')).toContainText(job!.name);
});
