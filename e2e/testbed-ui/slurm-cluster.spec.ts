import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTestbed, need } from '../integration/testbed.js';
import { serve, tempWorkspace, type Served } from '../support/serve.js';

// A researcher's first cluster: add the test-bed SLURM cluster through the wizard, check the host key SimDeck shows
// against the one the admins published and trust it, submit a job from the CPU template, and watch it run.
const tb = loadTestbed();
let workspace: string;
let home: string;
let served: Served | undefined;

test.beforeEach(() => {
  workspace = tempWorkspace();
  // A fresh HOME: no ~/.ssh/known_hosts that already knows the test bed, so SimDeck must ask.
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-home-'));
});
test.afterEach(async () => {
  await served?.stop();
  served = undefined;
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });
});

test('add the test-bed cluster with the wizard, trust its host key, submit from a template, see it run', async ({ page }) => {
  served = await serve(workspace, [], { HOME: home });
  await page.goto(served.url);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');

  await page.getByTestId('nav-projects').click();
  await page.getByTestId('new-project-name').fill('Barnase mutants');
  await page.getByTestId('create-project').click();
  await expect(page.getByTestId('project-row').filter({ hasText: 'Barnase mutants' })).toBeVisible();

  // The wizard: connection settings, then "Test connection".
  await page.getByTestId('nav-targets').click();
  await page.getByTestId('cluster-wizard-open').click();
  const wizard = page.getByTestId('cluster-wizard');
  await wizard.getByTestId('wizard-name').fill('Test bed');
  await wizard.getByTestId('wizard-host').fill(need(tb, 'SIMDECK_TB_SSH_HOST'));
  await wizard.getByTestId('wizard-port').fill(need(tb, 'SIMDECK_TB_SSH_PORT'));
  await wizard.getByTestId('wizard-user').fill(need(tb, 'SIMDECK_TB_SSH_USER'));
  await wizard.getByTestId('wizard-auth').selectOption('key');
  await wizard.getByTestId('wizard-key-path').fill(need(tb, 'SIMDECK_TB_SSH_KEY'));
  const workDir = `/tmp/simdeck-ui-${process.pid}-${Date.now()}`;
  await wizard.getByTestId('wizard-workdir').fill(workDir);
  await wizard.getByTestId('wizard-test').click();

  // Unknown host: SimDeck shows the SHA256 fingerprint and waits for the researcher.
  const hostKey = page.getByTestId('hostkey-dialog');
  await expect(hostKey.locator('[data-kind=unknown]')).toBeVisible();
  await expect(hostKey.getByTestId('hostkey-fingerprint')).toContainText(need(tb, 'SIMDECK_TB_SSH_HOSTKEY_SHA256'));
  await hostKey.getByTestId('hostkey-trust').click();

  const check = wizard.getByTestId('wizard-check-result');
  await expect(check).toContainText('SLURM 22.05');
  await expect(check).toContainText(need(tb, 'SIMDECK_TB_SLURM_PARTITION'));
  await wizard.getByTestId('wizard-save').click();
  await expect(page.getByTestId('target-row').filter({ hasText: 'Test bed' })).toBeVisible();

  // Submit from the CPU template: preview first, then send.
  await page.getByTestId('nav-jobs').click();
  await page.getByTestId('submit-open').click();
  const submit = page.getByTestId('submit-wizard');
  await submit.getByTestId('submit-name').fill('relax-mutantA-model1');
  await submit.getByTestId('submit-value-command').fill('echo "hello from $SLURM_JOB_ID"; sleep 15; echo done');
  await submit.getByTestId('submit-preview').click();
  await expect(submit.getByTestId('submit-script')).toContainText('#SBATCH --output=slurm-%j.out');
  await expect(submit.getByTestId('submit-script')).toContainText('hello from');
  await submit.getByTestId('submit-send').click();

  const row = page.getByTestId('job-row').filter({ hasText: 'relax-mutantA-model1' });
  await expect(row).toBeVisible();
  // SimDeck follows a fresh submission closely (every 5 s), so the run itself is seen, not just its end.
  await expect(row).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await expect(row).toHaveAttribute('data-state', 'completed', { timeout: 90_000 });

  // The drawer tells the story: the state timeline went through running to completed.
  await row.click();
  const drawer = page.getByTestId('job-drawer');
  await expect(drawer.getByTestId('job-script')).toContainText('hello from');
  await expect(drawer.locator('.timeline')).toContainText(/running/i);
  await expect(drawer.locator('.timeline')).toContainText(/completed/i);

  // The cluster itself ran it in the chosen folder.
  const outputs = fs.readdirSync(workDir, { recursive: true }).map(String).filter((f) => /slurm-\d+\.out$/.test(f));
  expect(outputs).toHaveLength(1);
  expect(fs.readFileSync(path.join(workDir, outputs[0]!), 'utf8')).toMatch(/hello from \d+\ndone/);
});
