import { expect, test, type Page, type PlaywrightWorkerArgs } from '@playwright/test';
import path from 'node:path';
import { servedWorkspace } from '../support/served-workspace.js';

// The Fleets area without a Docker engine: the preview is pure, so a local-docker target whose socket does not exist
// is enough. The wizard walks its steps, shows the core's validation message next to the fleet name, splits the
// worker command into argv and previews the network, volumes and containers with their `docker` commands; the
// compose import lists a key SimDeck does not support and keeps Deploy disabled until the researcher accepts that.
// Nothing is deployed here.
const ws = servedWorkspace(test);
const { call } = ws;
const start = (playwright: PlaywrightWorkerArgs['playwright']) => ws.start(playwright);

/** A project and a local-docker target pointing at a socket that does not exist (previews never connect). */
async function projectAndDockerTarget() {
  await call('projects.create', { name: 'Hessians' });
  await call('targets.create', { name: 'Workstation', kind: 'local-docker', settings: { socketPath: path.join(ws.workspace, 'no-such-docker.sock') } });
}

async function openFleets(page: Page) {
  await page.goto(ws.served.url);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('nav-fleets').click();
  await expect(page.getByTestId('view-fleets')).toBeVisible();
}

test('without a target the empty Fleets page says what a fleet is and what it needs', async ({ page, playwright }) => {
  await start(playwright);
  await openFleets(page);
  const empty = page.getByTestId('fleets-empty');
  await expect(empty).toContainText('Celery workers');
  await expect(empty).toContainText('Local Docker, Docker Swarm or SLURM target');
});

test('the wizard previews a local Docker fleet with its docker commands; a bad name is shown next to its field', async ({ page, playwright }) => {
  await start(playwright);
  await projectAndDockerTarget();
  await openFleets(page);
  await expect(page.getByTestId('fleets-empty')).toBeVisible();
  await page.getByTestId('fleet-new').click();

  const wizard = page.getByTestId('fleet-wizard');
  await expect(wizard).toBeVisible();
  await expect(wizard.getByTestId('fw-target-kind')).toHaveAttribute('data-kind', 'local-docker');

  // An uppercase name: the contract refuses it, and the wizard comes back to step 1 with the message under the field.
  await wizard.getByTestId('fw-name').fill('BigChem');
  await wizard.getByTestId('fw-next').click();
  await expect(wizard.getByTestId('fw-broker-image')).toHaveValue('rabbitmq:3.11-management-alpine');
  await wizard.getByTestId('fw-next').click();
  await wizard.getByTestId('fw-next').click();
  await wizard.getByTestId('fw-preview').click();
  const name = wizard.getByTestId('fw-name');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription(/lowercase letters, digits/);
  await expect(wizard.getByTestId('fw-plan')).toHaveCount(0);

  // Fixed: on to the workers, where the command line is split into argv as a shell would.
  await name.fill('bigchem');
  await wizard.getByTestId('fw-next').click();
  await wizard.getByTestId('fw-next').click();
  await wizard.getByTestId('fw-command').fill('celery -A bigchem.tasks worker -Q "gpu queue"');
  const argv = wizard.getByTestId('fw-argv-item');
  await expect(argv).toHaveCount(6);
  await expect(argv.first()).toHaveText('celery');
  await expect(argv.last()).toHaveText('gpu queue');
  await wizard.getByTestId('fw-env-add').click();
  await wizard.getByTestId('fw-env-key').fill('BIGCHEM_WORKER_CONCURRENCY');
  await wizard.getByTestId('fw-env-value').fill('2');
  await wizard.getByTestId('fw-replicas').fill('3');
  await wizard.getByTestId('fw-next').click();
  await expect(wizard.getByTestId('fw-monitor-kind')).toHaveValue('none');
  await wizard.getByTestId('fw-preview').click();

  // The preview: the network and volumes first, then broker, backend and three workers, each with its docker command.
  const plan = wizard.getByTestId('fw-plan');
  await expect(plan).toBeVisible();
  await expect(name).toHaveCount(0);
  const resources = plan.getByTestId('fw-resource');
  const networks = plan.locator('[data-testid="fw-resource"][data-kind="network"]');
  const volumes = plan.locator('[data-testid="fw-resource"][data-kind="volume"]');
  const containers = plan.locator('[data-testid="fw-resource"][data-kind="container"]');
  await expect(networks).toHaveCount(1);
  expect(await volumes.count()).toBeGreaterThanOrEqual(1);
  await expect(containers).toHaveCount(5);
  await expect(resources).toHaveCount(1 + (await volumes.count()) + 5);
  await expect(networks.getByTestId('fw-resource-command')).toContainText('docker network create');
  await expect(volumes.first().getByTestId('fw-resource-command')).toContainText('docker volume create');
  for (const command of await containers.getByTestId('fw-resource-command').allTextContents()) expect(command).toMatch(/^docker run /);
  const workers = containers.filter({ hasText: 'bigchem.tasks' });
  await expect(workers).toHaveCount(3);
  await expect(workers.first().getByTestId('fw-resource-command')).toContainText('BIGCHEM_WORKER_CONCURRENCY=2');
  await expect(workers.first().getByTestId('fw-resource-command')).toContainText('gpu queue');
  await expect(workers.first().getByTestId('fw-resource-copy')).toBeVisible();

  // The Engine API body opens on demand.
  const body = workers.first().getByTestId('fw-resource-body');
  await expect(body).toBeHidden();
  await workers.first().locator('summary').click();
  await expect(body).toBeVisible();
  await expect(body).toContainText('"Image": "mtzgroup/bigchem-worker:latest"');
  await expect(wizard.getByTestId('fw-deploy')).toBeEnabled();
});

test('the compose import lists the unsupported keys and keeps Deploy disabled until they are accepted', async ({ page, playwright }) => {
  await start(playwright);
  await projectAndDockerTarget();
  await openFleets(page);
  await page.getByTestId('fleet-new').click();
  const wizard = page.getByTestId('fleet-wizard');
  await wizard.getByTestId('fw-tab-compose').click();

  const compose = wizard.getByTestId('fleet-compose');
  await expect(compose).toBeVisible();
  await expect(compose.getByTestId('fc-deploy')).toBeDisabled();
  await compose.getByTestId('fc-name').fill('bigchem');
  await compose.getByTestId('fc-text').fill(`services:
  broker:
    image: rabbitmq:3.11-management-alpine
  backend:
    image: redis:7-alpine
  worker:
    build: .
    image: local/bigchem-worker
    deploy:
      replicas: 2
`);
  await compose.getByTestId('fc-import').click();

  const unsupported = compose.getByTestId('fc-unsupported');
  await expect(unsupported).toBeVisible();
  const row = compose.locator('[data-testid="fc-unsupported-row"][data-path="services.worker.build"]');
  await expect(row).toContainText('building images is not supported');
  await expect(compose.getByTestId('fc-service-row')).toHaveCount(3);
  await expect(compose.locator('[data-testid="fc-service-row"][data-service="worker"]')).toContainText('local/bigchem-worker');

  const deploy = compose.getByTestId('fc-deploy');
  await expect(deploy).toBeDisabled();
  await compose.getByTestId('fc-accept').check();
  await expect(deploy).toBeEnabled();
  // Editing the file asks for a fresh read, and the acceptance with it.
  await compose.getByTestId('fc-text').press('End');
  await compose.getByTestId('fc-text').pressSequentially('\n');
  await expect(unsupported).toHaveCount(0);
  await expect(deploy).toBeDisabled();
});
