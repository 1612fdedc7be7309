import { expect, test, type APIRequestContext, type Page, type PlaywrightWorkerArgs } from '@playwright/test';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { apiContext, callOk } from '../support/api.js';
import { serve, tempWorkspace, type Served } from '../support/serve.js';

// A researcher gives a cluster its password. The value goes into the vault and must never come back: not in the
// DOM, not in any API response or pushed event, not in plain text in the workspace.
let workspace: string;
let served: Served | undefined;
let apiCtx: APIRequestContext | undefined;

test.beforeEach(() => {
  workspace = tempWorkspace();
});
test.afterEach(async () => {
  await apiCtx?.dispose();
  apiCtx = undefined;
  await served?.stop();
  served = undefined;
  fs.rmSync(workspace, { recursive: true, force: true });
});

const call = <T>(method: string, params: object = {}) => callOk<T>(apiCtx!, method, params);

async function start(playwright: PlaywrightWorkerArgs['playwright']) {
  served = await serve(workspace);
  apiCtx = await apiContext(playwright, served);
}

async function openCredentials(page: Page, targetName: string) {
  await page.goto(served!.url);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('nav-targets').click();
  await page.locator(`[data-testid="target-row"][data-target-name="${targetName}"]`).getByTestId('target-credentials').click();
  await expect(page.getByTestId('credentials-dialog')).toBeVisible();
}

async function refsOf(targetId: string): Promise<Record<string, string>> {
  const targets = await call<Array<{ id: string; secretRefs: Record<string, string> }>>('targets.list');
  return targets.find((t) => t.id === targetId)!.secretRefs;
}

const secretIds = async () => (await call<Array<{ id: string }>>('secrets.list')).map((s) => s.id);

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

test('a password is stored and removed without its value ever reaching the UI', async ({ page, playwright }) => {
  await start(playwright);
  const created = await call<{ id: string }>('targets.create', { name: 'Cluster', kind: 'slurm', settings: { host: 'login.example.edu' } });
  const planted = `planted-${crypto.randomBytes(8).toString('hex')}`;

  // Every body the page receives, over HTTP and the event socket.
  const responses: Promise<{ path: string; body: string }>[] = [];
  page.on('response', (res) => {
    const { pathname } = new URL(res.url());
    if (pathname.startsWith('/api/')) responses.push(res.text().then((body) => ({ path: pathname, body })));
  });
  const sent: string[] = [];
  page.on('request', (req) => void sent.push(req.postData() ?? ''));
  const frames: string[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));

  await openCredentials(page, 'Cluster');
  const dialog = page.getByTestId('credentials-dialog');
  await expect(dialog.getByTestId('credential-row')).toHaveCount(3); // password, key passphrase, private key
  await expect(page.getByTestId('credential-status-password')).toHaveAttribute('data-set', 'false');

  const input = page.getByTestId('credential-input-password');
  await expect(input).toBeFocused(); // the first empty field, ready to type into
  await expect(input).toHaveAttribute('type', 'password');
  await input.fill(planted);
  await page.getByTestId('credential-save-password').click();

  await expect(page.getByTestId('credential-status-password')).toHaveAttribute('data-set', 'true');
  await expect(page.getByTestId('credential-status-password')).toHaveText(/^set on \d{4}-\d\d-\d\d \d\d:\d\d$/);
  await expect(page.getByTestId('target-credentials-summary')).toHaveText('password');
  expect(await page.content()).not.toContain(planted);

  const secretId = (await refsOf(created.id)).password;
  expect(secretId).toBeTruthy();
  const secrets = await call<Array<{ id: string; label: string }>>('secrets.list');
  expect(secrets.find((s) => s.id === secretId)?.label).toBe('Cluster Password');

  // The value did travel (one way), and the listeners did see the store call's answer: the checks below are not vacuous.
  expect(sent.filter((b) => b.includes(planted))).toHaveLength(1);
  const seen = await Promise.all(responses);
  expect(seen.find((r) => r.path === '/api/secrets.store')?.body).toContain('Cluster Password');
  for (const r of seen) expect(r.body, r.path).not.toContain(planted);
  for (const frame of frames) expect(frame).not.toContain(planted);
  for (const file of filesUnder(workspace)) expect(fs.readFileSync(file).includes(planted), file).toBe(false);

  await page.getByTestId('credential-remove-password').click();
  await page.getByTestId('credential-remove-confirm-password').click();
  await expect(page.getByTestId('credential-status-password')).toHaveAttribute('data-set', 'false');
  await expect(page.getByTestId('credential-status-password')).toHaveText('not set');
  await expect(page.getByTestId('target-credentials-summary')).toHaveText('—');
  expect((await refsOf(created.id)).password).toBeUndefined();
  expect(await secretIds()).not.toContain(secretId);

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  for (const r of await Promise.all(responses)) expect(r.body, r.path).not.toContain(planted);
});

test('replacing a credential links the new secret and forgets the old one', async ({ page, playwright }) => {
  await start(playwright);
  const created = await call<{ id: string }>('targets.create', { name: 'GKE', kind: 'kubernetes', settings: {} });
  const old = await call<{ id: string }>('secrets.store', { label: 'GKE API token', value: 'old-token' });
  await call('targets.attachSecret', { id: created.id, role: 'token', secretId: old.id });

  await openCredentials(page, 'GKE');
  await expect(page.getByTestId('credential-row')).toHaveCount(1);
  await expect(page.getByTestId('credential-status-token')).toHaveText(/^set on /);
  await page.getByTestId('credential-replace-token').click();
  await expect(page.getByTestId('credential-input-token')).toBeFocused();
  await page.getByTestId('credential-input-token').fill('new-token');
  await page.keyboard.press('Enter');

  await expect(page.getByTestId('credential-replace-token')).toBeVisible();
  await expect.poll(async () => (await refsOf(created.id)).token).not.toBe(old.id);
  await expect.poll(secretIds).not.toContain(old.id);
  expect(await secretIds()).toContain((await refsOf(created.id)).token);
});

test('Docker targets explain that they need no credentials', async ({ page, playwright }) => {
  await start(playwright);
  await call('targets.create', { name: 'Workstation', kind: 'local-docker' });
  await openCredentials(page, 'Workstation');
  await expect(page.getByTestId('credentials-none')).toContainText('socket’s permissions');
  await expect(page.getByTestId('credential-row')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('credentials-dialog')).toBeHidden();
});
