import { expect, test, type Page, type PlaywrightWorkerArgs } from '@playwright/test';
import path from 'node:path';
import { servedWorkspace } from '../support/served-workspace.js';

// The Monitor area without a SLURM cluster (the dashboard with GPU data is tested on the test bed): with no samples
// the page says when GPUs appear and how to point SimDeck at nvidia-smi; the alert history is empty; the rules editor
// shows the default rules, puts the core's message for minutes = 0 next to that field, and a valid change (a new
// duration and threshold, a rule switched off, one scoped to a target) is still there after a reload.
const ws = servedWorkspace(test);
const { call } = ws;
const start = (playwright: PlaywrightWorkerArgs['playwright']) => ws.start(playwright);

async function openMonitor(page: Page) {
  await page.goto(ws.served.url);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('nav-monitor').click();
  await expect(page.getByTestId('view-monitor')).toBeVisible();
}

async function openRules(page: Page) {
  await page.getByTestId('monitor-tab-alerts').click();
  const editor = page.getByTestId('rules-editor');
  await expect(editor).toHaveAttribute('data-state', 'ready');
  return editor;
}

const ruleRow = (page: Page, id: string) => page.locator(`[data-testid="rule-row"][data-rule-id="${id}"]`);

test('with no samples the dashboard says GPUs appear once jobs run, and the alert history is empty', async ({ page, playwright }) => {
  await start(playwright);
  await openMonitor(page);
  await expect(page.getByTestId('monitor-tab-dashboard')).toHaveAttribute('aria-selected', 'true');
  const empty = page.getByTestId('monitor-empty');
  await expect(empty).toContainText('GPUs appear here once jobs run');
  await expect(empty).toContainText('nvidia-smi');
  await expect(empty).toContainText('nvidiaSmi');
  await expect(page.getByTestId('heat-strip')).toHaveCount(0);
  await expect(page.getByTestId('underuse-empty')).toBeVisible();

  // The threshold input checks what is typed; the last valid value stays in use.
  const threshold = page.getByTestId('monitor-threshold');
  await expect(threshold).toHaveValue('40');
  await threshold.fill('0');
  await expect(page.getByTestId('underuse-panel').getByTestId('field-error')).toContainText('Between 1 and 100');
  await threshold.fill('50');
  await expect(page.getByTestId('underuse-panel').getByTestId('field-error')).toHaveCount(0);
  await expect(page.getByTestId('underuse-panel')).toContainText('under 50 %');

  // Charts: nothing to pick yet.
  await page.getByTestId('monitor-tab-charts').click();
  await expect(page.getByTestId('chart-no-series')).toBeVisible();

  await page.getByTestId('monitor-tab-alerts').click();
  await expect(page.getByTestId('alerts-empty')).toBeVisible();
  await expect(page.getByTestId('alert-row')).toHaveCount(0);
  expect(await call<unknown[]>('monitor.alerts', {})).toEqual([]);
});

test('the rules editor loads the defaults, shows a bad value next to its field, and keeps a valid change after a reload', async ({ page, playwright }) => {
  await start(playwright);
  const target = await call<{ id: string }>('targets.create', {
    name: 'Workstation',
    kind: 'local-docker',
    settings: { socketPath: path.join(ws.workspace, 'no-such-docker.sock') },
  });
  await openMonitor(page);
  const editor = await openRules(page);

  // One enabled rule per kind, every target, with the contract's defaults.
  await expect(editor.getByTestId('rule-row')).toHaveCount(8);
  for (const id of ['job-failed', 'window-restarted', 'window-evicted', 'gpu-idle', 'gpu-underused', 'fleet-crashloop', 'cert-expiry', 'cluster-unreachable']) {
    await expect(ruleRow(page, id).getByTestId('rule-enabled')).toBeChecked();
    await expect(ruleRow(page, id).getByTestId('rule-target')).toHaveValue('');
  }
  const underused = ruleRow(page, 'gpu-underused');
  await expect(underused.getByTestId('rule-param-minutes')).toHaveValue('15');
  await expect(underused.getByTestId('rule-param-belowPercent')).toHaveValue('40');
  await expect(ruleRow(page, 'gpu-idle').getByTestId('rule-param-belowPercent')).toHaveValue('5');
  await expect(ruleRow(page, 'cert-expiry').getByTestId('rule-param-days')).toHaveValue('14');
  await expect(ruleRow(page, 'job-failed').locator('input[data-state="failed"]')).toBeChecked();
  await expect(ruleRow(page, 'job-failed').locator('input[data-state="preempted"]')).not.toBeChecked();
  await expect(editor.getByTestId('rules-save')).toBeDisabled();

  // minutes = 0: the core refuses it and its message shows next to that field; nothing is saved.
  await underused.getByTestId('rule-param-minutes').fill('0');
  await editor.getByTestId('rules-save').click();
  await expect(underused.getByTestId('field-error')).toContainText('above 0');
  await expect(underused.getByTestId('rule-param-minutes')).toHaveAttribute('aria-invalid', 'true');
  await expect(ruleRow(page, 'gpu-idle').getByTestId('field-error')).toHaveCount(0);
  const stored = await call<Array<{ id: string; params: Record<string, unknown> }>>('monitor.rules');
  expect(stored.find((r) => r.id === 'gpu-underused')!.params.minutes).toBe(15);

  // Not a number at all: caught before it goes to the core.
  await underused.getByTestId('rule-param-minutes').fill('soon');
  await editor.getByTestId('rules-save').click();
  await expect(underused.getByTestId('field-error')).toContainText('enter a number');

  // A valid change: 20 minutes under 30 %, GPU-idle off, cluster-unreachable scoped to the target.
  await underused.getByTestId('rule-param-minutes').fill('20');
  await underused.getByTestId('rule-param-belowPercent').fill('30');
  await ruleRow(page, 'gpu-idle').getByTestId('rule-enabled').uncheck();
  await ruleRow(page, 'cluster-unreachable').getByTestId('rule-target').selectOption(target.id);
  await editor.getByTestId('rules-save').click();
  await expect(editor.getByTestId('rules-status')).toHaveText('Saved.');
  await expect(editor.getByTestId('field-error')).toHaveCount(0);

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await expect(page.getByTestId('view-monitor')).toBeVisible();
  const again = await openRules(page);
  await expect(again.getByTestId('rule-row')).toHaveCount(8);
  await expect(ruleRow(page, 'gpu-underused').getByTestId('rule-param-minutes')).toHaveValue('20');
  await expect(ruleRow(page, 'gpu-underused').getByTestId('rule-param-belowPercent')).toHaveValue('30');
  await expect(ruleRow(page, 'gpu-idle').getByTestId('rule-enabled')).not.toBeChecked();
  await expect(ruleRow(page, 'cluster-unreachable').getByTestId('rule-target')).toHaveValue(target.id);
  await expect(ruleRow(page, 'job-failed').getByTestId('rule-enabled')).toBeChecked();
  await expect(page.getByTestId('alert-row')).toHaveCount(0);
});
