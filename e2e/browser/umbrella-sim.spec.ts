import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startKubeSim, type KubeSim } from '../kube-sim/server.js';
import { serve, tempWorkspace, type Served } from '../support/serve.js';

// A campaign from the wizard to the progress grid, against the Kubernetes API simulator: the researcher imports
// the cluster from a kubeconfig, the wizard reads the live CUDA labels of the GPU nodes, previews the manifests,
// launches 1 replica × 6 windows, and watches the grid cells go to "done" with 100 %; the provenance records
// are on disk where the seed keeps them.
let sim: KubeSim;
let workspace: string;
let home: string;
let served: Served | undefined;

test.beforeEach(async () => {
  sim = await startKubeSim({
    speed: 600,
    run: { nSteps: 125_000, outputFrequency: 2_500, checkpointFrequency: 25_000, saveStateFrequency: 25_000, equilibrationSteps: 0, uploadSeconds: 1_800 },
  });
  workspace = tempWorkspace();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-home-'));
});
test.afterEach(async () => {
  await served?.stop();
  served = undefined;
  await sim.close();
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });
});

test('wizard → preview → launch → grid of done windows; a window’s log; extend by a window', async ({ page }) => {
  const kubeconfig = path.join(home, 'nautilus.yaml');
  sim.writeKubeconfig(kubeconfig, { namespace: 'openforcefield', context: 'nautilus' });
  // The simulator's clock runs 600× real time, so SimDeck's reader (about one read per window per minute) is
  // sped up by the same measure.
  served = await serve(workspace, [], { HOME: home, SIMDECK_UMBRELLA_READ_INTERVAL_MS: '200', SIMDECK_UMBRELLA_READ_RATE: '50' });
  await page.goto(served.url);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');

  await page.getByTestId('nav-projects').click();
  await page.getByTestId('new-project-name').fill('GB3 umbrella');
  await page.getByTestId('create-project').click();
  await expect(page.getByTestId('project-row').filter({ hasText: 'GB3 umbrella' })).toBeVisible();

  // The cluster comes from the kubeconfig (Targets → Add from kubeconfig).
  await page.getByTestId('nav-targets').click();
  await page.getByTestId('kube-import-open').click();
  const dialog = page.getByTestId('kube-import');
  await dialog.getByTestId('kube-import-path').fill(kubeconfig);
  await dialog.getByTestId('kube-import-list').click();
  const ctx = dialog.getByTestId('kube-context-row').filter({ hasText: 'nautilus' });
  await expect(ctx).toBeVisible();
  await ctx.getByTestId('kube-context-add').click();
  await expect(page.getByTestId('target-row').filter({ hasText: 'nautilus' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  await page.getByTestId('nav-umbrella').click();
  await page.getByTestId('campaign-new').click();
  const wiz = page.getByTestId('campaign-wizard');
  // CUDA versions come from the nodes' labels (the simulator has 12.4, 12.2 and 11.8 GPU nodes).
  await expect(wiz.getByTestId('cw-cuda')).toContainText('12.4');
  await expect(wiz.getByTestId('cw-cuda')).toContainText('11.8');
  await wiz.getByTestId('cw-initials').fill('jm');
  await wiz.getByTestId('cw-ff').fill('null-0.0.3-pair-opc3');
  await wiz.getByTestId('cw-replicas').fill('1');
  await wiz.getByTestId('cw-windows').fill('6');
  await wiz.getByTestId('cw-commit').fill('a84759b82298ccfdc41dabd4ce17fc401f10e49d');
  await wiz.getByTestId('cw-preview').click();
  await expect(wiz.getByTestId('cw-preview-result')).toContainText('6 manifests');
  await expect(wiz.getByTestId('cw-manifest-yaml')).toContainText('PROTBENCH_SCRIPT_COMMIT');
  await wiz.getByTestId('cw-launch').click();
  await page.getByTestId('cw-launch-confirm').click();

  // The campaign page: six cells, each ends done at 100 %.
  const grid = page.getByTestId('window-grid');
  await expect(grid).toBeVisible({ timeout: 20_000 });
  const cells = grid.getByTestId('window-cell');
  await expect(cells).toHaveCount(6);
  await expect(grid.locator('[data-testid=window-cell][data-phase=done]')).toHaveCount(6, { timeout: 60_000 });
  for (const cell of await cells.all()) await expect(cell).toHaveAttribute('data-percent', '100');

  // Debug a window: its drawer shows the main container's log, with the run's parameters.
  await cells.nth(2).click();
  const drawer = page.getByTestId('window-drawer');
  await drawer.getByTestId('window-logs-load').click();
  await expect(drawer.getByTestId('window-logs')).toContainText('Running simulation with');
  await expect(drawer.getByTestId('window-logs')).toContainText('window_center');
  await drawer.getByRole('button', { name: 'Close window details' }).click();
  await expect(drawer).toHaveCount(0);

  // Extend the campaign by one window: a seventh cell, which also runs to the end.
  await page.getByTestId('campaign-extend').click();
  const extend = page.getByTestId('campaign-extend-dialog');
  await extend.getByTestId('extend-windows').fill('06 0.88');
  await extend.getByTestId('extend-submit').click();
  await expect(cells).toHaveCount(7, { timeout: 20_000 });
  await expect(grid.locator('[data-testid=window-cell][data-phase=done]')).toHaveCount(7, { timeout: 60_000 });

  // The Jobs exist on the cluster, and the applied manifests are kept where the seed keeps them.
  expect(sim.store.list('jobs', 'openforcefield').map((j) => j.metadata?.name).sort()).toEqual(
    ['00', '01', '02', '03', '04', '05', '06'].map((w) => `pb-jm-gb3-null-003-pair-opc3-1-${w}`),
  );
  const records = path.join(home, 'SimDeck', 'GB3 umbrella', 'results', 'gb3-null-0.0.3-pair-opc3', 'replica-1');
  expect(fs.readdirSync(records).sort()).toEqual(['00', '01', '02', '03', '04', '05', '06'].map((w) => `gb3-null-0.0.3-pair-opc3-1-${w}.yaml`));
});
