import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import { serve, tempWorkspace, type Served } from '../support/serve.js';

// Settings in the browser shell (no self-update, diagnostics for a bug report) and the error banner after a real
// core crash: the core is a child process of `simdeck serve`, and SIGKILL is what an OOM killer would do to it.
let workspace: string;
let served: Served | undefined;

test.beforeEach(() => {
  workspace = tempWorkspace();
});
test.afterEach(async () => {
  await served?.stop();
  served = undefined;
  fs.rmSync(workspace, { recursive: true, force: true });
});

async function open(page: Page): Promise<Served> {
  const s = await serve(workspace);
  await page.goto(s.url);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  return s;
}

/** Clicks a "Copy diagnostics" button; returns the report, from the clipboard or from the selected fallback. */
async function copyDiagnostics(page: Page, testId: string): Promise<string> {
  await page.getByTestId(testId).click();
  const fallback = page.getByTestId(`${testId}-text`);
  const copied = page.getByText('Diagnostics copied', { exact: false });
  await expect(copied.or(fallback)).toBeVisible();
  if (await fallback.isVisible()) {
    // Clipboard refused: the report is on screen and selected for Ctrl+C.
    const selected = await page.evaluate(() => window.getSelection()?.toString() ?? '');
    expect(selected.length).toBeGreaterThan(0);
    test.info().annotations.push({ type: 'copy', description: 'selection fallback' });
    return selected;
  }
  test.info().annotations.push({ type: 'copy', description: 'clipboard' });
  await expect(page.getByTestId(testId)).toHaveText('Copied');
  return page.evaluate(() => navigator.clipboard.readText());
}

test('Settings in the browser shell: no update switch, diagnostics copied, the log file named', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  served = await open(page);

  await page.getByTestId('open-settings').click();
  const dialog = page.getByTestId('settings-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('updates-browser-note')).toContainText('does not update itself');
  await expect(dialog.getByTestId('updates-enabled')).toHaveCount(0);
  await expect(dialog.getByTestId('update-feed-url')).toHaveCount(0);
  await expect(dialog.getByTestId('settings-log-path')).toHaveText(`${workspace}/logs/core.log`);

  const text = await copyDiagnostics(page, 'copy-diagnostics');
  expect(text).toContain('SimDeck');
  expect(text).toMatch(/core pid: \d+/);

  await dialog.getByTestId('settings-close').click();
  await expect(dialog).toHaveCount(0);
});

test('where the clipboard is refused, the diagnostics are shown and selected for Ctrl+C', async ({ page }) => {
  // As in the desktop app, which denies every permission: writeText rejects.
  await page.addInitScript(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
  });
  served = await open(page);
  await page.getByTestId('open-settings').click();
  await page.getByTestId('copy-diagnostics').click();
  const shown = page.getByTestId('copy-diagnostics-text');
  await expect(shown).toBeVisible();
  await expect(shown).toContainText('core pid');
  const selected = await page.evaluate(() => window.getSelection()?.toString() ?? '');
  expect(selected).toContain('core pid');
  // execCommand('copy') may still succeed during the click; either way the researcher is told what happened.
  await expect(page.getByText(/Diagnostics copied|press Ctrl\+C/)).toBeVisible();
});

test('a core crash shows the error banner; dismissed, it stays away after a reload', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  served = await open(page);
  await page.getByTestId('open-settings').click();
  const pid = Number(/core pid: (\d+)/.exec(await copyDiagnostics(page, 'copy-diagnostics'))?.[1]);
  expect(pid).toBeGreaterThan(0);
  await page.getByTestId('settings-close').click();

  process.kill(pid, 'SIGKILL');
  const banner = page.getByTestId('error-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('SimDeck hit an unexpected error');
  await expect(banner).toContainText('stopped unexpectedly');
  await expect(banner).toContainText('The core was restarted; nothing you saved is lost.');

  // The restarted core answers again, and its diagnostics can be copied from the banner.
  await expect(async () => expect(await copyDiagnostics(page, 'error-banner-copy')).toMatch(/core pid: \d+/)).toPass();

  await page.getByTestId('error-banner-dismiss').click();
  await expect(banner).toHaveCount(0);
  const listed = page.waitForResponse((r) => r.url().endsWith('/api/app.errors'));
  await page.reload();
  const errors = (await (await listed).json()) as { ok: boolean; result: { message: string }[] };
  expect(errors.result.some((e) => e.message.includes('stopped unexpectedly'))).toBe(true); // the core still lists it…
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await expect(banner).toHaveCount(0); // …but this window dismissed it
});
