import { expect, test, type Page, type PlaywrightWorkerArgs } from '@playwright/test';
import crypto from 'node:crypto';
import { servedWorkspace } from '../support/served-workspace.js';

// The cluster tools on the Targets page that work without reaching a cluster: the "Add tunnel" form shows the
// contract's validation messages next to the fields they concern, and trusted host keys can be listed and forgotten.
const ws = servedWorkspace(test);
const { call } = ws;
const start = (playwright: PlaywrightWorkerArgs['playwright']) => ws.start(playwright);

async function openTargets(page: Page) {
  await page.goto(ws.served.url);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('nav-targets').click();
}

/** An OpenSSH ed25519 public key blob and its SHA256 fingerprint, as a server would present them. */
function ed25519HostKey() {
  const { publicKey } = crypto.generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const blob = Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]);
  return { keyBase64: blob.toString('base64'), fingerprint: `SHA256:${crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}` };
}

test('the tunnel form shows what is wrong next to each field', async ({ page, playwright }) => {
  await start(playwright);
  await call('targets.create', { name: 'Bridges', kind: 'slurm', settings: { host: 'login.example.edu' } });
  await openTargets(page);

  const form = page.getByTestId('tunnel-form');
  await expect(page.getByTestId('tunnels-empty')).toBeVisible();
  await expect(form.getByTestId('tunnel-cluster')).toHaveValue(/.+/); // the only cluster is preselected
  await expect(form.getByTestId('tunnel-remote-host')).toHaveValue('localhost');
  await expect(form.getByTestId('tunnel-local-port')).toHaveValue('0');
  await expect(form.getByTestId('tunnel-autostart')).toBeChecked();

  // Remote port 0 and a host name with a space: the core's contract refuses both, each message under its field.
  await form.getByTestId('tunnel-name').fill('Jupyter');
  await form.getByTestId('tunnel-remote-host').fill('gpu node!');
  await form.getByTestId('tunnel-remote-port').fill('0');
  await form.getByTestId('tunnel-create').click();
  const remotePort = form.getByTestId('tunnel-remote-port');
  const remoteHost = form.getByTestId('tunnel-remote-host');
  await expect(remotePort).toHaveAttribute('aria-invalid', 'true');
  await expect(remotePort).toHaveAccessibleDescription(/remote port is 1–65535/);
  await expect(remoteHost).toHaveAttribute('aria-invalid', 'true');
  await expect(remoteHost).toHaveAccessibleDescription(/host name or address/);
  await expect(form.getByTestId('tunnel-name')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('tunnel-row')).toHaveCount(0);

  // A missing name and a local port that is not a number.
  await form.getByTestId('tunnel-name').fill('');
  await form.getByTestId('tunnel-remote-host').fill('localhost');
  await form.getByTestId('tunnel-remote-port').fill('8888');
  await form.getByTestId('tunnel-local-port').fill('eighty');
  await form.getByTestId('tunnel-create').click();
  await expect(form.getByTestId('tunnel-local-port')).toHaveAccessibleDescription(/port number/);
  await form.getByTestId('tunnel-local-port').fill('0');
  await form.getByTestId('tunnel-create').click();
  await expect(form.getByTestId('tunnel-name')).toHaveAccessibleDescription(/a tunnel needs a name/);
  await expect(remotePort).not.toHaveAttribute('aria-invalid', 'true');
  await expect(remoteHost).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('tunnel-row')).toHaveCount(0);
});

test('without a SLURM cluster the tunnel form says to add one first', async ({ page, playwright }) => {
  await start(playwright);
  await openTargets(page);
  const form = page.getByTestId('tunnel-form');
  await expect(form.getByTestId('tunnel-cluster')).toBeDisabled();
  await expect(form.getByTestId('tunnel-create')).toBeDisabled();
  await expect(form).toContainText('Add a SLURM cluster first.');
});

test('trusted host keys: empty at first, listed once trusted, forgotten after confirming', async ({ page, playwright }) => {
  await start(playwright);
  await openTargets(page);
  await expect(page.getByTestId('host-keys-empty')).toBeVisible();
  await expect(page.getByTestId('host-key-row')).toHaveCount(0);

  const key = ed25519HostKey();
  await call('ssh.trustHostKey', { host: 'login.example.edu', port: 2222, keyType: 'ssh-ed25519', ...key });
  await page.getByRole('button', { name: 'Reload trusted host keys' }).click();
  const row = page.getByTestId('host-key-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('login.example.edu:2222');
  await expect(row.getByTestId('host-key-fingerprint')).toHaveText(key.fingerprint);

  await row.getByTestId('host-key-forget').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toContainText('SimDeck will ask again next time it connects');
  await expect(dialog.getByTestId('confirm-submit')).toBeDisabled();
  await dialog.getByTestId('confirm-input').fill('login.example.edu');
  await dialog.getByTestId('confirm-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('host-keys-empty')).toBeVisible();
  expect(await call<unknown[]>('ssh.hostKeys')).toEqual([]);
});
