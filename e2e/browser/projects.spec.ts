import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import { serve, tempWorkspace, type Served } from '../support/serve.js';

// A researcher's first minutes: open the printed address, create a project, restart SimDeck, find it again.
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

test('a project created in the UI is still there after the core restarts', async ({ page }) => {
  served = await serve(workspace);
  await page.goto(served.url);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  expect(page.url()).not.toContain('token='); // the token leaves the address bar at once

  await page.getByTestId('nav-projects').click();
  await page.getByTestId('new-project-name').fill('Barnase folding');
  await page.getByTestId('create-project').click();
  await expect(page.getByTestId('project-row').filter({ hasText: 'Barnase folding' })).toBeVisible();

  await served.stop();
  served = await serve(workspace);
  await page.goto(served.url);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('nav-projects').click();
  await expect(page.getByTestId('project-row').filter({ hasText: 'Barnase folding' })).toBeVisible();
});

test('requests without the token get 401', async ({ playwright }) => {
  served = await serve(workspace);
  const anon = await playwright.request.newContext();
  expect((await anon.get(served.origin + '/')).status()).toBe(401);
  const call = await anon.post(served.origin + '/api/projects.list', { data: {} });
  expect(call.status()).toBe(401);
  expect((await call.json()).error.code).toBe('UNAUTHORIZED');
  const withToken = await anon.post(served.origin + '/api/projects.list', {
    data: {},
    headers: { authorization: `Bearer ${served.token}` },
  });
  expect(withToken.status()).toBe(200);
  await anon.dispose();
});

test('the UI shows the core error message when input is wrong', async ({ page }) => {
  served = await serve(workspace);
  await page.goto(served.url);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('nav-projects').click();
  await page.getByTestId('new-project-name').fill('Dup');
  await page.getByTestId('create-project').click();
  await expect(page.getByTestId('project-row').filter({ hasText: 'Dup' })).toBeVisible();
  await page.getByTestId('new-project-name').fill('dup');
  await page.getByTestId('create-project').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'already exists' })).toBeVisible();
});
