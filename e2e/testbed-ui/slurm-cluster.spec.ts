import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import net from 'node:net';
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

  // The cluster itself ran it in the chosen folder.
  const outputs = fs.readdirSync(workDir, { recursive: true }).map(String).filter((f) => /slurm-\d+\.out$/.test(f));
  expect(outputs).toHaveLength(1);
  const remoteOut = path.join(workDir, outputs[0]!);
  expect(fs.readFileSync(remoteOut, 'utf8')).toMatch(/hello from \d+\ndone/);

  // The drawer tells the story: the state timeline went through running to completed, the output tail shows what
  // the job printed, and the work folder lists its output file.
  await row.click();
  const drawer = page.getByTestId('job-drawer');
  await expect(drawer.getByTestId('job-script')).toContainText('hello from');
  await expect(drawer.locator('.timeline')).toContainText(/running/i);
  await expect(drawer.locator('.timeline')).toContainText(/completed/i);
  await expect(drawer.getByTestId('job-output-text')).toContainText(/hello from \d+\s+done/);

  // Download the output file: it lands in ~/Downloads/SimDeck with the same bytes.
  const outFile = drawer.locator(`[data-testid=file-row][data-name="${path.basename(remoteOut)}"]`);
  await outFile.getByTestId('file-download').click();
  const transfer = page.getByTestId('transfer-row').filter({ hasText: path.basename(remoteOut) });
  await expect(transfer).toHaveAttribute('data-state', 'done');
  const local = path.join(home, 'Downloads', 'SimDeck', path.basename(remoteOut));
  expect(fs.readFileSync(local, 'utf8')).toBe(fs.readFileSync(remoteOut, 'utf8'));
});

test('a named tunnel through the cluster reaches a service on the login node, and stops', async ({ page }) => {
  served = await serve(workspace, [], { HOME: home });
  const api = async (method: string, params: unknown) => {
    const res = await fetch(`${served!.origin}/api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${served!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    const env = (await res.json()) as { ok: boolean; result?: unknown; error?: { message: string } };
    if (!env.ok) throw new Error(`${method}: ${env.error?.message}`);
    return env.result;
  };
  // The cluster profile and its trusted key come from the API here; the wizard has its own test above.
  await api('targets.create', {
    name: 'Test bed',
    kind: 'slurm',
    settings: {
      host: need(tb, 'SIMDECK_TB_SSH_HOST'),
      port: Number(need(tb, 'SIMDECK_TB_SSH_PORT')),
      username: need(tb, 'SIMDECK_TB_SSH_USER'),
      privateKeyPath: need(tb, 'SIMDECK_TB_SSH_KEY'),
      hostKeySha256: need(tb, 'SIMDECK_TB_SSH_HOSTKEY_SHA256'),
      useAgent: 'false',
    },
  });
  await page.goto(served.url);
  await page.getByTestId('nav-targets').click();
  // The far end is the login node's own sshd (port 2222): whatever answers there is what the tunnel carries.
  const form = page.getByTestId('tunnel-form');
  await form.getByTestId('tunnel-name').fill('sshd on the login node');
  await form.getByTestId('tunnel-local-port').fill('0');
  await form.getByTestId('tunnel-remote-host').fill('localhost');
  await form.getByTestId('tunnel-remote-port').fill(need(tb, 'SIMDECK_TB_SSH_PORT'));
  await form.getByTestId('tunnel-create').click();

  const tunnel = page.getByTestId('tunnel-row').filter({ hasText: 'sshd on the login node' });
  await expect(tunnel.getByTestId('tunnel-state')).toHaveAttribute('data-state', 'listening');
  const route = (await tunnel.getByTestId('tunnel-route').textContent()) ?? '';
  const localPort = Number(/127\.0\.0\.1:(\d+)/.exec(route)?.[1]);
  expect(localPort).toBeGreaterThan(0);
  expect(await firstBytes(localPort)).toMatch(/^SSH-2\.0-OpenSSH/);

  await tunnel.getByTestId('tunnel-stop').click();
  await expect(tunnel.getByTestId('tunnel-state')).toHaveAttribute('data-state', 'stopped');
  await expect(firstBytes(localPort)).rejects.toThrow(/ECONNREFUSED/);
});

/** Connects to 127.0.0.1:port and returns what the far end says first (an SSH server speaks first). */
function firstBytes(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer in 10 s')));
    socket.once('data', (d) => {
      resolve(d.toString('latin1'));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}
