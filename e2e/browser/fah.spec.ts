import { expect, test, type APIRequestContext, type Page, type PlaywrightWorkerArgs } from '@playwright/test';
import fs from 'node:fs';
import { request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { startFahSim, type FahSim } from '../fah-sim/server.js';
import { apiContext, callOk } from '../support/api.js';
import { serve, tempWorkspace, type Served } from '../support/serve.js';

// The Folding@home area against the WS + AS simulator (mutual TLS, its own test CA, a clock that moves only when
// the test says): from the work server's target to the work chart. The target is added through the Targets form,
// the certificate imported through its dialog, the project created through its form (a deadline under 300 s shows
// the contract's message under the field first), 20 jobs with two files (one picked per clone) created through
// "Create jobs", followed to FINISHED with "Refresh status", a result downloaded from the job drawer, and the
// forward/reverse work and progress charts drawn. A second test takes the refusal of an expired certificate and
// the "Generate key and CSR" → "Import the signed certificate" path.
const EMAIL = 'researcher@example.org';
const P = 90001;
let sim: FahSim;
let workspace: string;
let home: string;
let files: string;
let served: Served | undefined;
let apiCtx: APIRequestContext | undefined;

test.beforeEach(async () => {
  sim = await startFahSim({ clock: { speed: 0 }, schedule: { assignMs: 1000, runMs: 5000, processMs: 500 } });
  workspace = tempWorkspace();
  // Downloads go to ~/Downloads/SimDeck/fah: a HOME of the test's own keeps them out of the real one.
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-fah-home-'));
  files = fs.mkdtempSync(path.join(os.tmpdir(), 'simdeck-fah-files-'));
  fs.writeFileSync(path.join(files, 'core.xml'), '<?xml version="1.0" ?><config><numSteps>1000000</numSteps></config>');
  for (let c = 0; c < 20; c++) fs.writeFileSync(path.join(files, `state-${c}.xml.bz2`), `state of clone ${c}`);
});

test.afterEach(async () => {
  await apiCtx?.dispose();
  apiCtx = undefined;
  await served?.stop();
  served = undefined;
  await sim.stop();
  for (const dir of [workspace, home, files]) fs.rmSync(dir, { recursive: true, force: true });
});

async function start(playwright: PlaywrightWorkerArgs['playwright']) {
  served = await serve(workspace, [], { HOME: home });
  apiCtx = await apiContext(playwright, served);
}

async function open(page: Page, nav: string) {
  await page.goto(served!.url);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId(nav).click();
}

/** Fills and sends the import dialog; the key only when given. */
async function importCert(page: Page, certPem: string, keyPem?: string) {
  const dialog = page.getByTestId('fah-import-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('fah-import-cert').fill(certPem);
  if (keyPem !== undefined) await dialog.getByTestId('fah-import-key').fill(keyPem);
  await dialog.getByTestId('fah-import-submit').click();
  return dialog;
}

test('from the work server profile to the results chart', async ({ page, playwright }) => {
  test.setTimeout(120_000);
  await start(playwright);

  // The target, through the Targets form: the AS field starts at the public default and is replaced here.
  await open(page, 'nav-targets');
  await page.getByTestId('new-target-name').fill('ws1');
  await page.getByTestId('new-target-kind').selectOption('fah');
  await expect(page.getByTestId('new-target-asUrl')).toHaveValue('https://assign1.foldingathome.org');
  await page.getByTestId('new-target-wsUrl').fill(sim.wsUrl);
  await page.getByTestId('new-target-asUrl').fill(sim.asUrl);
  await page.getByTestId('new-target-email').fill(EMAIL);
  await page.getByTestId('new-target-caPem').fill(sim.caPem);
  await page.getByTestId('create-target').click();
  const row = page.locator('[data-testid="target-row"][data-target-name="ws1"]');
  await expect(row).toHaveAttribute('data-kind', 'fah');
  await expect(row).toContainText('custom CA');

  // No certificate yet: the banner says so, the projects wait for one.
  await page.getByTestId('nav-fah').click();
  await expect(page.getByTestId('fah-cert-banner')).toHaveAttribute('data-status', 'none');
  await expect(page.getByTestId('fah-cert')).toHaveAttribute('data-status', 'none');
  await expect(page.getByTestId('fah-projects')).toHaveCount(0);

  // A certificate the simulator's CA issued, chain and key pasted.
  const me = await sim.issueClientCert({ email: EMAIL });
  await page.getByTestId('fah-cert-import').click();
  await expect(await importCert(page, me.chainPem, me.keyPem)).toHaveCount(0);
  const cert = page.getByTestId('fah-cert');
  await expect(cert).toHaveAttribute('data-status', 'ok');
  await expect(cert.getByTestId('state-badge')).toHaveAttribute('data-state', 'ok');
  await expect(cert.getByTestId('fah-cert-subject')).toHaveText(EMAIL);
  await expect(cert.getByTestId('fah-cert-days-left')).toHaveText(/^\d+ days left$/);
  expect(Number(await cert.getByTestId('fah-cert-days-left').getAttribute('data-days'))).toBeGreaterThanOrEqual(29);
  await expect(page.getByTestId('fah-cert-banner')).toHaveCount(0);

  // Project 90001 through the form: a deadline of 120 comes back under its field with the ≥ 300 rule.
  await expect(page.getByTestId('fah-projects-empty')).toBeVisible();
  await page.getByTestId('fah-project-new').click();
  const form = page.getByTestId('fah-project-form');
  await form.getByTestId('fp-project').fill(String(P));
  await expect(form.getByTestId('fp-contact')).toHaveValue(EMAIL);
  await form.getByTestId('fp-core-id').fill('0x26');
  await form.getByTestId('fp-atoms').fill('25000');
  await form.getByTestId('fp-credit').fill('5000');
  await form.getByTestId('fp-deadline').fill('120');
  await form.getByTestId('fp-save').click();
  const deadline = form.getByTestId('fp-deadline');
  await expect(deadline).toHaveAttribute('aria-invalid', 'true');
  await expect(deadline).toHaveAccessibleDescription(/deadline is in seconds and at least 300/);
  expect(sim.state.project(P)).toBeUndefined();
  await deadline.fill('172800');
  await form.getByTestId('fp-save').click();
  await expect(form).toHaveCount(0);

  // Saving a new project opens its page.
  const projectPage = page.getByTestId('fah-project-page');
  await expect(projectPage).toHaveAttribute('data-project', String(P));
  expect(sim.state.project(P)?.data).toMatchObject({ core_id: '0x26', deadline: 172800, atoms: 25000 });
  await expect(projectPage.getByTestId('fah-histogram')).toBeVisible();

  // 20 jobs in a new RUN with two files, the second picked per clone.
  await page.getByTestId('fah-create-open').click();
  const create = page.getByTestId('fah-create-dialog');
  await expect(create.getByTestId('fj-clone-hint')).toContainText('{clone}');
  await create.getByTestId('fj-clones').fill('20');
  await create.getByTestId('fj-file-path').first().fill(path.join(files, 'core.xml'));
  await create.getByTestId('fj-file-add').click();
  await create.getByTestId('fj-file-name').nth(1).fill('state.xml.bz2');
  await create.getByTestId('fj-file-path').nth(1).fill(path.join(files, 'state-{clone}.xml.bz2'));
  await create.getByTestId('fj-submit').click();
  await expect(create).toHaveCount(0);
  const table = page.getByTestId('fah-jobs-table');
  await expect(table).toHaveAttribute('data-count', '20');
  await expect(page.locator('[data-testid="fah-job-row"][data-state="READY"]')).toHaveCount(20);
  await expect(page.locator('[data-testid="fah-count"][data-state="READY"]')).toHaveAttribute('data-count', '20');
  expect(sim.state.projectFile(P, 'RUN0/CLONE13/state.xml.bz2')?.toString()).toBe('state of clone 13');

  // Creating the jobs recorded the progress chart's first sample (all READY); a minute later on the server's clock
  // every job has come back, and "Refresh status" asks for what changed since.
  sim.clock.advance(60_000);
  await page.getByTestId('fah-poll').click();
  await expect(page.getByTestId('fah-poll-result')).toHaveText('20 jobs changed.');
  await page.getByTestId('fah-jobs-filter').selectOption('FINISHED');
  await expect(table).toHaveAttribute('data-count', '20');
  await expect(page.locator('[data-testid="fah-job-row"][data-state="FINISHED"]')).toHaveCount(20);
  await expect(page.locator('[data-testid="fah-count"][data-state="FINISHED"]')).toHaveAttribute('data-count', '20');

  // A job's drawer lists its results; globals.csv downloads under ~/Downloads/SimDeck/fah.
  await page.locator('[data-testid="fah-job-row"][data-run="0"][data-clone="3"]').click();
  const drawer = page.getByTestId('fah-job-drawer');
  await expect(drawer).toHaveAttribute('data-clone', '3');
  const globals = drawer.locator('[data-testid="fah-result-row"][data-path="globals.csv"]');
  await expect(globals).toBeVisible();
  await expect(drawer.getByTestId('fah-job-ws')).toContainText('FINISHED');
  await globals.getByTestId('fah-result-download').click();
  const saved = path.join(home, 'Downloads', 'SimDeck', 'fah', `P${P}`, 'RUN0', 'CLONE3', 'results0', 'globals.csv');
  await expect(globals.getByTestId('fah-download-done')).toContainText(saved);
  expect(fs.readFileSync(saved, 'utf8')).toMatch(/protocol_work/);
  await drawer.getByTestId('fah-job-close').click();
  await expect(drawer).toHaveCount(0);

  // The charts: forward and reverse work of RUN 0 from the 20 finished clones, and the jobs by state over time.
  await page.getByTestId('fah-charts-open').click();
  const work = page.getByTestId('fah-chart-work');
  await expect(work).toHaveAttribute('data-points', '20');
  await expect(page.getByTestId('fah-work-run')).toHaveValue('0');
  await expect(work.locator('.recharts-bar-rectangle').first()).toBeVisible();
  expect(await work.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(2);
  await expect(work.locator('.recharts-legend-item')).toHaveCount(2);
  const progress = page.getByTestId('fah-chart-progress');
  await expect(progress).toHaveAttribute('data-points', '2');
  await expect(progress.locator('.recharts-legend-item')).toHaveCount(2); // READY, then FINISHED
  await expect(progress.locator('.recharts-line-curve').first()).toBeVisible();
});

test('an expired certificate is refused with what to do; a key and CSR made by SimDeck take the signed certificate', async ({ page, playwright }) => {
  test.setTimeout(120_000);
  await start(playwright);
  await callOk(apiCtx!, 'targets.create', { name: 'ws1', kind: 'fah', settings: { wsUrl: sim.wsUrl, asUrl: sim.asUrl, email: EMAIL, caPem: sim.caPem } });
  await open(page, 'nav-fah');
  await expect(page.getByTestId('fah-cert')).toHaveAttribute('data-status', 'none');

  // Issued 40 days ago for 30 days: the core refuses it and points to a new CSR.
  const old = await sim.issueClientCert({ email: EMAIL, notBefore: new Date(Date.now() - 40 * 86_400_000), days: 30 });
  await page.getByTestId('fah-cert-import').click();
  const dialog = await importCert(page, old.chainPem, old.keyPem);
  await expect(dialog.getByTestId('form-error')).toContainText('expired');
  await expect(dialog.getByTestId('form-error')).toContainText('CSR');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('fah-cert')).toHaveAttribute('data-status', 'none');

  // A key and CSR made by SimDeck (CN = the target's email), signed as the AS web page would.
  await page.getByTestId('fah-cert-csr').click();
  const csr = page.getByTestId('fah-csr-dialog');
  await expect(csr.getByTestId('fah-csr-email')).toHaveValue(EMAIL);
  await csr.getByTestId('fah-csr-generate').click();
  const pem = csr.getByTestId('fah-csr-pem');
  await expect(pem).toContainText('-----BEGIN CERTIFICATE REQUEST-----', { timeout: 30_000 });
  await expect(csr.getByTestId('fah-csr-steps')).toContainText('Submit CSR');
  await expect(csr.getByTestId('fah-csr-save')).toHaveAttribute('download', `fah-csr-${EMAIL}.pem`);
  const signed = await signCsr(sim, (await pem.textContent())!, await sim.issueClientCert({ email: EMAIL }));
  // The AS web page may take a while: SimDeck keeps the CSR, and the panel still offers the import after a reload.
  await open(page, 'nav-fah');
  await expect(page.getByTestId('fah-cert-pending')).toBeVisible();
  await page.getByTestId('fah-cert-pending-import').click();
  // SimDeck holds the key: the dialog asks only for the certificate.
  await expect(page.getByTestId('fah-import-dialog').locator('form')).toHaveAttribute('data-mode', 'signed');
  await expect(page.getByTestId('fah-import-key')).toHaveCount(0);
  await expect(await importCert(page, signed)).toHaveCount(0);
  await expect(page.getByTestId('fah-cert')).toHaveAttribute('data-status', 'ok');
  await expect(page.getByTestId('fah-cert-subject')).toHaveText(EMAIL);
  await expect(page.getByTestId('fah-cert-pending')).toHaveCount(0);
  await expect(page.getByTestId('fah-projects-empty')).toBeVisible();
});

/** What the AS web page does with a pasted CSR: here through the simulator's /api/auth/csr with a bootstrap certificate. */
function signCsr(s: FahSim, csrPem: string, creds: { certPem: string; keyPem: string }): Promise<string> {
  const url = new URL('/api/auth/csr', s.asUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', ca: s.caPem, cert: creds.certPem, key: creds.keyPem, headers: { 'Content-Type': 'application/json' }, agent: false },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${res.statusCode} ${text}`))));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ csr: csrPem }));
  });
}
